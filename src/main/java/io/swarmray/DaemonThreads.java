package io.swarmray;

import java.util.concurrent.ThreadFactory;

/** The operator's own threads: daemons, so that none keeps the JVM up at shutdown, each named for thread dumps. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A daemon thread, not started. */
    public static Thread named(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** For an executor: each of its threads a daemon of this name. */
    public static ThreadFactory factory(String name) {
        return body -> named(name, body);
    }
}

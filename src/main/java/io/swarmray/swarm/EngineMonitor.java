package io.swarmray.swarm;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.swarmray.DaemonThreads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Asks the engine about itself every few seconds, so that health checks and the API can tell
 * whether the operator can work without calling Docker in a request path.
 */
@ApplicationScoped
public class EngineMonitor {
    private static final Logger LOG = Logger.getLogger(EngineMonitor.class);

    /** The last answer: info when Docker answered, else the error. */
    public record EngineState(SwarmInfo info, String error) {
        public String problem() {
            return error != null ? "Docker is unreachable: " + error : info.problem();
        }
    }

    @Inject
    SwarmClient swarm;

    /** A hung engine (every call timing out) must show as a problem long before the calls' own timeout. */
    static final long SLOW_AFTER_MILLIS = 10_000;

    private volatile EngineState state = new EngineState(null, "no answer yet");
    private volatile long askingSince;
    private volatile String lastProblem = "";
    private final Object asking = new Object();
    /** Whether a question to the engine has come back (answered or failed) since the start. */
    private volatile boolean asked;

    /** The first question off the start-up path: the operator listens at once, and is ready when Docker first answers. */
    void onStart(@Observes StartupEvent e) {
        DaemonThreads.named("swarmray-engine-first-check", this::answered).start();
    }

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        synchronized (asking) {
            EngineState next;
            askingSince = System.currentTimeMillis();
            try {
                next = new EngineState(swarm.info(), null);
            } catch (SwarmException ex) {
                next = new EngineState(null, ex.getMessage());
            } finally {
                askingSince = 0;
            }
            state = next;
            asked = true;
            report(next);
        }
    }

    /**
     * The state as {@link #state()} gives it, but never before the first question came back: that one is waited for (or
     * asked, when nothing asked yet). Which heads run on this engine follows from its node id, and a restarted
     * operator's first passes can come while the first question (/info, and /version at a start) is still out, where
     * the first listing asks less; decided on "node not known", a head's table went by exec instead of through the
     * bridge container (OperatorServiceIT, native binary, one CI run), and a head on another manager would be exec'd
     * into on an engine that does not have it. Not for health checks, which must not wait on Docker.
     */
    EngineState answered() {
        if (!asked) {
            synchronized (asking) {
                if (!asked) {
                    check();
                }
            }
        }
        return state();
    }

    /** The engine's swarm node id, from {@link #answered()}; null when it has not answered (Docker down, not in a swarm). */
    public String nodeId() {
        SwarmInfo info = answered().info();
        return info == null ? null : info.nodeId();
    }

    private synchronized void report(EngineState next) {
        String problem = next.problem() == null ? "" : next.problem();
        if (!problem.equals(lastProblem)) {
            if (problem.isEmpty()) {
                LOG.infof("Docker engine %s (API %s): swarm manager, node %s", next.info().serverVersion(),
                        next.info().apiVersion(), next.info().nodeId());
            } else {
                LOG.errorf("SwarmRay cannot work: %s", problem);
            }
            lastProblem = problem;
        }
    }

    public EngineState state() {
        long since = askingSince;
        long waited = since == 0 ? 0 : System.currentTimeMillis() - since;
        if (waited > SLOW_AFTER_MILLIS) {
            EngineState slow = new EngineState(null, "no answer for more than " + SLOW_AFTER_MILLIS / 1000 + " s (calls time out)");
            report(slow);
            return slow;
        }
        return state;
    }
}

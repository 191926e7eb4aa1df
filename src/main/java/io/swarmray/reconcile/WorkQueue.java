package io.swarmray.reconcile;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * controller-runtime's work queue, small: a key is queued at most once (events coalesce), handed to
 * one worker at a time (one reconcile in flight per cluster), and a key added while in flight runs
 * again right after. Failures back off exponentially per key; delayed adds go through a scheduler.
 */
public final class WorkQueue {
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Set<String> queued = new HashSet<>();
    private final Set<String> inFlight = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final ScheduledExecutorService timer;
    private final Duration baseBackoff;
    private final Duration maxBackoff;
    private boolean shutdown;

    public WorkQueue(ScheduledExecutorService timer, Duration baseBackoff, Duration maxBackoff) {
        this.timer = timer;
        this.baseBackoff = baseBackoff;
        this.maxBackoff = maxBackoff;
    }

    public synchronized void add(String key) {
        if (shutdown) {
            return;
        }
        if (inFlight.contains(key)) {
            dirty.add(key);
        } else if (queued.add(key)) {
            queue.addLast(key);
            notifyAll();
        }
    }

    public void addAfter(String key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
        } else {
            timer.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Re-queues after a failure with this key's next backoff; returns that delay. */
    public Duration addRateLimited(String key) {
        int n;
        synchronized (this) {
            n = failures.merge(key, 1, Integer::sum);
        }
        long millis = baseBackoff.toMillis() << Math.min(n - 1, 20);
        Duration delay = Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
        addAfter(key, delay);
        return delay;
    }

    /** Clears the key's failure count (after a reconcile that succeeded). */
    public synchronized void forget(String key) {
        failures.remove(key);
    }

    /** Blocks until a key is ready; null once shut down. The caller must call {@link #done} with it. */
    public synchronized String take() throws InterruptedException {
        while (queue.isEmpty() && !shutdown) {
            wait();
        }
        if (shutdown) {
            return null;
        }
        String key = queue.pollFirst();
        queued.remove(key);
        inFlight.add(key);
        return key;
    }

    public synchronized void done(String key) {
        inFlight.remove(key);
        if (dirty.remove(key)) {
            add(key);
        }
    }

    public synchronized int depth() {
        return queue.size();
    }

    public synchronized int inFlight() {
        return inFlight.size();
    }

    public synchronized void shutdown() {
        shutdown = true;
        notifyAll();
    }
}

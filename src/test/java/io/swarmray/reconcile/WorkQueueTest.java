package io.swarmray.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final WorkQueue q = new WorkQueue(timer, Duration.ofMillis(100), Duration.ofSeconds(1));

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void eventsForOneKeyCoalesce() throws Exception {
        q.add("a");
        q.add("a");
        q.add("b");
        q.add("a");
        assertEquals(2, q.depth());
        assertEquals("a", q.take());
        assertEquals("b", q.take());
    }

    @Test
    void aKeyInFlightIsNotHandedOutTwiceButRunsAgainAfter() throws Exception {
        q.add("a");
        assertEquals("a", q.take());
        q.add("a");
        assertEquals(0, q.depth(), "not queued while in flight");
        q.done("a");
        assertEquals(1, q.depth(), "re-queued once done");
        assertEquals("a", q.take());
    }

    @Test
    void failuresBackOffExponentiallyUpToTheCapAndForgetResets() {
        assertEquals(Duration.ofMillis(100), q.addRateLimited("a"));
        assertEquals(Duration.ofMillis(200), q.addRateLimited("a"));
        assertEquals(Duration.ofMillis(400), q.addRateLimited("a"));
        for (int i = 0; i < 10; i++) {
            q.addRateLimited("a");
        }
        assertEquals(Duration.ofSeconds(1), q.addRateLimited("a"));
        q.forget("a");
        assertEquals(Duration.ofMillis(100), q.addRateLimited("a"));
    }

    @Test
    void delayedAddsArrive() throws Exception {
        q.addAfter("a", Duration.ofMillis(50));
        assertEquals("a", q.take());
    }

    @Test
    void shutdownReleasesWorkers() throws Exception {
        q.shutdown();
        assertNull(q.take());
    }
}

package io.swarmray.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which node the engine is, known before a decision that depends on it: the first question is waited for, not guessed. */
class EngineMonitorTest {
    private static final SwarmInfo MANAGER = new SwarmInfo("20.10.24", "1.41", "active", true, "n1");

    /** An engine that answers {@code answer} (or fails with it) once {@code release} opens. */
    private static final class SlowEngine extends SwarmClient {
        final CountDownLatch asked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger questions = new AtomicInteger();
        final Object answer;

        SlowEngine(Object answer) {
            this.answer = answer;
        }

        @Override
        public SwarmInfo info() {
            questions.incrementAndGet();
            asked.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (answer instanceof SwarmException e) {
                throw e;
            }
            return (SwarmInfo) answer;
        }
    }

    private static EngineMonitor monitor(SwarmClient swarm) {
        EngineMonitor monitor = new EngineMonitor();
        monitor.swarm = swarm;
        return monitor;
    }

    @Test
    void aDecisionMadeWhileTheFirstQuestionIsOutWaitsForItsAnswer() throws Exception {
        SlowEngine engine = new SlowEngine(MANAGER);
        EngineMonitor monitor = monitor(engine);
        var first = CompletableFuture.runAsync(monitor::answered); // the start's first check
        assertTrue(engine.asked.await(10, TimeUnit.SECONDS));
        var decision = CompletableFuture.supplyAsync(() -> monitor.answered().info());
        assertNull(monitor.state().info(), "the health check does not wait: no answer yet");
        engine.release.countDown();
        assertEquals("n1", decision.get(10, TimeUnit.SECONDS).nodeId(), "the node as the engine said, not 'not known'");
        first.get(10, TimeUnit.SECONDS);
        assertEquals(1, engine.questions.get(), "one question at the start, shared");
    }

    @Test
    void aFirstQuestionThatFailedIsNotAskedAgainByEachDecision() {
        SlowEngine engine = new SlowEngine(new SwarmException("docker info: connection refused", null));
        engine.release.countDown();
        EngineMonitor monitor = monitor(engine);
        assertNull(monitor.answered().info());
        assertTrue(monitor.answered().error().contains("connection refused"));
        assertEquals(1, engine.questions.get(), "the periodic check asks again, every 5 s");
    }
}

package io.swarmray.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.swarmray.render.Labels;
import io.swarmray.spec.Specs;
import io.swarmray.status.RayNode;
import io.swarmray.swarm.ObservedTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A head task replaced without GCS fault tolerance, over whole passes: its workers get Ray's grace to leave and come
 * back by themselves; only groups still stale after it are restarted, all at once and once.
 */
class HeadReplacementPassTest extends ReconcilerHarness {
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    /** The sample cluster's network and services exist; the tests add the tasks. */
    @BeforeEach
    void created() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
    }

    @Test
    void workersOfAReplacedHeadGetRaysGraceThenEveryGroupRestartsAtOnceAndOnlyOnce() {
        Instant t0 = T0;
        Replaced r = headReplacedAfterTheWorkers();
        String gpu = r.gpuWorker().serviceId();
        String cpu = r.cpuWorker().serviceId();
        table = tableOf(r.head()); // no worker back
        // within Ray's self-check grace the workers may still leave by themselves: nothing is restarted, look again soon
        reconciler.clock = Clock.fixed(t0.plusSeconds(79), ZoneOffset.UTC);
        assertEquals(Duration.ofSeconds(1), reconciler.reconcile("llm"));
        assertEquals(List.of(), swarm.writes);
        // past it, both groups at once in one pass, each with the all-at-once rollout
        reconciler.clock = Clock.fixed(t0.plusSeconds(81), ZoneOffset.UTC);
        reconciler.reconcile("llm");
        assertEquals(List.of("update llm-worker-gpu force=1", "update llm-worker-cpu force=1"), swarm.writes);
        assertEquals("true", swarm.services.get("llm-worker-cpu").label(Labels.RESTARTED_ALL_AT_ONCE));
        // the next pass puts the rollout settings back without a restart (same force counter); the old tasks still
        // listed while they stop are not restarted again
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of("update llm-worker-gpu force=1", "update llm-worker-cpu force=1"), swarm.writes);
        assertNull(swarm.services.get("llm-worker-cpu").label(Labels.RESTARTED_ALL_AT_ONCE));
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes);
        // the restarted workers are newer than the head: nothing more to do
        swarm.tasks.set(0, task("w3", gpu, t0.plusSeconds(70)));
        swarm.tasks.set(1, task("w4", cpu, t0.plusSeconds(70)));
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes);
    }

    @Test
    void workersThatLeftByThemselvesAsRaysDoAreNotRestartedAgain() {
        Instant t0 = T0;
        String gpu = swarm.services.get("llm-worker-gpu").id();
        swarm.tasks.add(task("h2", swarm.services.get("llm-head").id(), t0.plusSeconds(60)));
        // the old worker exited when the new GCS did not know it (failed), and Swarm started its replacement
        swarm.tasks.add(new ObservedTask("w1", gpu, "llm", 1, "node", "failed", "shutdown", "started", "task: non-zero exit (1)",
                t0.plusSeconds(64).toString(), t0.toString(), "cw1", List.of(), List.of()));
        swarm.tasks.add(task("w2", gpu, t0.plusSeconds(64)));
        swarm.writes.clear();
        passesAt(t0, 61, 64, 69, 120);
        assertEquals(List.of(), swarm.writes);
    }

    @Test
    void workersStartedWithTheHeadAreLeftAlone() {
        Instant t0 = T0;
        swarm.tasks.add(task("h1", swarm.services.get("llm-head").id(), t0.plusMillis(300)));
        swarm.tasks.add(task("w1", swarm.services.get("llm-worker-gpu").id(), t0));
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes);
    }

    /** The head replaced a minute after both workers started, their tasks listed by the swarm. */
    private record Replaced(ObservedTask head, ObservedTask gpuWorker, ObservedTask cpuWorker) {
    }

    private Replaced headReplacedAfterTheWorkers() {
        var r = new Replaced(task("h2", swarm.services.get("llm-head").id(), T0.plusSeconds(60)),
                task("w1", swarm.services.get("llm-worker-gpu").id(), T0), task("w2", swarm.services.get("llm-worker-cpu").id(), T0));
        swarm.tasks.addAll(List.of(r.gpuWorker(), r.cpuWorker(), r.head()));
        swarm.writes.clear();
        return r;
    }

    /** The new head's table: the head and each of {@code workers} ALIVE at its task's address. */
    private static List<RayNode> tableOf(ObservedTask head, ObservedTask... workers) {
        List<RayNode> nodes = new ArrayList<>(List.of(new RayNode("head-" + head.id(), head.addresses().get(0), "ALIVE", true)));
        for (ObservedTask w : workers) {
            nodes.add(new RayNode("again-" + w.id(), w.addresses().get(0), "ALIVE", false));
        }
        return nodes;
    }

    /**
     * A table that did not answer (a read timed out on a busy node) is no evidence that a worker did not come back:
     * nothing is restarted, and the table is read again soon; once it answers, the workers back in it stay.
     */
    @Test
    void anUnreadTableRestartsNoWorker() {
        Replaced r = headReplacedAfterTheWorkers();
        table = null;
        reconciler.clock = Clock.fixed(T0.plusSeconds(90), ZoneOffset.UTC);
        assertEquals(HeadReplacement.UNREAD_TABLE_RETRY, reconciler.reconcile("llm"), "past the grace, the table is read again soon");
        assertEquals(List.of(), swarm.writes);
        table = tableOf(r.head(), r.gpuWorker(), r.cpuWorker());
        passesAt(T0, 92, 120);
        assertEquals(List.of(), swarm.writes);
    }

    /** A group once seen back whole in the new head's table is done with: a later read that misses a worker restarts nothing. */
    @Test
    void aGroupSeenBackWholeIsNotRestartedWhenALaterReadMissesAWorker() {
        Replaced r = headReplacedAfterTheWorkers();
        table = tableOf(r.head(), r.gpuWorker(), r.cpuWorker());
        passesAt(T0, 66);
        table = tableOf(r.head(), r.gpuWorker()); // the cpu worker's Ray stopped a moment (its entry DEAD, not yet back)
        passesAt(T0, 90, 120);
        assertEquals(List.of(), swarm.writes);
    }

    /**
     * Workers that started Ray again in their own container (as a kubelet restarts a pod's container) keep their old
     * tasks: the new head's table, not the task's age, says they joined. Only the group with a worker the table does
     * not list ALIVE is restarted once the grace is over.
     */
    @Test
    void workersBackInTheNewHeadsTableAreNotRestartedHoweverOldTheirTasks() {
        Replaced r = headReplacedAfterTheWorkers();
        table = tableOf(r.head(), r.gpuWorker());
        passesAt(T0, 61, 70, 90, 120);
        assertEquals(List.of("update llm-worker-cpu force=1", "update llm-worker-cpu force=1"), swarm.writes,
                "the cpu worker never joined: restarted once (then its rollout settings restored); the gpu worker was left alone");
        // once every worker is back in the table, nothing is written however many passes follow
        table = tableOf(r.head(), r.gpuWorker(), r.cpuWorker());
        swarm.writes.clear();
        reconciler.clock = Clock.fixed(T0.plusSeconds(200), ZoneOffset.UTC);
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes);
    }
}

package io.swarmray.reconcile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.swarm.ObservedTask;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadReplacementTest {
    static final Instant T0 = Instant.parse("2026-12-02T01:31:00Z");

    static ObservedTask task(String id, String service, int createdAt, String state, String message, int timestamp) {
        return new ObservedTask(id, service, "c", 1, "n", state, "running", message, null, T0.plusSeconds(timestamp).toString(),
                T0.plusSeconds(createdAt).toString(), "c" + id, List.of(), List.of());
    }

    static final ObservedTask WORKER = task("w", "workers", 0, "running", "started", 5);
    static final ObservedTask NEW_HEAD = task("h2", "head", 60, "running", "started", 62);

    @Test
    void aWorkerOfAHeadThatRanAndDiedRegistersAgain() {
        var old = task("h1", "head", 0, "failed", "started", 58);
        assertTrue(HeadReplacement.registeredWithEarlierHead(WORKER, NEW_HEAD, List.of(old, NEW_HEAD)));
    }

    @Test
    void aHeadWhoseFirstTaskNeverStartedHadNoWorkers() {
        // seen in CI: the head's first task failed with "starting container failed: Address already in use"
        var old = task("h1", "head", 0, "failed", "starting", 2);
        assertFalse(HeadReplacement.registeredWithEarlierHead(WORKER, NEW_HEAD, List.of(old, NEW_HEAD)));
        var rejected = task("h1", "head", 0, "rejected", "preparing", 1);
        assertFalse(HeadReplacement.registeredWithEarlierHead(WORKER, NEW_HEAD, List.of(rejected, NEW_HEAD)));
    }

    @Test
    void aWorkerBornAfterTheOldHeadDiedNeverKnewIt() {
        var old = task("h1", "head", -100, "failed", "started", -1);
        assertFalse(HeadReplacement.registeredWithEarlierHead(WORKER, NEW_HEAD, List.of(old, NEW_HEAD)));
    }

    @Test
    void anOldHeadStillShuttingDownCounts() {
        var old = task("h1", "head", -100, "running", "started", -90);
        assertTrue(HeadReplacement.registeredWithEarlierHead(WORKER, NEW_HEAD, List.of(old, NEW_HEAD)));
    }

    @Test
    void workersCreatedWithTheHeadAreNotStale() {
        var head = task("h1", "head", 1, "running", "started", 3);
        assertFalse(HeadReplacement.registeredWithEarlierHead(WORKER, head, List.of(head)));
    }

    @Test
    void withoutTaskHistoryAnOlderWorkerIsAssumedToKnowAnEarlierHead() {
        assertTrue(HeadReplacement.registeredWithEarlierHead(WORKER, NEW_HEAD, List.of(NEW_HEAD)));
    }
}

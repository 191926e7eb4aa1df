package io.swarmray.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swarmray.head.HeadProbe;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A restarted operator's first passes take their share of one listing of everything, unless something was heard since. */
class FirstListingTest extends ReconcilerHarness {

    /** The cluster runs where its spec wants it, and its table lists every task ALIVE. */
    @BeforeEach
    void running() {
        runningWithEveryNodeAlive(Instant.parse("2026-11-27T10:00:00Z"));
        statuses.map.clear(); // what a restarted operator knows: nothing observed yet
        swarm.writes.clear();
        swarm.readLog.clear();
    }

    /** The listings made: what a pass reads of a cluster's own (Swarm's nodes are read for its GPU group regardless). */
    private List<String> listings() {
        return swarm.readLog.stream().filter(r -> !r.equals("nodes")).toList();
    }

    @Test
    void theFirstPassReadsNothingOfItsOwnAndTheNextListsAgain() {
        String head = HeadProbe.runningHead("llm", swarm.services("llm"), swarm.tasks("llm")).id();
        swarm.readLog.clear();
        reconciler.listEverythingOnce();
        assertEquals(List.of("services", "networks", "tasks"), listings(), "of every cluster: one call each");
        assertEquals(List.of("llm/" + head), prefetched, "its running head's table asked ahead of the pass");
        reconciler.reconcile("llm");
        assertEquals(List.of("services", "networks", "tasks"), listings(), "the first pass took its share");
        assertEquals("ready", statuses.map.get("llm").state());
        assertEquals(List.of(), swarm.writes);
        reconciler.heard("llm");
        swarm.readLog.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of("services", "networks", "tasks"), listings(), "a later pass lists for itself");
    }

    @Test
    void somethingHeardAfterTheListingMakesTheFirstPassListForItself() {
        reconciler.listEverythingOnce();
        reconciler.heard("llm"); // e.g. a task died between the listing and the pass
        swarm.readLog.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of("services", "networks", "tasks"), listings());
        assertEquals(List.of(), swarm.writes);
    }
}

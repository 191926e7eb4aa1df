package io.swarmray.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swarmray.spec.Specs;
import io.swarmray.status.RayNode;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A restarted operator's first passes take their share of one listing of everything, unless something was heard since. */
class FirstListingTest extends ReconcilerHarness {

    /** The cluster runs where its spec wants it, and its table lists every task ALIVE. */
    @BeforeEach
    void running() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
        table = new ArrayList<>();
        for (ObservedService svc : List.copyOf(swarm.services.values())) {
            for (int i = 0; i < svc.replicas(); i++) {
                ObservedTask t = task(svc.name() + i, svc.id(), t0);
                swarm.tasks.add(t);
                table.add(new RayNode("node-" + t.id(), t.addresses().get(0), "ALIVE", svc.name().equals("llm-head")));
            }
        }
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
        reconciler.listEverythingOnce();
        assertEquals(List.of("services", "networks", "tasks"), listings(), "of every cluster: one call each");
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

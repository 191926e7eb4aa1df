package io.swarmray.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.spec.SpecIssue;
import io.swarmray.spec.SpecRegistry.ClusterSpec;
import io.swarmray.spec.Specs;
import io.swarmray.status.StatusCalculator.Observation;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCalculatorTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private final ClusterSpec spec = new ClusterSpec("llm", "specs/llm.yaml", Specs.sample(), List.of(), List.of());
    private final List<ObservedService> services = List.of(svc("h", "llm-head"), svc("g", "llm-worker-gpu"), svc("c", "llm-worker-cpu"));

    private static ObservedService svc(String id, String name) {
        return new ObservedService(id, name, 1, Map.of(), 1, null, null);
    }

    private static ObservedTask task(String service, String state, String err, Instant at) {
        return new ObservedTask(service + state + at, service, 1, "n1", state, "running", "", err, at.toString(), null);
    }

    @Test
    void readyWhenTheHeadAndEveryGroupRun() {
        List<ObservedTask> tasks = List.of(task("h", "running", null, NOW), task("g", "running", null, NOW), task("g", "running", null, NOW.minusSeconds(1)));
        ClusterStatus s = StatusCalculator.compute("llm", new Observation(spec, services, tasks, false, null), null, NOW);
        assertEquals("ready", s.state());
        assertEquals(2, s.desiredWorkerReplicas());
        assertEquals(2, s.readyWorkerReplicas());
        assertEquals(1, s.minWorkerReplicas());
        assertEquals("True", s.condition(Condition.HEAD_READY).status());
        assertEquals("True", s.condition(Condition.PROVISIONED).status());
        assertEquals("False", s.condition(Condition.REPLICA_FAILURE).status());
        assertEquals("4", s.desiredCPU(), "head: limit 2 (no request); gpu: request 1 x 2 replicas; cpu group: 0 replicas");
    }

    @Test
    void startingTasksAreAvailableButNotReadyAndFailuresCarrySwarmsText() {
        List<ObservedTask> tasks = new ArrayList<>(List.of(task("h", "running", null, NOW), task("g", "starting", null, NOW)));
        tasks.add(new ObservedTask("x", "g", 2, null, "rejected", "shutdown", "", "No such image: rayproject/ray:2.40.0-gpu", NOW.minusSeconds(10).toString(), null));
        ClusterStatus s = StatusCalculator.compute("llm", new Observation(spec, services, tasks, false, null), null, NOW);
        assertEquals("provisioning", s.state());
        assertEquals(1, s.availableWorkerReplicas());
        assertEquals(0, s.readyWorkerReplicas());
        Condition failure = s.condition(Condition.REPLICA_FAILURE);
        assertEquals("True", failure.status());
        assertEquals("group gpu: No such image: rayproject/ray:2.40.0-gpu", failure.message());
    }

    @Test
    void oldFailuresDoNotCount() {
        List<ObservedTask> tasks = List.of(task("h", "running", null, NOW),
                new ObservedTask("x", "g", 2, null, "failed", "shutdown", "", "exit 1", NOW.minusSeconds(600).toString(), null));
        ClusterStatus s = StatusCalculator.compute("llm", new Observation(spec, services, tasks, false, null), null, NOW);
        assertEquals("False", s.condition(Condition.REPLICA_FAILURE).status());
    }

    @Test
    void transitionTimesMoveOnlyWhenAConditionFlips() {
        var o = new Observation(spec, services, List.of(), false, null);
        ClusterStatus first = StatusCalculator.compute("llm", o, null, NOW);
        ClusterStatus second = StatusCalculator.compute("llm", o, first, NOW.plusSeconds(5));
        assertEquals(NOW.toString(), second.condition(Condition.HEAD_READY).lastTransitionTime());
        var ready = new Observation(spec, services, List.of(task("h", "running", null, NOW)), false, null);
        ClusterStatus third = StatusCalculator.compute("llm", ready, second, NOW.plusSeconds(9));
        assertEquals(NOW.plusSeconds(9).toString(), third.condition(Condition.HEAD_READY).lastTransitionTime());
    }

    @Test
    void specErrorsAreReportedAndANeverValidClusterIsFailed() {
        var bad = new ClusterSpec("llm", "specs/llm.yaml", null, List.of(new SpecIssue("specs/llm.yaml", 0, "spec", "is required")), List.of());
        ClusterStatus s = StatusCalculator.compute("llm", new Observation(bad, List.of(), List.of(), false, null), null, NOW);
        assertEquals("failed", s.state());
        assertTrue(s.errors().contains("specs/llm.yaml[0] spec: is required"));
    }
}

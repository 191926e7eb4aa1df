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
        return new ObservedService(id, name, 1, Map.of(), 1, 0, null, null);
    }

    private static int ip = 10;

    private static ObservedTask task(String service, String state, String err, Instant at) {
        return new ObservedTask(service + state + at, service, "llm", 1, "n1", state, "running", "", err, at.toString(),
                at.toString(), null, List.of("10.0.0." + (ip++)), List.of());
    }

    /** The head's table listing every given task's address ALIVE (the first as the head). */
    private static List<RayNode> alive(List<ObservedTask> tasks) {
        List<RayNode> nodes = new ArrayList<>();
        for (ObservedTask t : tasks) {
            if (t.addresses().isEmpty()) {
                continue;
            }
            nodes.add(new RayNode("id" + t.id(), t.addresses().get(0), "ALIVE", nodes.isEmpty()));
        }
        return nodes;
    }

    private Observation seen(List<ObservedTask> tasks, List<RayNode> nodes) {
        return new Observation(spec, services, tasks, nodes, nodes == null ? "head unreachable" : null, false, null, List.of());
    }

    @Test
    void readyWhenTheHeadAndEveryGroupRun() {
        List<ObservedTask> tasks = List.of(task("h", "running", null, NOW), task("g", "running", null, NOW),
                task("g", "running", null, NOW.minusSeconds(1)));
        ClusterStatus s = StatusCalculator.compute("llm", seen(tasks, alive(tasks)), null, NOW);
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
        tasks.add(new ObservedTask("x", "g", "llm", 2, null, "rejected", "shutdown", "", "No such image: rayproject/ray:2.40.0-gpu",
                NOW.minusSeconds(10).toString(), NOW.minusSeconds(10).toString(), null, List.of(), List.of()));
        ClusterStatus s = StatusCalculator.compute("llm", seen(tasks, alive(tasks)), null, NOW);
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
                new ObservedTask("x", "g", "llm", 2, null, "failed", "shutdown", "", "exit 1",
                        NOW.minusSeconds(600).toString(), NOW.minusSeconds(600).toString(), null, List.of(), List.of()));
        ClusterStatus s = StatusCalculator.compute("llm", seen(tasks, alive(tasks)), null, NOW);
        assertEquals("False", s.condition(Condition.REPLICA_FAILURE).status());
    }

    @Test
    void transitionTimesMoveOnlyWhenAConditionFlips() {
        var o = seen(List.of(), null);
        ClusterStatus first = StatusCalculator.compute("llm", o, null, NOW);
        ClusterStatus second = StatusCalculator.compute("llm", o, first, NOW.plusSeconds(5));
        assertEquals(NOW.toString(), second.condition(Condition.HEAD_READY).lastTransitionTime());
        var running = List.of(task("h", "running", null, NOW));
        ClusterStatus third = StatusCalculator.compute("llm", seen(running, alive(running)), second, NOW.plusSeconds(9));
        assertEquals(NOW.plusSeconds(9).toString(), third.condition(Condition.HEAD_READY).lastTransitionTime());
    }

    /** F7: Swarm keeps a head whose GCS is busy for minutes; readiness still needs the GCS to answer. */
    @Test
    void aRunningHeadWhoseGcsDoesNotAnswerIsNotReady() {
        var running = List.of(task("h", "running", null, NOW));
        ClusterStatus s = StatusCalculator.compute("llm", seen(running, null), null, NOW);
        assertEquals("False", s.condition(Condition.HEAD_READY).status());
        assertEquals("the head task runs but its GCS did not answer: head unreachable", s.condition(Condition.HEAD_READY).message());
        assertEquals("True",
                StatusCalculator.compute("llm", seen(running, alive(running)), null, NOW).condition(Condition.HEAD_READY).status());
    }

    @Test
    void specErrorsAreReportedAndANeverValidClusterIsFailed() {
        var bad = new ClusterSpec("llm", "specs/llm.yaml", null, List.of(new SpecIssue("specs/llm.yaml", 0, "spec", "is required")),
                List.of());
        ClusterStatus s = StatusCalculator.compute("llm", Observation.ofSwarm(bad, List.of(), List.of(), false, null), null, NOW);
        assertEquals("failed", s.state());
        assertTrue(s.errors().contains("specs/llm.yaml[0] spec: is required"));
    }

    @Test
    void workersCountAsReadyOnlyWhenTheHeadListsThemAlive() {
        List<ObservedTask> tasks = List.of(task("h", "running", null, NOW), task("g", "running", null, NOW),
                task("g", "running", null, NOW));
        List<RayNode> nodes = new ArrayList<>(alive(tasks));
        nodes.set(2, new RayNode("x", nodes.get(2).nodeIp(), "DEAD", false));
        ClusterStatus s = StatusCalculator.compute("llm", seen(tasks, nodes), null, NOW);
        assertEquals(2, s.availableWorkerReplicas());
        assertEquals(1, s.readyWorkerReplicas());
        assertEquals("provisioning", s.state());
        ClusterStatus blind = StatusCalculator.compute("llm", seen(tasks, null), null, NOW);
        assertEquals(0, blind.readyWorkerReplicas(), "no table, no guessing");
        assertEquals("False", blind.condition(Condition.RAY_NODES_OBSERVED).status());
        assertEquals("head unreachable", blind.condition(Condition.RAY_NODES_OBSERVED).message());
    }

    @Test
    void aClusterThatWasReadyAndLostItsHeadIsRecoveringThenReady() {
        List<ObservedTask> tasks = List.of(task("h", "running", null, NOW), task("g", "running", null, NOW),
                task("g", "running", null, NOW));
        ClusterStatus ready = StatusCalculator.compute("llm", seen(tasks, alive(tasks)), null, NOW);
        List<ObservedTask> headless = List.of(tasks.get(1), tasks.get(2));
        ClusterStatus lost = StatusCalculator.compute("llm", seen(headless, null), ready, NOW.plusSeconds(3));
        assertEquals("recovering", lost.state());
        assertEquals("False", lost.condition(Condition.HEAD_READY).status());
        assertEquals(NOW.plusSeconds(3).toString(), lost.condition(Condition.HEAD_READY).lastTransitionTime());
        ClusterStatus back = StatusCalculator.compute("llm", seen(tasks, alive(tasks)), lost, NOW.plusSeconds(20));
        assertEquals("ready", back.state());
        assertEquals(NOW.plusSeconds(20).toString(), back.condition(Condition.HEAD_READY).lastTransitionTime());
    }

    @Test
    void aHeadThatNoManagerCanRunSaysExactlyThat() {
        var pending = new ObservedTask("p", "h", "llm", 1, null, "pending", "running", "pending task scheduling",
                "no suitable node (scheduling constraints not satisfied on 2 nodes)", NOW.toString(), NOW.toString(), null, List.of(),
                List.of());
        ClusterStatus s = StatusCalculator.compute("llm", seen(List.of(pending), null), null, NOW);
        assertEquals("head: the head is pinned to managers (node.role==manager) and no manager can run it: "
                + "no suitable node (scheduling constraints not satisfied on 2 nodes)", s.condition(Condition.REPLICA_FAILURE).message());
    }
}

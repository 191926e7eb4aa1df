package io.swarmray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.restassured.path.json.JsonPath;
import io.swarmray.spec.SpecParser;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The objects Ray's provider reads: KubeRay's defaults present, and one pod per current task. */
class KubeObjectsTest {
    static final String DOC = """
            apiVersion: ray.io/v1
            kind: RayCluster
            metadata: {name: c}
            spec:
              enableInTreeAutoscaling: true
              headGroupSpec:
                template: {spec: {containers: [{name: h, image: i}]}}
              workerGroupSpecs:
                - groupName: cpu
                  rayStartParams: {num-cpus: "1"}
                  template: {spec: {containers: [{name: w, image: i}]}}
                - groupName: gpu
                  replicas: 2
                  minReplicas: 1
                  maxReplicas: 4
                  scaleStrategy: {workersToDelete: [from-the-file]}
                  template: {spec: {containers: [{name: w, image: i}]}}
            """;

    @SuppressWarnings("unchecked")
    static JsonPath rayCluster(Map<String, List<String>> toDelete) {
        Map<String, Object> doc = (Map<String, Object>) SpecParser.safeYaml(100_000).load(DOC);
        return JsonPath.from(new String(KubeApi.json(KubeObjects.rayCluster(doc, "default", "7", toDelete))));
    }

    @Test
    void theCrdsDefaultsAreFilledIn() {
        JsonPath rc = rayCluster(Map.of());
        assertEquals("ray.io/v1", rc.getString("apiVersion"));
        assertEquals("default", rc.getString("metadata.namespace"));
        assertEquals("7", rc.getString("metadata.resourceVersion"));
        assertEquals(Map.of(), rc.getMap("spec.headGroupSpec.rayStartParams"), "rayStartParams is required by Ray's reader");
        assertEquals(0, rc.getInt("spec.workerGroupSpecs[0].replicas"));
        assertEquals(0, rc.getInt("spec.workerGroupSpecs[0].minReplicas"));
        assertEquals(Integer.MAX_VALUE, rc.getInt("spec.workerGroupSpecs[0].maxReplicas"));
        assertEquals(Map.of(), rc.getMap("spec.workerGroupSpecs[0].scaleStrategy"), "replace needs the target to exist");
        assertEquals(2, rc.getInt("spec.workerGroupSpecs[1].replicas"));
        assertEquals(Map.of(), rc.getMap("spec.workerGroupSpecs[1].scaleStrategy"), "a file's workersToDelete is not the autoscaler's");
    }

    @Test
    void pendingDeletionsShowUntilCleared() {
        JsonPath rc = rayCluster(Map.of("gpu", List.of("t9")));
        assertEquals(List.of("t9"), rc.getList("spec.workerGroupSpecs[1].scaleStrategy.workersToDelete"));
        assertEquals(Map.of(), rc.getMap("spec.workerGroupSpecs[0].scaleStrategy"));
    }

    static ObservedTask task(String id, String service, String state, String desired, List<String> addresses) {
        return new ObservedTask(id, service, "c", 1, "n1", state, desired, null, null, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z",
                null, addresses, List.of());
    }

    @Test
    void onePodPerCurrentTask() {
        var head = new ObservedService("s1", "c-head", 1,
                Map.of("ray.io/cluster", "c", "ray.io/node-type", "head", "ray.io/group", "headgroup"),
                1, 0, null, null);
        var worker = new ObservedService("s2", "c-worker-cpu-0", 1,
                Map.of("ray.io/cluster", "c", "ray.io/node-type", "worker", "ray.io/group", "cpu"), 1, 0, null, null);
        var tasks = List.of(task("h1", "s1", "running", "running", List.of("172.18.0.5", "10.0.3.2")),
                task("w-old", "s2", "failed", "shutdown", List.of("10.0.3.4")),
                task("w1", "s2", "starting", "running", List.of("10.0.3.7")),
                task("w2", "s2", "new", "running", List.of()));
        JsonPath list = JsonPath
                .from(new String(KubeApi.json(KubeObjects.podList("default", List.of(head, worker), tasks, "10.0.3.0/24", "5"))));
        assertEquals("PodList", list.getString("kind"));
        assertEquals("5", list.getString("metadata.resourceVersion"), "read unconditionally by Ray");
        assertEquals(List.of("h1", "w1", "w2"), list.getList("items.metadata.name"), "old tasks of a slot are not workers");
        assertEquals("10.0.3.2", list.getString("items[0].status.podIP"), "the cluster-network address, as --node-ip-address");
        assertEquals("head", list.getString("items[0].metadata.labels.'ray.io/node-type'"));
        assertEquals("cpu", list.getString("items[1].metadata.labels.'ray.io/group'"));
        assertFalse(list.getMap("items[0].status.containerStatuses[0].state").isEmpty());
        assertEquals(List.of("running"), List.copyOf(list.getMap("items[0].status.containerStatuses[0].state").keySet()));
        assertEquals(List.of("waiting"), List.copyOf(list.getMap("items[1].status.containerStatuses[0].state").keySet()));
        assertEquals(null, list.getString("items[2].status.podIP"), "no address yet: Ray says 'IP not yet assigned'");
    }

    @Test
    void endedTasksAreTerminated() {
        assertEquals(List.of("terminated"),
                List.copyOf(KubeObjects.containerState(task("t", "s", "failed", "running", List.of())).keySet()));
        assertEquals(List.of("waiting"),
                List.copyOf(KubeObjects.containerState(task("t", "s", "preparing", "running", List.of())).keySet()));
    }

    @Test
    void subnetMembership() {
        assertEquals("10.0.3.2", Subnets.addressIn(List.of("172.18.0.5", "10.0.3.2"), "10.0.3.0/24"));
        assertEquals(null, Subnets.addressIn(List.of("10.0.4.2"), "10.0.3.0/24"));
        assertEquals("10.1.255.1", Subnets.addressIn(List.of("10.1.255.1"), "10.1.0.0/16"));
        assertEquals(null, Subnets.addressIn(List.of("fe80::1"), "10.1.0.0/16"));
    }
}

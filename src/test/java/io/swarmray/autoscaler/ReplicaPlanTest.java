package io.swarmray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swarmray.render.Autoscaler;
import io.swarmray.render.ClusterNetwork;
import io.swarmray.render.ClusterRenderer;
import io.swarmray.render.DesiredService;
import io.swarmray.render.RenderOptions;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.Specs;
import io.swarmray.swarm.ObservedService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** KubeRay's scaling rules over one Swarm service per replica. */
public class ReplicaPlanTest {
    public static RayCluster cluster(int replicas) {
        return Specs.parse("""
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: c}
                spec:
                  enableInTreeAutoscaling: true
                  headGroupSpec:
                    rayStartParams: {num-cpus: "0"}
                    template: {spec: {containers: [{name: h, image: rayproject/ray:2.40.0}]}}
                  workerGroupSpecs:
                    - groupName: cpu
                      replicas: %d
                      maxReplicas: 10
                      rayStartParams: {num-cpus: "1"}
                      template: {spec: {containers: [{name: w, image: rayproject/ray:2.40.0}]}}
                """.formatted(replicas)).clusters().get(0).cluster();
    }

    static ObservedService replica(int index, boolean named) {
        Map<String, String> labels = new HashMap<>(Map.of("ray.io/group", "cpu", "ray.io/cluster", "c", Autoscaler.REPLICA_LABEL,
                String.valueOf(index)));
        if (named) {
            labels.put(Autoscaler.DELETE_LABEL, "task");
        }
        return new ObservedService("id" + index, Autoscaler.replicaName("c", "cpu", index), 1, labels, 1, 0, null, null);
    }

    static List<String> plan(RayCluster c, List<ObservedService> observed) {
        var rendered = ClusterRenderer.render(c, new ClusterNetwork("net", "10.0.0.0/24"), RenderOptions.DEFAULT);
        List<String> names = new ArrayList<>();
        for (DesiredService s : ReplicaPlan.expand(rendered, c, observed).services()) {
            names.add(s.name() + (s.replicas() == 1 ? "" : "x" + s.replicas()));
        }
        return names;
    }

    @Test
    void replicasBecomeServicesOfOneTask() {
        assertEquals(List.of("c-head", "c-worker-cpu-0", "c-worker-cpu-1"), plan(cluster(2), List.of()));
        assertEquals(List.of("c-head"), plan(cluster(0), List.of()));
    }

    @Test
    void newReplicasTakeTheLowestFreeIndex() {
        assertEquals(List.of("c-head", "c-worker-cpu-1", "c-worker-cpu-0", "c-worker-cpu-2"), plan(cluster(3), List.of(replica(1, false))));
    }

    @Test
    void aNamedWorkerGoesAndItsIndexIsNotReusedInTheSamePass() {
        // the autoscaler asked: replicas 1, delete the worker of replica 0
        assertEquals(List.of("c-head", "c-worker-cpu-1"), plan(cluster(1), List.of(replica(0, true), replica(1, false))));
        // replicas not lowered yet (a patch of replicas alone is not lost): a new one, at an index no service has
        assertEquals(List.of("c-head", "c-worker-cpu-1", "c-worker-cpu-2"), plan(cluster(2), List.of(replica(0, true), replica(1, false))));
    }

    @Test
    void fewerReplicasWithoutNamesRemoveNothing() {
        // KubeRay with autoscaling: only the autoscaler chooses which worker goes (raycluster_controller.go:865-902)
        assertEquals(List.of("c-head", "c-worker-cpu-0", "c-worker-cpu-1", "c-worker-cpu-2"),
                plan(cluster(1), List.of(replica(0, false), replica(1, false), replica(2, false))));
    }
}

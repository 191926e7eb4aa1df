package io.swarmray.status;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster's status in KubeRay's vocabulary (field names as in ray.io/v1 RayClusterStatus), plus
 * what Swarm users need: per-group detail, the spec file, and its errors and warnings.
 *
 * @param state              ready | provisioning | suspended | deleting | failed (no valid spec yet)
 * @param availableWorkerReplicas worker tasks whose container runs (healthy or still starting)
 * @param readyWorkerReplicas     worker tasks running and passing Ray's health check
 * @param placedGPU          GPUs Swarm assigned to the running tasks (generic resources whose kind names a GPU)
 * @param observedGeneration the hash of the spec this status describes
 */
@RegisterForReflection
public record ClusterStatus(String name, String state, int desiredWorkerReplicas, int availableWorkerReplicas,
        int readyWorkerReplicas, int minWorkerReplicas, int maxWorkerReplicas, String desiredCPU,
        String desiredMemory, String desiredGPU, String placedGPU, Map<String, String> endpoints, Head head,
        String observedGeneration, String lastUpdateTime, List<Condition> conditions,
        List<GroupStatus> groups, String file, List<String> errors, List<String> warnings) {

    @RegisterForReflection
    public record Head(String serviceName, boolean ready, String taskState) {
    }

    @RegisterForReflection
    public record GroupStatus(String name, String serviceName, int desiredReplicas, int availableReplicas,
            int readyReplicas, String lastFailure) {
    }

    /** Everything but the update time: equal views need no new status write. */
    ClusterStatus withUpdateTime(String time) {
        return new ClusterStatus(name, state, desiredWorkerReplicas, availableWorkerReplicas, readyWorkerReplicas,
                minWorkerReplicas, maxWorkerReplicas, desiredCPU, desiredMemory, desiredGPU, placedGPU, endpoints, head,
                observedGeneration, time, conditions, groups, file, errors, warnings);
    }

    /** The same observation with a failure of the last reconcile added to {@code errors}. */
    public ClusterStatus withProblem(String problem, String time) {
        List<String> more = new ArrayList<>(errors);
        more.removeIf(e -> e.startsWith("reconcile: "));
        more.add("reconcile: " + problem);
        return new ClusterStatus(name, state, desiredWorkerReplicas, availableWorkerReplicas, readyWorkerReplicas,
                minWorkerReplicas, maxWorkerReplicas, desiredCPU, desiredMemory, desiredGPU, placedGPU, endpoints, head,
                observedGeneration, time, conditions, groups, file, List.copyOf(more), warnings);
    }

    @JsonIgnore
    public Condition condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
    }
}

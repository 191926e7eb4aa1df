package io.swarmray.swarm;

import java.util.List;

/**
 * One task of a SwarmRay-owned service.
 *
 * @param cluster      the task's cluster (its container label ray.io/cluster)
 * @param state        Swarm's current state, lowercase ("running", "starting", "failed", "rejected", ...)
 * @param desiredState what Swarm wants of it ("running", "shutdown", ...)
 * @param error        Swarm's error text ("No such image: ..."), or null
 * @param createdAt    when Swarm made the task (ISO-8601); a replaced container is always a new task
 * @param addresses    the task's IP addresses on its networks, without prefix length
 * @param assigned     generic resources Swarm assigned to it, as KIND=ID ("NVIDIA-GPU=GPU-aaa")
 */
public record ObservedTask(String id, String serviceId, String cluster, int slot, String nodeId, String state,
        String desiredState, String message, String error, String timestamp, String createdAt,
        String containerId, List<String> addresses, List<String> assigned) {

    public boolean running() {
        return "running".equals(state);
    }

    public boolean wanted() {
        return "running".equals(desiredState) || "ready".equals(desiredState);
    }
}

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

    /**
     * Failed or rejected before its container ran (Swarm's message stays at the state it failed in, e.g.
     * "starting" for "starting container failed: Address already in use"; a task that ran keeps "started").
     */
    public boolean neverRan() {
        return ("failed".equals(state) || "rejected".equals(state)) && !"started".equals(message);
    }

    /** Swarm is done with it: it will not run (again). */
    public boolean ended() {
        return switch (state) {
            case "complete", "shutdown", "failed", "rejected", "orphaned", "remove" -> true;
            default -> false;
        };
    }

    public boolean wanted() {
        return "running".equals(desiredState) || "ready".equals(desiredState);
    }
}

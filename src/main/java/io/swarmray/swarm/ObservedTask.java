package io.swarmray.swarm;

/**
 * One task of a SwarmRay-owned service.
 *
 * @param state        Swarm's current state, lowercase ("running", "starting", "failed", "rejected", ...)
 * @param desiredState what Swarm wants of it ("running", "shutdown", ...)
 * @param error        Swarm's error text ("No such image: ..."), or null
 */
public record ObservedTask(String id, String serviceId, int slot, String nodeId, String state, String desiredState,
                           String message, String error, String timestamp, String containerId) {

    public boolean running() {
        return "running".equals(state);
    }

    public boolean wanted() {
        return "running".equals(desiredState) || "ready".equals(desiredState);
    }
}

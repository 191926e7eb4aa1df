package io.swarmray.swarm;

import java.util.Map;

/**
 * A SwarmRay-owned service as Swarm reports it.
 *
 * @param version      Swarm's version index, needed to update it (optimistic concurrency)
 * @param forceUpdate  Swarm's ForceUpdate counter: raising it restarts every task without other changes
 * @param updateState  Swarm's rolling-update state ("updating", "rollback_completed", ...), or null
 */
public record ObservedService(String id, String name, long version, Map<String, String> labels, long replicas, int forceUpdate,
        String updateState, String updateMessage) {

    public String label(String key) {
        return labels.get(key);
    }
}

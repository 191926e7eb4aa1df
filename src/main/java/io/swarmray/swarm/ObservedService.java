package io.swarmray.swarm;

import java.util.Map;

/**
 * A SwarmRay-owned service as Swarm reports it.
 *
 * @param version      Swarm's version index, needed to update it (optimistic concurrency)
 * @param updateState  Swarm's rolling-update state ("updating", "rollback_completed", ...), or null
 */
public record ObservedService(String id, String name, long version, Map<String, String> labels, long replicas,
                              String updateState, String updateMessage) {

    public String label(String key) {
        return labels.get(key);
    }
}

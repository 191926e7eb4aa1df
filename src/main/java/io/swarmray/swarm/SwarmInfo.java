package io.swarmray.swarm;

/** What the engine says of itself: enough to tell whether the operator can work. */
public record SwarmInfo(String serverVersion, String apiVersion, String nodeState, boolean manager, String nodeId) {

    public String problem() {
        if (!"active".equals(nodeState)) {
            return "this Docker engine is not in a swarm (state: " + nodeState + "); run `docker swarm init`";
        }
        if (!manager) {
            return "this Docker engine is a swarm worker; SwarmRay must run on a manager";
        }
        return null;
    }
}

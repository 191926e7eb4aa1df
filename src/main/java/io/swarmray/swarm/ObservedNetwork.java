package io.swarmray.swarm;

import java.util.Map;

/** A SwarmRay-owned overlay network; {@code subnet} is what Docker's IPAM picked, or null before it has. */
public record ObservedNetwork(String id, String name, Map<String, String> labels, String subnet) {
}

package io.swarmray.render;

import java.util.List;

/** All Swarm objects one RayCluster wants; {@code generation} is the spec's hash. */
public record DesiredCluster(String name, DesiredNetwork network, List<DesiredService> services, String generation) {
}

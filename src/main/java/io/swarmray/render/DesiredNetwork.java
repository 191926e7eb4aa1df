package io.swarmray.render;

import java.util.SortedMap;

/** The cluster's attachable overlay network. */
public record DesiredNetwork(String name, SortedMap<String, String> labels) {
}

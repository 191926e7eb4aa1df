package io.swarmray.render;

/**
 * The cluster's overlay network as Docker made it: its id (which lives exactly as long as the cluster) and
 * the subnet Docker picked (each task's address in it becomes --node-ip-address).
 */
public record ClusterNetwork(String id, String subnet) {
}

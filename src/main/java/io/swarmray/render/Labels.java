package io.swarmray.render;

/** Label keys on every Swarm object SwarmRay makes. Part of the public contract: users filter on them. */
public final class Labels {
    public static final String CLUSTER = "ray.io/cluster";
    public static final String NODE_TYPE = "ray.io/node-type";
    public static final String GROUP = "ray.io/group";
    /** Ownership: SwarmRay touches only objects that carry this label with this value. */
    public static final String MANAGED_BY = "swarmray.io/managed-by";
    public static final String MANAGED_BY_VALUE = "swarmray";
    public static final String SPEC_HASH = "swarmray.io/spec-hash";
    /**
     * Which operator instance owns the object (config swarmray.instance): operators of different
     * instances on one swarm never touch each other's clusters. Stamped by the swarm client.
     */
    public static final String INSTANCE = "swarmray.io/instance";
    /** Makes `docker stack ls|services|ps NAME` show the cluster as a stack. */
    public static final String STACK_NAMESPACE = "com.docker.stack.namespace";

    private Labels() {
    }
}

package io.swarmray.render;

import io.swarmray.spec.SpecRegistry;
import java.util.Map;

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
     * On every Ray service: the hash of what its rendering read ({@link RenderInputs}). Equal inputs with another
     * spec hash mean another operator version rendered the service, which is then left running as it is. Never on
     * containers: a change of it alone restarts nothing.
     */
    public static final String INPUT_HASH = "swarmray.io/input-hash";
    /**
     * On a worker service whose stale tasks the operator restarted all at once after a head replacement: its
     * update config is the all-at-once one until the next pass puts the group's rollout settings back. Never on
     * containers (a label there would be a task change, a restart of its own).
     */
    public static final String RESTARTED_ALL_AT_ONCE = "swarmray.io/restarted-all-at-once";
    /** On every Ray service when monitoring is on: the port of the node's Prometheus endpoint, for relabelling. */
    public static final String METRICS_PORT = "swarmray.io/metrics-port";
    /**
     * Which operator instance owns the object (config swarmray.instance): operators of different
     * instances on one swarm never touch each other's clusters. Stamped by the swarm client.
     */
    public static final String INSTANCE = "swarmray.io/instance";
    /** KubeRay's labels on the clusters a RayService (or RayJob) owns (utils/constant.go). */
    public static final String ORIGINATED_FROM_CRD = "ray.io/originated-from-crd";
    public static final String ORIGINATED_FROM_CR_NAME = "ray.io/originated-from-cr-name";
    public static final String RAY_SERVICE_KIND = "RayService";
    public static final String RAY_JOB_KIND = "RayJob";
    /** Makes `docker stack ls|services|ps NAME` show the cluster as a stack. */
    public static final String STACK_NAMESPACE = "com.docker.stack.namespace";

    private Labels() {
    }

    /** Whether {@code labels} (a Swarm object's, or a container event's attributes) say the object is {@code instance}'s. */
    public static boolean ownedBy(Map<String, String> labels, String instance) {
        return labels != null && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY)) && instance.equals(labels.get(INSTANCE));
    }

    /** The RayService that owns an object with these labels, or null. */
    public static String rayServiceOwner(Map<String, String> labels) {
        return RAY_SERVICE_KIND.equals(labels.get(ORIGINATED_FROM_CRD)) ? labels.get(ORIGINATED_FROM_CR_NAME) : null;
    }

    /** The RayJob that owns an object with these labels, or null. */
    public static String rayJobOwner(Map<String, String> labels) {
        return RAY_JOB_KIND.equals(labels.get(ORIGINATED_FROM_CRD)) ? labels.get(ORIGINATED_FROM_CR_NAME) : null;
    }

    /** The work-queue key of the RayService or RayJob that owns an object with these labels, or null. */
    public static String ownerKey(Map<String, String> labels) {
        String service = rayServiceOwner(labels);
        if (service != null) {
            return SpecRegistry.serviceKey(service);
        }
        String job = rayJobOwner(labels);
        return job == null ? null : SpecRegistry.jobKey(job);
    }
}

package io.swarmray.status;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A Kubernetes-style condition; {@code status} is "True" or "False". */
@RegisterForReflection
public record Condition(String type, String status, String reason, String message, String lastTransitionTime) {
    public static final String HEAD_READY = "HeadReady";
    public static final String PROVISIONED = "RayClusterProvisioned";
    public static final String REPLICA_FAILURE = "ReplicaFailure";
    public static final String SUSPENDED = "RayClusterSuspended";
    /** Whether the head's node table could be read; readyWorkerReplicas counts only nodes it lists ALIVE. */
    public static final String RAY_NODES_OBSERVED = "RayNodesObserved";
    /** A rolling update that Swarm rolled back or paused, with Swarm's message. */
    public static final String ROLLOUT_FAILED = "RolloutFailed";
    /** A group asks for more generic resources (GPUs) per replica than any node offers. */
    public static final String INSUFFICIENT_RESOURCES = "InsufficientResources";

    @JsonIgnore
    public boolean isTrue() {
        return "True".equals(status);
    }
}

package io.swarmray.status;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A Kubernetes-style condition; {@code status} is "True" or "False". */
public record Condition(String type, String status, String reason, String message, String lastTransitionTime) {
    public static final String HEAD_READY = "HeadReady";
    public static final String PROVISIONED = "RayClusterProvisioned";
    public static final String REPLICA_FAILURE = "ReplicaFailure";
    public static final String SUSPENDED = "RayClusterSuspended";

    @JsonIgnore
    public boolean isTrue() {
        return "True".equals(status);
    }
}

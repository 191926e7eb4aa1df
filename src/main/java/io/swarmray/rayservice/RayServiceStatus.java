package io.swarmray.rayservice;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.swarmray.status.Condition;
import java.util.List;
import java.util.Map;

/**
 * A RayService's status in KubeRay's vocabulary ([K] rayservice_types.go:85-147), plus where its endpoint is and
 * what the spec file says.
 *
 * @param serviceStatus KubeRay's deprecated field: "Running" when Ready, else ""
 * @param numServeEndpoints Serve proxies of the active cluster that the endpoint's load balancer finds healthy
 */
@RegisterForReflection
public record RayServiceStatus(String name, String serviceStatus, int numServeEndpoints, String observedGeneration,
        String lastUpdateTime, List<Condition> conditions, ClusterServeStatus activeServiceStatus,
        ClusterServeStatus pendingServiceStatus, Endpoint endpoint, String file, List<String> errors, List<String> warnings) {

    public static final String READY = "Ready";
    public static final String UPGRADE_IN_PROGRESS = "UpgradeInProgress";

    /** Serve on one of the service's clusters; {@code rayClusterStatus} is the cluster's own state (ready, provisioning...). */
    @RegisterForReflection
    public record ClusterServeStatus(String rayClusterName, String rayClusterStatus, Map<String, AppStatus> applicationStatuses) {
    }

    @RegisterForReflection
    public record AppStatus(String status, String message, Map<String, DeploymentStatus> serveDeploymentStatuses) {
    }

    @RegisterForReflection
    public record DeploymentStatus(String status, String message) {
    }

    /**
     * Where clients reach the service: {@code http://<service>:<port>} from a container on {@code network}, or
     * the published port of the nodes that run the endpoint.
     */
    @RegisterForReflection
    public record Endpoint(String service, String network, int port, int publishedPort) {
    }

    @JsonIgnore
    public Condition condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
    }

    /** Everything but the update time: equal views need no new status write. */
    RayServiceStatus withUpdateTime(String time) {
        return new RayServiceStatus(name, serviceStatus, numServeEndpoints, observedGeneration, time, conditions, activeServiceStatus,
                pendingServiceStatus, endpoint, file, errors, warnings);
    }
}

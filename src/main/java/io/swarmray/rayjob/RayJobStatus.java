package io.swarmray.rayjob;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A RayJob's status in KubeRay's vocabulary ([K] rayjob_types.go:148-176), plus what the spec file says.
 *
 * @param dashboardURL     {@code <head service>:<dashboard port>} on the cluster network, without a scheme, as KubeRay's
 * @param rayClusterStatus the cluster's own state (ready, provisioning...), or null when it has none
 * @param problems         what this pass could not do (Ray unreachable, a refused submission)
 */
@RegisterForReflection
public record RayJobStatus(String name, String jobId, String rayClusterName, String dashboardURL, String jobStatus,
        String jobDeploymentStatus, String reason, String message, String startTime, String endTime, int succeeded, int failed,
        String rayClusterStatus, String observedGeneration, String lastUpdateTime, String file, List<String> errors,
        List<String> warnings, List<String> problems) {

    /** Everything but the update time: equal views need no new status write. */
    RayJobStatus withUpdateTime(String time) {
        return new RayJobStatus(name, jobId, rayClusterName, dashboardURL, jobStatus, jobDeploymentStatus, reason, message, startTime,
                endTime, succeeded, failed, rayClusterStatus, observedGeneration, time, file, errors, warnings, problems);
    }
}

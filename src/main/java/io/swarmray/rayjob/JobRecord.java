package io.swarmray.rayjob;

import java.time.Instant;

/**
 * What a RayJob has come to, in KubeRay's status vocabulary ([K] rayjob_types.go:148-176). It must outlive the job's
 * cluster and an operator restart, so it is kept in Swarm, not only in memory.
 *
 * @param jobId            the submission id (spec.jobId, or {@code <name>-<5 characters>}); null until chosen
 * @param clusterName      the cluster the job runs on; null until chosen
 * @param deploymentStatus {@link #NEW} ("") or one of KubeRay's JobDeploymentStatus values
 * @param jobStatus        Ray's job status: "" until Ray reports one, then PENDING, RUNNING, STOPPED, SUCCEEDED or FAILED
 * @param reason           "", SubmissionFailed, DeadlineExceeded or AppFailed
 */
public record JobRecord(String jobId, String clusterName, String deploymentStatus, String jobStatus, String reason, String message,
        Instant startTime, Instant endTime, int succeeded, int failed) {

    public static final String NEW = "";
    public static final String INITIALIZING = "Initializing";
    public static final String RUNNING = "Running";
    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";
    public static final String SUSPENDING = "Suspending";
    public static final String SUSPENDED = "Suspended";
    public static final String RETRYING = "Retrying";
    public static final String WAITING = "Waiting";

    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    public static final String APP_FAILED = "AppFailed";
    public static final String SUBMISSION_FAILED = "SubmissionFailed";

    public static JobRecord fresh() {
        return new JobRecord(null, null, NEW, "", "", "", null, null, 0, 0);
    }

    public boolean finished() {
        return COMPLETE.equals(deploymentStatus) || FAILED.equals(deploymentStatus);
    }

    JobRecord with(String deployment) {
        return new JobRecord(jobId, clusterName, deployment, jobStatus, reason, message, startTime, endTime, succeeded, failed);
    }
}

package io.swarmray.rayjob;

import io.swarmray.spec.RayJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * KubeRay's RayJob state machine ([K] rayjob_controller.go, ray-job-contract.md B2) as a pure function: the record
 * so far, what was observed, the time, in; the next record, what to do, and when to look again, out. HTTPMode and
 * InteractiveMode; K8sJobMode adds its submitter service to these steps.
 */
public final class JobTransitions {
    /** KubeRay requeues a RayJob every 3 s while it converges ([K] :34). */
    public static final Duration REQUEUE = Duration.ofSeconds(3);
    private static final Set<String> TERMINAL = Set.of("STOPPED", "SUCCEEDED", "FAILED");

    private JobTransitions() {
    }

    /** Ray's answer to GET /api/jobs/{id}: null when it was not asked or did not answer. */
    public record RayJobInfo(String status, String message) {
    }

    /**
     * @param clusterExists any service of the job's cluster is in Swarm
     * @param clusterReady  the cluster's status is ready
     * @param job           Ray's job record, or null
     * @param jobUnknown    Ray answered 404 for the job id
     * @param submitter     K8sJobMode's submitter service, from its tasks
     */
    public record Seen(boolean clusterExists, boolean clusterReady, RayJobInfo job, boolean jobUnknown, Submitter.State submitter) {
        public Seen(boolean clusterExists, boolean clusterReady, RayJobInfo job, boolean jobUnknown) {
            this(clusterExists, clusterReady, job, jobUnknown, Submitter.State.NONE);
        }
    }

    public sealed interface Action permits CreateCluster, DeleteCluster, Submit, CreateSubmitter, DeleteSubmitter {
    }

    /** K8sJobMode: make the submitter service of {@code jobId} on {@code cluster}. */
    public record CreateSubmitter(String jobId, String cluster) implements Action {
    }

    public record DeleteSubmitter() implements Action {
    }

    public record CreateCluster(String cluster) implements Action {
    }

    public record DeleteCluster(String cluster) implements Action {
    }

    public record Submit(String jobId, String cluster) implements Action {
    }

    /** @param requeue when to look again; null when only a change will (a file edit, a cluster event) */
    public record Step(JobRecord next, List<Action> actions, Duration requeue) {
    }

    public static Step next(RayJob spec, JobRecord rec, Seen seen, Instant now, Supplier<String> suffix) {
        return switch (rec.deploymentStatus()) {
            case JobRecord.NEW -> start(spec, rec, now, suffix);
            case JobRecord.INITIALIZING -> initializing(spec, rec, seen, now);
            case JobRecord.WAITING -> spec.jobId() == null
                    ? new Step(rec, List.of(), REQUEUE)
                    : new Step(withJobId(rec, spec.jobId()).with(JobRecord.RUNNING), List.of(), Duration.ZERO);
            case JobRecord.RUNNING -> running(spec, rec, seen, now);
            case JobRecord.COMPLETE, JobRecord.FAILED -> finished(spec, rec, seen, now);
            case JobRecord.RETRYING -> clusterGone(spec, rec, seen, JobRecord.NEW);
            case JobRecord.SUSPENDING -> clusterGone(spec, rec, seen, JobRecord.SUSPENDED);
            case JobRecord.SUSPENDED -> spec.suspend()
                    ? new Step(rec, List.of(), null)
                    : new Step(rec.with(JobRecord.NEW), List.of(), Duration.ZERO);
            default -> throw new IllegalArgumentException("unknown jobDeploymentStatus '" + rec.deploymentStatus() + "'");
        };
    }

    /** New ([K] :149-163, 698-736): choose the job id and the cluster, start the clock. A suspended job waits. */
    private static Step start(RayJob spec, JobRecord rec, Instant now, Supplier<String> suffix) {
        if (spec.suspend()) {
            return new Step(rec.with(JobRecord.SUSPENDED), List.of(), null);
        }
        String jobId = spec.jobId() != null || RayJob.INTERACTIVE_MODE.equals(spec.submissionMode())
                ? spec.jobId()
                : spec.name() + "-" + suffix.get();
        String cluster = spec.clusterSelector() != null ? spec.clusterSelector() : spec.name() + RayJob.CLUSTER_INFIX + suffix.get();
        JobRecord next = new JobRecord(jobId, cluster, JobRecord.INITIALIZING, "", "", "", now, null, rec.succeeded(), rec.failed());
        return new Step(next, List.of(), Duration.ZERO);
    }

    private static Step initializing(RayJob spec, JobRecord rec, Seen seen, Instant now) {
        Step stop = suspendOrDeadline(spec, rec, now);
        if (stop != null) {
            return stop;
        }
        if (spec.clusterSelector() == null && !seen.clusterExists()) {
            return new Step(rec, List.of(new CreateCluster(rec.clusterName())), REQUEUE);
        }
        if (!seen.clusterReady()) {
            return new Step(rec, List.of(), REQUEUE);
        }
        if (RayJob.INTERACTIVE_MODE.equals(spec.submissionMode()) && rec.jobId() == null) {
            return new Step(rec.with(JobRecord.WAITING), List.of(), Duration.ZERO);
        }
        return new Step(rec.with(JobRecord.RUNNING), k8s(spec) ? List.of(new CreateSubmitter(rec.jobId(), rec.clusterName())) : List.of(),
                Duration.ZERO);
    }

    /**
     * Running ([K] :215-296): HTTPMode submits when Ray does not know the id; K8sJobMode keeps its submitter and fails
     * with SubmissionFailed when it gave up before Ray had a verdict. Ray's status is copied; a terminal one ends the
     * job (in K8sJobMode once the submitter is done too).
     */
    private static Step running(RayJob spec, JobRecord rec, Seen seen, Instant now) {
        Step stop = suspendOrDeadline(spec, rec, now);
        if (stop != null) {
            return stop;
        }
        RayJobInfo job = seen.job();
        if (k8s(spec)) {
            if (seen.submitter() == Submitter.State.NONE) {
                return new Step(rec, List.of(new CreateSubmitter(rec.jobId(), rec.clusterName())), REQUEUE);
            }
            boolean rayFailed = job != null && "FAILED".equals(job.status());
            if (seen.submitter() == Submitter.State.FAILED && !rayFailed) {
                JobRecord failed = new JobRecord(rec.jobId(), rec.clusterName(), JobRecord.FAILED,
                        job == null ? rec.jobStatus() : job.status(),
                        JobRecord.SUBMISSION_FAILED, "the submitter service " + Submitter.name(spec.name()) + " failed every attempt",
                        rec.startTime(), now, rec.succeeded(), rec.failed() + 1);
                return new Step(failed, List.of(), Duration.ZERO);
            }
            if (job != null && TERMINAL.contains(job.status()) && seen.submitter() == Submitter.State.ACTIVE) {
                return new Step(rec, List.of(), REQUEUE); // KubeRay waits for the submitter Job to finish too
            }
        } else if (seen.jobUnknown()) {
            return RayJob.HTTP_MODE.equals(spec.submissionMode())
                    ? new Step(rec, List.of(new Submit(rec.jobId(), rec.clusterName())), REQUEUE)
                    : new Step(rec, List.of(), REQUEUE);
        }
        if (job == null) {
            return new Step(rec, List.of(), REQUEUE);
        }
        if (!TERMINAL.contains(job.status())) {
            return new Step(new JobRecord(rec.jobId(), rec.clusterName(), JobRecord.RUNNING, job.status(), rec.reason(), job.message(),
                    rec.startTime(), null, rec.succeeded(), rec.failed()), List.of(), REQUEUE);
        }
        boolean failed = "FAILED".equals(job.status());
        JobRecord next = new JobRecord(rec.jobId(), rec.clusterName(), failed ? JobRecord.FAILED : JobRecord.COMPLETE, job.status(),
                failed ? JobRecord.APP_FAILED : "", job.message(), rec.startTime(), now,
                rec.succeeded() + ("SUCCEEDED".equals(job.status()) ? 1 : 0), rec.failed() + (failed ? 1 : 0));
        return new Step(next, List.of(), Duration.ZERO);
    }

    /**
     * Complete or Failed ([K] :345-464): a failure other than the deadline is retried on a new cluster while
     * {@code failed <= backoffLimit}; otherwise, with shutdownAfterJobFinishes, the job's own cluster is deleted
     * ttlSecondsAfterFinished after the end.
     */
    private static Step finished(RayJob spec, JobRecord rec, Seen seen, Instant now) {
        if (JobRecord.FAILED.equals(rec.deploymentStatus()) && !JobRecord.DEADLINE_EXCEEDED.equals(rec.reason())
                && rec.failed() < spec.backoffLimit() + 1) {
            return new Step(rec.with(JobRecord.RETRYING), List.of(), Duration.ZERO);
        }
        if (!spec.shutdownAfterJobFinishes() || spec.clusterSelector() != null || !seen.clusterExists()) {
            return new Step(rec, List.of(), null);
        }
        Instant due = rec.endTime().plusSeconds(spec.ttlSecondsAfterFinished());
        if (now.isBefore(due)) {
            return new Step(rec, List.of(), Duration.between(now, due));
        }
        return new Step(rec, List.of(new DeleteCluster(rec.clusterName())), REQUEUE);
    }

    /** Retrying and Suspending ([K] :297-335): the submitter and the job's own cluster go first; then a fresh start, or Suspended. */
    private static Step clusterGone(RayJob spec, JobRecord rec, Seen seen, String then) {
        List<Action> deletions = new ArrayList<>();
        if (seen.submitter() != Submitter.State.NONE) {
            deletions.add(new DeleteSubmitter());
        }
        if (spec.clusterSelector() == null && seen.clusterExists()) {
            deletions.add(new DeleteCluster(rec.clusterName()));
        }
        if (!deletions.isEmpty()) {
            return new Step(rec, List.copyOf(deletions), REQUEUE);
        }
        JobRecord reset = new JobRecord(null, null, then, "", "", "", null, null, rec.succeeded(), rec.failed());
        return new Step(reset, List.of(), Duration.ZERO);
    }

    /** The checks of Initializing and Running ([K] :865-874): suspend, then activeDeadlineSeconds from startTime. */
    private static Step suspendOrDeadline(RayJob spec, JobRecord rec, Instant now) {
        if (spec.suspend()) {
            return new Step(rec.with(JobRecord.SUSPENDING), List.of(), Duration.ZERO);
        }
        if (spec.activeDeadlineSeconds() > 0 && !now.isBefore(rec.startTime().plusSeconds(spec.activeDeadlineSeconds()))) {
            JobRecord failed = new JobRecord(rec.jobId(), rec.clusterName(), JobRecord.FAILED, rec.jobStatus(), JobRecord.DEADLINE_EXCEEDED,
                    "The RayJob has passed the activeDeadlineSeconds. StartTime: " + rec.startTime() + ". ActiveDeadlineSeconds: "
                            + spec.activeDeadlineSeconds(),
                    rec.startTime(), now, rec.succeeded(), rec.failed() + 1);
            return new Step(failed, List.of(), Duration.ZERO);
        }
        return null;
    }

    private static boolean k8s(RayJob spec) {
        return RayJob.K8S_JOB_MODE.equals(spec.submissionMode());
    }

    private static JobRecord withJobId(JobRecord rec, String jobId) {
        return new JobRecord(jobId, rec.clusterName(), rec.deploymentStatus(), rec.jobStatus(), rec.reason(), rec.message(),
                rec.startTime(), rec.endTime(), rec.succeeded(), rec.failed());
    }
}

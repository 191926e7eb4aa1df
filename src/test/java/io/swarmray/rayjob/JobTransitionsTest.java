package io.swarmray.rayjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.swarmray.rayjob.JobTransitions.CreateCluster;
import io.swarmray.rayjob.JobTransitions.CreateSubmitter;
import io.swarmray.rayjob.JobTransitions.DeleteCluster;
import io.swarmray.rayjob.JobTransitions.DeleteSubmitter;
import io.swarmray.rayjob.JobTransitions.RayJobInfo;
import io.swarmray.rayjob.JobTransitions.Seen;
import io.swarmray.rayjob.JobTransitions.Step;
import io.swarmray.rayjob.JobTransitions.Submit;
import io.swarmray.spec.RayJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** KubeRay's RayJob state machine, step by step: submission, completion, TTL, retries, deadline, suspend, selector. */
class JobTransitionsTest {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    static final Seen NOTHING = new Seen(false, false, null, false);
    static final Seen STARTING = new Seen(true, false, null, false);
    static final Seen READY_UNKNOWN_JOB = new Seen(true, true, null, true);

    static RayJob job(String extraSpec) {
        return RayJobReaderTest.job(RayJobReaderTest.withSpec(RayJobReaderTest.SAMPLE, "  submissionMode: HTTPMode\n" + extraSpec));
    }

    static Seen ray(String status) {
        return new Seen(true, true, new RayJobInfo(status, status + " message"), false);
    }

    static Step step(RayJob spec, JobRecord rec, Seen seen, Instant now) {
        return JobTransitions.next(spec, rec, seen, now, () -> "abcde");
    }

    /** New, then Initializing with the cluster created, then Running once it is ready. */
    static JobRecord running(RayJob spec) {
        Step s = step(spec, JobRecord.fresh(), NOTHING, T0);
        assertEquals(JobRecord.INITIALIZING, s.next().deploymentStatus());
        assertEquals(T0, s.next().startTime());
        s = step(spec, s.next(), NOTHING, T0);
        if (spec.clusterSelector() == null) {
            assertEquals(List.of(new CreateCluster(s.next().clusterName())), s.actions());
            assertEquals(List.of(), step(spec, s.next(), STARTING, T0).actions());
        }
        s = step(spec, s.next(), ray("PENDING"), T0.plusSeconds(10));
        assertEquals(JobRecord.RUNNING, s.next().deploymentStatus());
        return s.next();
    }

    @Test
    void aJobIsSubmittedOnceRayDoesNotKnowItAndCompletesThenItsClusterGoesAfterTheTtl() {
        RayJob spec = job("  shutdownAfterJobFinishes: true\n  ttlSecondsAfterFinished: 60\n");
        JobRecord rec = running(spec);
        assertEquals("rayjob-sample-abcde", rec.jobId());
        assertEquals("rayjob-sample-raycluster-abcde", rec.clusterName());
        assertEquals(List.of(new Submit("rayjob-sample-abcde", "rayjob-sample-raycluster-abcde")),
                step(spec, rec, READY_UNKNOWN_JOB, T0.plusSeconds(11)).actions());
        Step s = step(spec, rec, ray("RUNNING"), T0.plusSeconds(12));
        assertEquals("RUNNING", s.next().jobStatus());
        assertEquals(List.of(), s.actions());
        Instant end = T0.plusSeconds(20);
        s = step(spec, s.next(), ray("SUCCEEDED"), end);
        assertEquals(JobRecord.COMPLETE, s.next().deploymentStatus());
        assertEquals(end, s.next().endTime());
        assertEquals(1, s.next().succeeded());
        assertEquals("SUCCEEDED message", s.next().message());
        Step waiting = step(spec, s.next(), ray("SUCCEEDED"), end.plusSeconds(45));
        assertEquals(List.of(), waiting.actions());
        assertEquals(Duration.ofSeconds(15), waiting.requeue());
        assertEquals(List.of(new DeleteCluster("rayjob-sample-raycluster-abcde")),
                step(spec, s.next(), ray("SUCCEEDED"), end.plusSeconds(60)).actions());
        Step gone = step(spec, s.next(), NOTHING, end.plusSeconds(63));
        assertEquals(List.of(), gone.actions());
        assertNull(gone.requeue());
        assertEquals(JobRecord.COMPLETE, gone.next().deploymentStatus());
    }

    @Test
    void aFailedJobIsRetriedOnNewClustersBackoffLimitTimesThenStaysFailed() {
        RayJob spec = job("  backoffLimit: 2\n");
        JobRecord rec = JobRecord.fresh();
        for (int attempt = 1; attempt <= 3; attempt++) {
            rec = step(spec, running(spec, rec), ray("FAILED"), T0.plusSeconds(30)).next();
            assertEquals(JobRecord.FAILED, rec.deploymentStatus());
            assertEquals(JobRecord.APP_FAILED, rec.reason());
            assertEquals(attempt, rec.failed());
            Step after = step(spec, rec, ray("FAILED"), T0.plusSeconds(31));
            if (attempt == 3) {
                assertEquals(JobRecord.FAILED, after.next().deploymentStatus());
                assertNull(after.requeue());
                return;
            }
            assertEquals(JobRecord.RETRYING, after.next().deploymentStatus());
            Step deleting = step(spec, after.next(), ray("FAILED"), T0.plusSeconds(32));
            assertEquals(List.of(new DeleteCluster(rec.clusterName())), deleting.actions());
            rec = step(spec, deleting.next(), NOTHING, T0.plusSeconds(40)).next();
            assertEquals(JobRecord.NEW, rec.deploymentStatus());
            assertNull(rec.jobId());
            assertEquals(attempt, rec.failed());
        }
    }

    private static JobRecord running(RayJob spec, JobRecord from) {
        Step s = step(spec, from, NOTHING, T0);
        s = step(spec, s.next(), ray("PENDING"), T0);
        return s.next();
    }

    @Test
    void pastTheDeadlineTheJobFailsWithDeadlineExceededAndIsNotRetried() {
        RayJob spec = job("  activeDeadlineSeconds: 60\n  backoffLimit: 3\n");
        JobRecord rec = running(spec);
        assertEquals(JobRecord.RUNNING, step(spec, rec, ray("RUNNING"), T0.plusSeconds(59)).next().deploymentStatus());
        JobRecord failed = step(spec, rec, ray("RUNNING"), T0.plusSeconds(60)).next();
        assertEquals(JobRecord.FAILED, failed.deploymentStatus());
        assertEquals(JobRecord.DEADLINE_EXCEEDED, failed.reason());
        assertEquals(1, failed.failed());
        assertEquals(JobRecord.FAILED, step(spec, failed, ray("RUNNING"), T0.plusSeconds(61)).next().deploymentStatus());
    }

    @Test
    void suspendDeletesTheClusterAndResumeStartsAfresh() {
        RayJob spec = job("  shutdownAfterJobFinishes: true\n");
        RayJob suspended = job("  shutdownAfterJobFinishes: true\n  suspend: true\n");
        JobRecord rec = running(spec);
        Step s = step(suspended, rec, ray("RUNNING"), T0.plusSeconds(30));
        assertEquals(JobRecord.SUSPENDING, s.next().deploymentStatus());
        s = step(suspended, s.next(), ray("RUNNING"), T0.plusSeconds(30));
        assertEquals(List.of(new DeleteCluster(rec.clusterName())), s.actions());
        s = step(suspended, s.next(), NOTHING, T0.plusSeconds(35));
        assertEquals(JobRecord.SUSPENDED, s.next().deploymentStatus());
        assertNull(s.next().clusterName());
        assertNull(step(suspended, s.next(), NOTHING, T0.plusSeconds(36)).requeue());
        s = step(spec, s.next(), NOTHING, T0.plusSeconds(40));
        assertEquals(JobRecord.NEW, s.next().deploymentStatus());
        assertEquals(JobRecord.INITIALIZING, step(spec, s.next(), NOTHING, T0.plusSeconds(40)).next().deploymentStatus());
        assertEquals(JobRecord.SUSPENDED, step(suspended, JobRecord.fresh(), NOTHING, T0).next().deploymentStatus());
    }

    @Test
    void aJobOnASelectedClusterNeitherCreatesNorDeletesIt() {
        String yaml = RayJobReaderTest.SAMPLE.replaceAll("(?s)  rayClusterSpec:.*", "  clusterSelector:\n    ray.io/cluster: llm\n");
        RayJob spec = RayJobReaderTest
                .job(RayJobReaderTest.withSpec(yaml, "  submissionMode: HTTPMode\n  shutdownAfterJobFinishes: true\n"));
        JobRecord rec = running(spec);
        assertEquals("llm", rec.clusterName());
        JobRecord done = step(spec, rec, ray("STOPPED"), T0.plusSeconds(30)).next();
        assertEquals(JobRecord.COMPLETE, done.deploymentStatus());
        assertEquals("STOPPED", done.jobStatus());
        assertEquals(0, done.succeeded());
        assertEquals(List.of(), step(spec, done, ray("STOPPED"), T0.plusSeconds(3600)).actions());
    }

    @Test
    void interactiveModeWaitsForTheUsersJobId() {
        String yaml = RayJobReaderTest.withSpec(RayJobReaderTest.SAMPLE, "  submissionMode: InteractiveMode\n");
        RayJob spec = RayJobReaderTest.job(yaml);
        JobRecord rec = step(spec, JobRecord.fresh(), NOTHING, T0).next();
        assertNull(rec.jobId());
        rec = step(spec, step(spec, rec, STARTING, T0).next(), ray("PENDING"), T0).next();
        assertEquals(JobRecord.WAITING, rec.deploymentStatus());
        assertEquals(JobRecord.WAITING, step(spec, rec, ray("PENDING"), T0).next().deploymentStatus());
        RayJob given = RayJobReaderTest.job(RayJobReaderTest.withSpec(yaml, "  jobId: raysubmit_abc\n"));
        JobRecord running = step(given, rec, ray("PENDING"), T0).next();
        assertEquals(JobRecord.RUNNING, running.deploymentStatus());
        assertEquals("raysubmit_abc", running.jobId());
        assertEquals(List.of(), step(given, running, READY_UNKNOWN_JOB, T0).actions());
    }

    static Seen k8s(String status, Submitter.State submitter) {
        return new Seen(true, true, status == null ? null : new RayJobInfo(status, status + " message"), status == null, submitter);
    }

    @Test
    void k8sJobModeHasItsSubmitterSubmitAndEndsOnlyOnceTheSubmitterIsDone() {
        RayJob spec = RayJobReaderTest.job(RayJobReaderTest.withSpec(RayJobReaderTest.SAMPLE, "  backoffLimit: 1\n"));
        assertEquals(RayJob.K8S_JOB_MODE, spec.submissionMode());
        Step init = step(spec, step(spec, JobRecord.fresh(), NOTHING, T0).next(), NOTHING, T0);
        Step ready = step(spec, init.next(), k8s(null, Submitter.State.NONE), T0.plusSeconds(10));
        assertEquals(JobRecord.RUNNING, ready.next().deploymentStatus());
        JobRecord rec = ready.next();
        assertEquals(List.of(new CreateSubmitter(rec.jobId(), rec.clusterName())), ready.actions());
        // Ray does not know the id yet: the submitter will submit it; the operator never does
        assertEquals(List.of(), step(spec, rec, k8s(null, Submitter.State.ACTIVE), T0.plusSeconds(11)).actions());
        assertEquals(List.of(new CreateSubmitter(rec.jobId(), rec.clusterName())),
                step(spec, rec, k8s(null, Submitter.State.NONE), T0.plusSeconds(11)).actions(), "a lost submitter is made again");
        // Ray's verdict waits for the submitter to finish, as KubeRay waits for its Job
        assertEquals(rec, step(spec, rec, k8s("SUCCEEDED", Submitter.State.ACTIVE), T0.plusSeconds(12)).next());
        assertEquals(JobRecord.COMPLETE, step(spec, rec, k8s("SUCCEEDED", Submitter.State.SUCCEEDED), T0.plusSeconds(12)).next()
                .deploymentStatus());
        // the submitter gave up before Ray had a verdict: SubmissionFailed; with Ray's FAILED: AppFailed
        JobRecord submission = step(spec, rec, k8s(null, Submitter.State.FAILED), T0.plusSeconds(13)).next();
        assertEquals(JobRecord.FAILED, submission.deploymentStatus());
        assertEquals(JobRecord.SUBMISSION_FAILED, submission.reason());
        assertEquals(1, submission.failed());
        assertEquals(JobRecord.APP_FAILED, step(spec, rec, k8s("FAILED", Submitter.State.FAILED), T0.plusSeconds(13)).next().reason());
        // a retry deletes the submitter with the cluster, then starts afresh
        JobRecord retrying = step(spec, submission, k8s(null, Submitter.State.FAILED), T0.plusSeconds(14)).next();
        assertEquals(JobRecord.RETRYING, retrying.deploymentStatus());
        assertEquals(List.of(new DeleteSubmitter(), new DeleteCluster(rec.clusterName())),
                step(spec, retrying, k8s(null, Submitter.State.FAILED), T0.plusSeconds(15)).actions());
        assertEquals(JobRecord.NEW, step(spec, retrying, NOTHING, T0.plusSeconds(16)).next().deploymentStatus());
    }
}

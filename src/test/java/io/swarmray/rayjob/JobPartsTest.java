package io.swarmray.rayjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayJob;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.swarm.ObservedTask;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The RayJob's pure parts around the state machine: its record as stored, its cluster, Ray's submit body. */
class JobPartsTest {
    static final Instant T0 = JobTransitionsTest.T0;

    static JobRecord rec(String deployment, Instant end) {
        return new JobRecord("j-abcde", "rayjob-sample-raycluster-abcde", deployment, "SUCCEEDED", "", "done", T0, end, 1, 0);
    }

    @Test
    void aRecordReadsBackAsItWasStoredAndItsConfigNameFitsSwarm() {
        for (JobRecord r : new JobRecord[]{JobRecord.fresh(), rec(JobRecord.COMPLETE, T0.plusSeconds(30)),
                new JobRecord("x", null, JobRecord.FAILED, "FAILED", JobRecord.APP_FAILED, "Job entrypoint command failed with exit code 3",
                        T0, T0.plusSeconds(1), 0, 2)}) {
            assertEquals(r, JobStore.decode(JobStore.encode(r)));
        }
        assertTrue(new String(JobStore.encode(rec(JobRecord.RUNNING, null)), StandardCharsets.UTF_8)
                .contains("\"jobDeploymentStatus\":\"Running\""));
        String longest = JobStore.configName("default", "j".repeat(63), 123456);
        assertTrue(longest.length() <= 64, longest);
        assertTrue(longest.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*"), longest);
        assertNotEquals(JobStore.configName("a", "job", 1), JobStore.configName("b", "job", 1), "two instances never share a name");
        assertThrows(IllegalStateException.class, () -> JobStore.decode("{\"succeeded\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theJobsOwnClusterIsWantedFromInitializingUntilTheTtlAfterTheEnd() {
        RayJob kept = JobTransitionsTest.job("");
        RayJob ttl = JobTransitionsTest.job("  shutdownAfterJobFinishes: true\n  ttlSecondsAfterFinished: 60\n");
        String name = "rayjob-sample-raycluster-abcde";
        for (String d : new String[]{JobRecord.INITIALIZING, JobRecord.WAITING, JobRecord.RUNNING}) {
            assertEquals(Set.of(name), JobClusters.wanted(ttl, rec(d, null), T0).keySet(), d);
        }
        for (String d : new String[]{JobRecord.RETRYING, JobRecord.SUSPENDING, JobRecord.SUSPENDED}) {
            assertEquals(Set.of(), JobClusters.wanted(ttl, rec(d, null), T0).keySet(), d);
        }
        JobRecord done = rec(JobRecord.COMPLETE, T0.plusSeconds(100));
        assertEquals(Set.of(name), JobClusters.wanted(ttl, done, T0.plusSeconds(159)).keySet());
        assertEquals(Set.of(), JobClusters.wanted(ttl, done, T0.plusSeconds(160)).keySet());
        assertEquals(Set.of(name), JobClusters.wanted(kept, done, T0.plusSeconds(10_000)).keySet(), "no shutdownAfterJobFinishes");
        RayCluster c = JobClusters.wanted(ttl, done, T0).get(name);
        assertEquals(name, c.name());
        assertEquals(RayJob.KIND, c.labels().get(Labels.ORIGINATED_FROM_CRD));
        assertEquals("rayjob-sample", c.labels().get(Labels.ORIGINATED_FROM_CR_NAME));
        assertEquals("rayjob-sample", Labels.rayJobOwner(c.labels()));
        assertEquals("rayjob/rayjob-sample", Labels.ownerKey(c.labels()));

        RayJob selected = RayJobReaderTest.job("""
                apiVersion: ray.io/v1
                kind: RayJob
                metadata: {name: on-shared}
                spec:
                  entrypoint: echo hi
                  submissionMode: HTTPMode
                  clusterSelector: {ray.io/cluster: shared}
                """);
        assertEquals(Map.of(), JobClusters.wanted(selected,
                new JobRecord("j", "shared", JobRecord.RUNNING, "", "", "", T0, null, 0, 0), T0), "a selected cluster is never owned");
        for (int i = 0; i < 50; i++) {
            assertTrue(JobClusters.suffix().matches("[" + JobClusters.ALPHABET + "]{5}"));
        }
    }

    @Test
    void theSubmitBodyCarriesKubeRaysFieldsAndLeavesOutEmptyOnes() {
        RayJob j = JobTransitionsTest.job("""
                  metadata: {owner: team-a}
                  entrypointNumCpus: 0.5
                  entrypointResources: '{"accel": 1}'
                """);
        assertEquals("{\"entrypoint\":\"python /home/ray/samples/sample_code.py\",\"submission_id\":\"id-1\","
                + "\"metadata\":{\"owner\":\"team-a\"},\"runtime_env\":{\"env_vars\":{\"counter_name\":\"test_counter\"}},"
                + "\"entrypoint_num_cpus\":0.5,\"entrypoint_resources\":{\"accel\":1.0}}", RayJobApi.submitBody(j, "id-1"));
        assertEquals("SUCCEEDED", RayJobApi.parse("{\"status\":\"SUCCEEDED\",\"message\":\"Job finished successfully.\"}").status());
        assertThrows(IllegalStateException.class, () -> RayJobApi.parse("<html>"));
    }

    @Test
    void theRegistryKeepsJobsLikeServicesAndTheirClustersUnderTheJobsKey() {
        SpecRegistry registry = new SpecRegistry();
        String key = SpecRegistry.jobKey("rayjob-sample");
        assertEquals(Set.of(key), registry.update(RayJobReaderTest.parse(RayJobReaderTest.SAMPLE)));
        RayJob job = registry.job("rayjob-sample").spec();
        assertTrue(registry.undecided(key), "a job's clusters are undecided until its first pass");
        JobRecord running = rec(JobRecord.RUNNING, null);
        assertEquals(Set.of(running.clusterName()), registry.publishDerived(key, JobClusters.wanted(job, running, T0)));
        assertEquals("specs/job.yaml", registry.cluster(running.clusterName()).file());
        // an invalid file keeps the job at its last good spec, with the error
        registry.update(RayJobReaderTest.parse(RayJobReaderTest.SAMPLE.replace("entrypoint: python", "entrypoint: [python")));
        assertEquals(job, registry.job("rayjob-sample").spec());
        assertEquals(1, registry.job("rayjob-sample").errors().size(), registry.job("rayjob-sample").toString());
        assertEquals(Set.of(key), registry.remove("specs/job.yaml"));
        assertEquals(null, registry.job("rayjob-sample"));
        assertEquals(false, registry.undecided(key));
    }

    static ObservedTask task(String state, String timestamp) {
        return new ObservedTask("t-" + state + timestamp, "svc", null, 1, "node", state, "running", "", null, timestamp, timestamp, null,
                List.of(), List.of());
    }

    @Test
    void theSubmitterRunsKubeRaysLineInTheHeadsImageAndItsTasksTellHowItWent() {
        RayJob j = JobTransitionsTest.job("""
                  metadata: {owner: team-a}
                  entrypointNumCpus: 0.5
                """);
        String address = Submitter.address("c1", 8265);
        assertEquals("http://c1-head:8265", address);
        assertEquals("if ray job status --address http://c1-head:8265 id-1 >/dev/null 2>&1 ; then ray job logs --address "
                + "http://c1-head:8265 --follow id-1 ; else ray job submit --address http://c1-head:8265 --runtime-env-json "
                + "'{\"env_vars\":{\"counter_name\":\"test_counter\"}}' --metadata-json '{\"owner\":\"team-a\"}' --submission-id id-1 "
                + "--entrypoint-num-cpus 0.500000 -- python /home/ray/samples/sample_code.py ; fi", Submitter.line(j, "id-1", address));
        DesiredService d = Submitter.desired(j, "id-1", "c1", "rayproject/ray:2.40.0", 8265);
        assertEquals("rayjob-sample-submitter", d.name());
        assertEquals("rayproject/ray:2.40.0", d.image());
        assertEquals("c1-net", d.network());
        assertEquals(new DesiredService.RunOnce(RayJob.DEFAULT_SUBMITTER_BACKOFF_LIMIT, true), d.runOnce());
        assertEquals(List.of("PYTHONUNBUFFERED=1", "RAY_DASHBOARD_ADDRESS=c1-head:8265", "RAY_JOB_SUBMISSION_ID=id-1"), d.env());
        assertEquals("rayjob-sample", d.labels().get(Submitter.LABEL));
        assertEquals("rayjob/rayjob-sample", Labels.ownerKey(d.labels()));

        Instant now = Instant.parse("2026-12-02T10:01:00Z");
        assertEquals(Submitter.State.NONE, Submitter.state(null, List.of(), 2, now));
        assertEquals(Submitter.State.ACTIVE, Submitter.state("svc", List.of(), 2, now));
        assertEquals(Submitter.State.SUCCEEDED,
                Submitter.state("svc", List.of(task("failed", "2026-12-02T10:00:00Z"), task("complete", "2026-12-02T10:00:30Z")), 2, now));
        assertEquals(Submitter.State.ACTIVE, Submitter.state("svc", List.of(task("failed", "2026-12-02T10:00:50Z")), 2, now),
                "Swarm restarts it 5 s after a failure");
        assertEquals(Submitter.State.FAILED, Submitter.state("svc", List.of(task("failed", "2026-12-02T10:00:58Z"),
                task("failed", "2026-12-02T10:00:59Z"), task("failed", "2026-12-02T10:01:00Z")), 2, now), "retries + 1 attempts failed");
        assertEquals(Submitter.State.FAILED, Submitter.state("svc", List.of(task("failed", "2026-12-02T10:00:30Z")), 2, now),
                "no replacement 20 s after the last failure");
        assertEquals(Submitter.State.ACTIVE, Submitter.state("svc", List.of(task("failed", "2026-12-02T10:00:30Z"),
                task("running", "2026-12-02T10:00:36Z")), 2, now));
        ObservedTask earlierSubmitters = new ObservedTask("t-old", "removed-svc", null, 1, "node", "complete", "complete", "", null,
                "2026-12-02T10:00:10Z", "2026-12-02T10:00:09Z", null, List.of(), List.of());
        assertEquals(Submitter.State.ACTIVE,
                Submitter.state("svc", List.of(earlierSubmitters, task("running", "2026-12-02T10:00:36Z")), 2, now),
                "a removed submitter's completed task, which Swarm keeps, is not this one's");
    }
}

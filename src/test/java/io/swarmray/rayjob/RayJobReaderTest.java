package io.swarmray.rayjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.spec.RayJob;
import io.swarmray.spec.SpecFile;
import io.swarmray.spec.SpecIssue;
import io.swarmray.spec.SpecParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kind: RayJob documents: KubeRay's fields and defaults, and errors that name file, document and field. */
class RayJobReaderTest {
    /** KubeRay's ray-job.sample.yaml in shape: an entrypoint, a runtime env, a cluster made for the job. */
    static final String SAMPLE = """
            apiVersion: ray.io/v1
            kind: RayJob
            metadata:
              name: rayjob-sample
            spec:
              entrypoint: python /home/ray/samples/sample_code.py
              runtimeEnvYAML: |
                env_vars:
                  counter_name: "test_counter"
              rayClusterSpec:
                rayVersion: "2.40.0"
                headGroupSpec:
                  rayStartParams: {}
                  template:
                    spec:
                      containers:
                        - name: ray-head
                          image: rayproject/ray:2.40.0
                workerGroupSpecs:
                  - replicas: 1
                    groupName: small-group
                    rayStartParams: {}
                    template:
                      spec:
                        containers:
                          - name: ray-worker
                            image: rayproject/ray:2.40.0
            """;

    static SpecFile parse(String yaml) {
        return new SpecParser(1 << 20).parse("specs/job.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    static RayJob job(String yaml) {
        SpecFile f = parse(yaml);
        assertEquals(List.of(), f.allErrors());
        return f.jobs().get(0).job();
    }

    static List<String> errors(String yaml) {
        return parse(yaml).allErrors().stream().map(SpecIssue::toString).toList();
    }

    static String withSpec(String yaml, String lines) {
        return yaml.replace("\nspec:\n", "\nspec:\n" + lines);
    }

    @Test
    void readsKubeRaysFieldsWithTheirDefaults() {
        SpecFile f = parse(SAMPLE);
        assertEquals(List.of(), f.allWarnings().stream().map(SpecIssue::toString).toList());
        RayJob j = job(SAMPLE);
        assertEquals("rayjob-sample", j.name());
        assertEquals("python /home/ray/samples/sample_code.py", j.entrypoint());
        assertEquals(Map.of("env_vars", Map.of("counter_name", "test_counter")), j.runtimeEnv());
        assertEquals(RayJob.K8S_JOB_MODE, j.submissionMode());
        assertEquals("rayjob-sample-raycluster-xxxxx", j.cluster().name());
        assertEquals(1, j.cluster().workerGroups().size());
        assertNull(j.clusterSelector());
        assertNull(j.jobId());
        assertFalse(j.shutdownAfterJobFinishes());
        assertEquals(0, j.ttlSecondsAfterFinished());
        assertEquals(0, j.activeDeadlineSeconds());
        assertEquals(0, j.backoffLimit());
        assertEquals(RayJob.DEFAULT_SUBMITTER_BACKOFF_LIMIT, j.submitterBackoffLimit());
        assertFalse(j.suspend());
    }

    @Test
    void everyOptionalFieldIsRead() {
        RayJob j = job(withSpec(SAMPLE, """
                  submissionMode: HTTPMode
                  jobId: my-job-1
                  metadata: {team: eval}
                  entrypointNumCpus: 1.5
                  entrypointNumGpus: 0
                  entrypointResources: '{"accel": 2}'
                  shutdownAfterJobFinishes: true
                  ttlSecondsAfterFinished: 30
                  activeDeadlineSeconds: 600
                  backoffLimit: 2
                  submitterConfig: {backoffLimit: 1}
                  suspend: true
                """));
        assertEquals(RayJob.HTTP_MODE, j.submissionMode());
        assertEquals("my-job-1", j.jobId());
        assertEquals(Map.of("team", "eval"), j.metadata());
        assertEquals(1.5, j.entrypointNumCpus());
        assertEquals(0.0, j.entrypointNumGpus());
        assertEquals(Map.of("accel", 2.0), j.entrypointResources());
        assertTrue(j.shutdownAfterJobFinishes());
        assertEquals(30, j.ttlSecondsAfterFinished());
        assertEquals(600, j.activeDeadlineSeconds());
        assertEquals(2, j.backoffLimit());
        assertEquals(1, j.submitterBackoffLimit());
        assertTrue(j.suspend());
    }

    @Test
    void aJobOnARunningClusterNamesItThroughTheSelector() {
        String yaml = SAMPLE.replaceAll("(?s)  rayClusterSpec:.*", "  clusterSelector:\n    ray.io/cluster: llm\n");
        RayJob j = job(yaml);
        assertEquals("llm", j.clusterSelector());
        assertNull(j.cluster());
        assertEquals(List.of("specs/job.yaml[0] spec.clusterSelector: must name the cluster under key ray.io/cluster"),
                errors(yaml.replace("ray.io/cluster: llm", "app: llm")));
        assertEquals(List.of("specs/job.yaml[0] spec.suspend: cannot suspend a job on a cluster it does not own (spec.clusterSelector)"),
                errors(withSpec(yaml, "  suspend: true\n  shutdownAfterJobFinishes: true\n")));
        assertEquals(List.of("specs/job.yaml[0] spec.clusterSelector: and spec.rayClusterSpec are both set: the job runs on one cluster; "
                + "keep one of them"), errors(withSpec(SAMPLE, "  clusterSelector: {ray.io/cluster: llm}\n")));
    }

    @Test
    void errorsNameTheField() {
        assertEquals(List
                .of("specs/job.yaml[0] spec.entrypoint: is required: the command Ray runs as the job (InteractiveMode alone goes without)"),
                errors(SAMPLE.replace("  entrypoint: python /home/ray/samples/sample_code.py\n", "")));
        assertEquals(List.of(), errors(withSpec(SAMPLE.replace("  entrypoint: python /home/ray/samples/sample_code.py\n", ""),
                "  submissionMode: InteractiveMode\n")));
        assertEquals(List.of("specs/job.yaml[0] spec.submissionMode: 'SidecarMode' is not K8sJobMode, HTTPMode or InteractiveMode"),
                errors(withSpec(SAMPLE, "  submissionMode: SidecarMode\n")));
        assertEquals(List.of("specs/job.yaml[0] spec.rayClusterSpec: is required unless spec.clusterSelector names a running cluster"),
                errors(SAMPLE.replaceAll("(?s)  rayClusterSpec:.*", "")));
        assertEquals(
                List.of("specs/job.yaml[0] spec.suspend: needs spec.shutdownAfterJobFinishes: true (suspending deletes the job's cluster)"),
                errors(withSpec(SAMPLE, "  suspend: true\n")));
        assertEquals(List.of("specs/job.yaml[0] spec.backoffLimit: -1 must be at least 0"),
                errors(withSpec(SAMPLE, "  backoffLimit: -1\n")));
        assertEquals(
                List.of("specs/job.yaml[0] spec.backoffLimit: cannot retry a job in InteractiveMode: the user submits it, not SwarmRay"),
                errors(withSpec(SAMPLE, "  submissionMode: InteractiveMode\n  backoffLimit: 1\n")));
        assertEquals(List.of("specs/job.yaml[0] spec.entrypointNumCpus: must be a number, got a string (one)"),
                errors(withSpec(SAMPLE, "  entrypointNumCpus: one\n")));
        assertTrue(errors(withSpec(SAMPLE, "  entrypointResources: '{accel: 2'\n")).get(0)
                .startsWith("specs/job.yaml[0] spec.entrypointResources: is not a JSON object: "));
        assertEquals(List.of("specs/job.yaml[0] spec.entrypointResources.accel: must be a number, got a string (two)"),
                errors(withSpec(SAMPLE, "  entrypointResources: '{\"accel\": \"two\"}'\n")));
        assertTrue(errors(SAMPLE.replace("counter_name: \"test_counter\"", "[broken")).get(0)
                .startsWith("specs/job.yaml[0] spec.runtimeEnvYAML: is not valid YAML"));
        assertEquals(List.of("specs/job.yaml[0] spec.deletionPolicy: is not supported by SwarmRay (a KubeRay feature gate); remove it"),
                errors(withSpec(SAMPLE, "  deletionPolicy: DeleteCluster\n")));
        String longName = "a".repeat(45);
        assertTrue(errors(SAMPLE.replace("name: rayjob-sample", "name: " + longName)).get(0)
                .startsWith("specs/job.yaml[0] metadata.name: '" + longName + "' is too long for a RayJob"));
        assertTrue(errors(SAMPLE.replace("image: rayproject/ray:2.40.0", "image: [x]")).get(0)
                .startsWith("specs/job.yaml[0] spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].image: "));
    }
}

package io.swarmray.it;

import static io.swarmray.it.SwarmFixture.IMAGE;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.awaitReady;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.dockerCli;
import static io.swarmray.it.SwarmFixture.services;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Clusters written the way KubeRay users write them, on the stand-in that is as strict as Ray 2.40 and runs as
 * uid 1000:100 like rayproject/ray (ray-2.40-audit.md). Each must reach ready with every worker ALIVE in the
 * head's own node table.
 */
@QuarkusTest
class RealRaySwarmTest {
    static final String GPU_IMAGE = "swarmray/ray-standin:test-gpu";

    @Inject
    DockerClient docker;

    /** rayproject/ray images become the stand-in; a -gpu one the stand-in as a CUDA image sees a 2-GPU node. */
    static String onStandin(String yaml) {
        return yaml.replace("rayproject/ray:2.40.0-gpu", GPU_IMAGE).replace("rayproject/ray:2.40.0", IMAGE);
    }

    static List<Map<String, Object>> nodeTable(DockerClient docker, String cluster) throws Exception {
        String body = ClusterLifecycleSwarmTest.exec(docker, cluster + "-head", "wget", "--tries=1", "-q", "-O-",
                "http://localhost:8265/api/v0/nodes");
        return JsonPath.from(body).getList("data.result.result");
    }

    private List<Map<String, Object>> awaitAliveWorkers(String cluster, int n) {
        return await(n + " workers ALIVE in " + cluster + "'s node table", Duration.ofSeconds(60), () -> {
            try {
                return nodeTable(docker, cluster);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, t -> SwarmFixture.aliveWorkers(t).size() == n);
    }

    private String container(String service) {
        return docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", service)).exec().get(0).getId();
    }

    private static String inspect(String container, String format) {
        try {
            return dockerCli("inspect", "-f", format, container).trim();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void remove(String file, String cluster) throws Exception {
        deleteSpec(file);
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, cluster), List::isEmpty);
    }

    @Test
    void theShippedSampleRunsAsRaysUser() throws Exception {
        // specs/raycluster-sample.yaml as shipped, but for its image and a host port the test policy allows
        String yaml = onStandin(Files.readString(Path.of("specs/raycluster-sample.yaml"))).replace("hostPort: 8265", "hostPort: 28265");
        writeSpec("itsample.yaml", yaml);
        try {
            var s = awaitReady("raycluster-sample");
            assertEquals(2, s.getInt("status.readyWorkerReplicas"));
            awaitAliveWorkers("raycluster-sample", 2);
            assertEquals("1000:100", ClusterLifecycleSwarmTest.exec(docker, "raycluster-sample-worker-cpu", "sh", "-c",
                    "echo $(id -u):$(id -g)").trim());
        } finally {
            remove("itsample.yaml", "raycluster-sample");
        }
    }

    /**
     * KubeRay's ray-cluster.complete.yaml mounts an emptyDir at /tmp/ray on head and workers (F5), and KubeRay users
     * write include-dashboard/log-color "true" (F2) and bash-quoted custom resources. Here on -gpu images, which on a
     * GPU node see every GPU unless told otherwise (F9). Then the GCS is made slower than gcs_healthz's 0.1 s: the
     * head's healthcheck fails far longer than the old 6 x 5 s, Swarm keeps the head, and the cluster stays ready
     * because its busy GCS still answers (F7).
     */
    @Test
    void kubeRaysCompleteSampleOnGpuImagesAndABusyGcs() throws Exception {
        String yaml = """
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata:
                  name: itcomplete
                  labels: {swarmray-it: "true"}
                spec:
                  rayVersion: "2.40.0"
                  headGroupSpec:
                    rayStartParams:
                      include-dashboard: "true"
                      log-color: "true"
                      num-cpus: "1"
                    template:
                      spec:
                        containers:
                        - name: ray-head
                          image: rayproject/ray:2.40.0-gpu
                          resources:
                            limits: {cpu: "1", memory: 1Gi}
                          volumeMounts:
                          - {name: ray-logs, mountPath: /tmp/ray}
                        volumes:
                        - {name: ray-logs, emptyDir: {}}
                  workerGroupSpecs:
                  - groupName: small
                    replicas: 2
                    minReplicas: 1
                    maxReplicas: 3
                    rayStartParams:
                      resources: '"{\\"custom_accel\\": 1}"'
                    template:
                      spec:
                        containers:
                        - name: ray-worker
                          image: rayproject/ray:2.40.0-gpu
                          resources:
                            limits: {cpu: 500m, memory: 512Mi}
                          volumeMounts:
                          - {name: ray-logs, mountPath: /tmp/ray}
                        volumes:
                        - {name: ray-logs, emptyDir: {}}
                """;
        writeSpec("itcomplete.yaml", onStandin(yaml));
        try {
            awaitReady("itcomplete");
            var table = awaitAliveWorkers("itcomplete", 2);
            assertTrue(table.stream().filter(r -> !Boolean.TRUE.equals(r.get("is_head_node")))
                    .allMatch(
                            r -> ((Map<?, ?>) r.get("resources_total")).get("custom_accel") instanceof Number n && n.doubleValue() == 1.0),
                    table.toString());
            assertTrue(table.stream().noneMatch(r -> ((Map<?, ?>) r.get("resources_total")).containsKey("GPU")), table.toString());
            String mode = ClusterLifecycleSwarmTest.exec(docker, "itcomplete-worker-small", "stat", "-c", "%a %U", "/tmp/ray").trim();
            assertEquals("777 root", mode, "the volume is Docker's (root) and writable as Kubernetes' emptyDir is");
            String argv = ClusterLifecycleSwarmTest.exec(docker, "itcomplete-head", "cat", "/tmp/ray/standin-argv.json");
            assertTrue(argv.contains("\"--include-dashboard=true\"") && argv.contains("\"--log-color=true\""), argv);

            String head = container("itcomplete-head");
            ClusterLifecycleSwarmTest.exec(docker, "itcomplete-head", "sh", "-c", "echo 0.5 > /tmp/ray/standin-gcs-slow");
            String healthz = ClusterLifecycleSwarmTest.exec(docker, "itcomplete-head", "sh", "-c",
                    "wget --tries=1 -q -O- http://localhost:8265/api/gcs_healthz; echo \" exit=$?\"");
            assertTrue(healthz.trim().endsWith("exit=8"), "a slow GCS fails gcs_healthz: " + healthz);
            await("the head's healthcheck failing longer than 6 x 5 s", Duration.ofSeconds(90),
                    () -> Integer.parseInt(inspect(head, "{{.State.Health.FailingStreak}}")), n -> n >= 7);
            assertEquals(head, container("itcomplete-head"), "Swarm did not replace the head");
            assertEquals("ready", SwarmFixture.status("itcomplete").getString("status.state"), "a busy GCS still answers");
            ClusterLifecycleSwarmTest.exec(docker, "itcomplete-head", "rm", "-f", "/tmp/ray/standin-gcs-slow");
            await("healthy again", Duration.ofSeconds(30), () -> inspect(head, "{{.State.Health.Status}}"), "healthy"::equals);
            assertEquals(2, awaitAliveWorkers("itcomplete", 2).stream().filter(r -> !Boolean.TRUE.equals(r.get("is_head_node"))).count());
        } finally {
            remove("itcomplete.yaml", "itcomplete");
        }
    }
}

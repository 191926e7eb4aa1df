package io.swarmray.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Service;
import io.restassured.path.json.JsonPath;
import io.swarmray.render.Labels;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Helpers for tests that run the operator against the real swarm: write specs, poll status and Docker. */
final class SwarmFixture {
    static final Path SPECS = Path.of("target/it-specs");
    /** The operator instance of the tests in this JVM (%test.swarmray.instance). */
    static final String INSTANCE = "it";
    static final String IMAGE = "swarmray/ray-standin:test";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private SwarmFixture() {
    }

    /** Writes a spec file into the test operator's directory atomically (as editors and `swarmray apply` do). */
    static Path writeSpec(String file, String yaml) throws IOException {
        return writeSpec(SPECS, file, yaml);
    }

    /** Writes a spec file into an operator's directory atomically. */
    static Path writeSpec(Path dir, String file, String yaml) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file + ".tmp");
        Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
        return Files.move(tmp, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteSpec(String file) throws IOException {
        Files.deleteIfExists(SPECS.resolve(file));
    }

    /** {@link #cluster}'s spec alone, indented to sit under a RayService's rayClusterConfig or a RayJob's rayClusterSpec. */
    static String nestedClusterSpec(String name, String image, Map<String, Integer> groups) {
        String cluster = cluster(name, image, groups);
        return cluster.substring(cluster.indexOf("\nspec:\n") + "\nspec:\n".length()).replaceAll("(?m)^", "    ");
    }

    /** A cluster: head plus worker groups given as name=replicas. */
    static String cluster(String name, String image, Map<String, Integer> groups) {
        StringBuilder y = new StringBuilder("""
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata:
                  name: %s
                  labels:
                    team: it
                    swarmray-it: "true"
                spec:
                  rayVersion: "2.40.0"
                  headGroupSpec:
                    rayStartParams:
                      num-cpus: "1"
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: %s
                            resources:
                              limits: {cpu: "1", memory: 1Gi}
                  workerGroupSpecs:
                """.formatted(name, image));
        groups.forEach((g, n) -> y.append("""
                    - groupName: %s
                      replicas: %d
                      minReplicas: 0
                      maxReplicas: 5
                      rayStartParams: {}
                      template:
                        metadata:
                          annotations:
                            swarmray.io/constraints: "node.platform.os==linux"
                        spec:
                          nodeSelector: {}
                          containers:
                            - name: ray-worker
                              image: %s
                              env:
                                - {name: GROUP_NOTE, value: "group %s"}
                              resources:
                                limits: {cpu: "500m", memory: 512Mi}
                                requests: {cpu: "250m", memory: 256Mi}
                """.formatted(g, n, image, g)));
        return y.toString();
    }

    static JsonPath status(String name) {
        return given().get("/api/v1/rayclusters/" + name).then().extract().jsonPath();
    }

    static int httpStatus(String name) {
        return given().get("/api/v1/rayclusters/" + name).then().extract().statusCode();
    }

    /** Polls until the condition holds; fails with the last seen value. */
    static <T> T await(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                last = null;
            }
            sleep(500);
        }
        Object seen = last instanceof JsonPath json ? json.prettify() : last;
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last seen: " + seen);
    }

    static JsonPath awaitReady(String name) {
        return await(name + " ready", READY_TIMEOUT, () -> status(name),
                s -> "ready".equals(s.getString("status.state")));
    }

    static List<Service> services(DockerClient docker, String cluster) {
        return docker.listServicesCmd().withLabelFilter(Map.of(Labels.CLUSTER, cluster)).exec();
    }

    static Service service(DockerClient docker, String name) {
        return docker.listServicesCmd().withNameFilter(List.of(name)).exec().stream()
                .filter(s -> s.getSpec().getName().equals(name)).findFirst().orElse(null);
    }

    static Map<String, Long> versions(DockerClient docker, String cluster) {
        return services(docker, cluster).stream().collect(Collectors.toMap(
                s -> s.getSpec().getName(), s -> s.getVersion().getIndex()));
    }

    /** Runs a docker CLI command (for what users type: docker stack ...); returns stdout. */
    static String dockerCli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The rows of a head's node table ({@code /api/v0/nodes}' data.result.result) of workers that Ray lists ALIVE. */
    static List<Map<String, Object>> aliveWorkers(List<Map<String, Object>> table) {
        return table.stream().filter(n -> "ALIVE".equals(n.get("state")) && !Boolean.TRUE.equals(n.get("is_head_node"))).toList();
    }

    /** {@link #dockerCli} for lambdas: failures to run it are unchecked. */
    static String cli(String... args) {
        try {
            return dockerCli(args);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The swarmray CLI against the operator at {@code base}; its standard output. It must exit 0. */
    static String swarmrayCli(URL base, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", "deploy/swarmray"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("SWARMRAY_URL", base.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", args) + ": " + out);
        return out;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.swarmray.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.restassured.path.json.JsonPath;
import io.swarmray.render.Labels;
import io.swarmray.spec.Names;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real deployment: the operator's image (deploy/Dockerfile, or native/Dockerfile.prebuilt under -Dnative) as a Swarm stack (deploy/swarmray-stack.yml).
 * A spec dropped into the mounted directory becomes a ready cluster (the operator asks its head, on this engine, through
 * the stack's bridge container, and joins no network for it); an autoscaled one scales on demand (its head's autoscaler reaches the operator's
 * API where the stack publishes it, on the head's host); a killed operator comes back without restarting healthy Ray
 * services and without joining a network, and reads the tables through the bridge container again; an operator that cannot reach Docker is marked unhealthy by Swarm's healthcheck.
 * The jar's image starts with the class-data archive its build made.
 */
class OperatorServiceIT {
    static final String STACK = "swarmrayit";
    static final String SERVICE = STACK + "_operator";
    static final String IMAGE = "swarmray/operator:it";
    static final int PORT = 18196;
    /** Published on the host: not the tests' 6443, which a test in the other stream may be listening on. */
    static final int AUTOSCALER_API_PORT = 16447;
    static final Path SPECS = Path.of("target/service-specs").toAbsolutePath();
    static DockerClient docker;

    @BeforeAll
    static void deploy() throws Exception {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
        buildImage();
        Files.createDirectories(SPECS);
        run(Map.of("SWARMRAY_IMAGE", IMAGE, "SWARMRAY_SPECS_PATH", SPECS.toString(), "SWARMRAY_PORT", String.valueOf(PORT),
                "SWARMRAY_INSTANCE", "svc", "SWARMRAY_AUTOSCALER_API_PORT", String.valueOf(AUTOSCALER_API_PORT)), "docker", "stack",
                "deploy", "--resolve-image", "never", "-c", "deploy/swarmray-stack.yml",
                STACK);
    }

    /** The packaged artifact in its image: the jar on the test bed's JRE, or the native binary on its plain Debian. */
    static void buildImage() throws Exception {
        if (PackagedArtifact.isNative()) {
            run(Map.of("DOCKER_BUILDKIT", "0"), "docker", "build", "-q", "-f", "native/Dockerfile.prebuilt", "--build-arg",
                    "RUNTIME=swarmray/debian-base:12", "-t", IMAGE, ".");
        } else {
            run(Map.of("DOCKER_BUILDKIT", "0"), "docker", "build", "-q", "-f", "deploy/Dockerfile", "--build-arg",
                    "BASE=swarmray/debian-jre:12", "-t", IMAGE, ".");
        }
    }

    @AfterAll
    static void remove() throws Exception {
        Files.deleteIfExists(SPECS.resolve("svcc.yaml"));
        Files.deleteIfExists(SPECS.resolve("svca.yaml"));
        try {
            for (String cluster : List.of("svcc", "svca")) {
                SwarmFixture.await(cluster + " removed", Duration.ofSeconds(60), () -> docker.listServicesCmd()
                        .withLabelFilter(Map.of(Labels.CLUSTER, cluster)).exec(), List::isEmpty);
            }
        } finally {
            run(Map.of(), "docker", "stack", "rm", STACK);
            docker.close();
        }
    }

    static void run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().putAll(env);
        assertEquals(0, pb.start().waitFor(), String.join(" ", cmd));
    }

    static JsonPath get(String path) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return JsonPath.from(r.statusCode() == 200 ? r.body() : "{}");
        } catch (IOException | InterruptedException e) {
            return JsonPath.from("{}");
        }
    }

    /** The operator's node-table reads by {@code route} so far (swarmray_head_probes_total); 0 when it does not answer. */
    static double probes(String route) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + "/q/metrics"))
                            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? HeadProbeRouteSwarmTest.probes(r.body(), route) : 0;
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    static String operatorContainer() {
        return docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", SERVICE)).exec().stream()
                .map(c -> c.getId()).findFirst().orElse(null);
    }

    static String health(String container) {
        try {
            var h = docker.inspectContainerCmd(container).exec().getState().getHealth();
            return h == null ? "none" : h.getStatus();
        } catch (RuntimeException e) {
            return "gone";
        }
    }

    /** The networks the operator's container is on, by name. */
    static Set<String> networksOf(String container) {
        return docker.inspectContainerCmd(container).exec().getNetworkSettings().getNetworks().keySet();
    }

    static Map<String, String> rayTasks() {
        return docker.listTasksCmd().withLabelFilter(Map.of(Labels.CLUSTER, "svcc")).exec().stream()
                .filter(t -> "running".equals(t.getDesiredState().getValue()))
                .collect(Collectors.toMap(t -> t.getServiceId() + "/" + t.getSlot(), t -> t.getId(), (a, b) -> a, TreeMap::new));
    }

    /** What became of tasks that are no longer running, and each service's update state: a failure's diagnosis. */
    static String whyReplaced(Map<String, String> before) {
        StringBuilder out = new StringBuilder("before " + before + "; tasks: ");
        docker.listTasksCmd().withLabelFilter(Map.of(Labels.CLUSTER, "svcc")).exec().forEach(t -> out.append(t.getServiceId())
                .append('/').append(t.getSlot()).append(' ').append(t.getId()).append(" created ").append(t.getCreatedAt()).append(' ')
                .append(t.getStatus().getState()).append('/').append(t.getDesiredState()).append(" at ")
                .append(t.getStatus().getTimestamp())
                .append(" '").append(t.getStatus().getMessage()).append("' err '").append(t.getStatus().getErr()).append("'; "));
        docker.listServicesCmd().withLabelFilter(Map.of(Labels.CLUSTER, "svcc")).exec()
                .forEach(s -> out.append(s.getSpec().getName()).append(" version ").append(s.getVersion().getIndex()).append(" update ")
                        .append(s.getUpdateStatus() == null
                                ? "none"
                                : s.getUpdateStatus().getState() + " " + s.getUpdateStatus().getMessage())
                        .append(" force ").append(s.getSpec().getTaskTemplate().getForceUpdate()).append("; "));
        return out.toString();
    }

    /** No cluster network joined: both heads run on this engine, so a restarted operator makes no write. */
    static void assertNoNetworkJoined(String container) {
        Set<String> networks = networksOf(container);
        assertFalse(networks.contains(Names.network("svcc")) || networks.contains(Names.network("svca")),
                "a head on this engine is asked by exec: " + networks);
    }

    @Test
    void theOperatorRunsAsAStackSurvivesItsOwnDeathAndIsMarkedUnhealthyWithoutDocker() throws Exception {
        String first = SwarmFixture.await("operator healthy", Duration.ofSeconds(90), OperatorServiceIT::operatorContainer,
                c -> c != null && "healthy".equals(health(c)));
        if (!PackagedArtifact.isNative()) {
            // mapped once the JVM checked it against its class path and options; one that does not match is unmapped
            String mappings = SwarmFixture.dockerCli("exec", first, "grep", "-c", "/opt/swarmray/swarmray.jsa", "/proc/1/maps").trim();
            assertTrue(Integer.parseInt(mappings) > 0, "the JVM in the image uses the class-data archive that deploy/Dockerfile makes");
        }
        Files.writeString(SPECS.resolve("svcc.yaml"), SwarmFixture.cluster("svcc", SwarmFixture.IMAGE, Map.of("w", 2)));
        Files.writeString(SPECS.resolve("svca.yaml"), AutoscalingSwarmTest.cluster("svca", 1, "Default"));
        var ready = SwarmFixture.await("svcc ready", Duration.ofSeconds(120),
                () -> get("/api/v1/rayclusters/svcc"), s -> "ready".equals(s.getString("status.state")));
        assertEquals(2, ready.getInt("status.readyWorkerReplicas"));
        assertEquals("True", ready.getString("status.conditions.find { it.type == 'RayNodesObserved' }.status"));
        SwarmFixture.await("svca ready", Duration.ofSeconds(120),
                () -> get("/api/v1/rayclusters/svca"), s -> "ready".equals(s.getString("status.state")));
        AutoscalingSwarmTest.demand(AutoscalingSwarmTest.headContainer("svca"), "add", "job", "{\"CPU\": 1}", "1");
        try {
            SwarmFixture.await("svca: a worker for the demand, ready (the autoscaler reached the operator)", Duration.ofSeconds(90),
                    () -> get("/api/v1/rayclusters/svca"),
                    s -> "ready".equals(s.getString("status.state")) && s.getInt("status.readyWorkerReplicas") == 1);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nstatus: " + get("/api/v1/rayclusters/svca").prettify() + "\nthe head's log: "
                    + SwarmFixture.dockerCli("service", "logs", "--tail", "40", "svca-head") + "\nthe operator's log: "
                    + SwarmFixture.dockerCli("service", "logs", "--tail", "40", SERVICE), e);
        }
        assertNoNetworkJoined(first);
        assertTrue(probes("gateway") > 0, "node tables read through the stack's bridge container, not only by exec into the heads");
        Map<String, String> tasks = rayTasks();

        docker.killContainerCmd(first).exec();
        String second = SwarmFixture.await("operator restarted by Swarm", Duration.ofSeconds(90), OperatorServiceIT::operatorContainer,
                c -> c != null && !c.equals(first) && "healthy".equals(health(c)));
        for (String cluster : List.of("svcc", "svca")) {
            SwarmFixture.await(cluster + " ready again", Duration.ofSeconds(60), () -> get("/api/v1/rayclusters/" + cluster),
                    s -> "ready".equals(s.getString("status.state")));
        }
        assertNoNetworkJoined(second);
        // the restarted operator's first passes: both tables through the bridge container
        double gateway = probes("gateway");
        if (gateway < 2) {
            fail("gateway " + gateway + ", exec " + probes("exec") + "\nthe operator's log: "
                    + SwarmFixture.dockerCli("service", "logs", "--tail", "60", SERVICE));
        }
        Thread.sleep(5000);
        assertEquals(tasks, rayTasks(), () -> "no Ray task was restarted; " + whyReplaced(tasks));

        // Docker unreachable: readiness fails, so Swarm's healthcheck marks the operator unhealthy.
        run(Map.of(), "docker", "service", "update", "-d", "--env-add", "DOCKER_HOST=tcp://127.0.0.1:9", SERVICE);
        String broken = SwarmFixture.await("operator without Docker unhealthy", Duration.ofSeconds(120), () -> {
            var c = operatorContainer();
            return c != null && !c.equals(second) && "unhealthy".equals(health(c)) ? c : null;
        }, c -> c != null);
        assertNotEquals(second, broken);
        run(Map.of(), "docker", "service", "update", "-d", "--env-rm", "DOCKER_HOST", SERVICE);
        SwarmFixture.await("operator healthy again", Duration.ofSeconds(120), OperatorServiceIT::operatorContainer,
                c -> c != null && "healthy".equals(health(c)));
        assertEquals(tasks, rayTasks(), () -> "Ray services untouched throughout; " + whyReplaced(tasks));
    }
}

package io.swarmray.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.restassured.path.json.JsonPath;
import io.swarmray.render.Labels;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator keeps no state of its own: SIGKILL it at random points while it creates, scales,
 * updates and deletes clusters, restart it, and it must converge with no duplicate or orphan
 * object and without restarting a healthy cluster. Runs the packaged operator as a process.
 */
class OperatorCrashIT {
    static final int KILLS = 32;
    static final int PORT = 18191;
    /** Its RayService's published endpoint port: RayServiceSwarmTest's runs at the same time (deploy/test.sh). */
    static final int SERVE_PORT = 28181;
    static final Path SPECS = Path.of("target/crash-specs");
    static DockerClient docker;
    private Process operator;
    /** In every failure's message (the kills' log): -Dcrash.seed=N runs the same kills again. */
    private final long seed = Long.getLong("crash.seed", System.nanoTime());
    private final Random random = new Random(seed);

    @BeforeAll
    static void connect() {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
    }

    @AfterEach
    void stopOperator() throws InterruptedException {
        if (operator != null) {
            kill();
        }
    }

    @AfterAll
    static void close() throws IOException {
        docker.close();
    }

    private void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(PackagedArtifact.command())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/crash-operator.log")));
        pb.environment().put("SWARMRAY_SPECS_DIR", SPECS.toString());
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(PORT));
        pb.environment().put("SWARMRAY_AUTOSCALER_API_PORT", "16445");
        pb.environment().put("SWARMRAY_RESYNC_INTERVAL", "5s");
        pb.environment().put("SWARMRAY_INSTANCE", "crash");
        pb.environment().put("SWARMRAY_CONVERGING_INTERVAL", "1s");
        pb.environment().put("SWARMRAY_SERVE_PROXY_IMAGE", "swarmray/haproxy:test");
        pb.environment().put("SWARMRAY_SERVE_CLUSTER_DELETION_DELAY", "5s");
        operator = pb.start();
    }

    private void kill() throws InterruptedException {
        operator.destroyForcibly().waitFor(); // SIGKILL on Linux
    }

    private static void deleteSpecs() throws IOException {
        try (var files = Files.list(SPECS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String spec(String name, int replicas, String image) {
        return SwarmFixture.cluster(name, image, Map.of("w", replicas));
    }

    private static List<Service> owned() {
        // by instance: the *SwarmTest operator runs beside this one (deploy/test.sh), with clusters of its own
        return docker.listServicesCmd().withLabelFilter(Map.of(Labels.INSTANCE, "crash")).exec();
    }

    private static String state(String name) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + PORT + "/api/v1/rayclusters/" + name)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200
                    ? JsonPath.from(r.body()).getString("status.state")
                    : "http " + r.statusCode();
        } catch (IOException | InterruptedException e) {
            return "unreachable";
        }
    }

    private static Map<String, String> taskIds(String cluster) {
        return docker.listTasksCmd().withLabelFilter(Map.of(Labels.CLUSTER, cluster)).exec().stream()
                .filter(t -> t.getDesiredState() != null && t.getDesiredState().getValue().equals("running"))
                .collect(Collectors.toMap(t -> t.getServiceId() + "/" + t.getSlot(), t -> t.getId(), (a, b) -> a, TreeMap::new));
    }

    @Test
    void sigkillAtRandomPointsLeavesNoDuplicateNoOrphanAndNoRestartOfHealthyClusters() throws Exception {
        Files.createDirectories(SPECS);
        deleteSpecs();
        start();
        SwarmFixture.writeSpec(SPECS, "crashstable.yaml", spec("crashstable", 1, SwarmFixture.IMAGE));
        SwarmFixture.await("crashstable ready", SwarmFixture.READY_TIMEOUT, () -> state("crashstable"), "ready"::equals);
        var stableVersions = owned().stream().filter(s -> s.getSpec().getName().startsWith("crashstable"))
                .collect(Collectors.toMap(s -> s.getSpec().getName(), s -> s.getVersion().getIndex()));
        var stableTasks = taskIds("crashstable");

        // The intended end state, updated by every operation.
        Map<String, String> declared = new HashMap<>();
        List<String> log = new ArrayList<>(List.of("seed " + seed));
        String[] names = {"crasha", "crashb", "crashc"};
        for (int i = 0; i < KILLS; i++) {
            String name = names[random.nextInt(names.length)];
            String op;
            if (!declared.containsKey(name)) {
                op = "create";
                declared.put(name, spec(name, 1, SwarmFixture.IMAGE));
            } else {
                switch (random.nextInt(3)) {
                    case 0 -> {
                        op = "scale";
                        declared.put(name, spec(name, 1 + random.nextInt(2), SwarmFixture.IMAGE));
                    }
                    case 1 -> {
                        op = "update";
                        declared.put(name, spec(name, 1, random.nextBoolean() ? SwarmFixture.IMAGE : SwarmFixture.IMAGE + "2"));
                    }
                    default -> {
                        op = "delete";
                        declared.remove(name);
                    }
                }
            }
            if (declared.containsKey(name)) {
                SwarmFixture.writeSpec(SPECS, name + ".yaml", declared.get(name));
            } else {
                Files.deleteIfExists(SPECS.resolve(name + ".yaml"));
            }
            int delay = random.nextInt(1500);
            log.add(op + " " + name + " +" + delay + "ms");
            Thread.sleep(delay);
            kill();
            start();
            Thread.sleep(random.nextInt(1500)); // sometimes killed again while starting up
        }

        // Converge: every declared cluster ready, nothing else left.
        for (String name : declared.keySet()) {
            SwarmFixture.await(name + " ready after " + log, SwarmFixture.READY_TIMEOUT, () -> state(name), "ready"::equals);
        }
        Set<String> expected = new TreeSet<>();
        for (String name : declared.keySet()) {
            expected.add(name + "-head");
            expected.add(name + "-worker-w");
        }
        expected.add("crashstable-head");
        expected.add("crashstable-worker-w");
        SwarmFixture.await("only declared services after " + log, Duration.ofSeconds(60),
                () -> owned().stream().map(s -> s.getSpec().getName()).collect(Collectors.toCollection(TreeSet::new)), expected::equals);
        List<String> services = owned().stream().map(s -> s.getSpec().getName()).toList();
        assertEquals(services.size(), new TreeSet<>(services).size(), "no duplicate: " + services);
        Set<String> expectedNetworks = new TreeSet<>();
        declared.keySet().forEach(n -> expectedNetworks.add(n + "-net"));
        expectedNetworks.add("crashstable-net");
        SwarmFixture.await("only declared networks", Duration.ofSeconds(60), () -> docker.listNetworksCmd().exec().stream()
                .map(n -> n.getName()).filter(n -> n.startsWith("crash")).collect(Collectors.toCollection(TreeSet::new)),
                expectedNetworks::equals);
        var stableAfter = owned().stream().filter(s -> s.getSpec().getName().startsWith("crashstable"))
                .collect(Collectors.toMap(s -> s.getSpec().getName(), s -> s.getVersion().getIndex()));
        assertEquals(stableVersions, stableAfter, "the healthy cluster's services were never updated");
        assertEquals(stableTasks, taskIds("crashstable"), "the healthy cluster's tasks were never restarted");

        // Tear down through the operator itself.
        deleteSpecs();
        SwarmFixture.await("all removed", Duration.ofSeconds(90), OperatorCrashIT::owned, List::isEmpty);
        kill();
    }

    private static JsonPath rayService(String name) {
        return get("rayservices", name);
    }

    /** {@code GET /api/v1/<kind>/<name>}; null unless 200. */
    private static JsonPath get(String kind, String name) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + PORT + "/api/v1/" + kind + "/" + name)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JsonPath.from(r.body()) : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    @Test
    void sigkillDuringARayServiceUpgradeEndsWithOneActiveClusterAndNoOrphan() throws Exception {
        Files.createDirectories(SPECS);
        deleteSpecs();
        start();
        String name = "crashsvc";
        String v1 = RayServiceSwarmTest.service(name, SwarmFixture.IMAGE, "v1", SERVE_PORT);
        SwarmFixture.writeSpec(SPECS, "crashsvc.yaml", v1);
        String first = SwarmFixture.await("crashsvc Ready", SwarmFixture.READY_TIMEOUT, () -> rayService(name),
                s -> s != null && "True".equals(s.getString("status.conditions.find { it.type == 'Ready' }.status")))
                .getString("status.activeServiceStatus.rayClusterName");
        SwarmFixture.writeSpec(SPECS, "crashsvc.yaml", RayServiceSwarmTest.service(name, SwarmFixture.IMAGE + "2", "v1", SERVE_PORT));
        List<String> log = new ArrayList<>(List.of("seed " + seed));
        for (int i = 0; i < 4; i++) {
            int delay = 500 + random.nextInt(4000); // while the new cluster is created, configured, switched to
            log.add("kill +" + delay + "ms");
            Thread.sleep(delay);
            kill();
            start();
        }
        JsonPath done = SwarmFixture.await("one active cluster after " + log, SwarmFixture.READY_TIMEOUT, () -> rayService(name),
                s -> s != null && !first.equals(s.getString("status.activeServiceStatus.rayClusterName"))
                        && s.getString("status.pendingServiceStatus") == null
                        && "True".equals(s.getString("status.conditions.find { it.type == 'Ready' }.status")));
        String second = done.getString("status.activeServiceStatus.rayClusterName");
        Set<String> expected = new TreeSet<>(Set.of(second + "-head", second + "-worker-cpu", name + "-serve"));
        SwarmFixture.await("only the active cluster and the endpoint after " + log, Duration.ofSeconds(60),
                () -> owned().stream().map(s -> s.getSpec().getName()).collect(Collectors.toCollection(TreeSet::new)), expected::equals);
        SwarmFixture.await("only their networks", Duration.ofSeconds(60), () -> docker.listNetworksCmd().exec().stream()
                .map(n -> n.getName()).filter(n -> n.startsWith(name)).collect(Collectors.toCollection(TreeSet::new)),
                Set.of(second + "-net", name + "-serve-net")::equals);

        deleteSpecs();
        SwarmFixture.await("all removed", Duration.ofSeconds(90), OperatorCrashIT::owned, List::isEmpty);
        SwarmFixture.await("networks removed", Duration.ofSeconds(60), () -> docker.listNetworksCmd().exec().stream()
                .map(n -> n.getName()).filter(n -> n.startsWith(name)).toList(), List::isEmpty);
        kill();
    }

    @Test
    void sigkillWhileARayJobStartsAndRunsNeverSubmitsItTwice() throws Exception {
        Files.createDirectories(SPECS);
        deleteSpecs();
        start();
        String name = "crashjob";
        SwarmFixture.writeSpec(SPECS, name + ".yaml", RayJobSwarmTest.job(name, "\"sleep 6; echo done\"", ""));
        List<String> log = new ArrayList<>(List.of("seed " + seed));
        for (int i = 0; i < 7; i++) {
            if (i == 4) {
                // from here on around the submission: the record says Running just before Ray is asked, and while it runs
                SwarmFixture.await("crashjob Running after " + log, SwarmFixture.READY_TIMEOUT, () -> get("rayjobs", name),
                        s -> s != null && "Running".equals(s.getString("status.jobDeploymentStatus")));
                log.add("Running");
            }
            int delay = random.nextInt(i < 4 ? 3000 : 1000); // while the cluster is made, then around the submission
            log.add("kill +" + delay + "ms");
            Thread.sleep(delay);
            kill();
            start();
        }
        JsonPath done = SwarmFixture.await("crashjob Complete after " + log, SwarmFixture.READY_TIMEOUT, () -> get("rayjobs", name),
                s -> s != null && "Complete".equals(s.getString("status.jobDeploymentStatus")));
        assertEquals("SUCCEEDED", done.getString("status.jobStatus"));
        assertEquals(1, done.getInt("status.succeeded"));
        String cluster = done.getString("status.rayClusterName");
        assertEquals(done.getString("status.jobId") + "=SUCCEEDED", RayJobSwarmTest.rayJobs(cluster),
                "Ray ran exactly one job, after " + log);
        assertEquals(Set.of(cluster + "-head", cluster + "-worker-cpu"), ownedNames(name), "one cluster, after " + log);

        deleteSpecs();
        SwarmFixture.await("all removed", Duration.ofSeconds(90), OperatorCrashIT::owned, List::isEmpty);
        SwarmFixture.await("the record removed", Duration.ofSeconds(30), () -> get("rayjobs", name), s -> s == null);
        kill();
    }

    /** The worker group's replicas in the spec file, as the autoscaler's patches leave them. */
    private static int fileReplicas(String file) {
        try {
            Matcher m = Pattern.compile("replicas: (\\d+)\\n\\s+minReplicas").matcher(Files.readString(SPECS.resolve(file)));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static TreeSet<String> ownedNames(String prefix) {
        return owned().stream().map(s -> s.getSpec().getName()).filter(n -> n.startsWith(prefix))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void sigkillWhileTheAutoscalerScalesEndsWithExactlyTheWorkersAsked() throws Exception {
        Files.createDirectories(SPECS);
        deleteSpecs();
        start();
        String name = "crashas";
        SwarmFixture.writeSpec(SPECS, name + ".yaml", AutoscalingSwarmTest.cluster(name, 4, "Default"));
        SwarmFixture.await(name + " ready", SwarmFixture.READY_TIMEOUT, () -> state(name), "ready"::equals);
        String head = AutoscalingSwarmTest.headContainer(name);
        AutoscalingSwarmTest.demand(head, "add", "job", "{\"CPU\": 1}", "3");
        // killed as soon as the autoscaler's patch is in the file: the replica services are being made
        SwarmFixture.await("the autoscaler's replicas 3", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> fileReplicas(name + ".yaml"),
                n -> n == 3);
        kill();
        start();
        Thread.sleep(random.nextInt(2000));
        kill();
        start();
        Set<String> three = new TreeSet<>(Set.of(name + "-head", name + "-worker-cpu-0", name + "-worker-cpu-1", name + "-worker-cpu-2"));
        SwarmFixture.await("exactly three replica services", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> ownedNames(name), three::equals);
        SwarmFixture.await("three workers ALIVE", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> state(name), "ready"::equals);

        // killed as soon as the autoscaler named idle workers: the services it named still go (their label is in Swarm)
        for (int i = 0; i < 3; i++) {
            AutoscalingSwarmTest.demand(head, "finish", "job-" + i);
        }
        SwarmFixture.await("the autoscaler's first removal", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> fileReplicas(name + ".yaml"),
                n -> n < 3);
        kill();
        start();
        SwarmFixture.await("back to minReplicas 0, the head alone", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> ownedNames(name),
                Set.of(name + "-head")::equals);
        SwarmFixture.await("replicas 0 in the file", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> fileReplicas(name + ".yaml"), n -> n == 0);
        deleteSpecs();
        SwarmFixture.await("all removed", Duration.ofSeconds(90), () -> ownedNames(name), Set::isEmpty);
        kill();
    }
}

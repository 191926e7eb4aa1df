package io.swarmray.it;

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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The packaged operator as a process on the test swarm, SIGKILLed and started again at the tests' will (the
 * OperatorCrash*IT), on an empty specs directory of its own, with a Docker client for the tests' checks. A JUnit
 * extension ({@code @RegisterExtension}): it starts before each test and is killed after it.
 */
final class CrashingOperator implements BeforeEachCallback, AfterEachCallback {
    static final int PORT = 18191;
    /** Its RayService's published endpoint port: RayServiceSwarmTest's runs at the same time (deploy/test.sh). */
    static final int SERVE_PORT = 28181;
    static final Path SPECS = Path.of("target/crash-specs");
    final DockerClient docker;
    /** In every failure's message (the kills' log): -Dcrash.seed=N runs the same kills again. */
    final long seed = Long.getLong("crash.seed", System.nanoTime());
    final Random random = new Random(seed);
    private Process process;

    CrashingOperator() {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Files.createDirectories(SPECS);
        deleteSpecs();
        start();
    }

    void start() throws IOException {
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
        process = pb.start();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(); // SIGKILL on Linux
    }

    /** {@link #kill()}, then {@link #start()}. */
    void restart() throws IOException, InterruptedException {
        kill();
        start();
    }

    void writeSpec(String file, String yaml) throws IOException {
        SwarmFixture.writeSpec(SPECS, file, yaml);
    }

    void deleteSpecs() throws IOException {
        try (var files = Files.list(SPECS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    List<Service> owned() {
        // by instance: the *SwarmTest operator runs beside this one (deploy/test.sh), with clusters of its own
        return docker.listServicesCmd().withLabelFilter(Map.of(Labels.INSTANCE, "crash")).exec();
    }

    TreeSet<String> ownedNames(String prefix) {
        return owned().stream().map(s -> s.getSpec().getName()).filter(n -> n.startsWith(prefix))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static HttpResponse<String> request(String kind, String name) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + "/api/v1/" + kind + "/" + name))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /api/v1/<kind>/<name>}; null unless 200. */
    static JsonPath get(String kind, String name) {
        try {
            HttpResponse<String> r = request(kind, name);
            return r.statusCode() == 200 ? JsonPath.from(r.body()) : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** A RayCluster's status.state, or why the operator gave none. */
    static String state(String name) {
        try {
            HttpResponse<String> r = request("rayclusters", name);
            return r.statusCode() == 200 ? JsonPath.from(r.body()).getString("status.state") : "http " + r.statusCode();
        } catch (IOException | InterruptedException e) {
            return "unreachable";
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            kill();
        } finally {
            docker.close();
        }
    }
}

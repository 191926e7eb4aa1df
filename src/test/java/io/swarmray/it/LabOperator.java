package io.swarmray.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.restassured.path.json.JsonPath;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The packaged operator run against an engine of the three-node lab (deploy/testbed/lab.sh; n1, the
 * manager, unless told otherwise), with a Docker client on n1 for the test's own checks; or against n9, the lab's
 * Docker 26 engine, a swarm of its own ({@link #onTrixie()}). One per test; {@link #close()} removes the test's
 * clusters (through the operator) and stops it.
 */
final class LabOperator implements AutoCloseable {
    static final String SOCK = "/run/swarmray-lab/n1/docker.sock";
    static final int PORT = 18194;
    static final Path SPECS = Path.of("target/lab-specs");
    /** How long a worker engine's agent gets to register with the manager again; a few seconds when all goes well. */
    static final Duration AGENT_BACK_WITHIN = Duration.ofSeconds(45);
    final DockerClient docker;
    private final Process process;
    /** The nodes of the operator's swarm; the test's client is on the first. */
    private final List<String> swarmNodes;

    LabOperator() throws Exception {
        this("n1");
    }

    LabOperator(String engineNode) throws Exception {
        this(engineNode, List.of("n1", "n2", "n3"), "the three-node lab is not up (deploy/testbed/lab.sh up)");
    }

    /** On n9: Debian 13's docker.io (Docker 26), a one-node swarm of its own (deploy/testbed/lab.sh trixie). */
    static LabOperator onTrixie() throws Exception {
        return new LabOperator("n9", List.of("n9"), "the lab's Docker 26 engine is not up (deploy/testbed/lab.sh trixie)");
    }

    private LabOperator(String engineNode, List<String> swarmNodes, String missing) throws Exception {
        this.swarmNodes = swarmNodes;
        Assumptions.assumeTrue(new File(sock(swarmNodes.get(0))).exists(), missing);
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost("unix://" + sock(swarmNodes.get(0))).build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .responseTimeout(Duration.ofSeconds(20)).build());
        awaitNodesReady();
        Files.createDirectories(SPECS);
        ProcessBuilder pb = new ProcessBuilder(PackagedArtifact.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/lab-operator.log")));
        pb.environment().put("DOCKER_HOST", "unix://" + sock(engineNode));
        pb.environment().put("SWARMRAY_SPECS_DIR", SPECS.toString());
        pb.environment().put("SWARMRAY_INSTANCE", "lab");
        pb.environment().put("SWARMRAY_IMAGE_REWRITES", "swarmray/ray-standin=10.78.0.1:5000/swarmray/ray-standin");
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(PORT));
        pb.environment().put("SWARMRAY_AUTOSCALER_API_PORT", "16444");
        process = pb.start();
    }

    static String sock(String node) {
        return SOCK.replace("/n1/", "/" + node + "/");
    }

    /**
     * Every node of the swarm Ready: an earlier test may have restarted an engine, and placement needs them all. A
     * worker engine still Down after {@link #AGENT_BACK_WITHIN} is restarted, as an administrator would: after
     * ManagerEngineOutageIT stopped and then killed the manager's engine, one run saw n2's Docker 20.10 agent log
     * "waiting 7.65s before registering session" once its connection was back, and nothing more for 15 minutes, while
     * the manager listed the node Down. That is the engine's own state, not the operator's, and no later test may start
     * on a lab left that way.
     */
    void awaitNodesReady() throws Exception {
        try {
            awaitAllReady(AGENT_BACK_WITHIN);
        } catch (AssertionError stuck) {
            List<String> ready = readyNodes();
            for (String node : swarmNodes) {
                if (!ready.contains(node)) {
                    System.out.printf("[lab] %s still Down after %d s: restarting its engine%n", node, AGENT_BACK_WITHIN.toSeconds());
                    lab("kill", node);
                    lab("revive", node);
                }
            }
            awaitAllReady(Duration.ofSeconds(90));
        }
    }

    private void awaitAllReady(Duration timeout) {
        SwarmFixture.await(swarmNodes.size() + " lab nodes Ready", timeout, this::readyNodes, ready -> ready.size() == swarmNodes.size());
    }

    /** The lab nodes (n1, n2, ...) the manager lists Ready: their hostnames are srl-n1, srl-n2, ... */
    private List<String> readyNodes() {
        return docker.listSwarmNodesCmd().exec().stream()
                .filter(n -> n.getStatus() != null && "ready".equals(n.getStatus().getState().name().toLowerCase()))
                .map(n -> n.getDescription().getHostname().replaceFirst("^srl-", "")).toList();
    }

    static void lab(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("deploy/testbed/lab.sh"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertEquals(0, p.waitFor(), "lab.sh " + String.join(" ", args));
    }

    /** GET on the operator: status code and body; 0 and "" when it does not answer. */
    static HttpResponse<String> get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    static JsonPath status(String name) {
        HttpResponse<String> r = get("/api/v1/rayclusters/" + name);
        return JsonPath.from(r != null && r.statusCode() == 200 ? r.body() : "{}");
    }

    void writeSpec(String file, String yaml) throws IOException {
        Files.writeString(SPECS.resolve(file), yaml);
    }

    /** The ids of the lab operator's networks that the node's own engine still has. */
    private static String labNetworks(String node) {
        try {
            Process p = new ProcessBuilder("docker", "-H", "unix://" + sock(node), "network", "ls", "-q",
                    "--filter", "label=swarmray.io/instance=lab").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "docker failed: " + out;
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws Exception {
        try (var files = Files.list(SPECS)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.delete(p);
            }
        }
        try {
            SwarmFixture.await("lab clusters removed", Duration.ofSeconds(60),
                    () -> docker.listServicesCmd().withLabelFilter(Map.of("swarmray.io/instance", "lab")).exec(), List::isEmpty);
            // After an engine restart a node can keep a removed network for a while; the next cluster may get
            // the same subnet, and its tasks fail there ("Pool overlaps"): leave no node with one.
            for (String node : swarmNodes) {
                SwarmFixture.await("no lab network left on " + node, Duration.ofSeconds(90), () -> labNetworks(node), String::isEmpty);
            }
        } finally {
            process.destroyForcibly().waitFor();
            docker.close();
        }
    }
}

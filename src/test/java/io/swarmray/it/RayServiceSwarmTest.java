package io.swarmray.it;

import static io.restassured.RestAssured.given;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Service;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A RayService on the real swarm with the stand-in's Ray Serve and Debian's HAProxy as the endpoint: from file to
 * Ready, a serve-config change in place, an image change through a new cluster under a request loop with zero failed
 * requests, and everything gone with the file.
 */
@QuarkusTest
class RayServiceSwarmTest {
    static final int PORT = 28180;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Inject
    DockerClient docker;

    /** A RayService whose rayClusterConfig is {@link SwarmFixture#cluster}'s spec: a head and one worker group "cpu". */
    static String service(String name, String image, String version) {
        return service(name, image, version, PORT);
    }

    /** {@link #service} with its endpoint published on another port: one used by no test that may run at once. */
    static String service(String name, String image, String version, int publishedPort) {
        String clusterSpec = SwarmFixture.nestedClusterSpec(name, image, Map.of("cpu", 1));
        return """
                apiVersion: ray.io/v1
                kind: RayService
                metadata:
                  name: %s
                  labels: {swarmray-it: "true"}
                  annotations:
                    swarmray.io/serve-published-port: "%d"
                    swarmray.io/serve-proxy-replicas: "1"
                spec:
                  serveConfigV2: |
                    applications:
                      - name: llm
                        route_prefix: /llm
                        import_path: model:app
                        args: {version: %s}
                  rayClusterConfig:
                """.formatted(name, publishedPort, version) + clusterSpec;
    }

    static JsonPath serviceStatus(String name) {
        return given().get("/api/v1/rayservices/" + name).then().extract().jsonPath();
    }

    /** The endpoint's answer for the route, as the stand-in's application writes it: {"app","cluster","node","version"}. */
    JsonPath ask(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return JsonPath.from(r.body());
    }

    @Test
    void servesUpgradesInPlaceAndThroughANewClusterWithoutDroppingARequest() throws Exception {
        String name = "itserve";
        writeSpec("itserve.yaml", service(name, SwarmFixture.IMAGE, "v1"));
        JsonPath s = await("RayService Ready", Duration.ofSeconds(120), () -> serviceStatus(name),
                st -> "True".equals(st.getString("status.conditions.find { it.type == 'Ready' }.status")));
        String first = s.getString("status.activeServiceStatus.rayClusterName");
        assertTrue(first.matches(name + "-raycluster-[0-9a-f]{5}"), first);
        assertEquals("RUNNING", s.getString("status.activeServiceStatus.applicationStatuses.llm.status"));
        assertTrue(s.getInt("status.numServeEndpoints") >= 1, s.prettify());
        JsonPath answer = await("the endpoint answers", Duration.ofSeconds(20), () -> askQuietly("/llm/generate"), Objects::nonNull);
        assertEquals(first, answer.getString("cluster"));
        assertEquals("v1", answer.getString("version"));
        assertEquals(name, given().get("/api/v1/rayclusters/" + first).then().statusCode(200).extract().jsonPath()
                .getString("metadata.ownerReferences[0].name"));
        String table = SwarmFixture.swarmrayCli(base, "get", "rayservices");
        assertTrue(table.matches("(?s)NAME +READY +ENDPOINTS +ACTIVE +PENDING +AGE\n" + name + " +True +[12] +" + first + " +- .*"), table);
        String described = SwarmFixture.swarmrayCli(base, "describe", "rayservice", name);
        assertTrue(described.contains("Endpoint:     http://itserve-serve:8000 on network itserve-serve-net, published on port " + PORT),
                described);
        assertTrue(described.contains("  llm                  RUNNING"), described);
        String stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/llm/stream")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(5, stream.split("data: ").length - 1, stream);
        // a client on the swarm: any container on the attachable serve network, by the endpoint's name
        String inSwarm = SwarmFixture.cli("run", "--rm", "--label", "swarmray-it=true", "--network", name + "-serve-net",
                "swarmray/debian-base:12",
                "wget", "-q", "-O-", "http://" + name + "-serve:8000/llm/generate");
        assertTrue(inSwarm.contains("\"cluster\": \"" + first + "\""), inSwarm);

        // Swarm's DNS silent for 4 s in the endpoint's task: HAProxy keeps the servers it found, and no request fails
        RequestLoop quiet = new RequestLoop(Duration.ofSeconds(30));
        quiet.start();
        try (DnsSilence silence = DnsSilence.inTaskOf(name + "-serve")) {
            SwarmFixture.sleep(4000);
        }
        SwarmFixture.sleep(1000);
        quiet.finish();
        assertEquals(List.of(), quiet.failures(), "failed requests while the DNS was silent");
        assertTrue(quiet.clusters().size() >= 20, "requests while the DNS was silent: " + quiet.clusters().size());

        // serveConfigV2 alone: the same cluster takes the new config
        writeSpec("itserve.yaml", service(name, SwarmFixture.IMAGE, "v2"));
        await("v2 served by the same cluster", Duration.ofSeconds(60), () -> askQuietly("/llm/generate"),
                a -> a != null && "v2".equals(a.getString("version")) && first.equals(a.getString("cluster")));
        assertEquals(first, serviceStatus(name).getString("status.activeServiceStatus.rayClusterName"));

        // rayClusterConfig's image with a bad import_path: the new cluster reports Ray's error; the old one keeps serving
        writeSpec("itserve.yaml", service(name, SwarmFixture.IMAGE + "2", "v3").replace("model:app", "missing_model:app"));
        JsonPath failed = await("DEPLOY_FAILED on the pending cluster", Duration.ofSeconds(120), () -> serviceStatus(name),
                st -> "DEPLOY_FAILED".equals(st.getString("status.pendingServiceStatus.applicationStatuses.llm.status")));
        assertTrue(failed.getString("status.pendingServiceStatus.applicationStatuses.llm.message")
                .contains("ModuleNotFoundError: No module named 'missing_model'"), failed.prettify());
        assertEquals(first, failed.getString("status.activeServiceStatus.rayClusterName"));
        assertEquals("True", failed.getString("status.conditions.find { it.type == 'UpgradeInProgress' }.status"));
        String pending = failed.getString("status.pendingServiceStatus.rayClusterName");
        assertEquals(first, ask("/llm/generate").getString("cluster"));

        // the import fixed: the same pending cluster takes the config, and the endpoint switches to it under load
        RequestLoop loop = new RequestLoop(Duration.ofSeconds(150));
        loop.start();
        writeSpec("itserve.yaml", service(name, SwarmFixture.IMAGE + "2", "v3"));
        JsonPath upgraded = await("the new cluster active", Duration.ofSeconds(120), () -> serviceStatus(name),
                st -> !first.equals(st.getString("status.activeServiceStatus.rayClusterName"))
                        && st.getString("status.pendingServiceStatus") == null);
        String second = upgraded.getString("status.activeServiceStatus.rayClusterName");
        assertEquals(pending, second);
        await("requests served by " + second, Duration.ofSeconds(20), () -> loop.lastCluster(), second::equals);
        SwarmFixture.sleep(2000);
        loop.finish();
        assertEquals(List.of(), loop.failures(), "failed requests during the switch");
        assertEquals("v3", ask("/llm/generate").getString("version"));
        List<String> clusters = loop.clusters();
        System.out.printf("RayServiceSwarmTest: %d requests during the upgrade, %d failed, %d served by %s before the switch%n",
                clusters.size() + loop.failures().size(), loop.failures().size(), clusters.indexOf(second), first);
        int switchAt = clusters.indexOf(second);
        assertTrue(switchAt > 0, "requests before the switch: " + clusters.size());
        assertTrue(clusters.subList(0, switchAt).stream().allMatch(first::equals), "before the switch: " + clusters);
        assertTrue(clusters.subList(switchAt, clusters.size()).stream().allMatch(second::equals), "after the switch: " + clusters);
        await("the old cluster removed", Duration.ofSeconds(60), () -> services(first), List::isEmpty);

        deleteSpec("itserve.yaml");
        await("everything removed", Duration.ofSeconds(90), () -> SwarmFixture.cli("service", "ls", "--filter",
                "label=swarmray.io/instance=" + SwarmFixture.INSTANCE, "--format", "{{.Name}}"), out -> !out.contains(name));
        await("the serve network removed", Duration.ofSeconds(30), () -> SwarmFixture.cli("network", "ls", "--format", "{{.Name}}"),
                out -> !out.contains(name + "-serve-net"));
        await("the status removed", Duration.ofSeconds(30), () -> given().get("/api/v1/rayservices/" + name).then().extract().statusCode(),
                code -> code == 404);
    }

    @Test
    void aHeadRestartedWithoutFaultToleranceGetsItsApplicationsBack() throws Exception {
        String name = "itserveh";
        String yaml = service(name, SwarmFixture.IMAGE, "v1").replace("    swarmray.io/serve-published-port: \"" + PORT + "\"\n", "");
        writeSpec("itserveh.yaml", yaml);
        try {
            String cluster = await("RayService Ready", Duration.ofSeconds(120), () -> serviceStatus(name),
                    st -> "True".equals(st.getString("status.conditions.find { it.type == 'Ready' }.status")))
                    .getString("status.activeServiceStatus.rayClusterName");
            String oldHead = docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", cluster + "-head")).exec()
                    .get(0).getId();
            docker.killContainerCmd(oldHead).exec();
            // The new head's GCS has no Serve state (no fault tolerance): only the operator's PUT brings the application back.
            await("a new head", Duration.ofSeconds(60), () -> docker.listContainersCmd()
                    .withLabelFilter(Map.of("com.docker.swarm.service.name", cluster + "-head")).exec(),
                    list -> !list.isEmpty() && !list.get(0).getId().equals(oldHead));
            await("the application RUNNING again on " + cluster, Duration.ofSeconds(90), () -> ServeOnHead.applications(docker, cluster),
                    body -> body.contains("\"RUNNING\""));
            JsonPath back = await("Ready again", Duration.ofSeconds(90), () -> serviceStatus(name),
                    st -> "True".equals(st.getString("status.conditions.find { it.type == 'Ready' }.status"))
                            && "RUNNING".equals(st.getString("status.activeServiceStatus.applicationStatuses.llm.status")));
            assertEquals(cluster, back.getString("status.activeServiceStatus.rayClusterName"));
        } finally {
            deleteSpec("itserveh.yaml");
        }
        await("everything removed", Duration.ofSeconds(90), () -> SwarmFixture.cli("service", "ls", "--format", "{{.Name}}"),
                out -> !out.contains(name));
        await("its networks removed", Duration.ofSeconds(30), () -> SwarmFixture.cli("network", "ls", "--format", "{{.Name}}"),
                out -> !out.contains(name));
    }

    /** Ray Serve's view on a cluster's head, read inside its container. */
    static final class ServeOnHead {
        static String applications(DockerClient docker, String cluster) {
            try {
                return ClusterLifecycleSwarmTest.exec(docker, cluster + "-head", "wget", "-q", "-O-",
                        "http://localhost:8265/api/serve/applications/");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @TestHTTPResource("/")
    URL base;

    private List<Service> services(String cluster) {
        return SwarmFixture.services(docker, cluster);
    }

    private JsonPath askQuietly(String path) {
        try {
            return ask(path);
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** Requests one after another against the endpoint, for at most {@code limit}: a bounded loop that stops by itself. */
    final class RequestLoop extends Thread {
        private final long deadline;
        private final List<String> clusters = new ArrayList<>();
        private final List<String> failures = new ArrayList<>();
        private volatile boolean stop;

        RequestLoop(Duration limit) {
            this.deadline = System.nanoTime() + limit.toNanos();
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop && System.nanoTime() < deadline) {
                try {
                    String cluster = ask("/llm/generate").getString("cluster");
                    synchronized (this) {
                        clusters.add(cluster);
                    }
                } catch (IOException | InterruptedException e) {
                    synchronized (this) {
                        failures.add(e.toString());
                    }
                }
                SwarmFixture.sleep(50);
            }
        }

        synchronized String lastCluster() {
            return clusters.isEmpty() ? null : clusters.get(clusters.size() - 1);
        }

        synchronized List<String> clusters() {
            return List.copyOf(clusters);
        }

        synchronized List<String> failures() {
            return List.copyOf(failures);
        }

        void finish() throws InterruptedException {
            stop = true;
            join();
        }
    }

}

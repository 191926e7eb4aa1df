package io.swarmray.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.restassured.path.json.JsonPath;
import io.swarmray.render.Labels;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's package, swarmray/prometheus:test) deployed with deploy/prometheus/monitoring-stack.yml
 * beside the operator's stack with deploy/prometheus/operator-monitoring.yml: with nothing but Swarm's task list it
 * finds the operator and every Ray node of two clusters, a scaled-up worker soon after Ray has it, and the "cluster
 * not ready" alert fires while a head is frozen and resolves after. The shipped files run as they are, except
 * shorter intervals and a 10 s {@code for:} on that alert.
 */
class MonitoringIT {
    static final String STACK = "swarmraymon";
    static final String PROMETHEUS_STACK = "swarmraymonprom";
    static final String NETWORK = "swarmray-monitoring";
    static final int PORT = 18197;
    static final int PROMETHEUS_PORT = 19190;
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);
    static final Duration DISCOVERY_REFRESH = Duration.ofSeconds(2);
    static final Path SPECS = Path.of("target/monitoring-specs").toAbsolutePath();
    static final Path PROMETHEUS_DIR = Path.of("target/monitoring-prometheus").toAbsolutePath();
    /** Prometheus' data, which outlives its stack: a run must not find the series of an earlier one. */
    static final String VOLUME = PROMETHEUS_STACK + "_prometheus-data";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static DockerClient docker;

    @BeforeAll
    static void deploy() throws Exception {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
        OperatorServiceIT.buildImage();
        removeVolume();
        if (docker.listNetworksCmd().withNameFilter(NETWORK).exec().stream().noneMatch(n -> NETWORK.equals(n.getName()))) {
            OperatorServiceIT.run(Map.of(), "docker", "network", "create", "--driver", "overlay", "--attachable", NETWORK);
        }
        Files.createDirectories(SPECS);
        Files.createDirectories(PROMETHEUS_DIR);
        Path shipped = Path.of("deploy/prometheus");
        Files.writeString(PROMETHEUS_DIR.resolve("prometheus.yml"), Files.readString(shipped.resolve("prometheus.yml"))
                .replace("scrape_interval: 15s", "scrape_interval: " + SCRAPE_INTERVAL.toSeconds() + "s")
                .replace("evaluation_interval: 15s", "evaluation_interval: " + SCRAPE_INTERVAL.toSeconds() + "s")
                .replace("refresh_interval: 15s", "refresh_interval: " + DISCOVERY_REFRESH.toSeconds() + "s"));
        String alerts = Files.readString(shipped.resolve("alerts.yml"));
        assertTrue(alerts.contains("expr: swarmray_cluster_ready == 0\n        for: 10m"), "RayClusterNotReady's for: as shipped");
        Files.writeString(PROMETHEUS_DIR.resolve("alerts.yml"),
                alerts.replace("expr: swarmray_cluster_ready == 0\n        for: 10m",
                        "expr: swarmray_cluster_ready == 0\n        for: 10s"));
        Files.copy(shipped.resolve("monitoring-stack.yml"), PROMETHEUS_DIR.resolve("monitoring-stack.yml"),
                StandardCopyOption.REPLACE_EXISTING);
        // A steady cluster's head is probed at a pace that backs off (30 s doubling to 5 min): a frozen head, which Swarm's
        // healthcheck gives 10 minutes, would be noticed at the next probe. Here the probes come every 5 s.
        Files.writeString(PROMETHEUS_DIR.resolve("operator-probes.yml"), """
                version: "3.8"
                services:
                  operator:
                    environment:
                      SWARMRAY_RESYNC_INTERVAL: 5s
                      SWARMRAY_STEADY_PROBE_MAX_INTERVAL: 5s
                """);
        OperatorServiceIT.run(Map.of("SWARMRAY_IMAGE", OperatorServiceIT.IMAGE, "SWARMRAY_SPECS_PATH", SPECS.toString(), "SWARMRAY_PORT",
                String.valueOf(PORT), "SWARMRAY_INSTANCE", "mon", "SWARMRAY_AUTOSCALER_API_PORT", "16448"), "docker", "stack", "deploy",
                "--resolve-image", "never", "-c",
                "deploy/swarmray-stack.yml", "-c", "deploy/prometheus/operator-monitoring.yml", "-c",
                PROMETHEUS_DIR.resolve("operator-probes.yml").toString(), STACK);
        OperatorServiceIT.run(Map.of("PROMETHEUS_IMAGE", "swarmray/prometheus:test", "PROMETHEUS_PORT", String.valueOf(PROMETHEUS_PORT)),
                "docker", "stack", "deploy", "--resolve-image", "never", "-c", PROMETHEUS_DIR.resolve("monitoring-stack.yml").toString(),
                PROMETHEUS_STACK);
    }

    @AfterAll
    static void remove() throws Exception {
        for (String c : List.of("mona", "monb")) {
            Files.deleteIfExists(SPECS.resolve(c + ".yaml"));
        }
        try {
            SwarmFixture.await("clusters removed", Duration.ofSeconds(60), () -> docker.listServicesCmd()
                    .withLabelFilter(Map.of(Labels.INSTANCE, "mon")).exec(), List::isEmpty);
        } finally {
            OperatorServiceIT.run(Map.of(), "docker", "stack", "rm", PROMETHEUS_STACK);
            OperatorServiceIT.run(Map.of(), "docker", "stack", "rm", STACK);
            // the network goes once no task uses it any more
            SwarmFixture.await("monitoring network removed", Duration.ofSeconds(60), () -> {
                try {
                    docker.listNetworksCmd().withNameFilter(NETWORK).exec().stream().filter(n -> NETWORK.equals(n.getName()))
                            .forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            }, done -> done);
            removeVolume();
            docker.close();
        }
    }

    /** Removes Prometheus' data volume once no container uses it (the stack's go a few seconds after its removal). */
    static void removeVolume() {
        SwarmFixture.await("Prometheus' data removed", Duration.ofSeconds(60), () -> {
            try {
                if (docker.listVolumesCmd().exec().getVolumes().stream().anyMatch(v -> VOLUME.equals(v.getName()))) {
                    docker.removeVolumeCmd(VOLUME).exec();
                }
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }, done -> done);
    }

    static String get(int port, String path) {
        try {
            HttpResponse<String> r = HTTP
                    .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(3))
                            .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    static JsonPath operator(String path) {
        String body = get(PORT, path);
        return JsonPath.from(body == null ? "{}" : body);
    }

    /** The label sets of an instant query's result (empty while Prometheus is not up or finds nothing). */
    static List<Map<String, String>> query(String promql) {
        String body = get(PROMETHEUS_PORT, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return body == null ? List.of() : JsonPath.from(body).getList("data.result.metric");
    }

    static Set<String> values(List<Map<String, String>> series, String label) {
        return series.stream().map(m -> m.get(label)).collect(Collectors.toSet());
    }

    static void awaitReady(String cluster, int workers) {
        SwarmFixture.await(cluster + " ready with " + workers + " workers", SwarmFixture.READY_TIMEOUT,
                () -> operator("/api/v1/rayclusters/" + cluster), s -> "ready".equals(s.getString("status.state"))
                        && Integer.valueOf(workers).equals(s.get("status.readyWorkerReplicas")));
    }

    @Test
    void prometheusFindsTheOperatorAndEveryRayNodeByItselfAndAlertsWhileAHeadIsFrozen() throws Exception {
        Files.writeString(SPECS.resolve("mona.yaml"), SwarmFixture.cluster("mona", SwarmFixture.IMAGE, Map.of("w", 1)));
        Files.writeString(SPECS.resolve("monb.yaml"), SwarmFixture.cluster("monb", SwarmFixture.IMAGE, Map.of("w", 1)));
        awaitReady("mona", 1);
        awaitReady("monb", 1);

        // the operator, by its service's labels, with KubeRay's series among its own
        SwarmFixture.await("the operator scraped", Duration.ofSeconds(60), () -> query("up{swarmray_component=\"operator\"} == 1"),
                r -> r.size() == 1);
        SwarmFixture.await("kuberay_cluster_info of both clusters", Duration.ofSeconds(30),
                () -> values(query("kuberay_cluster_info{owner_kind=\"None\"}"), "name"), n -> n.containsAll(Set.of("mona", "monb")));
        // every Ray node of each cluster, with its cluster, group and node type
        for (String cluster : List.of("mona", "monb")) {
            List<Map<String, String>> nodes = SwarmFixture.await(cluster + "'s nodes scraped", Duration.ofSeconds(60),
                    () -> query("ray_node_mem_total{ray_io_cluster=\"" + cluster + "\"}"), r -> r.size() == 2);
            assertEquals(Set.of("head", "worker"), values(nodes, "ray_io_node_type"), nodes.toString());
            assertEquals(Set.of("headgroup", "w"), values(nodes, "ray_io_group"), nodes.toString());
            assertTrue(!query("ray_cluster_active_nodes{ray_io_cluster=\"" + cluster + "\",ray_io_node_type=\"head\"}").isEmpty(),
                    "the head's cluster gauge");
        }

        // a worker added by scaling: scraped within two scrape intervals (and a discovery refresh) of Ray having it
        Files.writeString(SPECS.resolve("mona.yaml"), SwarmFixture.cluster("mona", SwarmFixture.IMAGE, Map.of("w", 2)));
        awaitReady("mona", 2);
        long alive = System.nanoTime();
        SwarmFixture.await("the new worker scraped", Duration.ofSeconds(60), () -> query("ray_node_mem_total{ray_io_cluster=\"mona\"}"),
                r -> r.size() == 3);
        Duration took = Duration.ofNanos(System.nanoTime() - alive);
        System.out.printf("MonitoringIT: the new worker scraped %d ms after Ray had it%n", took.toMillis());
        assertTrue(took.compareTo(SCRAPE_INTERVAL.multipliedBy(2).plus(DISCOVERY_REFRESH)) <= 0, "scraped " + took + " after Ray had it");

        // a frozen head: the cluster is not ready, the alert fires after its for:, and resolves once the head is back
        String head = docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", "mona-head")).exec().get(0)
                .getId();
        String firing = "ALERTS{alertname=\"RayClusterNotReady\",alertstate=\"firing\"}";
        // The scale-up itself left mona unready for a while, and Prometheus sees it ready again only a scrape and an
        // evaluation after the operator does: start from no alert for mona, firing or pending. A pending one would
        // still count the scale-up's time and fire within a second of the freeze (CI's red run of c5cc106: 0.6 s).
        SwarmFixture.await("no RayClusterNotReady for the ready mona", Duration.ofSeconds(60),
                () -> values(query("ALERTS{alertname=\"RayClusterNotReady\"}"), "cluster"), c -> !c.contains("mona"));
        docker.pauseContainerCmd(head).exec();
        long paused = System.nanoTime();
        try {
            SwarmFixture.await("RayClusterNotReady firing for mona", Duration.ofSeconds(90), () -> values(query(firing), "cluster"),
                    c -> c.contains("mona"));
            Duration firedAfter = Duration.ofNanos(System.nanoTime() - paused);
            System.out.printf("MonitoringIT: RayClusterNotReady (for: 10s) firing %d ms after the head froze%n", firedAfter.toMillis());
            assertTrue(firedAfter.compareTo(Duration.ofSeconds(10)) >= 0, "not before its for: " + firedAfter);
        } finally {
            try {
                docker.unpauseContainerCmd(head).exec();
            } catch (RuntimeException e) {
                // Swarm's healthcheck replaced the frozen head meanwhile: its container is gone
            }
        }
        awaitReady("mona", 2);
        long back = System.nanoTime();
        SwarmFixture.await("the alert resolved", Duration.ofSeconds(60), () -> query(firing), List::isEmpty);
        System.out.printf("MonitoringIT: resolved %d ms after mona was ready again%n",
                Duration.ofNanos(System.nanoTime() - back).toMillis());
        assertEquals(List.of(), query("ALERTS{alertname=\"RayClusterNotReady\",cluster=\"monb\"}"), "monb stayed ready");
    }
}

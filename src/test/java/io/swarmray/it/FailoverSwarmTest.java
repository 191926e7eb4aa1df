package io.swarmray.it;

import static io.swarmray.it.SwarmFixture.IMAGE;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.awaitReady;
import static io.swarmray.it.SwarmFixture.cluster;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.service;
import static io.swarmray.it.SwarmFixture.services;
import static io.swarmray.it.SwarmFixture.status;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Failover on a real swarm: head loss, worker loss, a raylet that stops answering, suspend. */
@QuarkusTest
class FailoverSwarmTest {

    @Inject
    DockerClient docker;

    private String container(String service) {
        return docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", service)).exec().get(0).getId();
    }

    private List<Map<String, Object>> headTable(String cluster) throws Exception {
        String body = ClusterLifecycleSwarmTest.exec(docker, cluster + "-head", "wget", "-q", "-O-", "http://localhost:8265/api/v0/nodes");
        return JsonPath.from(body).getList("data.result.result");
    }

    @Test
    void headLossRecoversWithEveryWorkerRegisteredWithTheNewHead() throws Exception {
        String name = "ithead";
        writeSpec("ithead.yaml", cluster(name, IMAGE, Map.of("w", 2)));
        awaitReady(name);
        String oldHead = container("ithead-head");
        docker.killContainerCmd(oldHead).exec();
        var lost = await("head loss seen", Duration.ofSeconds(30), () -> status(name),
                s -> "False".equals(s.getString("status.conditions.find { it.type == 'HeadReady' }.status")));
        assertEquals("recovering", lost.getString("status.state"));
        var back = awaitReady(name);
        assertEquals(2, back.getInt("status.readyWorkerReplicas"));
        assertNotEquals(oldHead, container("ithead-head"));
        var nodes = await("2 workers ALIVE in the new head's table", Duration.ofSeconds(60), () -> {
            try {
                return headTable(name);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, t -> t.stream().filter(n -> "ALIVE".equals(n.get("state")) && !Boolean.TRUE.equals(n.get("is_head_node"))).count() == 2);
        assertEquals(3, nodes.stream().filter(n -> "ALIVE".equals(n.get("state"))).count());
        String lostAt = lost.getString("status.conditions.find { it.type == 'HeadReady' }.lastTransitionTime");
        String backAt = back.getString("status.conditions.find { it.type == 'HeadReady' }.lastTransitionTime");
        assertTrue(backAt.compareTo(lostAt) > 0, lostAt + " then " + backAt);
        deleteSpec("ithead.yaml");
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
    }

    @Test
    void workerLossShowsFewerReadyUntilRayListsTheReplacement() throws Exception {
        String name = "itworker";
        // Ray's own GCS health-check settings, as a user may set them on the head: a check every second with a 2 s
        // timeout, so the frozen raylet is declared DEAD after about 5 + 5 x 3 s instead of about 70 s
        String yaml = cluster(name, IMAGE, Map.of("w", 2)).replace("          - name: ray-head\n",
                "          - name: ray-head\n            env:\n              - {name: RAY_health_check_period_ms, value: \"1000\"}\n"
                        + "              - {name: RAY_health_check_timeout_ms, value: \"2000\"}\n");
        assertTrue(yaml.contains("RAY_health_check_timeout_ms"), yaml);
        writeSpec("itworker.yaml", yaml);
        awaitReady(name);
        String victim = docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", "itworker-worker-w"))
                .exec().get(0).getId();
        // Freeze the raylet (the process lives, the head's health checks time out): Ray marks the node DEAD after
        // 5 failed checks, the agent then answers 503 from the GCS's view and Swarm replaces the container; the
        // status must count one worker less, then recover.
        SwarmFixture.dockerCli("exec", victim, "touch", "/tmp/ray/standin-raylet-dead");
        var degraded = await("one worker not ready", Duration.ofSeconds(90), () -> status(name),
                s -> s.getInt("status.readyWorkerReplicas") == 1);
        assertEquals("recovering", degraded.getString("status.state"));
        var back = awaitReady(name);
        assertEquals(2, back.getInt("status.readyWorkerReplicas"));
        deleteSpec("itworker.yaml");
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
    }

    @Test
    void suspendRemovesRayServicesKeepsNetworkAndStatusThenResumes() throws Exception {
        String name = "itsuspend";
        String yaml = cluster(name, IMAGE, Map.of("w", 1));
        writeSpec("itsuspend.yaml", yaml);
        awaitReady(name);
        writeSpec("itsuspend.yaml", yaml.replace("  rayVersion: \"2.40.0\"", "  rayVersion: \"2.40.0\"\n  suspend: true"));
        var s = await("suspended", Duration.ofSeconds(60), () -> status(name), st -> "suspended".equals(st.getString("status.state")));
        assertEquals("True", s.getString("status.conditions.find { it.type == 'RayClusterSuspended' }.status"));
        assertTrue(services(docker, name).isEmpty());
        assertEquals(1, docker.listNetworksCmd().withNameFilter("itsuspend-net").exec().size());
        writeSpec("itsuspend.yaml", yaml);
        awaitReady(name);
        assertEquals(2, services(docker, name).size());
        deleteSpec("itsuspend.yaml");
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
        assertTrue(service(docker, "itsuspend-head") == null);
    }
}

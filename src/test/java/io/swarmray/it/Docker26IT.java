package io.swarmray.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator on a current Docker Engine: n9 of the lab, Debian 13's docker.io (Docker 26, API 1.45), a swarm of its
 * own (deploy/testbed/lab.sh trixie). Every other Swarm test runs on Debian 12's Docker 20.10. A cluster gets ready;
 * its head is killed, and the new head is first checked about a second after it started (the head's start interval,
 * which Docker takes from 25 on), where Docker 20.10 checks it first one interval (5 s) later: its name resolves, and
 * its workers find it, only once a check passed.
 */
class Docker26IT {
    private static final String NAME = "dtrixie";

    private static String headContainer(DockerClient docker) {
        return docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", NAME + "-head")).exec().stream()
                .map(c -> c.getId()).findFirst().orElse("");
    }

    /** Workers ALIVE in the node table of the head container {@code head}; -1 when it does not answer. */
    private static int aliveWorkers(String head) {
        String body = SwarmFixture.cli("-H", "unix://" + LabOperator.sock("n9"), "exec", head, "wget", "-q", "-O-",
                "http://localhost:8265/api/v0/nodes");
        try {
            return SwarmFixture.aliveWorkers(JsonPath.from(body).getList("data.result.result")).size();
        } catch (RuntimeException notJson) {
            return -1;
        }
    }

    @Test
    void aClusterRunsAndItsNewHeadIsCheckedASecondAfterItStarted() throws Exception {
        try (LabOperator operator = LabOperator.onTrixie()) {
            DockerClient docker = operator.docker;
            String version = docker.versionCmd().exec().getVersion();
            assertTrue(version.startsWith("26."), "n9 runs Docker " + version);
            operator.writeSpec(NAME + ".yaml", SwarmFixture.cluster(NAME, SwarmFixture.IMAGE, Map.of("w", 1)));
            SwarmFixture.await(NAME + " ready", Duration.ofSeconds(180), () -> LabOperator.status(NAME),
                    s -> "ready".equals(s.getString("status.state")));
            var check = docker.inspectServiceCmd(NAME + "-head").exec().getSpec().getTaskTemplate().getContainerSpec().getHealthCheck();
            assertEquals(List.of(5_000_000_000L, 1_000_000_000L), List.of(check.getInterval(), check.getStartInterval()),
                    "Docker 26 keeps the head's start interval");

            String oldHead = headContainer(docker);
            docker.killContainerCmd(oldHead).exec();
            String newHead = SwarmFixture.await("the worker ALIVE in a new head's table", Duration.ofSeconds(90), () -> {
                String head = headContainer(docker);
                return !head.isEmpty() && !head.equals(oldHead) && aliveWorkers(head) == 1 ? head : "";
            }, head -> !head.isEmpty());
            var state = docker.inspectContainerCmd(newHead).exec().getState();
            Duration firstCheck = Duration.between(Instant.parse(state.getStartedAt()),
                    Instant.parse(state.getHealth().getLog().get(0).getStart()));
            System.out.printf("[docker26] the new head's first healthcheck ran %d ms after it started%n", firstCheck.toMillis());
            assertTrue(firstCheck.compareTo(Duration.ofSeconds(3)) < 0,
                    "first checked " + firstCheck.toMillis() + " ms after its start, not about 1 s (start interval)");
            SwarmFixture.await(NAME + " ready again", Duration.ofSeconds(60), () -> LabOperator.status(NAME),
                    s -> "ready".equals(s.getString("status.state")) && s.getInt("status.readyWorkerReplicas") == 1);
        }
    }
}

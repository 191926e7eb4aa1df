package io.swarmray.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node loss on a real three-node swarm (deploy/testbed/lab.sh): the dockerd of a node running
 * workers is killed, then another node's link is cut; each time the cluster comes back to ready on
 * the remaining nodes, and the status tells the story on the way.
 */
class NodeLossIT {
    static final int WORKERS = 4;
    private LabOperator operator;
    private DockerClient docker;

    @AfterEach
    void stop() throws Exception {
        if (operator != null) {
            operator.close();
        }
    }

    private static void lab(String... args) throws Exception {
        LabOperator.lab(args);
    }

    private static JsonPath status() {
        return status("labc");
    }

    private static JsonPath status(String name) {
        return LabOperator.status(name);
    }

    /** Node hostnames that run a running worker task. */
    private Set<String> workerNodes() {
        Map<String, String> hostnames = docker.listSwarmNodesCmd().exec().stream()
                .collect(Collectors.toMap(n -> n.getId(), n -> n.getDescription().getHostname()));
        return docker.listTasksCmd().withServiceFilter("labc-worker-w").exec().stream()
                .filter(t -> t.getStatus() != null && "running".equals(t.getStatus().getState().getValue())
                        && "running".equals(t.getDesiredState().getValue()))
                .map(t -> hostnames.get(t.getNodeId())).collect(Collectors.toSet());
    }

    private long recover(String what, String node) {
        long t0 = System.nanoTime();
        var seen = SwarmFixture.await(what + ": fewer ready workers", Duration.ofSeconds(60), NodeLossIT::status,
                s -> s.get("status") != null && s.getInt("status.readyWorkerReplicas") < WORKERS);
        assertEquals("recovering", seen.getString("status.state"), seen.prettify());
        SwarmFixture.await(what + ": ready on the remaining nodes", Duration.ofSeconds(150), NodeLossIT::status,
                s -> "ready".equals(s.getString("status.state")) && !workerNodes().contains(node));
        long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        System.out.printf("[node-loss] %s: cluster ready again on %s after %d ms%n", what, workerNodes(), millis);
        assertFalse(workerNodes().contains(node));
        assertEquals(WORKERS, status().getInt("status.readyWorkerReplicas"));
        return millis;
    }

    private void startOperator() throws Exception {
        operator = new LabOperator();
        docker = operator.docker;
    }

    @Test
    void aClusterSurvivesACrashedEngineAndAPartitionedNode() throws Exception {
        startOperator();
        operator.writeSpec("labc.yaml", SwarmFixture.cluster("labc", SwarmFixture.IMAGE, Map.of("w", WORKERS))
                .replace("swarmray.io/constraints: \"node.platform.os==linux\"", "swarmray.io/placement-spread: node.id"));
        SwarmFixture.await("labc ready", Duration.ofSeconds(180), NodeLossIT::status, s -> "ready".equals(s.getString("status.state")));
        Set<String> nodes = workerNodes();
        assertTrue(nodes.contains("srl-n2") && nodes.contains("srl-n3"), "workers spread over the nodes: " + nodes);

        lab("kill", "n3");
        try {
            recover("n3's dockerd killed", "srl-n3");
        } finally {
            lab("revive", "n3");
        }
        SwarmFixture.await("n3 Ready again", Duration.ofSeconds(60), () -> docker.listSwarmNodesCmd().exec().stream()
                .filter(n -> "srl-n3".equals(n.getDescription().getHostname())).map(n -> n.getStatus().getState().name().toLowerCase())
                .findFirst().orElse(""),
                "ready"::equals);

        lab("cut", "n2");
        try {
            recover("n2's link cut", "srl-n2");
        } finally {
            lab("mend", "n2");
        }
    }

    @Test
    void aGpuGroupLandsOnlyWhereGpusAreAndGetsDistinctOnes() throws Exception {
        startOperator();
        // the shipped example, sized for the lab's two cores, with a host port the test policy allows; its -gpu
        // image is the stand-in as a CUDA image on a 2-GPU node (NVIDIA_VISIBLE_DEVICES=all)
        String yaml = RealRaySwarmTest.onStandin(Files.readString(Path.of("specs/examples/gpu-inference.yaml")))
                .replace("limits: {cpu: \"2\", memory: 4Gi}", "limits: {cpu: 500m, memory: 512Mi}")
                .replace("limits: {cpu: \"8\", memory: 32Gi, nvidia.com/gpu: 1}", "limits: {cpu: 500m, memory: 512Mi, nvidia.com/gpu: 1}")
                .replace("hostPort: 8265", "hostPort: 28265");
        assertTrue(yaml.contains("cpu: 500m, memory: 512Mi, nvidia.com/gpu: 1") && yaml.contains("hostPort: 28265"), yaml);
        operator.writeSpec("labgpu.yaml", yaml);
        var s = SwarmFixture.await("llm-inference ready", Duration.ofSeconds(180), () -> status("llm-inference"),
                st -> "ready".equals(st.getString("status.state")));
        assertEquals("2", s.getString("status.desiredGPU"));
        assertEquals("2", s.getString("status.placedGPU"));
        Map<String, String> hostnames = docker.listSwarmNodesCmd().exec().stream()
                .collect(Collectors.toMap(n -> n.getId(), n -> n.getDescription().getHostname()));
        var tasks = docker.listTasksCmd().withServiceFilter("llm-inference-worker-gpu").exec().stream()
                .filter(t -> "running".equals(t.getDesiredState().getValue())).toList();
        assertEquals(Set.of("srl-n3"), tasks.stream().map(t -> hostnames.get(t.getNodeId())).collect(Collectors.toSet()),
                "GPU tasks only on the node that offers GPUs");
        Set<String> ids = new TreeSet<>();
        for (var t : tasks) {
            Process p = new ProcessBuilder("docker", "-H", "unix:///run/swarmray-lab/n3/docker.sock", "exec",
                    t.getStatus().getContainerStatus().getContainerID(), "printenv", "DOCKER_RESOURCE_NVIDIA-GPU").start();
            String id = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            ids.add(id);
        }
        assertEquals(Set.of("GPU-fake-0", "GPU-fake-1"), ids, "each task got its own GPU");
        // the stand-in reports its GPU to the head: the head's table lists GPU 1 per worker
        String body = new String(new ProcessBuilder("docker", "-H", "unix://" + LabOperator.SOCK, "exec",
                docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", "llm-inference-head")).exec().get(0)
                        .getId(),
                "wget", "-q", "-O-", "http://localhost:8265/api/v0/nodes").start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2,
                JsonPath.from(body).getList("data.result.result.findAll { it.state == 'ALIVE' && it.resources_total.GPU == 1.0 }").size(),
                body);
        assertEquals(List.of(),
                JsonPath.from(body).getList("data.result.result.findAll { it.is_head_node && it.resources_total.GPU != null }"),
                "the CPU-only head sees no GPU of a CUDA image (NVIDIA_VISIBLE_DEVICES=void): " + body);
        // three GPUs per replica: no node offers that many, and the status says so
        operator.writeSpec("labgpu.yaml", yaml.replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 3"));
        var short3 = SwarmFixture.await("insufficient GPUs named", Duration.ofSeconds(60), () -> status("llm-inference"),
                st -> "True".equals(st.getString("status.conditions.find { it.type == 'InsufficientResources' }.status")));
        assertEquals("group gpu asks for 3 NVIDIA-GPU per replica; the largest offer is 2 (node srl-n3)",
                short3.getString("status.conditions.find { it.type == 'InsufficientResources' }.message"));
    }
}

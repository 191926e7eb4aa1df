package io.swarmray.it;

import static io.swarmray.it.SwarmFixture.IMAGE;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.awaitReady;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.dockerCli;
import static io.swarmray.it.SwarmFixture.service;
import static io.swarmray.it.SwarmFixture.services;
import static io.swarmray.it.SwarmFixture.status;
import static io.swarmray.it.SwarmFixture.versions;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** GCS fault tolerance: the head keeps its state in Redis; a head restart must not restart the workers. */
@QuarkusTest
class FaultToleranceSwarmTest {
    static final String PASSWORD = "s3cret-pa55 $(not a command)";

    @Inject
    DockerClient docker;

    private Set<String> aliveWorkerIds(String cluster) throws Exception {
        String body = ClusterLifecycleSwarmTest.exec(docker, cluster + "-head", "wget", "-q", "-O-", "http://localhost:8265/api/v0/nodes");
        List<Map<String, Object>> rows = JsonPath.from(body).getList("data.result.result");
        return SwarmFixture.aliveWorkers(rows).stream().map(n -> (String) n.get("node_id")).collect(Collectors.toSet());
    }

    private Map<String, String> workerTasks() {
        return docker.listTasksCmd().withServiceFilter("itft-worker-w").exec().stream()
                .filter(t -> "running".equals(t.getDesiredState().getValue()))
                .collect(Collectors.toMap(t -> String.valueOf(t.getSlot()), t -> t.getId()));
    }

    private static String namespace(List<String> env) {
        return env.stream().filter(e -> e.startsWith("RAY_external_storage_namespace=")).findFirst().orElseThrow()
                .substring("RAY_external_storage_namespace=".length());
    }

    private static List<String> redisKeys(String namespace) throws Exception {
        String redis = dockerCli("ps", "-q", "--filter", "label=com.docker.swarm.service.name=itft-redis").trim();
        String out = dockerCli("exec", redis, "sh", "-c",
                "REDISCLI_AUTH=\"$(cat /run/secrets/itft-redis-pass)\" redis-cli --scan --pattern "
                        + "'RAY" + namespace + "@*'");
        return out.lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    private List<String> detachedActors(String cluster) throws Exception {
        String body = ClusterLifecycleSwarmTest.exec(docker, cluster + "-head", "wget", "--tries=1", "-q", "-O-",
                "http://localhost:8265/api/v0/actors");
        List<Map<String, Object>> rows = JsonPath.from(body).getList("data.result.result");
        return rows.stream().map(r -> (String) r.get("name")).sorted().toList();
    }

    @Test
    void headRestartKeepsTheWorkersWhenGcsStateLivesInRedis() throws Exception {
        String name = "itft";
        var p = new ProcessBuilder("docker", "secret", "create", "--label", "swarmray-it=true", "itft-redis-pass", "-").start();
        p.getOutputStream().write(PASSWORD.getBytes());
        p.getOutputStream().close();
        p.waitFor();
        dockerCli("network", "create", "-d", "overlay", "--attachable", "--label", "swarmray-it=true", "itft-redis-net");
        dockerCli("service", "create", "-d", "--no-resolve-image", "--name", "itft-redis", "--label", "swarmray-it=true",
                "--network", "itft-redis-net", "--endpoint-mode", "dnsrr", "--secret", "itft-redis-pass", "swarmray/redis:test",
                "sh", "-c", "exec redis-server --bind 0.0.0.0 --save '' --requirepass \"$(cat /run/secrets/itft-redis-pass)\"");
        try {
            writeSpec("itft.yaml", SwarmFixture.cluster(name, IMAGE, Map.of("w", 2))
                    .replace("    swarmray-it: \"true\"\n",
                            "    swarmray-it: \"true\"\n  annotations:\n    swarmray.io/extra-networks: itft-redis-net\n")
                    .replace("  rayVersion: \"2.40.0\"\n", """
                              rayVersion: "2.40.0"
                              gcsFaultToleranceOptions:
                                redisAddress: redis://itft-redis:6379
                                redisPassword:
                                  valueFrom:
                                    secretKeyRef: {name: itft-redis-pass, key: password}
                            """));
            awaitReady(name);
            var head = service(docker, "itft-head").getSpec().getTaskTemplate().getContainerSpec();
            assertFalse(head.getEnv().toString().contains(PASSWORD), "the password is not in the service spec");
            assertFalse(head.getArgs().toString().contains(PASSWORD));
            assertTrue(head.getEnv().contains("SWARMRAY_REDIS_PASSWORD_FILE=/run/secrets/itft-redis-pass"), head.getEnv().toString());
            assertTrue(head.getEnv().contains("RAY_REDIS_ADDRESS=redis://itft-redis:6379"));
            String namespace = namespace(head.getEnv());
            assertTrue(namespace.startsWith("swarmray-itft-"), namespace);
            assertEquals("itft-redis-pass", head.getSecrets().get(0).getSecretName());
            assertEquals(0444L, head.getSecrets().get(0).getFile().getMode(), "readable by Ray's uid 1000 (F1)");
            assertTrue(service(docker, "itft-worker-w").getSpec().getTaskTemplate().getContainerSpec().getEnv()
                    .contains("RAY_gcs_rpc_server_reconnect_timeout_s=600"));

            Set<String> workersBefore = await("2 workers ALIVE", Duration.ofSeconds(60), () -> {
                try {
                    return aliveWorkerIds(name);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, ids -> ids.size() == 2);
            // what a Serve deployment leaves in the GCS: a detached actor, kept in Redis with the node table
            ClusterLifecycleSwarmTest.exec(docker, "itft-head", "standin-detached-actor", "SERVE_CONTROLLER_ACTOR");
            Map<String, String> tasksBefore = workerTasks();
            Map<String, Long> versionsBefore = versions(docker, name);
            String oldHead = docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", "itft-head")).exec().get(0)
                    .getId();
            docker.killContainerCmd(oldHead).exec();
            await("head loss seen", Duration.ofSeconds(30), () -> status(name),
                    s -> "False".equals(s.getString("status.conditions.find { it.type == 'HeadReady' }.status")));
            awaitReady(name);
            Set<String> workersAfter = await("the same workers ALIVE in the new head's table", Duration.ofSeconds(60), () -> {
                try {
                    return aliveWorkerIds(name);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, workersBefore::equals);
            assertEquals(workersBefore, workersAfter);
            assertEquals(tasksBefore, workerTasks(), "no worker task was restarted");
            assertEquals(versionsBefore.get("itft-worker-w"), versions(docker, name).get("itft-worker-w"), "no force update");
            assertEquals(List.of("SERVE_CONTROLLER_ACTOR"), detachedActors(name), "the new head recovered the GCS state");
            assertEquals(List.of(), SecretsAudit.leaks(PASSWORD), "the Redis password shows");
            assertTrue(SecretsAudit.leaks("SWARMRAY_REDIS_PASSWORD_FILE").contains("docker service inspect"),
                    "the audit reads service specs");

            // F6: deleted and created again under the same name, the cluster starts from an empty GCS, as under
            // KubeRay (namespace = the UID): no detached actor of the old cluster comes back.
            // ... and, as KubeRay's cleanup job does, the deleted cluster's namespace is removed from Redis
            String yaml = Files.readString(SwarmFixture.SPECS.resolve("itft.yaml"));
            assertFalse(redisKeys(namespace).isEmpty(), "the GCS state is in Redis under " + namespace);
            deleteSpec("itft.yaml");
            await("cluster removed, its cleanup job included", Duration.ofSeconds(90), () -> services(docker, name), List::isEmpty);
            assertEquals(List.of(), redisKeys(namespace), "the deleted cluster's namespace is gone from Redis");
            writeSpec("itft.yaml", yaml);
            awaitReady(name);
            String again = namespace(service(docker, "itft-head").getSpec().getTaskTemplate().getContainerSpec().getEnv());
            assertNotEquals(namespace, again);
            assertEquals(List.of(), detachedActors(name), "nothing of the deleted cluster came back from Redis");
        } finally {
            deleteSpec("itft.yaml");
            await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
            dockerCli("service", "rm", "itft-redis");
            await("redis gone", Duration.ofSeconds(30), () -> docker.listContainersCmd()
                    .withLabelFilter(Map.of("com.docker.swarm.service.name", "itft-redis")).exec(), List::isEmpty);
            dockerCli("network", "rm", "itft-redis-net");
            dockerCli("secret", "rm", "itft-redis-pass");
        }
    }
}

package io.swarmray.it;

import static io.swarmray.it.SwarmFixture.IMAGE;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.awaitReady;
import static io.swarmray.it.SwarmFixture.cluster;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.dockerCli;
import static io.swarmray.it.SwarmFixture.service;
import static io.swarmray.it.SwarmFixture.services;
import static io.swarmray.it.SwarmFixture.status;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.UpdateFailureAction;
import com.github.dockerjava.api.model.UpdateOrder;
import io.quarkus.test.junit.QuarkusTest;
import io.swarmray.render.Labels;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Rolling updates: Swarm's update config from the spec, a rollback reported with Swarm's words, upgradeStrategy None,
 * and services an earlier operator version rendered, left running until their group is edited.
 */
@QuarkusTest
class RolloutSwarmTest {
    @Inject
    DockerClient docker;

    @Test
    void aFailedRolloutIsRolledBackAndReportedAndNotRetried() throws Exception {
        String name = "itroll";
        String yaml = cluster(name, IMAGE, Map.of("w", 2)).replace("swarmray.io/constraints: \"node.platform.os==linux\"",
                "swarmray.io/update-monitor: 5s\n            swarmray.io/update-delay: 1s");
        Assertions.assertTrue(yaml.contains("update-delay"), yaml);
        writeSpec("itroll.yaml", yaml);
        awaitReady(name);
        var w = service(docker, "itroll-worker-w").getSpec();
        assertEquals(1L, w.getUpdateConfig().getParallelism());
        assertEquals(UpdateOrder.START_FIRST, w.getUpdateConfig().getOrder());
        assertEquals(UpdateFailureAction.ROLLBACK, w.getUpdateConfig().getFailureAction());
        assertEquals(5_000_000_000L, w.getUpdateConfig().getMonitor());
        assertEquals(UpdateOrder.STOP_FIRST, service(docker, "itroll-head").getSpec().getUpdateConfig().getOrder());

        writeSpec("itroll.yaml",
                yaml.replace("image: " + IMAGE + "\n              env", "image: swarmray/no-such-image:1\n              env"));
        var s = await("rollback reported", Duration.ofSeconds(120), () -> status(name),
                st -> "True".equals(st.getString("status.conditions.find { it.type == 'RolloutFailed' }.status"))
                        && st.getString("status.conditions.find { it.type == 'RolloutFailed' }.message").contains("rollback_completed"));
        String message = s.getString("status.conditions.find { it.type == 'RolloutFailed' }.message");
        assertTrue(message.startsWith("itroll-worker-w: rollback"), message);
        await("workers back on the old image and ready", Duration.ofSeconds(120), () -> status(name),
                st -> st.getInt("status.readyWorkerReplicas") == 2);
        long version = service(docker, "itroll-worker-w").getVersion().getIndex();
        SwarmFixture.sleep(8000); // a few reconciles: the rolled-back spec is not sent again
        assertEquals(version, service(docker, "itroll-worker-w").getVersion().getIndex());
        assertEquals(IMAGE, service(docker, "itroll-worker-w").getSpec().getTaskTemplate().getContainerSpec().getImage().split("@")[0]);
        deleteSpec("itroll.yaml");
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
    }

    @Test
    void upgradeStrategyNoneLeavesTheRunningHeadAlone() throws Exception {
        String name = "itnone";
        String yaml = cluster(name, IMAGE, Map.of("w", 1)).replace("  rayVersion: \"2.40.0\"\n",
                "  rayVersion: \"2.40.0\"\n  upgradeStrategy: {type: None}\n");
        writeSpec("itnone.yaml", yaml);
        awaitReady(name);
        long head = service(docker, "itnone-head").getVersion().getIndex();
        writeSpec("itnone.yaml", yaml.replace("num-cpus: \"1\"", "num-cpus: \"2\""));
        var s = await("held back", Duration.ofSeconds(30), () -> status(name),
                st -> st.getList("status.errors").toString().contains("upgradeStrategy None"));
        assertEquals(head, service(docker, "itnone-head").getVersion().getIndex());
        assertEquals("ready", s.getString("status.state"));
        deleteSpec("itnone.yaml");
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
    }

    /**
     * An operator upgrade that renders the same spec otherwise restarts nothing: the worker service below is as an
     * earlier version would have left it (one more variable, another spec hash, the same input hash). A new replica
     * count only scales it; an edit of its group brings it to this version's rendering.
     */
    @Test
    void aServiceAnEarlierOperatorRenderedKeepsItsTasksUntilItsGroupIsEdited() throws Exception {
        String name = "itkeep";
        String worker = "itkeep-worker-w";
        String yaml = cluster(name, IMAGE, Map.of("w", 1));
        writeSpec("itkeep.yaml", yaml);
        awaitReady(name);
        dockerCli("service", "update", "--detach", "--env-add", EARLIER + "=1", "--label-add", Labels.SPEC_HASH + "=0123456789abcdef",
                worker);
        String first = await("the earlier rendering's task running", Duration.ofSeconds(60), () -> runningTasks(worker),
                tasks -> tasks.size() == 1 && tasks.values().iterator().next()).keySet().iterator().next();
        await("its Ray node alive", Duration.ofSeconds(60), () -> status(name), st -> "ready".equals(st.getString("status.state")));

        writeSpec("itkeep.yaml", yaml.replace("replicas: 1", "replicas: 2"));
        await("scaled to 2, on the earlier rendering", Duration.ofSeconds(60), () -> runningTasks(worker),
                tasks -> tasks.size() == 2 && !tasks.containsValue(false));
        assertTrue(runningTasks(worker).containsKey(first), "the first task still runs");
        assertEquals("0123456789abcdef", service(docker, worker).getSpec().getLabels().get(Labels.SPEC_HASH));
        await("both Ray nodes alive", Duration.ofSeconds(60), () -> status(name), st -> st.getInt("status.readyWorkerReplicas") == 2);

        writeSpec("itkeep.yaml", yaml.replace("replicas: 1", "replicas: 2").replace("swarmray.io/constraints: \"node.platform.os==linux\"",
                "swarmray.io/constraints: \"node.platform.os==linux\"\n            kubectl.kubernetes.io/restartedAt: \"2026-12-05T09:00:00Z\""));
        await("this version's rendering rolled out", Duration.ofSeconds(120), () -> runningTasks(worker),
                tasks -> tasks.size() == 2 && !tasks.containsKey(first) && !tasks.containsValue(true));
        awaitReady(name);
        deleteSpec("itkeep.yaml");
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
    }

    private static final String EARLIER = "SWARMRAY_TEST_EARLIER_RENDERING";

    /** The service's running tasks: whether each runs the earlier rendering (has {@link #EARLIER}). */
    private Map<String, Boolean> runningTasks(String service) {
        return docker.listTasksCmd().withServiceFilter(service).exec().stream()
                .filter(t -> "running".equals(t.getDesiredState().getValue()) && t.getStatus() != null
                        && "running".equals(t.getStatus().getState().getValue()))
                .collect(Collectors.toMap(t -> t.getId(), t -> {
                    List<String> env = t.getSpec().getContainerSpec().getEnv();
                    return env != null && env.contains(EARLIER + "=1");
                }));
    }
}

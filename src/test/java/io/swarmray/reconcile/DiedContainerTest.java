package io.swarmray.reconcile;

import static io.swarmray.reconcile.SwarmWatcher.diedCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.swarmray.render.Labels;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which container events queue a cluster: the death of a Ray container of this instance, nothing else. */
class DiedContainerTest {
    static final Map<String, String> HEAD = Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE, Labels.INSTANCE, "it",
            Labels.CLUSTER, "ithead", Labels.NODE_TYPE, "head", "image", "rayproject/ray:2.40.0", "exitCode", "137");

    @Test
    void aRayContainerOfThisInstanceThatDiedQueuesItsCluster() {
        assertEquals("ithead", diedCluster("die", HEAD, "it"));
    }

    @Test
    void otherActionsInstancesAndContainersDoNot() {
        assertNull(diedCluster("create", HEAD, "it"), "a new container: the task listing sees its task");
        assertNull(diedCluster("update", HEAD, "it"));
        assertNull(diedCluster("die", HEAD, "other"), "another operator instance's cluster");
        assertNull(diedCluster("die", Map.of("com.docker.swarm.service.name", "web", "exitCode", "0"), "it"), "not SwarmRay's");
        assertNull(diedCluster("die", Map.of(Labels.MANAGED_BY, "someone", Labels.INSTANCE, "it", Labels.CLUSTER, "ithead"), "it"));
    }
}

package io.swarmray.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swarmray.rayservice.ServeProxy;
import io.swarmray.render.Labels;
import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.ObservedService;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The resync finds owners and undeclared clusters from Swarm's labels alone. */
class OrphansTest {

    static ObservedService service(String name, Map<String, String> labels) {
        return new ObservedService("id-" + name, name, 1, labels, 1, 0, null, null);
    }

    @Test
    void ownersAndUndeclaredClustersAreFoundByTheirLabels() {
        List<ObservedService> services = List.of(
                service("declared-head", Map.of(Labels.CLUSTER, "declared")),
                service("job-raycluster-bcdfg-head", Map.of(Labels.CLUSTER, "job-raycluster-bcdfg", Labels.ORIGINATED_FROM_CRD, "RayJob",
                        Labels.ORIGINATED_FROM_CR_NAME, "job")),
                service("chat-raycluster-abcde-head", Map.of(Labels.CLUSTER, "chat-raycluster-abcde", Labels.ORIGINATED_FROM_CRD,
                        "RayService", Labels.ORIGINATED_FROM_CR_NAME, "chat")),
                service("chat-serve", Map.of(ServeProxy.SERVICE_LABEL, "chat")));
        List<ObservedNetwork> networks = List.of(new ObservedNetwork("n1", "gone-net", Map.of(Labels.CLUSTER, "gone"), null),
                new ObservedNetwork("n2", "declared-net", Map.of(Labels.CLUSTER, "declared"), null),
                new ObservedNetwork("n3", "old-serve-net", Map.of(ServeProxy.SERVICE_LABEL, "old"), null));
        Set<String> declared = Set.of("declared", "chat-raycluster-abcde");
        assertEquals(List.of("rayjob/job", "job-raycluster-bcdfg", "rayservice/chat", "gone", "rayservice/old"),
                List.copyOf(Orphans.keys(services, networks, declared::contains)));
    }
}

package io.swarmray.rayservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.rayservice.RayServiceStatus.AppStatus;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayService;
import io.swarmray.spec.SpecRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RayServices in the registry (last good spec kept), the clusters they publish, and the status built from a pass. */
class ServiceRegistryTest {

    @Test
    void aBrokenFileKeepsTheLastGoodServiceAndItsClusters() {
        SpecRegistry registry = new SpecRegistry();
        String yaml = ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", "");
        assertEquals(Set.of(SpecRegistry.serviceKey("chat")), registry.update(ServiceSpecs.parse(yaml)));
        RayService good = registry.service("chat").spec();
        assertNotNull(good);
        registry.update(ServiceSpecs.parse(yaml.replace("import_path: model:app", "import_path: [x")));
        assertEquals(good, registry.service("chat").spec());
        assertTrue(registry.service("chat").errors().get(0).toString().contains("spec.serveConfigV2"));

        assertTrue(registry.undecided(SpecRegistry.serviceKey("chat")), "not decided yet");
        String name = ServiceClusters.name(good, 1);
        RayCluster c = ServiceClusters.derive(good, name, ServiceClusters.BLUE, 1);
        Map<String, RayCluster> wanted = new HashMap<>();
        wanted.put(name, c);
        wanted.put("chat-raycluster-old00", null);
        assertEquals(Set.of(name, "chat-raycluster-old00"), registry.publishDerived(SpecRegistry.serviceKey("chat"), wanted));
        assertFalse(registry.undecided(SpecRegistry.serviceKey("chat")));
        assertEquals(c, registry.cluster(name).spec());
        assertEquals("specs/chat.yaml", registry.cluster(name).file());
        assertNull(registry.cluster("chat-raycluster-old00").spec());
        assertEquals(Set.of(), registry.publishDerived(SpecRegistry.serviceKey("chat"), wanted));
        assertEquals(Set.of("chat-raycluster-old00"), registry.publishDerived(SpecRegistry.serviceKey("chat"), Map.of(name, c)));
        assertNull(registry.cluster("chat-raycluster-old00"));

        assertEquals(Set.of(SpecRegistry.serviceKey("chat")), registry.remove("specs/chat.yaml"));
        assertNull(registry.service("chat"));
    }

    @Test
    void statusSpeaksKubeRaysConditions() {
        SpecRegistry registry = new SpecRegistry();
        registry.update(ServiceSpecs.parse(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", "")));
        var spec = registry.service("chat");
        Instant t0 = Instant.parse("2026-12-02T00:00:00Z");
        var apps = Map.of("a1", Map.of("llm", new AppStatus("RUNNING", "", Map.of())));
        RayServiceStatus first = RayServiceStatusReport.build("chat", spec, null, "a1", null, spec.spec(), apps, 0, List.of(), c -> "ready",
                null,
                t0);
        assertEquals("False", first.condition("Ready").status());
        assertEquals("Initializing", first.condition("Ready").reason());
        assertEquals("Unknown", first.condition("UpgradeInProgress").status());
        assertEquals("RUNNING", first.pendingServiceStatus().applicationStatuses().get("llm").status());
        RayServiceStatus ready = RayServiceStatusReport.build("chat", spec, "a1", null, null, spec.spec(), apps, 2, List.of(), c -> "ready",
                first,
                t0.plusSeconds(5));
        assertEquals("Running", ready.serviceStatus());
        assertEquals("NonZeroServeEndpoints", ready.condition("Ready").reason());
        assertEquals("NoPendingCluster", ready.condition("UpgradeInProgress").reason());
        assertEquals(2, ready.numServeEndpoints());
        assertEquals(new RayServiceStatus.Endpoint("chat-serve", "chat-serve-net", 8001, 0), ready.endpoint());
        RayServiceStatus upgrading = RayServiceStatusReport.build("chat", spec, "a1", "b2", null, spec.spec(), apps, 2, List.of(),
                c -> "ready",
                ready, t0.plusSeconds(9));
        assertEquals("BothActivePendingClustersExist", upgrading.condition("UpgradeInProgress").reason());
        assertEquals(ready.condition("Ready").lastTransitionTime(), upgrading.condition("Ready").lastTransitionTime());
        RayServiceStatus refused = RayServiceStatusReport.build("chat", spec, "a1", null, "spec.upgradeStrategy None: ...", spec.spec(),
                apps,
                2, List.of(), c -> "ready", ready, t0.plusSeconds(9));
        assertEquals("False", refused.condition("UpgradeInProgress").status());
        assertEquals("UpgradeStrategyNone", refused.condition("UpgradeInProgress").reason());
        assertEquals("spec.upgradeStrategy None: ...", refused.condition("UpgradeInProgress").message());
    }
}

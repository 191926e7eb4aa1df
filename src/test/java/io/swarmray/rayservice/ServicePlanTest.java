package io.swarmray.rayservice;

import static io.swarmray.rayservice.ServiceClusters.BLUE;
import static io.swarmray.rayservice.ServiceClusters.GREEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.rayservice.ServicePlan.Owned;
import io.swarmray.render.ClusterNetwork;
import io.swarmray.render.ClusterRenderer;
import io.swarmray.render.RenderOptions;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayService;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which clusters a RayService keeps: KubeRay's rules, blue/green slots, the deletion delay, a restart's unknown specs. */
class ServicePlanTest {
    static final Duration DELAY = Duration.ofSeconds(60);
    static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");
    final RayService v1 = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", ""));
    final Map<String, Instant> dangling = new HashMap<>();

    ServicePlan plan(RayService s, String active, Map<String, Owned> owned, Instant now) {
        return ServicePlan.plan(s, active, owned, Map.of(), dangling, now, DELAY);
    }

    @Test
    void namesIgnoreReplicasAndSurviveAppendedGroupsButNotOtherChanges() {
        String name = ServiceClusters.name(v1, 1);
        assertTrue(name.matches("chat-raycluster-[0-9a-f]{5}"), name);
        RayService moreReplicas = ServiceSpecs
                .service(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", "").replace("replicas: 1", "replicas: 3"));
        assertEquals(name, ServiceClusters.name(moreReplicas, 1));
        RayService serveOnly = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v2", ""));
        assertEquals(name, ServiceClusters.name(serveOnly, 1));
        RayService appended = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", ServiceSpecs.group("gpu", 1)));
        assertTrue(ServiceClusters.takesInPlace(appended, name, 1));
        assertNotEquals(name, ServiceClusters.name(appended, 2));
        RayService newImage = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.41.0", "v1", ""));
        assertFalse(ServiceClusters.takesInPlace(newImage, name, 1));
    }

    @Test
    void theFirstClusterIsPendingInBlueWithItsOwnerLabelsAndAlias() {
        ServicePlan p = plan(v1, null, Map.of(), T0);
        assertNull(p.active());
        assertEquals(ServiceClusters.name(v1, 1), p.pending());
        assertEquals(BLUE, p.pendingSlot());
        RayCluster c = p.keep().get(p.pending());
        assertEquals(
                Map.of(ServiceClusters.CRD_LABEL, "RayService", ServiceClusters.CR_NAME_LABEL, "chat", ServiceClusters.SLOT_LABEL, BLUE,
                        ServiceClusters.BASE_GROUPS_LABEL, "1"),
                c.labels());
        assertEquals(new RayCluster.ServeAttachment("chat-serve-net", "chat-serve-blue", true), c.serve());
        assertEquals(p.pending(), c.name());
    }

    @Test
    void anUnchangedOrScaledSpecKeepsTheActiveClusterInPlace() {
        String active = ServiceClusters.name(v1, 1);
        RayService appended = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", ServiceSpecs.group("gpu", 2)));
        ServicePlan p = plan(appended, active, Map.of(active, new Owned(GREEN, 1)), T0);
        assertNull(p.pending());
        assertEquals(Set.of(active), p.keep().keySet());
        assertEquals(2, p.keep().get(active).workerGroups().size());
        assertEquals("chat-serve-green", p.keep().get(active).serve().alias());
    }

    @Test
    void aNewImageBuildsAPendingClusterInTheOtherSlotAndTheOldOneLeavesAfterTheDelay() {
        String old = ServiceClusters.name(v1, 1);
        RayService v2 = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.41.0", "v1", ""));
        Map<String, RayCluster> lastKnown = Map.of(old, ServiceClusters.derive(v1, old, BLUE, 1));
        ServicePlan p = ServicePlan.plan(v2, old, Map.of(old, new Owned(BLUE, 1)), lastKnown, dangling, T0, DELAY);
        String pending = ServiceClusters.name(v2, 1);
        assertEquals(pending, p.pending());
        assertEquals(GREEN, p.pendingSlot());
        assertEquals(lastKnown.get(old), p.keep().get(old), "the active cluster keeps the spec it runs");
        assertTrue(p.keep().containsKey(pending));
        // switched: the pending cluster is active, the old one dangles for the delay, then is no longer kept
        Map<String, Owned> both = Map.of(old, new Owned(BLUE, 1), pending, new Owned(GREEN, 1));
        assertTrue(ServicePlan.plan(v2, pending, both, lastKnown, dangling, T0, DELAY).keep().containsKey(old));
        assertTrue(ServicePlan.plan(v2, pending, both, lastKnown, dangling, T0.plusSeconds(59), DELAY).keep().containsKey(old));
        assertEquals(Set.of(pending), ServicePlan.plan(v2, pending, both, lastKnown, dangling, T0.plusSeconds(60), DELAY).keep().keySet());
    }

    @Test
    void afterARestartTheActiveClusterOfAnOlderSpecIsKeptAsItRuns() {
        String old = ServiceClusters.name(v1, 1);
        RayService v2 = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.41.0", "v1", ""));
        ServicePlan p = plan(v2, old, Map.of(old, new Owned(BLUE, 1)), T0);
        assertTrue(p.keep().containsKey(old));
        assertNull(p.keep().get(old), "no spec: the RayCluster reconcile leaves it as it runs");
    }

    @Test
    void upgradeStrategyNoneHoldsTheNewClusterBack() {
        String old = ServiceClusters.name(v1, 1);
        RayService none = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.41.0", "v1", "").replace("\nspec:\n",
                "\nspec:\n  upgradeStrategy: {type: None}\n"));
        ServicePlan p = plan(none, old, Map.of(old, new Owned(BLUE, 1)), T0);
        assertNull(p.pending());
        assertTrue(p.heldBack().startsWith("spec.upgradeStrategy None"), p.heldBack());
        assertEquals(Set.of(old), p.keep().keySet());
    }

    @Test
    void aClusterInTheSlotThePendingOneNeedsLeavesFirst() {
        String active = "chat-raycluster-aaaaa";
        String stale = "chat-raycluster-bbbbb";
        RayService v2 = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.41.0", "v1", ""));
        ServicePlan p = plan(v2, active, Map.of(active, new Owned(BLUE, 1), stale, new Owned(GREEN, 1)), T0);
        assertEquals(List.of(stale), p.waitingFor());
        assertEquals(Set.of(active), p.keep().keySet(), "neither the stale cluster nor the pending one yet");
    }

    @Test
    void theServeProxiesJoinTheServeNetworkUnderTheSlotAliasAndTheHeadOnlyUnlessExcluded() {
        String name = ServiceClusters.name(v1, 1);
        var cluster = ServiceClusters.derive(v1, name, GREEN, 1);
        var rendered = ClusterRenderer.render(cluster, new ClusterNetwork("n1", "10.0.9.0/24"), RenderOptions.DEFAULT).services();
        rendered.forEach(s -> assertEquals(List.of("chat-serve-net:chat-serve-green"), s.extraNetworks(), s.name()));
        RayService excluded = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", "").replace("\nspec:\n",
                "\nspec:\n  excludeHeadPodFromServeSvc: true\n"));
        var services = ClusterRenderer.render(ServiceClusters.derive(excluded, name, GREEN, 1), new ClusterNetwork("n1", "10.0.9.0/24"),
                RenderOptions.DEFAULT).services();
        assertEquals(List.of(), services.get(0).extraNetworks(), "the head");
        assertEquals(List.of("chat-serve-net:chat-serve-green"), services.get(1).extraNetworks(), "the workers");
    }
}

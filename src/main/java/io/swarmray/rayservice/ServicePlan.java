package io.swarmray.rayservice;

import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which clusters a RayService keeps, as a pure function of its spec and what Swarm shows ([K] rayservice_controller.go
 * :468-711, 550-592): the active cluster (updated in place when the spec allows), a pending one when the spec asks
 * for a new cluster, and the others until the deletion delay has passed since they were first seen dangling.
 *
 * @param keep           cluster name → its spec; a null spec keeps a cluster as it runs (its spec was not seen by this
 *                       process: the active cluster of an older spec, after an operator restart)
 * @param pending        the cluster being prepared, or null
 * @param pendingSlot    its slot, or null
 * @param waitingFor     clusters in the pending cluster's slot that must be gone before it is created
 * @param heldBack       why a new spec is not applied (upgradeStrategy None), or null
 */
public record ServicePlan(String active, String activeSlot, String pending, String pendingSlot, Map<String, RayCluster> keep,
        List<String> waitingFor, String heldBack) {

    /** A cluster of the service as its Swarm labels describe it. */
    public record Owned(String slot, int baseGroups) {
    }

    /**
     * @param active         the cluster the endpoint's label names, if it exists; else null
     * @param owned          every cluster of the service in Swarm, by name
     * @param lastKnown      specs this process derived before, by cluster name
     * @param danglingSince  when each cluster was first seen neither active nor pending; updated here
     */
    public static ServicePlan plan(RayService service, String active, Map<String, Owned> owned, Map<String, RayCluster> lastKnown,
            Map<String, Instant> danglingSince, Instant now, Duration deletionDelay) {
        int groups = service.clusterConfig().workerGroups().size();
        Map<String, RayCluster> keep = new LinkedHashMap<>();
        String activeSlot = null;
        String pending = null;
        String pendingSlot = null;
        String heldBack = null;
        if (active != null) {
            Owned a = owned.get(active);
            activeSlot = a.slot();
            if (ServiceClusters.takesInPlace(service, active, a.baseGroups())) {
                keep.put(active, ServiceClusters.derive(service, active, a.slot(), a.baseGroups()));
            } else {
                keep.put(active, lastKnown.get(active));
                if (RayService.NO_UPGRADE.equals(service.upgradeStrategy())) {
                    heldBack = "spec.upgradeStrategy None: the rayClusterConfig change needs a new cluster; " + active
                            + " keeps its spec, and only serveConfigV2 changes are applied";
                } else {
                    pending = ServiceClusters.name(service, groups);
                    pendingSlot = ServiceClusters.otherSlot(a.slot());
                }
            }
        } else {
            pending = ServiceClusters.name(service, groups);
            Owned existing = owned.get(pending);
            pendingSlot = existing != null ? existing.slot() : freeSlot(owned);
        }
        List<String> waitingFor = new ArrayList<>();
        if (pending != null) {
            for (var e : owned.entrySet()) {
                if (!e.getKey().equals(pending) && !e.getKey().equals(active) && e.getValue().slot().equals(pendingSlot)) {
                    waitingFor.add(e.getKey()); // serves nothing; leaves at once so that the slot's alias is the pending cluster's only
                }
            }
            if (waitingFor.isEmpty()) {
                Owned existing = owned.get(pending);
                keep.put(pending, ServiceClusters.derive(service, pending, pendingSlot, existing != null ? existing.baseGroups() : groups));
            }
        }
        for (String name : owned.keySet()) {
            if (name.equals(active) || name.equals(pending) || waitingFor.contains(name)) {
                danglingSince.remove(name);
                continue;
            }
            Instant since = danglingSince.computeIfAbsent(name, n -> now);
            if (Duration.between(since, now).compareTo(deletionDelay) < 0) {
                keep.put(name, lastKnown.get(name));
            }
        }
        danglingSince.keySet().retainAll(owned.keySet());
        return new ServicePlan(active, activeSlot, pending, pendingSlot, keep, List.copyOf(waitingFor), heldBack);
    }

    /** The first cluster goes to a slot no other cluster holds (blue if both are taken: those leave). */
    private static String freeSlot(Map<String, Owned> owned) {
        boolean blueTaken = owned.values().stream().anyMatch(o -> o.slot().equals(ServiceClusters.BLUE));
        boolean greenTaken = owned.values().stream().anyMatch(o -> o.slot().equals(ServiceClusters.GREEN));
        return blueTaken && !greenTaken ? ServiceClusters.GREEN : ServiceClusters.BLUE;
    }
}

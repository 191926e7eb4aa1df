package io.swarmray.autoscaler;

import io.swarmray.render.Autoscaler;
import io.swarmray.render.DesiredCluster;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.spec.Names;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.swarm.ObservedService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The replica services an autoscaled group should have, from its spec and Swarm alone (pure), by KubeRay's rules
 * (raycluster_controller.go:812-902): a replica the autoscaler named is removed; new ones are made while fewer than
 * {@code replicas} remain; a {@code replicas} below the count removes nothing (Ray's autoscaler is the only one to
 * choose which worker goes). A new replica takes the lowest index no existing service has.
 */
public final class ReplicaPlan {
    private ReplicaPlan() {
    }

    /** Existing replica services of group {@code g}: their indexes, and which ones were named for deletion. */
    static List<ObservedService> replicas(List<ObservedService> observed, GroupSpec g) {
        return observed.stream().filter(s -> g.groupName().equals(s.label(Labels.GROUP)) && s.label(Autoscaler.REPLICA_LABEL) != null)
                .toList();
    }

    /** The desired replica services of {@code g}, rendered from the group's {@code template} service. */
    public static List<DesiredService> desired(RayCluster cluster, GroupSpec g, DesiredService template, List<ObservedService> observed) {
        List<ObservedService> existing = replicas(observed, g);
        Set<Integer> taken = existing.stream().map(s -> index(s)).filter(i -> i >= 0).collect(Collectors.toCollection(TreeSet::new));
        TreeSet<Integer> kept = existing.stream().filter(s -> s.label(Autoscaler.DELETE_LABEL) == null).map(ReplicaPlan::index)
                .filter(i -> i >= 0).collect(Collectors.toCollection(TreeSet::new));
        int want = cluster.suspend() ? 0 : g.effectiveReplicas();
        List<DesiredService> out = new ArrayList<>();
        kept.forEach(i -> out.add(Autoscaler.replica(template, cluster, g, i)));
        int next = 0;
        for (int missing = want - kept.size(); missing > 0; missing--) {
            while (taken.contains(next)) {
                next++;
            }
            taken.add(next);
            out.add(Autoscaler.replica(template, cluster, g, next));
        }
        return out;
    }

    /** The cluster with each autoscaled group's service replaced by its replica services. */
    public static DesiredCluster expand(DesiredCluster rendered, RayCluster cluster, List<ObservedService> observed) {
        List<DesiredService> out = new ArrayList<>();
        for (DesiredService s : rendered.services()) {
            GroupSpec g = cluster.workerGroups().stream().filter(w -> Names.workerService(cluster.name(), w.groupName()).equals(s.name()))
                    .findFirst().orElse(null);
            if (g == null) {
                out.add(s);
            } else {
                out.addAll(desired(cluster, g, s, observed));
            }
        }
        return new DesiredCluster(rendered.name(), rendered.network(), out, rendered.generation());
    }

    private static int index(ObservedService s) {
        try {
            return Integer.parseInt(s.label(Autoscaler.REPLICA_LABEL));
        } catch (NumberFormatException e) {
            return -1; // not ours to number: left out, so the reconcile removes it
        }
    }
}

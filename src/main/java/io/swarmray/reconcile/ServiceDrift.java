package io.swarmray.reconcile;

import io.swarmray.render.DesiredCluster;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.spec.Names;
import io.swarmray.spec.RayCluster;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A cluster's services brought to what its spec wants: only the services whose spec hash differs are written, and
 * of those, not the ones that another operator version rendered from the same inputs (README, "Operator upgrades").
 */
final class ServiceDrift {
    /**
     * @param changes  what was created, updated, restored or removed
     * @param heldBack why the head keeps its previous spec (upgradeStrategy None), or null
     * @param kept     the services left as another operator version rendered them
     */
    record Applied(List<String> changes, String heldBack, List<String> kept) {
    }

    private ServiceDrift() {
    }

    /**
     * @param applied the spec hash last sent to each service (kept by the reconciler): a spec Swarm rolled back is
     *                not sent again until it is edited
     * @param head    the head service's current task, or null
     */
    static Applied apply(SwarmClient swarm, Map<String, String> applied, RayCluster cluster, DesiredCluster desired,
            List<ObservedService> services, ObservedTask head) {
        Map<String, ObservedService> byName = services.stream()
                .collect(Collectors.toMap(ObservedService::name, Function.identity(), (a, b) -> a));
        List<String> changes = new ArrayList<>();
        String heldBack = null;
        List<String> kept = new ArrayList<>();
        for (DesiredService want : desired.services()) {
            ObservedService have = byName.get(want.name());
            String wanted = want.labels().get(Labels.SPEC_HASH);
            if (have == null) {
                swarm.createService(want);
                changes.add("created " + want.name());
            } else if (!wanted.equals(have.label(Labels.SPEC_HASH))) {
                if (renderedByAnotherVersion(want, have)) {
                    if (have.replicas() != want.replicas()) {
                        swarm.scaleService(have, want.replicas());
                        changes.add("scaled " + want.name() + " to " + want.replicas());
                    }
                    kept.add(want.name());
                    continue;
                }
                boolean isHead = want.name().equals(Names.headService(cluster.name()));
                if (isHead && RayCluster.NO_UPGRADE.equals(cluster.upgradeStrategy()) && head != null && head.running()) {
                    heldBack = "spec.upgradeStrategy None: " + want.name() + " keeps running its previous spec until its task restarts";
                    continue;
                }
                if (have.updateState() != null && have.updateState().startsWith("rollback") && wanted.equals(applied.get(want.name()))) {
                    // Swarm rolled this very spec back; applying it again would loop. A new edit is applied.
                    continue;
                }
                swarm.updateService(have, want, have.forceUpdate());
                applied.put(want.name(), wanted);
                changes.add("updated " + want.name());
            } else if (have.label(Labels.RESTARTED_ALL_AT_ONCE) != null && !"updating".equals(have.updateState())) {
                swarm.updateService(have, want, have.forceUpdate()); // the same tasks: nothing restarts
                changes.add("restored the rollout settings of " + want.name());
            }
        }
        Set<String> wantedNames = desired.services().stream().map(DesiredService::name).collect(Collectors.toSet());
        for (ObservedService have : services) {
            if (!wantedNames.contains(have.name())) {
                swarm.removeService(have);
                changes.add("removed " + have.name());
            }
        }
        return new Applied(changes, heldBack, kept);
    }

    /**
     * The same inputs, and more than the replica count differs from what they render now: the operator that made the
     * service rendered them otherwise. Its tasks keep running; a new count is applied without touching them.
     */
    static boolean renderedByAnotherVersion(DesiredService want, ObservedService have) {
        String inputs = want.labels().get(Labels.INPUT_HASH);
        return inputs != null && inputs.equals(have.label(Labels.INPUT_HASH))
                && !want.hashWithReplicas((int) have.replicas()).equals(have.label(Labels.SPEC_HASH));
    }
}

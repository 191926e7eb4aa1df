package io.swarmray.reconcile;

import io.swarmray.render.DesiredCluster;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.swarm.SwarmClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Worker groups that Swarm could never place, said in the status instead of left pending. */
final class Unschedulable {
    private Unschedulable() {
    }

    /**
     * Groups that ask for more generic resources (GPUs) per replica than any Ready node offers: Swarm
     * would only leave their tasks pending with "insufficient resources". Asks Swarm only when some group wants them.
     */
    static List<String> groups(SwarmClient swarm, DesiredCluster desired) {
        if (desired.services().stream().allMatch(s -> s.resources().generic().isEmpty())) {
            return List.of();
        }
        var offers = swarm.nodeOffers();
        List<String> out = new ArrayList<>();
        for (DesiredService s : desired.services()) {
            s.resources().generic().forEach((kind, need) -> {
                var best = offers.entrySet().stream().max(Comparator.comparing(e -> e.getValue().getOrDefault(kind, 0L)))
                        .orElse(null);
                long most = best == null ? 0 : best.getValue().getOrDefault(kind, 0L);
                if (need > most) {
                    out.add("group " + s.labels().get(Labels.GROUP) + " asks for " + need + " " + kind + " per replica; "
                            + (most == 0
                                    ? "no Ready node offers " + kind
                                    : "the largest offer is " + most + " (node " + best.getKey() + ")"));
                }
            });
        }
        return out;
    }

}

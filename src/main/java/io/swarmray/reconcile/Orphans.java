package io.swarmray.reconcile;

import io.swarmray.rayservice.ServeProxy;
import io.swarmray.render.Labels;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.ObservedService;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the resync finds in Swarm's listings that no spec may declare any more: clusters, RayServices and RayJobs
 * whose files went (perhaps while the operator was down), known by their objects' labels. Their reconciles remove
 * them; an owner still declared is merely looked at again.
 */
final class Orphans {
    private Orphans() {
    }

    /** Work-queue keys: the owners seen on services and networks, and the clusters {@code declared} does not know. */
    static Set<String> keys(List<ObservedService> services, List<ObservedNetwork> networks, Predicate<String> declared) {
        Set<String> keys = new LinkedHashSet<>();
        for (var s : services) {
            String owner = s.label(ServeProxy.SERVICE_LABEL) != null
                    ? SpecRegistry.serviceKey(s.label(ServeProxy.SERVICE_LABEL))
                    : Labels.ownerKey(s.labels());
            if (owner != null) {
                keys.add(owner);
            }
            String cluster = s.label(Labels.CLUSTER);
            if (cluster != null && !declared.test(cluster)) {
                keys.add(cluster);
            }
        }
        for (var n : networks) {
            String cluster = n.labels().get(Labels.CLUSTER);
            if (cluster != null) {
                if (!declared.test(cluster)) {
                    keys.add(cluster); // a cluster's last object
                }
            } else if (n.labels().get(ServeProxy.SERVICE_LABEL) != null) {
                keys.add(SpecRegistry.serviceKey(n.labels().get(ServeProxy.SERVICE_LABEL))); // a RayService's last object
            }
        }
        return keys;
    }
}

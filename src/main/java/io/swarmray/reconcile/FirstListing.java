package io.swarmray.reconcile;

import io.swarmray.render.Labels;
import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One listing of the services, networks and tasks of every cluster, made once when the operator starts, for each
 * cluster's first pass: fifty running clusters then cost three list calls instead of a hundred and fifty, and a
 * restarted operator reports them sooner. A cluster's share is taken once, and only while nothing has been heard
 * about the cluster since the marks were read (before listing): a change after them made an event or a changed
 * task listing, which bumped the mark, and that pass lists afresh.
 */
final class FirstListing {
    /** A cluster's part of the listing. */
    record Cluster(List<ObservedService> services, List<ObservedNetwork> networks, List<ObservedTask> tasks) {
    }

    static final FirstListing NONE = new FirstListing(Map.of(), List.of(), List.of(), List.of());

    private final Map<String, Long> marks;
    private final Map<String, Cluster> clusters = new ConcurrentHashMap<>();

    /**
     * @param marks what had been heard about each cluster (by spec) before the listing; clusters without a mark
     *              (no spec yet, or an orphan) always list for themselves
     */
    FirstListing(Map<String, Long> marks, List<ObservedService> services, List<ObservedNetwork> networks, List<ObservedTask> tasks) {
        this.marks = Map.copyOf(marks);
        for (String name : marks.keySet()) {
            clusters.put(name, new Cluster(services.stream().filter(s -> name.equals(s.label(Labels.CLUSTER))).toList(),
                    networks.stream().filter(n -> name.equals(n.labels().get(Labels.CLUSTER))).toList(),
                    tasks.stream().filter(t -> name.equals(t.cluster())).toList()));
        }
    }

    /** The cluster's share, left for its pass to take; null when already taken or never listed. */
    Cluster peek(String cluster) {
        return clusters.get(cluster);
    }

    /** The cluster's share, once; null when already taken, never listed, or something was heard of it since. */
    Cluster take(String cluster, long markNow) {
        Cluster share = clusters.remove(cluster);
        return share != null && marks.get(cluster) == markNow ? share : null;
    }
}

package io.swarmray.autoscaler;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the autoscalers asked, in memory: each group's {@code workersToDelete} (shown in GET until the autoscaler
 * clears it, as in KubeRay's object) and the last decisions, for status. Losing it in a restart is harmless: the
 * services it named carry {@link io.swarmray.render.Autoscaler#DELETE_LABEL} and are removed anyway, and a worker
 * that stays idle is named again.
 */
@ApplicationScoped
public class ScaleState {
    static final int KEPT_DECISIONS = 10;

    /**
     * One accepted patch: when, and what it asked ("gpu: replicas 3", "gpu: delete [id]"). Registered: the status API
     * serialises it inside a map, where the native build cannot see it (without, the native binary answered 500 for an
     * autoscaled cluster once its autoscaler had asked for anything).
     */
    @RegisterForReflection
    public record Decision(String time, List<String> changes) {
    }

    private final Map<String, Map<String, List<String>>> toDelete = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> demand = new ConcurrentHashMap<>();

    /**
     * What the head's monitor last reported (/api/cluster_status): {@code resourceDemand} as Ray gives it
     * ([[bundle, count], ...]), {@code usage}, the autoscaler's own report, and when it was read.
     */
    public Map<String, Object> demand(String cluster) {
        return demand.getOrDefault(cluster, Map.of());
    }

    public void setDemand(String cluster, Map<String, Object> report) {
        demand.put(cluster, report);
    }
    private final Map<String, Deque<Decision>> decisions = new ConcurrentHashMap<>();

    public Map<String, List<String>> workersToDelete(String cluster) {
        return Map.copyOf(toDelete.getOrDefault(cluster, Map.of()));
    }

    synchronized void setWorkersToDelete(String cluster, String group, List<String> names) {
        var groups = toDelete.computeIfAbsent(cluster, k -> new TreeMap<>());
        if (names.isEmpty()) {
            groups.remove(group);
        } else {
            groups.put(group, List.copyOf(names));
        }
    }

    synchronized void record(String cluster, Instant at, List<String> changes) {
        Deque<Decision> d = decisions.computeIfAbsent(cluster, k -> new ArrayDeque<>());
        d.addLast(new Decision(at.toString(), List.copyOf(changes)));
        while (d.size() > KEPT_DECISIONS) {
            d.removeFirst();
        }
    }

    /** The cluster's last decisions, oldest first. */
    public synchronized List<Decision> decisions(String cluster) {
        return List.copyOf(decisions.getOrDefault(cluster, new ArrayDeque<>()));
    }

    public void forget(String cluster) {
        toDelete.remove(cluster);
        decisions.remove(cluster);
        demand.remove(cluster);
    }
}

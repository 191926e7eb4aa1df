package io.swarmray.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.swarmray.metrics.ClusterSeries.GroupSeries;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.Condition;
import io.swarmray.status.StatusStore;
import io.swarmray.status.StatusStore.StatusChanged;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Every meter the operator exports, each with its HELP text: SwarmRay's own and KubeRay's cluster series
 * ({@link ClusterSeries}). The per-cluster series are rebuilt from all statuses at most once a second after one
 * changed, so a removed cluster's series go with it. Not on each change: a rebuild touches every cluster's rows, and
 * a restarted operator's first passes change all N statuses within seconds (N rebuilds of N clusters each: 11 of 139
 * samples in a profile of a restart with 50 clusters); Prometheus scrapes every 15 s or more.
 */
@ApplicationScoped
public class OperatorMetrics {
    @Inject
    MeterRegistry registry;
    @Inject
    StatusStore statuses;
    @Inject
    SpecRegistry specs;

    Clock clock = Clock.systemUTC();
    private final Map<String, Instant> unprovisionedSince = new ConcurrentHashMap<>();
    private final AtomicBoolean statusChanged = new AtomicBoolean();
    private LiveRows workers;
    private LiveRows ready;
    private LiveRows conditions;
    private LiveRows groups;
    private LiveRows info;
    private LiveRows provisioned;
    private LiveRows provisionedDuration;

    @PostConstruct
    void init() {
        workers = family("swarmray.cluster.workers",
                "Worker replicas of a cluster by kind: desired (the spec), available (running tasks), ready (ALIVE in Ray's node table)");
        ready = family("swarmray.cluster.ready", "1 while the cluster's state is ready, else 0");
        conditions = family("swarmray.cluster.condition",
                "1 while the cluster's condition of this type holds (HeadReady, RayClusterProvisioned, ReplicaFailure, ...), else 0");
        groups = family("swarmray.group.replicas",
                "Replicas of a worker group by kind: desired, available, ready (ALIVE in Ray's node table), min (the spec's minReplicas)");
        info = family("kuberay.cluster.info", "Metadata information about Ray clusters");
        provisioned = family("kuberay.cluster.condition.provisioned", "Indicates whether the RayCluster is provisioned");
        // KubeRay's name ends in _seconds: Micrometer appends the base unit
        provisionedDuration = new LiveRows(registry, "kuberay.cluster.provisioned.duration", "seconds",
                "The time, in seconds, when a RayCluster's `RayClusterProvisioned` status transitions from false (or unset) "
                        + "to true (counted from when this operator first saw it unprovisioned)");
    }

    private LiveRows family(String name, String help) {
        return new LiveRows(registry, name, null, help);
    }

    void onStatus(@Observes StatusChanged changed) {
        ClusterStatus s = changed.status();
        if (s == null) {
            unprovisionedSince.remove(changed.name());
        } else if (s.condition(Condition.PROVISIONED) == null || !s.condition(Condition.PROVISIONED).isTrue()) {
            unprovisionedSince.putIfAbsent(s.name(), clock.instant());
        }
        statusChanged.set(true);
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshIfChanged() {
        if (statusChanged.getAndSet(false)) {
            refresh();
        }
    }

    /** Rebuilds the per-cluster series from the stored statuses. */
    synchronized void refresh() {
        Map<String, RayCluster> specsByName = new HashMap<>();
        specs.clusters().stream().filter(c -> c.spec() != null).forEach(c -> specsByName.put(c.name(), c.spec()));
        List<ClusterSeries> series = ClusterSeries.of(statuses.all(), specsByName, unprovisionedSince);
        workers.set(rows(series, c -> byKind(Tags.of("cluster", c.name()),
                Map.of("desired", c.desiredWorkers(), "available", c.availableWorkers(), "ready", c.readyWorkers()))));
        ready.set(rows(series, c -> Map.of(Tags.of("cluster", c.name()), c.ready() ? 1 : 0)));
        info.set(rows(series, c -> Map.of(kube(c).and("owner_kind", c.ownerKind()), 1)));
        provisioned.set(rows(series, c -> Map.of(kube(c).and("condition", String.valueOf(c.provisioned())), 1)));
        conditions.set(rows(series, c -> c.conditions().entrySet().stream()
                .collect(Collectors.toMap(e -> Tags.of("cluster", c.name(), "type", e.getKey()), e -> e.getValue() ? 1 : 0))));
        groups.set(rows(series, c -> {
            Map<Tags, Integer> byGroup = new HashMap<>();
            c.groups().forEach(g -> byGroup.putAll(byKind(Tags.of("cluster", c.name(), "group", g.group()), groupKinds(g))));
            return byGroup;
        }));
        provisionedDuration.set(rows(series.stream().filter(c -> c.provisionedSeconds() != null).toList(),
                c -> Map.of(kube(c), c.provisionedSeconds())));
    }

    /** Every cluster's rows of one family. */
    private static Map<Tags, Number> rows(List<ClusterSeries> series, Function<ClusterSeries, Map<Tags, ? extends Number>> of) {
        Map<Tags, Number> all = new HashMap<>();
        series.forEach(c -> all.putAll(of.apply(c)));
        return all;
    }

    /** One row per kind, with the family's other tags. */
    private static Map<Tags, Integer> byKind(Tags tags, Map<String, Integer> kinds) {
        Map<Tags, Integer> out = new HashMap<>();
        kinds.forEach((kind, n) -> out.put(tags.and("kind", kind), n));
        return out;
    }

    private static Map<String, Integer> groupKinds(GroupSeries g) {
        Map<String, Integer> kinds = new TreeMap<>(Map.of("desired", g.desired(), "available", g.available(), "ready", g.ready()));
        if (g.min() != null) {
            kinds.put("min", g.min());
        }
        return kinds;
    }

    private static Tags kube(ClusterSeries c) {
        return Tags.of("name", c.name(), "namespace", c.namespace());
    }

    /** Counts one Docker API call by operation and result. */
    public void dockerCall(String operation, boolean ok) {
        Counter.builder("swarmray.docker.calls").description("Docker Engine API calls the operator made, by operation and result")
                .tags("operation", operation, "result", ok ? "ok" : "error").register(registry).increment();
    }

    /** Counts one request for a head's node table by its route: gateway (the engine's bridge), exec, or network. */
    public void headProbe(String route) {
        Counter.builder("swarmray.head.probes").description("Requests for a head's node table, by route: gateway, exec or network")
                .tags("route", route).register(registry).increment();
    }

    /** Times one reconcile pass of a cluster or another kind's object. */
    public void reconcile(String result, Duration took) {
        Timer.builder("swarmray.reconcile.duration").description("Reconcile passes and their duration, by result")
                .tags("result", result).register(registry).record(took);
    }

    /** The work queue's depth, read when scraped. */
    public <T> void queueDepth(T queue, ToDoubleFunction<T> depth) {
        Gauge.builder("swarmray.queue.depth", queue, depth).description("Keys waiting in the reconcile work queue").register(registry);
    }
}

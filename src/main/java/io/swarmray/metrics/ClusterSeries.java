package io.swarmray.metrics;

import io.swarmray.render.AutoscalerAccess;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.Condition;
import io.swarmray.status.Instants;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The series exported for one cluster, as a pure function of its status, its spec and when this operator first saw
 * it unprovisioned: SwarmRay's own ({@code swarmray_cluster_*}, {@code swarmray_group_replicas}) and KubeRay's
 * ({@code kuberay_cluster_info}, {@code kuberay_cluster_condition_provisioned},
 * {@code kuberay_cluster_provisioned_duration_seconds}; [K] ray-operator/pkg/metrics/ray_cluster_metrics.go).
 *
 * @param ownerKind          KubeRay's {@code owner_kind}: RayJob, RayService or None
 * @param provisionedSeconds from the first unprovisioned sight to the Provisioned transition; null when not seen so
 * @param conditions         condition type to whether it holds
 */
public record ClusterSeries(String name, String namespace, String ownerKind, boolean ready, boolean provisioned,
        Double provisionedSeconds, int desiredWorkers, int availableWorkers, int readyWorkers, Map<String, Boolean> conditions,
        List<GroupSeries> groups) {

    /** KubeRay's value when no RayJob or RayService made the cluster. */
    public static final String NO_OWNER = "None";

    /** A worker group's replicas; {@code min} is the spec's minReplicas (null when the spec is gone). */
    public record GroupSeries(String group, int desired, int available, int ready, Integer min) {
    }

    /**
     * @param specs              cluster name to its spec (derived clusters carry their owner's kind in their labels)
     * @param unprovisionedSince cluster name to when this operator first saw it not provisioned
     */
    public static List<ClusterSeries> of(List<ClusterStatus> statuses, Map<String, RayCluster> specs,
            Map<String, Instant> unprovisionedSince) {
        return statuses.stream().map(s -> {
            RayCluster spec = specs.get(s.name());
            Optional<Condition> provisioned = Optional.ofNullable(s.condition(Condition.PROVISIONED)).filter(Condition::isTrue);
            Instant since = unprovisionedSince.get(s.name());
            Double seconds = provisioned.map(c -> Instants.parseOrNull(c.lastTransitionTime()))
                    .filter(t -> since != null && !t.isBefore(since)).map(t -> Duration.between(since, t).toMillis() / 1000.0).orElse(null);
            Map<String, Boolean> conditions = new TreeMap<>();
            s.conditions().forEach(c -> conditions.put(c.type(), c.isTrue()));
            List<GroupSeries> groups = s.groups().stream().map(g -> new GroupSeries(g.name(), g.desiredReplicas(), g.availableReplicas(),
                    g.readyReplicas(), spec == null
                            ? null
                            : spec.workerGroups().stream().filter(w -> w.groupName().equals(g.name()))
                                    .findFirst().map(GroupSpec::minReplicas).orElse(null)))
                    .toList();
            return new ClusterSeries(s.name(), AutoscalerAccess.NAMESPACE, owner(spec), "ready".equals(s.state()), provisioned.isPresent(),
                    seconds, s.desiredWorkerReplicas(), s.availableWorkerReplicas(), s.readyWorkerReplicas(), conditions, groups);
        }).toList();
    }

    private static String owner(RayCluster spec) {
        return spec == null || spec.labels() == null ? NO_OWNER : spec.labels().getOrDefault(Labels.ORIGINATED_FROM_CRD, NO_OWNER);
    }
}

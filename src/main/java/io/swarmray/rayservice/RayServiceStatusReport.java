package io.swarmray.rayservice;

import io.swarmray.rayservice.RayServiceStatus.AppStatus;
import io.swarmray.rayservice.RayServiceStatus.ClusterServeStatus;
import io.swarmray.rayservice.RayServiceStatus.Endpoint;
import io.swarmray.render.SpecHash;
import io.swarmray.spec.RayService;
import io.swarmray.spec.SpecIssue;
import io.swarmray.spec.SpecRegistry.ServiceSpec;
import io.swarmray.status.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A RayService's status from what one pass observed, with KubeRay's conditions ([K] rayservice_controller.go:307-334). Pure. */
final class RayServiceStatusReport {
    /** SwarmRay's reason, beside KubeRay's three: the spec asks for a new cluster and upgradeStrategy None refuses it. */
    static final String UPGRADE_REFUSED = "UpgradeStrategyNone";
    private RayServiceStatusReport() {
    }

    /**
     * @param heldBack     why a rayClusterConfig change is refused (upgradeStrategy None), or null: the condition
     *                     UpgradeInProgress says it, False with reason {@link #UPGRADE_REFUSED}
     * @param clusterState a cluster's own state (ready, provisioning...) by name, or null when it has none yet
     * @param previous     the last status, whose transition times carry over while a condition holds
     */
    static RayServiceStatus build(String name, ServiceSpec spec, String active, String pending, String heldBack, RayService service,
            Map<String, Map<String, AppStatus>> apps, int endpoints, List<String> problems, Function<String, String> clusterState,
            RayServiceStatus previous, Instant now) {
        String time = now.toString();
        List<Condition> conditions = new ArrayList<>();
        boolean ready = endpoints > 0;
        conditions.add(condition(previous, RayServiceStatus.READY, ready ? "True" : "False",
                ready ? "NonZeroServeEndpoints" : active == null ? "Initializing" : "ZeroServeEndpoints",
                ready
                        ? endpoints + " Serve proxies of " + active + " answer /-/healthz"
                        : active == null ? "no cluster serves yet" : "no Serve proxy of " + active + " answers /-/healthz",
                time));
        conditions.add(condition(previous, RayServiceStatus.UPGRADE_IN_PROGRESS,
                active == null ? "Unknown" : pending != null ? "True" : "False",
                active == null
                        ? "NoActiveCluster"
                        : pending != null ? "BothActivePendingClustersExist" : heldBack != null ? UPGRADE_REFUSED : "NoPendingCluster",
                pending != null && active != null ? "preparing " + pending + " to replace " + active : heldBack != null ? heldBack : "",
                time));
        List<String> errors = new ArrayList<>(spec.errors().stream().map(SpecIssue::toString).toList());
        errors.addAll(problems);
        int port = service == null ? RayService.DEFAULT_SERVE_PORT : service.servePort();
        return new RayServiceStatus(name, ready ? "Running" : "", endpoints,
                service == null ? null : SpecHash.of(service.toString()), time, List.copyOf(conditions),
                clusterStatus(active, apps, clusterState), clusterStatus(pending, apps, clusterState),
                new Endpoint(ServeProxy.serviceName(name), ServeProxy.network(name), port, service == null ? 0 : service.publishedPort()),
                spec.file(), List.copyOf(errors), spec.warnings().stream().map(SpecIssue::toString).toList());
    }

    private static ClusterServeStatus clusterStatus(String cluster, Map<String, Map<String, AppStatus>> apps,
            Function<String, String> clusterState) {
        return cluster == null ? null : new ClusterServeStatus(cluster, clusterState.apply(cluster), apps.getOrDefault(cluster, Map.of()));
    }

    private static Condition condition(RayServiceStatus previous, String type, String status, String reason, String message, String now) {
        Condition before = previous == null ? null : previous.condition(type);
        String since = before != null && before.status().equals(status) ? before.lastTransitionTime() : now;
        return new Condition(type, status, reason, message, since);
    }
}

package io.swarmray.render;

import io.swarmray.render.DesiredService.FileMount;
import io.swarmray.spec.Names;
import io.swarmray.spec.Quantity;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import java.math.BigDecimal;
import java.util.List;
import java.util.TreeMap;

/**
 * What {@code enableInTreeAutoscaling} adds to the rendered cluster: on the head, what KubeRay gives its autoscaler
 * sidecar (ray-autoscaler-contract.md A1), and for worker groups one service per replica, so that the worker Ray's
 * autoscaler names is exactly the one removed (A4: Swarm cannot remove a chosen task of a replicated service).
 */
public final class Autoscaler {
    /** The replica index of a worker service of an autoscaled group (0, 1, ...). */
    public static final String REPLICA_LABEL = "swarmray.io/replica";
    /** Set on a replica service whose worker Ray's autoscaler named in workersToDelete: the reconcile removes it. */
    public static final String DELETE_LABEL = "swarmray.io/delete-requested";

    private Autoscaler() {
    }

    /** The autoscaler's environment in the head task: the pod's and the sidecar's (pod.go:485-514). */
    static List<String> env(RayCluster cluster, AutoscalerAccess access) {
        return List.of("KUBERNETES_SERVICE_HOST=" + access.host(), "KUBERNETES_SERVICE_PORT_HTTPS=" + access.port(),
                "KUBERAY_CRD_VER=v1", "RAY_CLUSTER_NAMESPACE=" + AutoscalerAccess.NAMESPACE, StartScript.AUTOSCALER + "=1");
    }

    /** The token and CA at Kubernetes' service-account paths, where Ray's provider reads them. */
    static List<FileMount> files(AutoscalerAccess access) {
        return access == null
                ? List.of()
                : List.of(new FileMount(true, access.tokenSecret(), AutoscalerAccess.SERVICE_ACCOUNT_DIR + "token"),
                        new FileMount(false, access.caConfig(), AutoscalerAccess.SERVICE_ACCOUNT_DIR + "ca.crt"));
    }

    static List<String> hosts(AutoscalerAccess access) {
        return access == null ? List.of() : List.of(access.hostsEntry());
    }

    /** The head's reservation and limits plus {@code autoscalerOptions.resources}: the sidecar's share of the pod. */
    static DesiredService.Resources withHeadShare(DesiredService.Resources head, AutoscalerAccess access, RayCluster cluster) {
        if (access == null) {
            return head;
        }
        var extra = cluster.autoscaling().headResources();
        return new DesiredService.Resources(limit(head.limitNanoCpus(), nanos(extra.limits().get("cpu"))),
                limit(head.limitMemoryBytes(), bytes(extra.limits().get("memory"))),
                head.reserveNanoCpus() + nanos(extra.requests().get("cpu")),
                head.reserveMemoryBytes() + bytes(extra.requests().get("memory")), head.generic());
    }

    /** A limit of 0 means none: the sum stays unlimited. */
    private static long limit(long head, long extra) {
        return head == 0 ? 0 : head + extra;
    }

    private static long nanos(BigDecimal cpus) {
        return cpus == null ? 0 : Quantity.nanos(cpus);
    }

    private static long bytes(BigDecimal q) {
        return q == null ? 0 : Quantity.ceil(q);
    }

    /** The Swarm service name of replica {@code index} of an autoscaled group. */
    public static String replicaName(String cluster, String group, int index) {
        return Names.workerService(cluster, group) + "-" + index;
    }

    /** Replica {@code index} of an autoscaled group: the group's rendered service, renamed, with one task. */
    public static DesiredService replica(DesiredService template, RayCluster cluster, GroupSpec group, int index) {
        TreeMap<String, String> labels = new TreeMap<>(template.labels());
        labels.remove(Labels.SPEC_HASH);
        labels.put(REPLICA_LABEL, String.valueOf(index));
        return template.renamed(replicaName(cluster.name(), group.groupName(), index), labels, 1);
    }
}

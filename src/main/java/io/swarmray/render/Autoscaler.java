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
        return access == null || access.hostsEntry() == null ? List.of() : List.of(access.hostsEntry());
    }

    /** The head's reservation and limits plus {@code autoscalerOptions.resources}: the sidecar's share of the pod. */
    static DesiredService.Resources withHeadShare(DesiredService.Resources head, AutoscalerAccess access, RayCluster cluster) {
        if (access == null) {
            return head;
        }
        var extra = cluster.autoscaling().headResources();
        return new DesiredService.Resources(plusCpu(head.limitNanoCpus(), extra.limits().get("cpu")),
                plusBytes(head.limitMemoryBytes(), extra.limits().get("memory")),
                plusCpu(head.reserveNanoCpus(), extra.requests().get("cpu")),
                plusBytes(head.reserveMemoryBytes(), extra.requests().get("memory")), head.generic());
    }

    /** A limit of 0 means none: the sum stays unlimited. */
    private static long plusCpu(long nanos, BigDecimal cpus) {
        return nanos == 0 || cpus == null ? nanos : nanos + Quantity.nanos(cpus);
    }

    private static long plusBytes(long bytes, BigDecimal q) {
        return bytes == 0 || q == null ? bytes : bytes + Quantity.ceil(q);
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

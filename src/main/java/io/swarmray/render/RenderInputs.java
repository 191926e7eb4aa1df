package io.swarmray.render;

import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayCluster.NodeType;
import java.util.List;

/**
 * What the rendering of one service reads, as a hash: its {@link Labels#INPUT_HASH} label. A service whose inputs
 * are unchanged but whose rendering differs was rendered by another operator version, and is left as it is until
 * its inputs change (README, "Operator upgrades"), as KubeRay's upgrades leave running pods alone.
 *
 * <p>
 * The inputs are a superset of what {@link ClusterRenderer#service} reads: the cluster's own fields, the service's
 * own group, for a worker the head's {@code rayStartParams} (it dials the head's port), the cluster network and the
 * operator's options. The rest of the head group, other worker groups and the replica counts are left out: a change
 * to one group does not touch another group's services, and a new count only scales. {@code RenderInputsTest} fails
 * when rendering starts to read more.
 */
public final class RenderInputs {
    private RenderInputs() {
    }

    public static String hash(RayCluster cluster, GroupSpec group, ClusterNetwork network, RenderOptions options) {
        boolean head = group.type() == NodeType.HEAD;
        GroupSpec headRead = head ? uncounted(group) : startParamsOnly(cluster.head());
        List<GroupSpec> own = head ? List.of() : List.of(uncounted(group));
        RayCluster read = new RayCluster(cluster.name(), null, cluster.labels(), cluster.annotations(), cluster.rayVersion(),
                cluster.suspend(), headRead, own, cluster.gcsFaultTolerance(), cluster.extraNetworks(),
                cluster.upgradeStrategy(), cluster.serve(), cluster.autoscaling());
        return SpecHash.of(read + "\n" + network + "\n" + options);
    }

    private static GroupSpec startParamsOnly(GroupSpec g) {
        return new GroupSpec(g.type(), g.groupName(), 0, 0, 0, g.rayStartParams(), null, null, null, null);
    }

    private static GroupSpec uncounted(GroupSpec g) {
        return new GroupSpec(g.type(), g.groupName(), 0, 0, 0, g.rayStartParams(), g.rayResources(), g.template(), g.placement(),
                g.rollout());
    }
}

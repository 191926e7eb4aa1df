package io.swarmray.rayservice;

import io.swarmray.render.Labels;
import io.swarmray.render.SpecHash;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayService;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RayClusters a RayService owns, as pure functions of its spec ([K] rayservice_controller.go): their
 * names, the labels that tie them to their owner in Swarm, and when a spec change can be applied in place.
 * <ul>
 * <li>A cluster is named {@code <service>-raycluster-<5 hex>}, the hex from a digest of
 * {@code rayClusterConfig} that ignores replica counts ([K] :1098-1111), over the worker groups the cluster
 * was created with. So the name is recomputable from the spec file and Swarm's labels after a restart, and
 * groups appended at the end ([K] :631-687) or new replica counts keep the cluster.</li>
 * <li>Each cluster sits in one of two slots, {@link #BLUE} or {@link #GREEN}: the alias its Serve proxies
 * carry on the serve network. The endpoint's load balancer routes to one slot; an upgrade builds the new
 * cluster in the other slot and switches.</li>
 * </ul>
 */
public final class ServiceClusters {
    public static final String BLUE = "blue";
    public static final String GREEN = "green";
    public static final String CRD_LABEL = Labels.ORIGINATED_FROM_CRD;
    public static final String CR_NAME_LABEL = Labels.ORIGINATED_FROM_CR_NAME;
    public static final String SLOT_LABEL = "swarmray.io/serve-slot";
    /** How many worker groups the cluster was created with: the digest in its name covers those. */
    public static final String BASE_GROUPS_LABEL = "swarmray.io/base-worker-groups";
    public static final String INFIX = RayService.CLUSTER_INFIX;
    public static final int SUFFIX_LENGTH = RayService.CLUSTER_SUFFIX_LENGTH;

    private ServiceClusters() {
    }

    /** The name of the cluster that {@code rayClusterConfig} asks for, over its first {@code groups} worker groups. */
    public static String name(RayService service, int groups) {
        return service.name() + INFIX + digest(service.clusterConfig(), groups);
    }

    /** True when {@code cluster} (created with {@code baseGroups} groups) can take the current spec in place. */
    public static boolean takesInPlace(RayService service, String cluster, int baseGroups) {
        return baseGroups <= service.clusterConfig().workerGroups().size() && cluster.equals(name(service, baseGroups));
    }

    /** The cluster {@code name} in {@code slot}, made from the service's current {@code rayClusterConfig}. */
    public static RayCluster derive(RayService service, String name, String slot, int baseGroups) {
        RayCluster config = service.clusterConfig();
        Map<String, String> labels = new TreeMap<>(config.labels() == null ? Map.of() : config.labels());
        labels.put(CRD_LABEL, RayService.KIND);
        labels.put(CR_NAME_LABEL, service.name());
        labels.put(SLOT_LABEL, slot);
        labels.put(BASE_GROUPS_LABEL, String.valueOf(baseGroups));
        return config.derived(name, labels,
                new RayCluster.ServeAttachment(ServeProxy.network(service.name()), alias(service.name(), slot),
                        !service.excludeHeadPodFromServeSvc()));
    }

    /** The DNS name under which the Serve proxies of the cluster in {@code slot} answer on the serve network. */
    public static String alias(String service, String slot) {
        return service + "-serve-" + slot;
    }

    public static String otherSlot(String slot) {
        return BLUE.equals(slot) ? GREEN : BLUE;
    }

    /** Five hex digits of the spec with replica counts and the name left out, over the first {@code groups} groups. */
    static String digest(RayCluster config, int groups) {
        List<GroupSpec> kept = config.workerGroups().subList(0, Math.min(groups, config.workerGroups().size())).stream()
                .map(g -> new GroupSpec(g.type(), g.groupName(), 0, 0, 0, g.rayStartParams(), g.rayResources(), g.template(),
                        g.placement(), g.rollout()))
                .toList();
        RayCluster canonical = new RayCluster("", null, config.labels(), config.annotations(), config.rayVersion(), config.suspend(),
                config.head(), kept, config.gcsFaultTolerance(), config.extraNetworks(), config.upgradeStrategy(), null,
                config.autoscaling());
        return SpecHash.of(canonical.toString()).substring(0, SUFFIX_LENGTH);
    }
}

package io.swarmray.spec;

import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayCluster.NodeType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a RayCluster: a whole {@code kind: RayCluster} document, or the RayCluster spec inside another kind
 * (a RayService's {@code spec.rayClusterConfig}). Problems go to the {@link FieldReader}, with their field path.
 */
public final class ClusterReader {
    /**
     * Worker groups per cluster. Each group is one Swarm service and one Ray node type; past a few
     * dozen, a spec is a mistake or an attack on the manager's raft store, not a cluster.
     */
    static final int MAX_WORKER_GROUPS = 64;
    private static final Set<String> UNSUPPORTED_SPEC = Set.of("headServiceAnnotations", "managedBy", "authOptions");
    private final FieldReader r;
    private final Policy policy;

    public ClusterReader(FieldReader r, Policy policy) {
        this.r = r;
        this.policy = policy;
    }

    SpecFile.Declared read(Map<?, ?> raw) {
        ObjectHeader header = ObjectHeader.read(r, raw);
        RayCluster cluster = header.spec() == null
                ? null
                : readSpec(header.name(), header.labels(), header.annotations(), header.spec(), "spec");
        return new SpecFile.Declared(r.document(), header.name(), r.errors.isEmpty() ? cluster : null, List.copyOf(r.errors),
                List.copyOf(r.warnings));
    }

    /**
     * The RayCluster spec at field path {@code at}; null when it has errors.
     *
     * @param annotations the object's {@code metadata.annotations} (the {@code swarmray.io/} ones steer Swarm-only settings)
     */
    public RayCluster readSpec(String name, Map<String, String> labels, Map<String, String> annotations, Map<String, Object> spec,
            String at) {
        String rayVersion = r.string(spec.get("rayVersion"), at + ".rayVersion");
        boolean suspend = r.bool(spec.get("suspend"), at + ".suspend", false);
        for (String k : UNSUPPORTED_SPEC) {
            if (spec.containsKey(k)) {
                r.warn(at + "." + k, "is not supported by SwarmRay yet; ignored");
            }
        }
        r.ignoreOthers(spec, at, union(UNSUPPORTED_SPEC, Set.of("rayVersion", "suspend", "headGroupSpec", "workerGroupSpecs",
                "gcsFaultToleranceOptions", "upgradeStrategy", "enableInTreeAutoscaling", "autoscalerOptions")),
                "unknown field; ignored");
        AutoscalingReader autoscalingReader = new AutoscalingReader(r, new PodReader(r, policy));
        RayCluster.Autoscaling autoscaling = autoscalingReader.read(spec, at);
        GroupReader groups = new GroupReader(r, name, rayVersion, policy, AutoscalingReader.enabled(r, spec, at));
        GroupSpec head = null;
        if (spec.get("headGroupSpec") == null) {
            r.error(at + ".headGroupSpec", "is required");
        } else {
            head = groups.read(r.map(spec.get("headGroupSpec"), at + ".headGroupSpec"), at + ".headGroupSpec", NodeType.HEAD);
        }
        List<GroupSpec> workers = new ArrayList<>();
        List<String> paths = new ArrayList<>(List.of(at + ".headGroupSpec"));
        List<Object> list = r.list(spec.get("workerGroupSpecs"), at + ".workerGroupSpecs");
        if (list != null && list.size() > MAX_WORKER_GROUPS) {
            r.error(at + ".workerGroupSpecs", "has " + list.size() + " groups; the limit is " + MAX_WORKER_GROUPS
                    + " (each group is a Swarm service)");
            list = null;
        }
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                String path = at + ".workerGroupSpecs[" + i + "]";
                GroupSpec g = groups.read(r.map(list.get(i), path), path, NodeType.WORKER);
                if (g != null) {
                    if (workers.stream().anyMatch(w -> w.groupName().equals(g.groupName()))) {
                        r.error(path + ".groupName", "'" + g.groupName() + "' is used by another worker group");
                    }
                    workers.add(g);
                    paths.add(path);
                }
            }
        }
        var ft = spec.get("gcsFaultToleranceOptions") == null
                ? null
                : ClusterOptions.faultTolerance(r, r.map(spec.get("gcsFaultToleranceOptions"), at + ".gcsFaultToleranceOptions"),
                        at + ".gcsFaultToleranceOptions");
        List<String> networks = annotations == null ? List.of() : ClusterOptions.extraNetworks(r, annotations);
        String upgrade = ClusterOptions.upgradeStrategy(r, spec.get("upgradeStrategy"), at + ".upgradeStrategy");
        if (head != null && r.errors.isEmpty()) {
            PolicyCheck.ceilings(r, policy, head, workers);
        }
        if (head != null && autoscaling != null && name != null) {
            List<GroupSpec> all = new ArrayList<>(List.of(head));
            all.addAll(workers);
            autoscalingReader.checkGroups(name, all, paths);
        }
        if (!r.errors.isEmpty() || head == null) {
            return null;
        }
        return new RayCluster(name, r.file(), labels, annotations, rayVersion, suspend, head, List.copyOf(workers), ft, networks,
                upgrade, null, autoscaling);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }
}

package io.swarmray.spec;

import io.swarmray.spec.RayCluster.Autoscaling;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayCluster.Resources;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code enableInTreeAutoscaling} and {@code autoscalerOptions}, and checks what Ray's autoscaler will itself
 * read from the cluster's groups (ray-autoscaler-contract.md A2): refused here with the field named, rather than
 * left to fail inside the head task every 5 s.
 */
final class AutoscalingReader {
    static final Set<String> UPSCALING_MODES = Set.of("Default", "Aggressive", "Conservative");
    /** Options of KubeRay's autoscaler container; on Swarm it is a process of the head task, with the head's. */
    private static final Set<String> CONTAINER_ONLY = Set.of("image", "imagePullPolicy", "env", "envFrom", "volumeMounts",
            "securityContext");
    /** A replica service is the group's service name, '-', and up to 5 digits. */
    static final int REPLICA_SUFFIX = 6;

    private final FieldReader r;
    private final PodReader pods;

    AutoscalingReader(FieldReader r, PodReader pods) {
        this.r = r;
        this.pods = pods;
    }

    static boolean enabled(FieldReader r, Map<String, Object> spec, String at) {
        return r.bool(spec.get("enableInTreeAutoscaling"), at + ".enableInTreeAutoscaling", false);
    }

    /** Null when autoscaling is off (or the options have errors, which are recorded). */
    Autoscaling read(Map<String, Object> spec, String at) {
        String path = at + ".autoscalerOptions";
        if (!enabled(r, spec, at)) {
            if (spec.get("autoscalerOptions") != null) {
                r.warn(path, "has no effect without enableInTreeAutoscaling: true");
            }
            return null;
        }
        Map<String, Object> o = spec.get("autoscalerOptions") == null ? Map.of() : r.map(spec.get("autoscalerOptions"), path);
        if (o == null) {
            return null;
        }
        r.integer(o.get("idleTimeoutSeconds"), path + ".idleTimeoutSeconds", 60, 0, Integer.MAX_VALUE);
        if (o.get("upscalingMode") != null) {
            String mode = r.string(o.get("upscalingMode"), path + ".upscalingMode");
            if (mode != null && !UPSCALING_MODES.contains(mode)) {
                r.error(path + ".upscalingMode", "'" + FieldReader.abbreviate(mode) + "' is not one of Default, Aggressive, Conservative");
            }
        }
        if (o.get("version") != null && !"v1".equals(o.get("version"))) {
            r.error(path + ".version",
                    "'" + FieldReader.abbreviate(o.get("version")) + "': only v1 is supported; v2 asserts that every Ray "
                            + "node is an instance it listed, which a cluster mixing static groups cannot promise");
        }
        for (String k : CONTAINER_ONLY) {
            if (o.containsKey(k)) {
                r.warn(path + "." + k,
                        "the autoscaler runs inside the head task on Swarm (it must share the head's network namespace); ignored");
            }
        }
        r.ignoreOthers(o, path, union(CONTAINER_ONLY, Set.of("idleTimeoutSeconds", "upscalingMode", "resources", "version")),
                "unknown field; ignored");
        Resources resources = o.get("resources") == null
                ? Autoscaling.DEFAULT_RESOURCES
                : pods.resources(o.get("resources"), path + ".resources");
        return resources == null ? null : new Autoscaling(resources);
    }

    /**
     * What Ray's autoscaler needs of each group, and what one Swarm service per replica rules out.
     *
     * @param paths each group's field path, head first
     */
    void checkGroups(String cluster, List<GroupSpec> groups, List<String> paths) {
        for (int i = 0; i < groups.size(); i++) {
            GroupSpec g = groups.get(i);
            String path = paths.get(i);
            BigDecimal cpuLimit = g.template().container().resources().limits().get("cpu");
            if (!g.rayStartParams().containsKey("num-cpus") && cpuLimit == null) {
                r.error(path + ".rayStartParams", "Ray's autoscaler needs the group's CPU count: set rayStartParams.num-cpus or the "
                        + "container's resources.limits.cpu (Ray 2.40 does not read requests)");
            }
            if (g.type() == RayCluster.NodeType.HEAD) {
                String port = g.rayStartParams().get("port");
                if (port != null && !port.equals("6379")) {
                    r.error(path + ".rayStartParams.port", "Ray's autoscaler dials the head's GCS at port 6379, whatever this says "
                            + "(run_autoscaler.py:32-33); leave it out, or turn autoscaling off");
                }
                continue;
            }
            String service = Names.workerService(cluster, g.groupName());
            if (service.length() + REPLICA_SUFFIX > Names.MAX_DNS_LABEL) {
                r.error(path + ".groupName", "an autoscaled group runs one Swarm service per replica, '" + service + "-N'; that name "
                        + "needs " + REPLICA_SUFFIX + " characters more than the " + Names.MAX_DNS_LABEL
                        + " allowed: shorten the cluster or group name");
            }
            String annotations = path + ".template.metadata.annotations";
            if (!g.placement().spread().isEmpty()) {
                r.error(annotations,
                        "placement spread is applied by Swarm within one service, and an autoscaled group runs one service per "
                                + "replica; remove it, or turn autoscaling off");
            }
            if (g.placement().maxReplicasPerNode() > 0) {
                r.error(annotations, "max replicas per node is applied by Swarm within one service, and an autoscaled group runs one "
                        + "service per replica; remove it (or use a node constraint), or turn autoscaling off");
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }
}

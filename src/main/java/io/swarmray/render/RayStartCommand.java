package io.swarmray.render;

import io.swarmray.spec.Names;
import io.swarmray.spec.Quantity;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayCluster.NodeType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code ray start} flags of a group, by KubeRay's rules (ray-contract.md, pod.go:1530-1541): sorted
 * keys; the options that Ray reads as a boolean or choice value always {@code --key=value}; otherwise "true"
 * a bare flag and "false" dropped; --block always; the head's address on workers; num-cpus, memory and
 * num-gpus from the container's resources. The flags are argv entries: no shell ever parses them.
 */
public final class RayStartCommand {
    public static final int DEFAULT_GCS_PORT = 6379;
    public static final int DEFAULT_DASHBOARD_PORT = 8265;
    public static final int DEFAULT_AGENT_PORT = 52365;
    public static final int DEFAULT_METRICS_PORT = 8080;
    /**
     * Options that take "true"/"false" as a value: a bare {@code --include-dashboard} would make click take
     * the next flag as its value and exit 2 (scripts.py:476-481; cli_logger.py:805-808).
     */
    static final Set<String> ALWAYS_VALUED = Set.of("log-color", "include-dashboard", "include-log-monitor");

    private RayStartCommand() {
    }

    /** rayStartParams with SwarmRay's and KubeRay's additions, sorted. */
    public static SortedMap<String, String> params(RayCluster cluster, GroupSpec group) {
        TreeMap<String, String> p = new TreeMap<>(group.rayStartParams());
        p.remove("block"); // always added as a bare flag
        p.remove("head");
        if (group.type() == NodeType.HEAD) {
            p.putIfAbsent("dashboard-host", "0.0.0.0");
            if (cluster.autoscaled()) {
                p.put("no-monitor", "true"); // KubeRay: the autoscaler replaces Ray's default monitor (pod.go:185)
            }
        } else {
            p.putIfAbsent("address", headAddress(cluster));
        }
        p.putIfAbsent("metrics-export-port", String.valueOf(DEFAULT_METRICS_PORT));
        p.putIfAbsent("dashboard-agent-listen-port", String.valueOf(DEFAULT_AGENT_PORT));
        fillFromResources(p, group);
        return p;
    }

    /** The argv after {@code ray start}. */
    public static List<String> args(RayCluster cluster, GroupSpec group) {
        List<String> argv = new ArrayList<>();
        if (group.type() == NodeType.HEAD) {
            argv.add("--head");
        }
        for (var e : params(cluster, group).entrySet()) {
            if (ALWAYS_VALUED.contains(e.getKey())) {
                argv.add("--" + e.getKey() + "=" + e.getValue());
            } else if (e.getValue().equalsIgnoreCase("true")) {
                argv.add("--" + e.getKey());
            } else if (!e.getValue().equalsIgnoreCase("false")) {
                argv.add("--" + e.getKey() + "=" + e.getValue());
            }
        }
        argv.add("--block");
        return argv;
    }

    public static int gcsPort(RayCluster cluster) {
        return intParam(cluster.head(), "port", DEFAULT_GCS_PORT);
    }

    /** host:port of the head's GCS, as workers reach it on the cluster network. */
    public static String headAddress(RayCluster cluster) {
        return Names.headService(cluster.name()) + ":" + gcsPort(cluster);
    }

    public static int intParam(GroupSpec group, String key, int dflt) {
        String v = group.rayStartParams().get(key);
        return v == null ? dflt : Integer.parseInt(v);
    }

    /**
     * KubeRay fills num-cpus, memory and num-gpus from the container (limits, else requests for cpu and
     * memory) and lets the group's {@code resources} map override them: CPU and GPU rounded up to whole
     * numbers (Ray's --num-cpus/--num-gpus are integers), keys matched case-insensitively (pod.go:1664-1671);
     * other entries of that map become --resources JSON.
     */
    private static void fillFromResources(TreeMap<String, String> p, GroupSpec group) {
        var res = group.template().container().resources();
        BigDecimal cpu = res.limits().getOrDefault("cpu", res.requests().get("cpu"));
        if (cpu != null && cpu.signum() > 0) {
            p.putIfAbsent("num-cpus", String.valueOf(Quantity.ceil(cpu)));
        }
        BigDecimal memory = res.limits().getOrDefault("memory", res.requests().get("memory"));
        if (memory != null && memory.signum() > 0) {
            p.putIfAbsent("memory", String.valueOf(Quantity.ceil(memory)));
        }
        gpuLimit(res.limits()).ifPresent(gpus -> p.putIfAbsent("num-gpus", String.valueOf(Quantity.ceil(gpus))));
        TreeMap<String, String> custom = new TreeMap<>();
        for (var e : group.rayResources().entrySet()) {
            String whole = String.valueOf(Quantity.ceil(e.getValue()));
            switch (e.getKey().toLowerCase(Locale.ROOT)) {
                case "cpu" -> p.put("num-cpus", whole);
                case "gpu" -> p.put("num-gpus", whole);
                case "memory" -> p.put("memory", whole);
                default -> custom.put(e.getKey(), e.getValue().stripTrailingZeros().toPlainString());
            }
        }
        if (!custom.isEmpty()) {
            StringBuilder json = new StringBuilder("{");
            custom.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append(Json.quote(k)).append(": ").append(v));
            p.put("resources", json.append('}').toString());
        }
    }

    /** The first resource whose name ends in "gpu" (nvidia.com/gpu, amd.com/gpu), as KubeRay scans. */
    public static Optional<BigDecimal> gpuLimit(Map<String, BigDecimal> limits) {
        return limits.entrySet().stream().filter(e -> e.getKey().endsWith("gpu") && e.getValue().signum() > 0)
                .map(Map.Entry::getValue).findFirst();
    }
}

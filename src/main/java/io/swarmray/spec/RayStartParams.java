package io.swarmray.spec;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A group's {@code rayStartParams} and {@code resources}, checked against the {@code ray start} of the spec's
 * {@code rayVersion}: one layer of bash quoting removed (see {@link BashQuoting}), numbers checked where they end
 * up in ports and health checks, and a warning for an option that this Ray version's {@code ray start} lacks
 * (click refuses it with "No such option" and exit 2).
 */
final class RayStartParams {
    /** Ray 2.40's {@code ray start} options (scripts.py:328-627 and the logging options), exactly. */
    static final Set<String> RAY_2_40_OPTIONS = Set.of("head", "block", "no-redirect-output",
            "enable-object-reconstruction", "no-monitor", "ray-debugger-external", "disable-usage-stats", "verbose",
            "port", "object-manager-port", "node-manager-port", "gcs-server-port", "min-worker-port", "max-worker-port",
            "ray-client-server-port", "memory", "object-store-memory", "redis-max-memory", "num-cpus", "num-gpus",
            "dashboard-port", "dashboard-agent-listen-port", "dashboard-agent-grpc-port", "dashboard-grpc-port",
            "runtime-env-agent-port", "metrics-export-port", "include-dashboard", "log-style", "log-color",
            "system-config", "node-ip-address", "address", "node-name", "redis-password", "redis-shard-ports",
            "worker-port-list", "resources", "dashboard-host", "plasma-directory", "autoscaling-config",
            "plasma-store-socket-name", "raylet-socket-name", "temp-dir", "storage", "tracing-startup-hook", "labels");
    /** Options that came after 2.40, with the release that has them (ray-2.40-audit.md, F3). */
    static final Map<String, int[]> LATER_OPTIONS = Map.of("include-log-monitor", new int[]{2, 41},
            "redis-username", new int[]{2, 41}, "object-spilling-directory", new int[]{2, 44});
    private static final int[] RAY_2_40 = {2, 40};
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(\\..*)?");

    /** Flags that take whole numbers; the value is the upper bound for ports, 0 for counts. */
    private static final Map<String, Integer> INTEGER_FLAGS = Map.ofEntries(
            Map.entry("port", 65535), Map.entry("dashboard-port", 65535), Map.entry("dashboard-agent-listen-port", 65535),
            Map.entry("metrics-export-port", 65535), Map.entry("ray-client-server-port", 65535),
            Map.entry("node-manager-port", 65535), Map.entry("object-manager-port", 65535),
            Map.entry("num-cpus", 0), Map.entry("num-gpus", 0), Map.entry("memory", 0), Map.entry("object-store-memory", 0));
    /** Values that Ray reads as a boolean or a choice: anything else exits 2 at start. */
    private static final Map<String, Set<String>> CHOICES = Map.of(
            "include-dashboard", Set.of("1", "0", "true", "false", "t", "f", "yes", "no", "y", "n", "on", "off"),
            "log-color", Set.of("auto", "false", "true"), "log-style", Set.of("auto", "record", "pretty"));

    private final FieldReader r;
    private final int[] rayVersion;

    RayStartParams(FieldReader r, String rayVersion) {
        this.r = r;
        this.rayVersion = parseVersion(rayVersion);
    }

    /** major.minor of a spec's rayVersion, or null when it is absent or not of that form. */
    static int[] parseVersion(String v) {
        Matcher m = v == null ? null : VERSION.matcher(v.trim());
        return m == null || !m.matches() ? null : new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static boolean older(int[] a, int[] b) {
        return a[0] != b[0] ? a[0] < b[0] : a[1] < b[1];
    }

    TreeMap<String, String> read(Object v, String path) {
        TreeMap<String, String> params = Maps.stringMap(r, v, path, Maps::flagProblem);
        if (params == null) {
            return null;
        }
        TreeMap<String, String> out = new TreeMap<>();
        for (var e : params.entrySet()) {
            String p = path + "." + e.getKey();
            String value;
            try {
                value = BashQuoting.unquote(e.getValue());
            } catch (IllegalArgumentException ex) {
                r.error(p, ex.getMessage());
                continue;
            }
            if (value.indexOf('\0') >= 0) {
                r.error(p, "contains a NUL character");
                continue;
            }
            if (e.getKey().equals("redis-password")) {
                r.error(p, ClusterOptions.PASSWORD_IN_SPEC);
                continue;
            }
            String problem = valueProblem(e.getKey(), value);
            if (problem != null) {
                r.error(p, problem);
                continue;
            }
            warnIfMissingFromVersion(e.getKey(), p);
            out.put(e.getKey(), value);
        }
        return out;
    }

    private static String valueProblem(String key, String value) {
        Integer max = INTEGER_FLAGS.get(key);
        if (max != null && !value.matches("[0-9]{1,19}")) {
            return "'" + FieldReader.abbreviate(value) + "' is not a whole number";
        }
        if (max != null && max > 0 && (value.length() > 5 || Integer.parseInt(value) > max
                || Integer.parseInt(value) < (key.endsWith("manager-port") ? 0 : 1))) {
            return value + " is not a port number (1-" + max + ")";
        }
        Set<String> choices = CHOICES.get(key);
        if (choices != null && !choices.contains(key.equals("include-dashboard") ? value.trim().toLowerCase(Locale.ROOT) : value)) {
            return "'" + FieldReader.abbreviate(value) + "' is not one of " + choices.stream().sorted().toList()
                    + " (ray start exits with 'Invalid value' otherwise)";
        }
        return null;
    }

    private void warnIfMissingFromVersion(String key, String path) {
        if (RAY_2_40_OPTIONS.contains(key)) {
            return;
        }
        int[] since = LATER_OPTIONS.get(key);
        int[] version = rayVersion == null ? RAY_2_40 : rayVersion;
        String shown = rayVersion == null ? "2.40 (spec.rayVersion not given)" : version[0] + "." + version[1];
        if (since != null && older(version, since)) {
            r.warn(path, "is not a ray start option in Ray " + shown + " (it came in " + since[0] + "." + since[1]
                    + "); ray start would exit with 'No such option'");
        } else if (since == null && !older(RAY_2_40, version)) {
            r.warn(path, "is not a ray start option in Ray " + shown + "; ray start would exit with 'No such option'");
        }
    }

    /**
     * The group-level {@code resources} (Ray logical resources). KubeRay matches CPU, GPU and memory
     * case-insensitively and forbids giving one both here and in rayStartParams.
     */
    TreeMap<String, BigDecimal> resources(Object v, String path, Map<String, String> params) {
        Map<String, Object> m = r.map(v, path);
        if (m == null) {
            return null;
        }
        TreeMap<String, BigDecimal> out = new TreeMap<>();
        Map<String, String> flagFor = Map.of("cpu", "num-cpus", "gpu", "num-gpus", "memory", "memory");
        for (var e : m.entrySet()) {
            String lower = e.getKey().toLowerCase(Locale.ROOT);
            String flag = flagFor.get(lower);
            if (params != null && params.containsKey(flag == null ? "resources" : flag)) {
                r.error(path + "." + e.getKey(), "is also given as rayStartParams." + (flag == null ? "resources" : flag)
                        + "; give it in one place only");
                continue;
            }
            if (lower.equals("object_store_memory")) {
                r.error(path + "." + e.getKey(),
                        "Ray refuses object_store_memory as a custom resource; use rayStartParams.object-store-memory");
                continue;
            }
            if (flag != null && out.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(e.getKey()))) {
                r.error(path + "." + e.getKey(), "is given twice (keys CPU, GPU and memory are matched without regard to case)");
                continue;
            }
            BigDecimal q = r.quantity(e.getValue(), path + "." + e.getKey());
            if (q != null) {
                out.put(e.getKey(), q);
            }
        }
        return out;
    }
}

package io.swarmray.autoscaler;

import io.swarmray.spec.RayCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON Patches Ray's autoscaler sends (node_provider.py:153-166): {@code replace} of a worker group's
 * {@code replicas} or whole {@code scaleStrategy}. Anything else is refused whole, before anything is applied.
 */
public final class JsonPatch {
    private static final Pattern PATH = Pattern.compile("/spec/workerGroupSpecs/(0|[1-9][0-9]{0,3})/(replicas|scaleStrategy)");

    /** One accepted operation on group {@code group}: either new replicas or a new workersToDelete list. */
    public record Change(int group, Integer replicas, List<String> workersToDelete) {
    }

    /** Thrown for a patch that is not one of those: answered 422 with the message. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private JsonPatch() {
    }

    /** The patch's changes, each checked against the number of worker groups. */
    public static List<Change> parse(Object patch, int groups) throws Refused {
        if (!(patch instanceof List<?> ops)) {
            throw new Refused("a JSON Patch is an array of operations");
        }
        List<Change> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (!(ops.get(i) instanceof Map<?, ?> op)) {
                throw new Refused("operation " + i + " is not an object");
            }
            if (!"replace".equals(op.get("op"))) {
                throw new Refused("operation " + i + ": only \"replace\" is allowed, not " + quoted(op.get("op")));
            }
            Matcher m = op.get("path") instanceof String p ? PATH.matcher(p) : null;
            if (m == null || !m.matches()) {
                throw new Refused("operation " + i + ": path " + quoted(op.get("path"))
                        + " may not be changed; only /spec/workerGroupSpecs/N/replicas and /spec/workerGroupSpecs/N/scaleStrategy may");
            }
            int group = Integer.parseInt(m.group(1));
            if (group >= groups) {
                throw new Refused("operation " + i + ": there is no worker group " + group + " (the cluster has " + groups + ")");
            }
            if (!op.containsKey("value")) {
                throw new Refused("operation " + i + ": replace needs a value");
            }
            Object value = op.get("value");
            if (m.group(2).equals("replicas")) {
                if (!(value instanceof Integer n) || n < 0 || n > RayCluster.MAX_REPLICAS) {
                    throw new Refused(
                            "operation " + i + ": replicas must be an integer from 0 to " + RayCluster.MAX_REPLICAS + ", not "
                                    + quoted(value));
                }
                out.add(new Change(group, n, null));
            } else {
                out.add(new Change(group, null, workersToDelete(value, i)));
            }
        }
        return out;
    }

    private static List<String> workersToDelete(Object value, int i) throws Refused {
        if (!(value instanceof Map<?, ?> strategy) || !strategy.keySet().stream().allMatch("workersToDelete"::equals)) {
            throw new Refused("operation " + i + ": scaleStrategy must be {\"workersToDelete\": [NAME, ...]}");
        }
        Object names = strategy.get("workersToDelete");
        if (names == null) {
            return List.of();
        }
        if (!(names instanceof List<?> list) || !list.stream().allMatch(n -> n instanceof String s && !s.isEmpty() && s.length() <= 253)) {
            throw new Refused("operation " + i + ": workersToDelete must be a list of pod names");
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static String quoted(Object v) {
        String s = String.valueOf(v);
        return "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
    }
}

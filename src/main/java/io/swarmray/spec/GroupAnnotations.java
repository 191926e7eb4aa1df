package io.swarmray.spec;

import io.swarmray.spec.RayCluster.NodeType;
import io.swarmray.spec.RayCluster.Placement;
import io.swarmray.spec.RayCluster.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A group's Swarm-only settings, from its pod template's {@code swarmray.io/} annotations: placement and rollout. */
final class GroupAnnotations {
    static final String ANNOTATION_PREFIX = "swarmray.io/";
    static final String CONSTRAINTS = ANNOTATION_PREFIX + "constraints";
    static final String SPREAD = ANNOTATION_PREFIX + "placement-spread";
    static final String MAX_PER_NODE = ANNOTATION_PREFIX + "max-replicas-per-node";
    static final String PIN_TO_MANAGER = ANNOTATION_PREFIX + "pin-to-manager";
    static final String UPDATE_PARALLELISM = ANNOTATION_PREFIX + "update-parallelism";
    static final String UPDATE_DELAY = ANNOTATION_PREFIX + "update-delay";
    static final String UPDATE_ORDER = ANNOTATION_PREFIX + "update-order";
    static final String UPDATE_FAILURE_ACTION = ANNOTATION_PREFIX + "update-failure-action";
    static final String UPDATE_MONITOR = ANNOTATION_PREFIX + "update-monitor";
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(ms|s|m|h)");
    private static final Pattern CONSTRAINT = Pattern.compile("[A-Za-z0-9_./-]+\\s*(==|!=)\\s*[A-Za-z0-9_./:-]+");
    private static final Pattern SPREAD_ATTR = Pattern.compile("node\\.[A-Za-z0-9_./-]+");

    private final FieldReader r;

    GroupAnnotations(FieldReader r) {
        this.r = r;
    }

    /** The group's Swarm placement, from its swarmray.io/ annotations. */
    Placement placement(Map<String, String> annotations, String path, NodeType type) {
        List<String> constraints = new ArrayList<>();
        List<String> spread = new ArrayList<>();
        int maxPerNode = 0;
        boolean pin = type == NodeType.HEAD;
        for (var e : annotations.entrySet()) {
            String p = path + "." + e.getKey();
            switch (e.getKey()) {
                case CONSTRAINTS -> {
                    for (String c : splitList(e.getValue())) {
                        if (CONSTRAINT.matcher(c).matches()) {
                            constraints.add(c.replaceAll("\\s+", ""));
                        } else {
                            r.error(p, "'" + FieldReader.abbreviate(c) + "' is not a Swarm constraint (like node.labels.gpu==true)");
                        }
                    }
                }
                case SPREAD -> {
                    for (String s : splitList(e.getValue())) {
                        if (SPREAD_ATTR.matcher(s).matches()) {
                            spread.add(s);
                        } else {
                            r.error(p, "'" + FieldReader.abbreviate(s) + "' is not a node attribute (like node.labels.zone)");
                        }
                    }
                }
                case MAX_PER_NODE -> {
                    try {
                        maxPerNode = Integer.parseInt(e.getValue().trim());
                        if (maxPerNode < 0) {
                            throw new NumberFormatException();
                        }
                    } catch (NumberFormatException ex) {
                        r.error(p, "'" + FieldReader.abbreviate(e.getValue()) + "' is not a whole number >= 0");
                    }
                }
                case PIN_TO_MANAGER -> {
                    if (type != NodeType.HEAD) {
                        r.warn(p, "only the head group is pinned to managers; ignored");
                    } else if (e.getValue().equals("true") || e.getValue().equals("false")) {
                        pin = e.getValue().equals("true");
                    } else {
                        r.error(p, "must be \"true\" or \"false\"");
                    }
                }
                case UPDATE_PARALLELISM, UPDATE_DELAY, UPDATE_ORDER, UPDATE_FAILURE_ACTION, UPDATE_MONITOR -> {
                    // read by rollout()
                }
                default -> {
                    if (e.getKey().startsWith(ANNOTATION_PREFIX)) {
                        r.warn(p, "unknown SwarmRay annotation; ignored");
                    }
                }
            }
        }
        return new Placement(List.copyOf(constraints), List.copyOf(spread), maxPerNode, pin);
    }

    /** The group's rollout (Swarm update config), defaults overridden by swarmray.io/update-* annotations. */
    Rollout rollout(Map<String, String> a, String path, NodeType type) {
        var d = type == NodeType.HEAD ? Rollout.HEAD_DEFAULT : Rollout.WORKER_DEFAULT;
        int parallelism = d.parallelism();
        if (a.containsKey(UPDATE_PARALLELISM)) {
            try {
                parallelism = Integer.parseInt(a.get(UPDATE_PARALLELISM).trim());
                if (parallelism < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                r.error(path + "." + UPDATE_PARALLELISM,
                        "'" + FieldReader.abbreviate(a.get(UPDATE_PARALLELISM)) + "' is not a whole number >= 0 (0: all at once)");
            }
        }
        String order = a.getOrDefault(UPDATE_ORDER, d.order());
        if (!order.equals("start-first") && !order.equals("stop-first")) {
            r.error(path + "." + UPDATE_ORDER, "'" + FieldReader.abbreviate(order) + "' is not start-first or stop-first");
        } else if (type == NodeType.HEAD && order.equals("start-first")) {
            // Two heads behind one dnsrr name: with fault tolerance two GCS servers write one Redis namespace,
            // without it workers register with whichever head DNS answers (ray-2.40-audit.md, F13).
            r.warn(path + "." + UPDATE_ORDER, "the head always updates stop-first: Ray cannot run two heads of one cluster; ignored");
            order = "stop-first";
        }
        String action = a.getOrDefault(UPDATE_FAILURE_ACTION, d.failureAction());
        if (!List.of("rollback", "pause", "continue").contains(action)) {
            r.error(path + "." + UPDATE_FAILURE_ACTION, "'" + FieldReader.abbreviate(action) + "' is not rollback, pause or continue");
        }
        return new Rollout(parallelism, duration(a, UPDATE_DELAY, d.delayNanos(), path), order, action,
                duration(a, UPDATE_MONITOR, d.monitorNanos(), path));
    }

    private long duration(Map<String, String> a, String key, long dflt, String path) {
        String v = a.get(key);
        if (v == null) {
            return dflt;
        }
        var m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            r.error(path + "." + key, "'" + FieldReader.abbreviate(v) + "' is not a duration (like 500ms, 10s, 2m)");
            return dflt;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n * 1_000_000L;
            case "s" -> n * 1_000_000_000L;
            case "m" -> n * 60_000_000_000L;
            default -> n * 3_600_000_000_000L;
        };
    }

    private static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split("[,;\\n]")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }
}

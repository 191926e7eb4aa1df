package io.swarmray.spec;

import io.swarmray.spec.RayCluster.Container;
import io.swarmray.spec.RayCluster.EnvVar;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayCluster.NodeType;
import io.swarmray.spec.RayCluster.Placement;
import io.swarmray.spec.RayCluster.PodTemplate;
import io.swarmray.spec.RayCluster.Port;
import io.swarmray.spec.RayCluster.Resources;
import io.swarmray.spec.RayCluster.Volume;
import io.swarmray.spec.RayCluster.VolumeKind;
import io.swarmray.spec.RayCluster.VolumeMount;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads a head group or worker group, its pod template and its Ray container. */
final class GroupReader {
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

    private static final Set<String> NO_SWARM_MEANING_POD = Set.of("tolerations", "affinity", "serviceAccountName",
            "serviceAccount", "initContainers", "securityContext", "imagePullSecrets", "restartPolicy",
            "priorityClassName", "schedulerName", "terminationGracePeriodSeconds", "dnsPolicy", "dnsConfig",
            "hostNetwork", "hostIPC", "hostPID", "runtimeClassName", "topologySpreadConstraints", "nodeName",
            "automountServiceAccountToken", "enableServiceLinks", "shareProcessNamespace", "hostname", "subdomain");
    private static final Set<String> NO_SWARM_MEANING_CONTAINER = Set.of("imagePullPolicy", "command", "args",
            "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "securityContext", "workingDir",
            "terminationMessagePath", "terminationMessagePolicy", "stdin", "tty", "envFrom", "resizePolicy");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._/:@-]*");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    private static final Pattern CONSTRAINT = Pattern.compile("[A-Za-z0-9_./-]+\\s*(==|!=)\\s*[A-Za-z0-9_./:-]+");
    private static final Pattern SPREAD_ATTR = Pattern.compile("node\\.[A-Za-z0-9_./-]+");

    private final FieldReader r;
    private final String cluster;
    private final Policy policy;

    GroupReader(FieldReader r, String cluster, Policy policy) {
        this.r = r;
        this.cluster = cluster;
        this.policy = policy;
    }

    GroupSpec read(Map<String, Object> g, String path, NodeType type) {
        if (g == null) {
            return null;
        }
        int errorsBefore = r.errors.size();
        String groupName = Names.HEAD_GROUP;
        int replicas = 1;
        int min = 1;
        int max = 1;
        List<String> used = new ArrayList<>(List.of("rayStartParams", "template", "resources"));
        if (type == NodeType.WORKER) {
            used.addAll(List.of("groupName", "replicas", "minReplicas", "maxReplicas"));
            groupName = r.string(g.get("groupName"), path + ".groupName");
            String problem = Names.dnsLabelProblem(groupName);
            if (problem != null) {
                r.error(path + ".groupName", problem);
            } else if (cluster != null && Names.workerService(cluster, groupName).length() > Names.MAX_DNS_LABEL) {
                r.error(path + ".groupName", "service name '" + Names.workerService(cluster, groupName) + "' (cluster name + '-worker-' + group name) is longer than "
                        + Names.MAX_DNS_LABEL + " characters; shorten the cluster or group name");
            }
            replicas = r.integer(g.get("replicas"), path + ".replicas", 0, 0, 10_000);
            min = r.integer(g.get("minReplicas"), path + ".minReplicas", 0, 0, 10_000);
            max = r.integer(g.get("maxReplicas"), path + ".maxReplicas", Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
            if (min > max) {
                r.error(path + ".minReplicas", min + " is greater than maxReplicas " + max);
            }
            if (g.containsKey("numOfHosts") && !Integer.valueOf(1).equals(g.get("numOfHosts"))) {
                r.warn(path + ".numOfHosts", "multi-host groups are not supported on Swarm; each replica is one node");
            }
            r.noSwarmMeaning(g, path, Set.of("scaleStrategy", "idleTimeoutSeconds", "suspend", "numOfHosts"));
            used.addAll(List.of("scaleStrategy", "idleTimeoutSeconds", "suspend", "numOfHosts"));
        } else {
            r.noSwarmMeaning(g, path, Set.of("serviceType", "headService", "enableIngress"));
            used.addAll(List.of("serviceType", "headService", "enableIngress"));
        }
        r.ignoreOthers(g, path, used, "unknown field; ignored");
        TreeMap<String, String> params = rayStartParams(g.get("rayStartParams"), path + ".rayStartParams");
        TreeMap<String, BigDecimal> rayResources = rayResources(g.get("resources"), path + ".resources", params);
        Map<String, Object> template = r.map(g.get("template"), path + ".template");
        PodTemplate pod = null;
        if (g.get("template") == null) {
            r.error(path + ".template", "is required");
        } else if (template != null) {
            pod = template(template, path + ".template");
        }
        Placement placement = pod == null ? null : placement(pod.annotations(), path + ".template.metadata.annotations", type);
        RayCluster.Rollout rollout = pod == null ? null : rollout(pod.annotations(), path + ".template.metadata.annotations", type);
        if (r.errors.size() > errorsBefore || params == null || rayResources == null || pod == null) {
            return null;
        }
        return new GroupSpec(type, groupName, replicas, min, max, params, rayResources, pod, placement, rollout);
    }

    /**
     * rayStartParams with one layer of bash quoting removed (see {@link BashQuoting}); flags that
     * take numbers are checked here, because their values end up in ports and health checks.
     */
    private TreeMap<String, String> rayStartParams(Object v, String path) {
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
            Integer max = INTEGER_FLAGS.get(e.getKey());
            if (max != null && !value.matches("[0-9]{1,19}")) {
                r.error(p, "'" + FieldReader.abbreviate(value) + "' is not a whole number");
                continue;
            }
            if (max != null && max > 0 && (value.length() > 5 || Integer.parseInt(value) > max || Integer.parseInt(value) < (e.getKey().endsWith("manager-port") ? 0 : 1))) {
                r.error(p, value + " is not a port number (1-" + max + ")");
                continue;
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    /** Flags that take whole numbers; the value is the upper bound for ports, 0 for counts. */
    private static final Map<String, Integer> INTEGER_FLAGS = Map.ofEntries(
            Map.entry("port", 65535), Map.entry("dashboard-port", 65535), Map.entry("dashboard-agent-listen-port", 65535),
            Map.entry("metrics-export-port", 65535), Map.entry("ray-client-server-port", 65535),
            Map.entry("node-manager-port", 65535), Map.entry("object-manager-port", 65535),
            Map.entry("num-cpus", 0), Map.entry("num-gpus", 0), Map.entry("memory", 0), Map.entry("object-store-memory", 0));

    /** The group-level {@code resources} (Ray logical resources); KubeRay forbids giving one both here and in rayStartParams. */
    private TreeMap<String, BigDecimal> rayResources(Object v, String path, Map<String, String> params) {
        Map<String, Object> m = r.map(v, path);
        if (m == null) {
            return null;
        }
        TreeMap<String, BigDecimal> out = new TreeMap<>();
        Map<String, String> flagFor = Map.of("CPU", "num-cpus", "GPU", "num-gpus", "memory", "memory");
        for (var e : m.entrySet()) {
            String flag = flagFor.getOrDefault(e.getKey(), "resources");
            if (params != null && params.containsKey(flag)) {
                r.error(path + "." + e.getKey(), "is also given as rayStartParams." + flag + "; give it in one place only");
                continue;
            }
            BigDecimal q = r.quantity(e.getValue(), path + "." + e.getKey());
            if (q != null) {
                out.put(e.getKey(), q);
            }
        }
        return out;
    }

    private PodTemplate template(Map<String, Object> t, String path) {
        r.ignoreOthers(t, path, List.of("metadata", "spec"), "unknown field; ignored");
        Map<String, Object> meta = r.map(t.get("metadata"), path + ".metadata");
        Map<String, String> annotations = Map.of();
        if (meta != null) {
            annotations = Maps.stringMap(r, meta.get("annotations"), path + ".metadata.annotations", Maps::labelKeyProblem);
            Maps.stringMap(r, meta.get("labels"), path + ".metadata.labels", Maps::labelKeyProblem);
            r.ignoreOthers(meta, path + ".metadata", List.of("labels", "annotations"), "has no meaning on Docker Swarm; ignored");
        }
        Map<String, Object> spec = r.map(t.get("spec"), path + ".spec");
        if (spec == null) {
            return null;
        }
        PolicyCheck.pod(r, spec, path + ".spec");
        r.noSwarmMeaning(spec, path + ".spec", NO_SWARM_MEANING_POD);
        Set<String> used = new HashSet<>(NO_SWARM_MEANING_POD);
        used.addAll(List.of("containers", "volumes", "nodeSelector"));
        r.ignoreOthers(spec, path + ".spec", used, "unknown field; ignored");
        Map<String, Volume> volumes = volumes(spec.get("volumes"), path + ".spec.volumes");
        TreeMap<String, String> nodeSelector = Maps.stringMap(r, spec.get("nodeSelector"), path + ".spec.nodeSelector", Maps::labelKeyProblem);
        if (nodeSelector != null) {
            nodeSelector.forEach((k, v) -> {
                if (v.length() > 63 || !LABEL_VALUE.matcher(v).matches()) {
                    r.error(path + ".spec.nodeSelector." + k, "'" + FieldReader.abbreviate(v) + "' is not a valid label value");
                }
            });
        }
        List<Object> containers = r.list(spec.get("containers"), path + ".spec.containers");
        if (containers == null) {
            return null;
        }
        if (containers.isEmpty()) {
            r.error(path + ".spec.containers", "needs at least one container (the Ray container)");
            return null;
        }
        for (int i = 1; i < containers.size(); i++) {
            r.warn(path + ".spec.containers[" + i + "]", "only containers[0] (the Ray container) runs on Swarm; ignored");
        }
        Container c = container(r.map(containers.get(0), path + ".spec.containers[0]"), path + ".spec.containers[0]", volumes);
        if (c == null || volumes == null || annotations == null || nodeSelector == null) {
            return null;
        }
        return new PodTemplate(annotations, c, List.copyOf(volumes.values()), nodeSelector);
    }

    private Map<String, Volume> volumes(Object v, String path) {
        Map<String, Volume> out = new LinkedHashMap<>();
        boolean ok = r.forEachMap(v, path, (vol, p) -> {
            String name = r.string(vol.get("name"), p + ".name");
            if (name == null || name.isEmpty()) {
                r.error(p + ".name", "is required");
                return;
            }
            Map<String, Object> hostPath = r.map(vol.get("hostPath"), p + ".hostPath");
            Map<String, Object> emptyDir = r.map(vol.get("emptyDir"), p + ".emptyDir");
            if (vol.containsKey("hostPath") && hostPath != null) {
                String hp = r.string(hostPath.get("path"), p + ".hostPath.path");
                if (hp == null || !hp.startsWith("/") || hp.contains("\0")) {
                    r.error(p + ".hostPath.path", "must be an absolute path");
                } else if (!policy.bindAllowed(hp)) {
                    r.error(p + ".hostPath.path", "'" + hp + "' is not allowed by policy: bind mounts must lie under "
                            + (policy.bindPrefixes().isEmpty() ? "an allowed directory, and none is configured" : "one of " + policy.bindPrefixes())
                            + " (swarmray.policy.allowed-bind-prefixes)");
                }
                // Kept even when refused (the error refuses the whole cluster): its mounts are not "undeclared" too.
                out.put(name, new Volume(name, VolumeKind.HOST_PATH, hp, null));
            } else if (vol.containsKey("emptyDir") && emptyDir != null) {
                String medium = r.string(emptyDir.get("medium"), p + ".emptyDir.medium");
                BigDecimal size = emptyDir.get("sizeLimit") == null ? null : r.quantity(emptyDir.get("sizeLimit"), p + ".emptyDir.sizeLimit");
                boolean memory = "Memory".equals(medium);
                if (medium != null && !medium.isEmpty() && !memory) {
                    r.error(p + ".emptyDir.medium", "'" + FieldReader.abbreviate(medium) + "' is not a medium; use Memory or leave it out");
                }
                out.put(name, new Volume(name, memory ? VolumeKind.MEMORY : VolumeKind.EMPTY_DIR, null,
                        size == null ? null : Quantity.ceil(size)));
            } else {
                r.warn(p, "volume '" + name + "' is neither hostPath nor emptyDir, which is all Swarm can mount; ignored");
            }
        });
        if (!ok) {
            return null;
        }
        return out;
    }

    private Container container(Map<String, Object> c, String path, Map<String, Volume> volumes) {
        if (c == null) {
            return null;
        }
        PolicyCheck.container(r, c, path);
        r.noSwarmMeaning(c, path, NO_SWARM_MEANING_CONTAINER);
        Set<String> used = new HashSet<>(NO_SWARM_MEANING_CONTAINER);
        used.addAll(List.of("name", "image", "env", "ports", "resources", "volumeMounts"));
        r.ignoreOthers(c, path, used, "unknown field; ignored");
        String image = r.string(c.get("image"), path + ".image");
        if (image == null || image.isEmpty()) {
            r.error(path + ".image", "is required");
        } else if (image.length() > 512 || !IMAGE.matcher(image).matches()) {
            r.error(path + ".image", "'" + FieldReader.abbreviate(image) + "' is not an image reference");
        } else if (!policy.imageAllowed(image)) {
            r.error(path + ".image", "'" + image + "' is not allowed by policy: images must start with one of "
                    + policy.imagePrefixes() + " (swarmray.policy.allowed-images)");
        }
        List<EnvVar> env = env(c.get("env"), path + ".env");
        List<Port> ports = ports(c.get("ports"), path + ".ports");
        Resources resources = resources(c.get("resources"), path + ".resources");
        List<VolumeMount> mounts = mounts(c.get("volumeMounts"), path + ".volumeMounts", volumes);
        if (env == null || ports == null || resources == null || mounts == null) {
            return null;
        }
        return new Container(image, env, ports, resources, mounts);
    }

    private List<EnvVar> env(Object v, String path) {
        Map<String, EnvVar> out = new LinkedHashMap<>();
        boolean ok = r.forEachMap(v, path, (e, p) -> {
            String name = r.string(e.get("name"), p + ".name");
            if (name == null || name.length() > 256 || !ENV_NAME.matcher(name).matches()) {
                r.error(p + ".name", name == null ? "is required" : "'" + FieldReader.abbreviate(name) + "' is not a valid variable name");
                return;
            }
            if (name.startsWith("SWARMRAY_")) {
                r.error(p + ".name", "variables named SWARMRAY_* are reserved for SwarmRay's start-up");
                return;
            }
            if (e.containsKey("valueFrom")) {
                r.warn(p + ".valueFrom", "has no meaning on Docker Swarm; variable " + name + " is not set");
                return;
            }
            String value = e.get("value") == null ? "" : r.string(e.get("value"), p + ".value");
            if (value != null && value.indexOf('\0') >= 0) {
                r.error(p + ".value", "contains a NUL character");
            } else if (value != null) {
                out.remove(name); // the last definition wins, as in Kubernetes
                out.put(name, new EnvVar(name, value));
            }
        });
        if (!ok) {
            return null;
        }
        return List.copyOf(out.values());
    }

    private List<Port> ports(Object v, String path) {
        List<Port> out = new ArrayList<>();
        boolean ok = r.forEachMap(v, path, (m, p) -> {
            String name = r.string(m.get("name"), p + ".name");
            int containerPort = r.integer(m.get("containerPort"), p + ".containerPort", 0, 1, 65535);
            if (m.get("containerPort") == null) {
                r.error(p + ".containerPort", "is required");
            }
            int hostPort = r.integer(m.get("hostPort"), p + ".hostPort", 0, 0, 65535);
            if (hostPort != 0 && (hostPort < policy.minHostPort() || hostPort > policy.maxHostPort())) {
                r.error(p + ".hostPort", hostPort + " is not allowed by policy: published ports must be within "
                        + policy.minHostPort() + "-" + policy.maxHostPort() + " (swarmray.policy.host-port-range)");
            }
            String protocol = r.string(m.get("protocol"), p + ".protocol");
            protocol = protocol == null ? "TCP" : protocol;
            if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
                r.error(p + ".protocol", "'" + FieldReader.abbreviate(protocol) + "' is not supported on Swarm; use TCP or UDP");
            }
            r.ignoreOthers(m, p, List.of("name", "containerPort", "hostPort", "protocol"), "has no meaning on Docker Swarm; ignored");
            out.add(new Port(name, containerPort, hostPort, protocol));
        });
        if (!ok) {
            return null;
        }
        return out;
    }

    private Resources resources(Object v, String path) {
        Map<String, Object> m = r.map(v, path);
        if (m == null) {
            return null;
        }
        r.ignoreOthers(m, path, List.of("limits", "requests"), "has no meaning on Docker Swarm; ignored");
        TreeMap<String, BigDecimal> limits = quantities(m.get("limits"), path + ".limits");
        TreeMap<String, BigDecimal> requests = quantities(m.get("requests"), path + ".requests");
        if (limits == null || requests == null) {
            return null;
        }
        for (var e : requests.entrySet()) {
            BigDecimal limit = limits.get(e.getKey());
            if (limit != null && e.getValue().compareTo(limit) > 0) {
                r.error(path + ".requests." + e.getKey(), "is greater than its limit " + limit.stripTrailingZeros().toPlainString());
            }
        }
        return new Resources(limits, requests);
    }

    private TreeMap<String, BigDecimal> quantities(Object v, String path) {
        Map<String, Object> m = r.map(v, path);
        if (m == null) {
            return null;
        }
        TreeMap<String, BigDecimal> out = new TreeMap<>();
        for (var e : m.entrySet()) {
            String p = path + "." + e.getKey();
            if (Maps.labelKeyProblem(e.getKey()) != null) {
                r.error(p, Maps.labelKeyProblem(e.getKey()));
                continue;
            }
            BigDecimal q = r.quantity(e.getValue(), p);
            if (q == null) {
                continue;
            }
            if (!e.getKey().equals("cpu") && !e.getKey().equals("memory") && !e.getKey().contains("/")) {
                r.warn(p, "only cpu, memory and extended resources (like nvidia.com/gpu) map to Swarm resources; ignored");
                continue;
            }
            out.put(e.getKey(), q);
        }
        return out;
    }

    private List<VolumeMount> mounts(Object v, String path, Map<String, Volume> volumes) {
        List<VolumeMount> out = new ArrayList<>();
        boolean ok = r.forEachMap(v, path, (m, p) -> {
            String name = r.string(m.get("name"), p + ".name");
            String mountPath = r.string(m.get("mountPath"), p + ".mountPath");
            boolean readOnly = r.bool(m.get("readOnly"), p + ".readOnly", false);
            r.noSwarmMeaning(m, p, Set.of("subPath", "subPathExpr", "mountPropagation", "recursiveReadOnly"));
            if (mountPath == null || !mountPath.startsWith("/") || mountPath.contains("\0")) {
                r.error(p + ".mountPath", "must be an absolute path");
            } else if (volumes != null && !volumes.containsKey(name)) {
                r.warn(p + ".name", "volume '" + name + "' is not declared in spec.volumes as hostPath or emptyDir; not mounted");
            } else {
                out.add(new VolumeMount(name, mountPath, readOnly));
            }
        });
        if (!ok) {
            return null;
        }
        return out;
    }

    /** The group's Swarm placement, from its swarmray.io/ annotations. */
    private Placement placement(Map<String, String> annotations, String path, NodeType type) {
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
    private RayCluster.Rollout rollout(Map<String, String> a, String path, NodeType type) {
        var d = type == NodeType.HEAD ? RayCluster.Rollout.HEAD_DEFAULT : RayCluster.Rollout.WORKER_DEFAULT;
        int parallelism = d.parallelism();
        if (a.containsKey(UPDATE_PARALLELISM)) {
            try {
                parallelism = Integer.parseInt(a.get(UPDATE_PARALLELISM).trim());
                if (parallelism < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                r.error(path + "." + UPDATE_PARALLELISM, "'" + FieldReader.abbreviate(a.get(UPDATE_PARALLELISM)) + "' is not a whole number >= 0 (0: all at once)");
            }
        }
        String order = a.getOrDefault(UPDATE_ORDER, d.order());
        if (!order.equals("start-first") && !order.equals("stop-first")) {
            r.error(path + "." + UPDATE_ORDER, "'" + FieldReader.abbreviate(order) + "' is not start-first or stop-first");
        }
        String action = a.getOrDefault(UPDATE_FAILURE_ACTION, d.failureAction());
        if (!List.of("rollback", "pause", "continue").contains(action)) {
            r.error(path + "." + UPDATE_FAILURE_ACTION, "'" + FieldReader.abbreviate(action) + "' is not rollback, pause or continue");
        }
        return new RayCluster.Rollout(parallelism, duration(a, UPDATE_DELAY, d.delayNanos(), path), order, action,
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

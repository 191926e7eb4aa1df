package io.swarmray.spec;

import io.swarmray.spec.RayCluster.Container;
import io.swarmray.spec.RayCluster.EnvVar;
import io.swarmray.spec.RayCluster.PodTemplate;
import io.swarmray.spec.RayCluster.Port;
import io.swarmray.spec.RayCluster.Probe;
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

/** Reads a group's pod template: its volumes, node selector and Ray container (image, env, ports, resources, mounts). */
final class PodReader {
    private static final Set<String> NO_SWARM_MEANING_POD = Set.of("tolerations", "affinity", "serviceAccountName",
            "serviceAccount", "initContainers", "securityContext", "imagePullSecrets", "restartPolicy",
            "priorityClassName", "schedulerName", "terminationGracePeriodSeconds", "dnsPolicy", "dnsConfig",
            "hostNetwork", "hostIPC", "hostPID", "runtimeClassName", "topologySpreadConstraints", "nodeName",
            "automountServiceAccountToken", "enableServiceLinks", "shareProcessNamespace", "hostname", "subdomain");
    private static final Set<String> NO_SWARM_MEANING_CONTAINER = Set.of("imagePullPolicy", "command", "args",
            "lifecycle", "securityContext", "workingDir",
            "terminationMessagePath", "terminationMessagePolicy", "stdin", "tty", "envFrom", "resizePolicy");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._/:@-]*");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    private final FieldReader r;
    private final Policy policy;

    PodReader(FieldReader r, Policy policy) {
        this.r = r;
        this.policy = policy;
    }

    PodTemplate template(Map<String, Object> t, String path) {
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
        TreeMap<String, String> nodeSelector = Maps.stringMap(r, spec.get("nodeSelector"), path + ".spec.nodeSelector",
                Maps::labelKeyProblem);
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
                            + (policy.bindPrefixes().isEmpty()
                                    ? "an allowed directory, and none is configured"
                                    : "one of " + policy.bindPrefixes())
                            + " (swarmray.policy.allowed-bind-prefixes)");
                }
                // Kept even when refused (the error refuses the whole cluster): its mounts are not "undeclared" too.
                out.put(name, new Volume(name, VolumeKind.HOST_PATH, hp, null));
            } else if (vol.containsKey("emptyDir") && emptyDir != null) {
                String medium = r.string(emptyDir.get("medium"), p + ".emptyDir.medium");
                BigDecimal size = emptyDir.get("sizeLimit") == null
                        ? null
                        : r.quantity(emptyDir.get("sizeLimit"), p + ".emptyDir.sizeLimit");
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
        List<String> capabilities = PolicyCheck.container(r, policy, c, path);
        r.noSwarmMeaning(c, path, NO_SWARM_MEANING_CONTAINER);
        Set<String> used = new HashSet<>(NO_SWARM_MEANING_CONTAINER);
        used.addAll(List.of("name", "image", "env", "ports", "resources", "volumeMounts", "livenessProbe", "readinessProbe",
                "startupProbe"));
        for (String other : List.of("readinessProbe", "startupProbe")) {
            if (c.containsKey(other)) {
                r.warn(path + "." + other,
                        "Swarm has one healthcheck per task, which livenessProbe sets (else Ray's health URLs); ignored");
            }
        }
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
        Probe liveness = c.get("livenessProbe") == null || ports == null
                ? null
                : ProbeReader.liveness(r, c.get("livenessProbe"), path + ".livenessProbe", ports);
        if (env == null || ports == null || resources == null || mounts == null) {
            return null;
        }
        return new Container(image, env, ports, resources, mounts, capabilities, liveness);
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

    Resources resources(Object v, String path) {
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
            if (mountPath == null || !mountPath.startsWith("/") || mountPath.chars().anyMatch(Character::isISOControl)) {
                r.error(p + ".mountPath", "must be an absolute path (without control characters)");
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

}

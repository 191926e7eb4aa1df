package io.swarmray.autoscaler;

import io.swarmray.render.Labels;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Kubernetes objects Ray's autoscaler reads, built from a spec file's document and Swarm's tasks (pure):
 * ray-autoscaler-contract.md A2 ("Fields it reads") and A4 (a).
 */
public final class KubeObjects {
    private KubeObjects() {
    }

    /**
     * The RayCluster as KubeRay would store it: the file's document with the CRD's defaults filled in
     * ({@code replicas} and {@code minReplicas} 0, {@code maxReplicas} 2147483647, {@code rayStartParams} and
     * {@code scaleStrategy} present), and each group's pending {@code workersToDelete}.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> rayCluster(Map<String, Object> document, String namespace, String resourceVersion,
            Map<String, List<String>> workersToDelete) {
        Map<String, Object> out = (Map<String, Object>) deepCopy(document);
        out.put("apiVersion", "ray.io/v1");
        out.put("kind", "RayCluster");
        Map<String, Object> meta = (Map<String, Object>) out.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
        meta.put("namespace", namespace);
        meta.put("resourceVersion", resourceVersion);
        Map<String, Object> spec = (Map<String, Object>) out.computeIfAbsent("spec", k -> new LinkedHashMap<>());
        if (spec.get("headGroupSpec") instanceof Map<?, ?> head) {
            ((Map<String, Object>) head).putIfAbsent("rayStartParams", new LinkedHashMap<>());
        }
        if (spec.get("workerGroupSpecs") instanceof List<?> groups) {
            for (Object o : groups) {
                if (o instanceof Map<?, ?> raw) {
                    Map<String, Object> g = (Map<String, Object>) raw;
                    g.putIfAbsent("replicas", 0);
                    g.putIfAbsent("minReplicas", 0);
                    g.putIfAbsent("maxReplicas", Integer.MAX_VALUE);
                    g.putIfAbsent("rayStartParams", new LinkedHashMap<>());
                    Map<String, Object> strategy = new LinkedHashMap<>();
                    List<String> names = workersToDelete.get(String.valueOf(g.get("groupName")));
                    if (names != null && !names.isEmpty()) {
                        strategy.put("workersToDelete", List.copyOf(names));
                    }
                    g.put("scaleStrategy", strategy);
                }
            }
        }
        return out;
    }

    /**
     * One pod per current task of the cluster (desired running; Swarm keeps up to 5 old tasks a slot, which would
     * count as workers): name = task id = RAY_CLOUD_INSTANCE_ID, the service's Ray labels, podIP = the task's
     * address in the cluster subnet (what --node-ip-address got), the container state from the task state.
     */
    public static Map<String, Object> podList(String namespace, List<ObservedService> services, List<ObservedTask> tasks,
            String subnet, String resourceVersion) {
        Map<String, ObservedService> byId = new TreeMap<>();
        services.forEach(s -> byId.put(s.id(), s));
        List<Map<String, Object>> items = new ArrayList<>();
        for (ObservedTask t : tasks) {
            ObservedService s = byId.get(t.serviceId());
            if (s == null || !t.wanted() || s.label(Labels.NODE_TYPE) == null) {
                continue;
            }
            Map<String, Object> labels = new TreeMap<>();
            labels.put(Labels.CLUSTER, s.label(Labels.CLUSTER));
            labels.put(Labels.NODE_TYPE, s.label(Labels.NODE_TYPE));
            labels.put(Labels.GROUP, s.label(Labels.GROUP));
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("name", t.id());
            meta.put("namespace", namespace);
            meta.put("labels", labels);
            meta.put("resourceVersion", resourceVersion);
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("phase", phase(t.state()));
            String ip = Subnets.addressIn(t.addresses(), subnet);
            if (ip != null) {
                status.put("podIP", ip);
            }
            status.put("containerStatuses", List.of(Map.of("name", "ray-" + s.label(Labels.NODE_TYPE), "state", containerState(t))));
            Map<String, Object> pod = new LinkedHashMap<>();
            pod.put("apiVersion", "v1");
            pod.put("kind", "Pod");
            pod.put("metadata", meta);
            pod.put("status", status);
            items.add(pod);
        }
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", "PodList");
        list.put("apiVersion", "v1");
        list.put("metadata", Map.of("resourceVersion", resourceVersion));
        list.put("items", items);
        return list;
    }

    private static final Set<String> ENDED = Set.of("complete", "failed", "rejected", "shutdown", "orphaned", "remove");

    /** new...starting: waiting; running: running; the ended states: terminated. */
    static Map<String, Object> containerState(ObservedTask t) {
        if ("running".equals(t.state())) {
            return Map.of("running", Map.of("startedAt", t.timestamp() == null ? "" : t.timestamp()));
        }
        if (ENDED.contains(t.state())) {
            return Map.of("terminated", Map.of("reason", t.state(), "message", t.error() == null ? "" : t.error()));
        }
        return Map.of("waiting", Map.of("reason", t.state()));
    }

    private static String phase(String state) {
        return switch (state) {
            case "running" -> "Running";
            case "complete" -> "Succeeded";
            case "failed", "rejected", "shutdown", "orphaned", "remove" -> "Failed";
            default -> "Pending";
        };
    }

    private static Object deepCopy(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(deepCopy(v)));
            return out;
        }
        return o;
    }
}

package io.swarmray.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shapes of {@code kubectl get <kind> -o json}: one object, and a list of them. */
final class KubeShapes {
    static final String API_VERSION = "ray.io/v1";

    private KubeShapes() {
    }

    /** An object of {@code kind} with its name, its spec's labels (or none) and its status. */
    static Map<String, Object> object(String kind, String name, Map<String, String> labels, Object status) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (labels != null) {
            metadata.put("labels", labels);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", API_VERSION);
        out.put("kind", kind);
        out.put("metadata", metadata);
        out.put("status", status);
        return out;
    }

    static Map<String, Object> list(String kind, List<Map<String, Object>> items) {
        return Map.of("apiVersion", API_VERSION, "kind", kind + "List", "items", items);
    }
}

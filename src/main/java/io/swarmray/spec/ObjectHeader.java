package io.swarmray.spec;

import java.util.List;
import java.util.Map;

/**
 * The part every ray.io/v1 document shares: apiVersion, metadata (name, labels, annotations), spec.
 *
 * @param spec null when missing or not a map (the error is reported)
 */
public record ObjectHeader(String name, Map<String, String> labels, Map<String, String> annotations, Map<String, Object> spec) {
    public static final String API_VERSION = "ray.io/v1";

    public static ObjectHeader read(FieldReader r, Map<?, ?> raw) {
        Map<String, Object> doc = r.map(raw, "");
        if (doc == null) {
            return new ObjectHeader(null, null, null, null);
        }
        Object api = doc.get("apiVersion");
        if (!API_VERSION.equals(api)) {
            if ("ray.io/v1alpha1".equals(api)) {
                r.warn("apiVersion", "ray.io/v1alpha1 is deprecated in KubeRay; read as ray.io/v1");
            } else {
                r.error("apiVersion", (api == null ? "is missing" : "'" + FieldReader.abbreviate(api) + "' is not supported")
                        + "; use " + API_VERSION);
            }
        }
        Map<String, Object> meta = r.map(doc.get("metadata"), "metadata");
        Map<String, Object> spec = r.map(doc.get("spec"), "spec");
        r.ignoreOthers(doc, "", List.of("apiVersion", "kind", "metadata", "spec"), "ignored");
        String name = null;
        Map<String, String> labels = null;
        Map<String, String> annotations = null;
        if (meta != null) {
            name = r.string(meta.get("name"), "metadata.name");
            String problem = Names.dnsLabelProblem(name);
            if (problem != null) {
                r.error("metadata.name", problem);
            }
            r.ignoreOthers(meta, "metadata", List.of("name", "labels", "annotations"), "has no meaning on Docker Swarm; ignored");
            labels = Maps.stringMap(r, meta.get("labels"), "metadata.labels", Maps::labelKeyProblem);
            annotations = Maps.stringMap(r, meta.get("annotations"), "metadata.annotations", Maps::labelKeyProblem);
        }
        if (doc.get("spec") == null) {
            r.error("spec", "is required");
        }
        return new ObjectHeader(name, labels, annotations, spec);
    }
}

package io.swarmray.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.YAMLException;

/** Reads one {@code kind: RayService} document ([K] rayservice_types.go:66-82) into a {@link RayService}. */
final class RayServiceReader {
    static final String PROXY_REPLICAS = "swarmray.io/serve-proxy-replicas";
    static final String PUBLISHED_PORT = "swarmray.io/serve-published-port";
    private static final Set<String> DEPRECATED = Set.of("serviceUnhealthySecondThreshold", "deploymentUnhealthySecondThreshold");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FieldReader r;
    private final Policy policy;
    private final int maxBytes;

    RayServiceReader(FieldReader r, Policy policy, int maxBytes) {
        this.r = r;
        this.policy = policy;
        this.maxBytes = maxBytes;
    }

    SpecFile.DeclaredService read(Map<?, ?> raw) {
        ObjectHeader header = ObjectHeader.read(r, raw);
        RayService service = header.spec() == null ? null : readSpec(header);
        return new SpecFile.DeclaredService(r.document(), header.name(), r.errors.isEmpty() ? service : null, List.copyOf(r.errors),
                List.copyOf(r.warnings));
    }

    private RayService readSpec(ObjectHeader h) {
        Map<String, Object> spec = h.spec();
        for (String k : DEPRECATED) {
            if (spec.containsKey(k)) {
                r.warn("spec." + k, "is deprecated in KubeRay and has no effect");
            }
        }
        if (spec.containsKey("serveService")) {
            r.warn("spec.serveService", "has no meaning on Docker Swarm: the endpoint is the Swarm service <name>-serve; ignored");
        }
        r.ignoreOthers(spec, "spec", List.of("serveConfigV2", "rayClusterConfig", "upgradeStrategy", "excludeHeadPodFromServeSvc",
                "serveService", "serviceUnhealthySecondThreshold", "deploymentUnhealthySecondThreshold"), "unknown field; ignored");
        String serveYaml = null;
        Object v = spec.get("serveConfigV2");
        if (v == null) {
            r.error("spec.serveConfigV2", "is required: the Ray Serve config (a YAML string) the cluster runs");
        } else if (!(v instanceof String s)) {
            r.error("spec.serveConfigV2", "is " + FieldReader.typeName(v) + ", not a string (write it as a YAML block: serveConfigV2: |)");
        } else {
            serveYaml = s;
        }
        Map<String, Object> serveConfig = serveYaml == null ? null : serveConfig(serveYaml);
        int servePort = serveConfig == null ? RayService.DEFAULT_SERVE_PORT : servePort(serveConfig);
        RayCluster cluster = null;
        if (spec.get("rayClusterConfig") == null) {
            r.error("spec.rayClusterConfig", "is required");
        } else {
            Map<String, Object> m = r.map(spec.get("rayClusterConfig"), "spec.rayClusterConfig");
            if (m != null && h.name() != null) {
                // Checked under the longest name a cluster of this service gets: its Swarm names must fit DNS labels.
                String longest = h.name() + RayService.CLUSTER_INFIX + "x".repeat(RayService.CLUSTER_SUFFIX_LENGTH);
                if (longest.length() + "-head".length() > Names.MAX_DNS_LABEL) {
                    r.error("metadata.name", "'" + h.name() + "' is too long for a RayService: its clusters are named '" + longest
                            + "' and their Swarm services must fit " + Names.MAX_DNS_LABEL + " characters");
                }
                cluster = new ClusterReader(r, policy).readSpec(longest, h.labels(), h.annotations(), m, "spec.rayClusterConfig");
                if (cluster != null && cluster.autoscaled()) {
                    // Ray's autoscaler would patch a cluster object that is the RayService's, not a file of its own.
                    r.error("spec.rayClusterConfig.enableInTreeAutoscaling", "autoscaling the clusters of a RayService is not supported "
                            + "yet; set the worker groups' replicas, or run the autoscaled cluster as a RayCluster");
                    cluster = null;
                }
            }
        }
        String upgrade = upgradeStrategy(spec.get("upgradeStrategy"));
        boolean excludeHead = r.bool(spec.get("excludeHeadPodFromServeSvc"), "spec.excludeHeadPodFromServeSvc", false);
        Map<String, String> annotations = h.annotations() == null ? Map.of() : h.annotations();
        int replicas = annotationInt(annotations, PROXY_REPLICAS, 2, 1, 16);
        int published = annotationInt(annotations, PUBLISHED_PORT, 0, policy.minHostPort(), policy.maxHostPort());
        if (!r.errors.isEmpty() || cluster == null || serveConfig == null) {
            return null;
        }
        String json;
        try {
            json = JSON.writeValueAsString(serveConfig);
        } catch (JsonProcessingException e) {
            r.error("spec.serveConfigV2", "cannot be written as JSON: " + e.getOriginalMessage());
            return null;
        }
        return new RayService(h.name(), r.file(), h.labels(), h.annotations(), serveYaml, json, servePort, cluster, upgrade, excludeHead,
                replicas, published);
    }

    /** Annotations are strings: "2" is read as the integer 2. */
    private int annotationInt(Map<String, String> annotations, String key, int dflt, int min, int max) {
        String v = annotations.get(key);
        Object n = v;
        try {
            n = v == null ? null : Long.valueOf(v.trim());
        } catch (NumberFormatException e) {
            // reported by integer() below as "must be an integer, got string"
        }
        return r.integer(n, "metadata.annotations." + key, dflt, min, max);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> serveConfig(String yaml) {
        Object doc;
        try {
            doc = SpecParser.safeYaml(maxBytes).load(yaml);
        } catch (YAMLException e) {
            r.error("spec.serveConfigV2", "is not valid YAML: " + FieldReader.abbreviate(e.getMessage()));
            return null;
        }
        if (!(doc instanceof Map<?, ?> m)) {
            r.error("spec.serveConfigV2", "is " + FieldReader.typeName(doc) + ", not a Serve config (a mapping with applications:)");
            return null;
        }
        if (!(m.get("applications") instanceof List<?>)) {
            r.error("spec.serveConfigV2.applications", "is required: the list of Serve applications");
        }
        return (Map<String, Object>) m;
    }

    private int servePort(Map<String, Object> serveConfig) {
        Object http = serveConfig.get("http_options");
        if (!(http instanceof Map<?, ?> m) || m.get("port") == null) {
            return RayService.DEFAULT_SERVE_PORT;
        }
        return r.integer(m.get("port"), "spec.serveConfigV2.http_options.port", RayService.DEFAULT_SERVE_PORT, 1, 65535);
    }

    /** spec.upgradeStrategy.type ([K] rayservice_types.go:22-29): NewCluster (default) or None. */
    private String upgradeStrategy(Object v) {
        Map<String, Object> m = r.map(v, "spec.upgradeStrategy");
        if (m == null || m.get("type") == null) {
            return RayService.NEW_CLUSTER;
        }
        String type = r.string(m.get("type"), "spec.upgradeStrategy.type");
        if (RayService.NEW_CLUSTER.equals(type) || RayService.NO_UPGRADE.equals(type)) {
            return type;
        }
        r.error("spec.upgradeStrategy.type", "'" + FieldReader.abbreviate(type) + "' is not NewCluster or None"
                + ("NewClusterWithIncrementalUpgrade".equals(type) ? " (the incremental upgrade needs Kubernetes' Gateway API)" : ""));
        return RayService.NEW_CLUSTER;
    }
}

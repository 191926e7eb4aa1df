package io.swarmray.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads one {@code kind: RayJob} document ([K] rayjob_types.go:80-145) into a {@link RayJob}, with the checks of
 * KubeRay's validateRayJobSpec in our words.
 */
final class RayJobReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("entrypoint", "runtimeEnvYAML", "jobId", "metadata", "rayClusterSpec",
            "clusterSelector", "submissionMode", "submitterPodTemplate", "submitterConfig", "entrypointNumCpus", "entrypointNumGpus",
            "entrypointResources", "shutdownAfterJobFinishes", "ttlSecondsAfterFinished", "activeDeadlineSeconds", "backoffLimit",
            "suspend", "managedBy", "deletionPolicy");

    private final FieldReader r;
    private final Policy policy;
    private final int maxBytes;

    RayJobReader(FieldReader r, Policy policy, int maxBytes) {
        this.r = r;
        this.policy = policy;
        this.maxBytes = maxBytes;
    }

    SpecFile.DeclaredJob read(Map<?, ?> raw) {
        ObjectHeader header = ObjectHeader.read(r, raw);
        RayJob job = header.spec() == null ? null : readSpec(header);
        return new SpecFile.DeclaredJob(r.document(), header.name(), r.errors.isEmpty() ? job : null, List.copyOf(r.errors),
                List.copyOf(r.warnings));
    }

    private RayJob readSpec(ObjectHeader h) {
        Map<String, Object> spec = h.spec();
        r.ignoreOthers(spec, "spec", FIELDS, "unknown field; ignored");
        for (String k : List.of("managedBy", "deletionPolicy")) {
            if (spec.get(k) != null) {
                r.error("spec." + k, "is not supported by SwarmRay (a KubeRay feature gate); remove it");
            }
        }
        String mode = submissionMode(spec.get("submissionMode"));
        String entrypoint = r.string(spec.get("entrypoint"), "spec.entrypoint");
        if ((entrypoint == null || entrypoint.isBlank()) && !RayJob.INTERACTIVE_MODE.equals(mode)) {
            r.error("spec.entrypoint", "is required: the command Ray runs as the job (InteractiveMode alone goes without)");
        }
        String jobId = r.string(spec.get("jobId"), "spec.jobId");
        Map<String, String> metadata = Maps.stringMap(r, spec.get("metadata"), "spec.metadata", k -> null);
        Map<String, Object> runtimeEnv = runtimeEnv(spec.get("runtimeEnvYAML"));
        Double cpus = number(spec.get("entrypointNumCpus"), "spec.entrypointNumCpus");
        Double gpus = number(spec.get("entrypointNumGpus"), "spec.entrypointNumGpus");
        Map<String, Double> resources = resources(spec.get("entrypointResources"));
        boolean shutdown = r.bool(spec.get("shutdownAfterJobFinishes"), "spec.shutdownAfterJobFinishes", false);
        int ttl = r.integer(spec.get("ttlSecondsAfterFinished"), "spec.ttlSecondsAfterFinished", 0, 0, Integer.MAX_VALUE);
        int deadline = r.integer(spec.get("activeDeadlineSeconds"), "spec.activeDeadlineSeconds", 0, 1, Integer.MAX_VALUE);
        int backoff = r.integer(spec.get("backoffLimit"), "spec.backoffLimit", 0, 0, Integer.MAX_VALUE);
        Map<String, Object> submitter = r.map(spec.get("submitterConfig"), "spec.submitterConfig");
        int submitterBackoff = submitter == null
                ? RayJob.DEFAULT_SUBMITTER_BACKOFF_LIMIT
                : r.integer(submitter.get("backoffLimit"), "spec.submitterConfig.backoffLimit", RayJob.DEFAULT_SUBMITTER_BACKOFF_LIMIT, 0,
                        Integer.MAX_VALUE);
        if (spec.get("submitterPodTemplate") != null) {
            r.warn("spec.submitterPodTemplate", "is not used: the submitter runs in the head's image");
        }
        boolean suspend = r.bool(spec.get("suspend"), "spec.suspend", false);
        String selected = clusterSelector(spec.get("clusterSelector"));
        boolean selects = spec.get("clusterSelector") instanceof Map<?, ?> m && !m.isEmpty();
        RayCluster cluster = null;
        if (!selects && spec.get("rayClusterSpec") == null) {
            r.error("spec.rayClusterSpec", "is required unless spec.clusterSelector names a running cluster");
        } else if (selects && spec.get("rayClusterSpec") != null) {
            r.error("spec.clusterSelector", "and spec.rayClusterSpec are both set: the job runs on one cluster; keep one of them");
        } else if (!selects) {
            cluster = cluster(h, r.map(spec.get("rayClusterSpec"), "spec.rayClusterSpec"));
        }
        if (suspend && selected != null) {
            r.error("spec.suspend", "cannot suspend a job on a cluster it does not own (spec.clusterSelector)");
        } else if (suspend && !shutdown) {
            r.error("spec.suspend", "needs spec.shutdownAfterJobFinishes: true (suspending deletes the job's cluster)");
        }
        if (RayJob.INTERACTIVE_MODE.equals(mode) && backoff > 0) {
            r.error("spec.backoffLimit", "cannot retry a job in InteractiveMode: the user submits it, not SwarmRay");
        }
        if (!r.errors.isEmpty()) {
            return null;
        }
        return new RayJob(h.name(), r.file(), h.labels(), h.annotations(), entrypoint, runtimeEnv, jobId, metadata, cluster, selected, mode,
                cpus, gpus, resources, shutdown, ttl, deadline, backoff, submitterBackoff, suspend);
    }

    /** The derived cluster, checked under the longest name it gets: its Swarm names must fit DNS labels. */
    private RayCluster cluster(ObjectHeader h, Map<String, Object> spec) {
        if (spec == null || h.name() == null) {
            return null;
        }
        String longest = h.name() + RayJob.CLUSTER_INFIX + "x".repeat(RayJob.SUFFIX_LENGTH);
        if (longest.length() + "-head".length() > Names.MAX_DNS_LABEL) {
            r.error("metadata.name", "'" + h.name() + "' is too long for a RayJob: its clusters are named '" + longest
                    + "' and their Swarm services must fit " + Names.MAX_DNS_LABEL + " characters");
            return null;
        }
        RayCluster cluster = new ClusterReader(r, policy).readSpec(longest, h.labels(), h.annotations(), spec, "spec.rayClusterSpec");
        if (cluster != null && cluster.autoscaled()) {
            r.error("spec.rayClusterSpec.enableInTreeAutoscaling", "autoscaling a RayJob's cluster is not supported yet; "
                    + "set the worker groups' replicas, or run the job on an autoscaled RayCluster through spec.clusterSelector");
            return null;
        }
        return cluster;
    }

    private String submissionMode(Object v) {
        String mode = r.string(v, "spec.submissionMode");
        if (mode == null) {
            return RayJob.K8S_JOB_MODE;
        }
        if (List.of(RayJob.K8S_JOB_MODE, RayJob.HTTP_MODE, RayJob.INTERACTIVE_MODE).contains(mode)) {
            return mode;
        }
        r.error("spec.submissionMode", "'" + FieldReader.abbreviate(mode) + "' is not K8sJobMode, HTTPMode or InteractiveMode");
        return RayJob.K8S_JOB_MODE;
    }

    private String clusterSelector(Object v) {
        Map<String, String> selector = Maps.stringMap(r, v, "spec.clusterSelector", k -> null);
        if (selector == null || selector.isEmpty()) {
            return null;
        }
        String name = selector.get(RayJob.CLUSTER_SELECTOR_KEY);
        if (name == null) {
            r.error("spec.clusterSelector", "must name the cluster under key " + RayJob.CLUSTER_SELECTOR_KEY);
            return null;
        }
        String problem = Names.dnsLabelProblem(name);
        if (problem != null) {
            r.error("spec.clusterSelector." + RayJob.CLUSTER_SELECTOR_KEY, problem);
            return null;
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> runtimeEnv(Object v) {
        String yaml = r.string(v, "spec.runtimeEnvYAML");
        if (yaml == null || yaml.isBlank()) {
            return null;
        }
        Object doc;
        try {
            doc = SpecParser.safeYaml(maxBytes).load(yaml);
        } catch (YAMLException e) {
            r.error("spec.runtimeEnvYAML", "is not valid YAML: " + FieldReader.abbreviate(e.getMessage()));
            return null;
        }
        if (!(doc instanceof Map<?, ?> m) || !m.keySet().stream().allMatch(k -> k instanceof String)) {
            r.error("spec.runtimeEnvYAML", "is " + FieldReader.typeName(doc) + ", not a runtime environment (a mapping such as env_vars:)");
            return null;
        }
        return (Map<String, Object>) m;
    }

    /** KubeRay's float32 fields: a non-negative number. */
    private Double number(Object v, String path) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
            r.error(path, "must be a number, got " + FieldReader.typeName(v) + " (" + FieldReader.abbreviate(v) + ")");
            return null;
        }
        if (n.doubleValue() < 0) {
            r.error(path, n + " must be at least 0");
            return null;
        }
        return n.doubleValue();
    }

    /** {@code entrypointResources}: a JSON object of numbers, written as a string ([K] rayjob_types.go). */
    private Map<String, Double> resources(Object v) {
        String text = r.string(v, "spec.entrypointResources");
        if (text == null || text.isBlank()) {
            return null;
        }
        Map<?, ?> parsed;
        try {
            parsed = JSON.readValue(text, Map.class);
        } catch (JsonProcessingException e) {
            r.error("spec.entrypointResources", "is not a JSON object: " + FieldReader.abbreviate(e.getOriginalMessage()));
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        parsed.forEach((k, n) -> {
            Double d = number(n, "spec.entrypointResources." + k);
            if (d != null) {
                out.put(String.valueOf(k), d);
            }
        });
        return out;
    }
}

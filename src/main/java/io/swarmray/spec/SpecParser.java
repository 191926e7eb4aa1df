package io.swarmray.spec;

import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayCluster.NodeType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Spec file bytes in, {@link SpecFile} out: YAML documents of {@code kind: RayCluster} become
 * validated {@link RayCluster}s; other kinds are skipped with a warning (users paste KubeRay samples
 * that carry a Redis Deployment beside the cluster). Pure: no I/O, no clock.
 */
public final class SpecParser {
    public static final String API_VERSION = "ray.io/v1";
    public static final String KIND = "RayCluster";
    private static final int MAX_DOCUMENTS = 100;
    /**
     * Worker groups per cluster. Each group is one Swarm service and one Ray node type; past a few
     * dozen, a spec is a mistake or an attack on the manager's raft store, not a cluster.
     */
    static final int MAX_WORKER_GROUPS = 64;

    private final int maxBytes;
    private final Policy policy;

    public SpecParser(int maxBytes) {
        this(maxBytes, Policy.DEFAULT);
    }

    public SpecParser(int maxBytes, Policy policy) {
        this.maxBytes = maxBytes;
        this.policy = policy;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** The verdict on a file over the size limit, without reading it. */
    public SpecFile tooLarge(String file, long size) {
        return new SpecFile(file, List.of(), List.of(new SpecIssue(file, -1, "", "file is " + size
                + " bytes; the limit is " + maxBytes + " (swarmray.max-spec-bytes)")), List.of());
    }

    public SpecFile parse(String file, byte[] content) {
        List<SpecIssue> errors = new ArrayList<>();
        List<SpecIssue> warnings = new ArrayList<>();
        List<SpecFile.Declared> clusters = new ArrayList<>();
        if (content.length > maxBytes) {
            return tooLarge(file, content.length);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            errors.add(new SpecIssue(file, -1, "", "is not UTF-8 text"));
            return new SpecFile(file, clusters, errors, warnings);
        }
        List<Object> documents = new ArrayList<>();
        try {
            for (Object doc : yaml().loadAll(text)) {
                if (documents.size() == MAX_DOCUMENTS) {
                    errors.add(new SpecIssue(file, MAX_DOCUMENTS, "", "more than " + MAX_DOCUMENTS + " documents"));
                    return new SpecFile(file, clusters, errors, warnings);
                }
                documents.add(doc);
            }
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() == null
                    ? ""
                    : " at line " + (e.getProblemMark().getLine() + 1)
                            + ", column " + (e.getProblemMark().getColumn() + 1);
            errors.add(new SpecIssue(file, documents.size(), "", "invalid YAML" + where + ": " + e.getProblem()));
        } catch (YAMLException | StackOverflowError e) {
            errors.add(new SpecIssue(file, documents.size(), "", "invalid YAML: " + e.getMessage()));
        }
        if (!errors.isEmpty()) {
            return new SpecFile(file, clusters, errors, warnings);
        }
        if (documents.stream().allMatch(d -> d == null)) {
            errors.add(new SpecIssue(file, -1, "", "the file is empty: it declares no RayCluster"));
            return new SpecFile(file, clusters, errors, warnings);
        }
        for (int i = 0; i < documents.size(); i++) {
            Object doc = documents.get(i);
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map<?, ?> m)) {
                warnings.add(new SpecIssue(file, i, "", "is " + FieldReader.typeName(doc) + ", not a Kubernetes object; skipped"));
                continue;
            }
            Object kind = m.get("kind");
            if (!KIND.equals(kind)) {
                warnings.add(new SpecIssue(file, i, "kind", "is " + (kind == null ? "missing" : "'" + FieldReader.abbreviate(kind) + "'")
                        + ", not RayCluster; skipped"));
                continue;
            }
            clusters.add(new ClusterReader(file, i, policy).read(m));
        }
        if (clusters.isEmpty()) {
            // Silence would hide a typo in `kind`; an error also keeps whatever the file declared before running.
            errors.add(new SpecIssue(file, -1, "", "declares no RayCluster (no document has kind: RayCluster)"));
        }
        return new SpecFile(file, clusters, errors, warnings);
    }

    private Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(40);
        options.setCodePointLimit(maxBytes);
        options.setAllowRecursiveKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    /** Reads one RayCluster document. */
    private static final class ClusterReader {
        private static final Set<String> UNSUPPORTED_SPEC = Set.of("enableInTreeAutoscaling", "autoscalerOptions",
                "headServiceAnnotations", "managedBy", "authOptions");
        private final String file;
        private final int document;
        private final FieldReader r;
        private final Policy policy;

        ClusterReader(String file, int document, Policy policy) {
            this.file = file;
            this.document = document;
            this.r = new FieldReader(file, document);
            this.policy = policy;
        }

        SpecFile.Declared read(Map<?, ?> raw) {
            Map<String, Object> doc = r.map(raw, "");
            String name = null;
            RayCluster cluster = null;
            if (doc != null) {
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
                if (meta != null) {
                    name = r.string(meta.get("name"), "metadata.name");
                    String problem = Names.dnsLabelProblem(name);
                    if (problem != null) {
                        r.error("metadata.name", problem);
                    }
                    r.ignoreOthers(meta, "metadata", List.of("name", "labels", "annotations"),
                            "has no meaning on Docker Swarm; ignored");
                }
                if (doc.get("spec") == null) {
                    r.error("spec", "is required");
                }
                cluster = readCluster(name, meta, spec);
            }
            boolean ok = r.errors.isEmpty();
            return new SpecFile.Declared(document, name, ok ? cluster : null, List.copyOf(r.errors), List.copyOf(r.warnings));
        }

        private RayCluster readCluster(String name, Map<String, Object> meta, Map<String, Object> spec) {
            var labels = meta == null ? null : Maps.stringMap(r, meta.get("labels"), "metadata.labels", Maps::labelKeyProblem);
            var annotations = meta == null
                    ? null
                    : Maps.stringMap(r, meta.get("annotations"), "metadata.annotations", Maps::labelKeyProblem);
            if (spec == null) {
                return null;
            }
            String rayVersion = r.string(spec.get("rayVersion"), "spec.rayVersion");
            boolean suspend = r.bool(spec.get("suspend"), "spec.suspend", false);
            for (String k : UNSUPPORTED_SPEC) {
                if (spec.containsKey(k)) {
                    r.warn("spec." + k, "is not supported by SwarmRay yet; ignored");
                }
            }
            r.ignoreOthers(spec, "spec", union(UNSUPPORTED_SPEC, Set.of("rayVersion", "suspend", "headGroupSpec", "workerGroupSpecs",
                    "gcsFaultToleranceOptions", "upgradeStrategy")),
                    "unknown field; ignored");
            GroupReader groups = new GroupReader(r, name, rayVersion, policy);
            GroupSpec head = null;
            if (spec.get("headGroupSpec") == null) {
                r.error("spec.headGroupSpec", "is required");
            } else {
                head = groups.read(r.map(spec.get("headGroupSpec"), "spec.headGroupSpec"), "spec.headGroupSpec", NodeType.HEAD);
            }
            List<GroupSpec> workers = new ArrayList<>();
            List<Object> list = r.list(spec.get("workerGroupSpecs"), "spec.workerGroupSpecs");
            if (list != null && list.size() > MAX_WORKER_GROUPS) {
                r.error("spec.workerGroupSpecs", "has " + list.size() + " groups; the limit is " + MAX_WORKER_GROUPS
                        + " (each group is a Swarm service)");
                list = null;
            }
            if (list != null) {
                for (int i = 0; i < list.size(); i++) {
                    String path = "spec.workerGroupSpecs[" + i + "]";
                    GroupSpec g = groups.read(r.map(list.get(i), path), path, NodeType.WORKER);
                    if (g != null) {
                        if (workers.stream().anyMatch(w -> w.groupName().equals(g.groupName()))) {
                            r.error(path + ".groupName", "'" + g.groupName() + "' is used by another worker group");
                        }
                        workers.add(g);
                    }
                }
            }
            var ft = spec.get("gcsFaultToleranceOptions") == null
                    ? null
                    : ClusterOptions.faultTolerance(r, r.map(spec.get("gcsFaultToleranceOptions"), "spec.gcsFaultToleranceOptions"));
            List<String> networks = annotations == null ? List.of() : ClusterOptions.extraNetworks(r, annotations);
            String upgrade = ClusterOptions.upgradeStrategy(r, spec.get("upgradeStrategy"));
            if (head != null && r.errors.isEmpty()) {
                PolicyCheck.ceilings(r, policy, head, workers);
            }
            if (!r.errors.isEmpty() || head == null) {
                return null;
            }
            return new RayCluster(name, file, labels, annotations, rayVersion, suspend, head, List.copyOf(workers), ft, networks, upgrade);
        }

        private static Set<String> union(Set<String> a, Set<String> b) {
            var s = new HashSet<>(a);
            s.addAll(b);
            return s;
        }
    }
}

package io.swarmray.spec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    public static final String API_VERSION = ObjectHeader.API_VERSION;
    public static final String KIND = "RayCluster";
    private static final int MAX_DOCUMENTS = 100;

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
        List<SpecFile.DeclaredService> services = new ArrayList<>();
        List<SpecFile.DeclaredJob> jobs = new ArrayList<>();
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
            if (KIND.equals(kind)) {
                clusters.add(new ClusterReader(new FieldReader(file, i), policy).read(m));
            } else if (RayService.KIND.equals(kind)) {
                services.add(new RayServiceReader(new FieldReader(file, i), policy, maxBytes).read(m));
            } else if (RayJob.KIND.equals(kind)) {
                jobs.add(new RayJobReader(new FieldReader(file, i), policy, maxBytes).read(m));
            } else {
                warnings.add(new SpecIssue(file, i, "kind", "is " + (kind == null ? "missing" : "'" + FieldReader.abbreviate(kind) + "'")
                        + ", not RayCluster, RayService or RayJob; skipped"));
            }
        }
        if (clusters.isEmpty() && services.isEmpty() && jobs.isEmpty()) {
            // Silence would hide a typo in `kind`; an error also keeps whatever the file declared before running.
            errors.add(new SpecIssue(file, -1, "",
                    "declares no RayCluster, RayService or RayJob (no document has kind: RayCluster, RayService or RayJob)"));
        }
        return new SpecFile(file, clusters, services, jobs, errors, warnings);
    }

    private Yaml yaml() {
        return safeYaml(maxBytes);
    }

    /** SnakeYAML limited as every spec text is read: no duplicate or recursive keys, few aliases, bounded depth and size. */
    public static Yaml safeYaml(int maxBytes) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(40);
        options.setCodePointLimit(maxBytes);
        options.setAllowRecursiveKeys(false);
        return new Yaml(new SafeConstructor(options));
    }
}

package io.swarmray.spec;

import java.util.List;
import java.util.stream.Stream;

/**
 * What one spec file says: the clusters it declares (valid or not) and the problems found.
 *
 * @param errors problems of the file as a whole (unreadable, not YAML, too large); when present,
 *               {@code clusters} may be incomplete and nothing in the file is acted on
 */
public record SpecFile(String file, List<Declared> clusters, List<DeclaredService> services, List<DeclaredJob> jobs,
        List<SpecIssue> errors, List<SpecIssue> warnings) {

    public SpecFile(String file, List<Declared> clusters, List<SpecIssue> errors, List<SpecIssue> warnings) {
        this(file, clusters, List.of(), List.of(), errors, warnings);
    }

    /**
     * One RayCluster document.
     *
     * @param name    the cluster name as written, or null when unreadable
     * @param cluster the validated cluster, or null when {@code errors} is not empty
     */
    public record Declared(int document, String name, RayCluster cluster, List<SpecIssue> errors,
            List<SpecIssue> warnings) {
    }

    /**
     * One RayService document.
     *
     * @param service the validated service, or null when {@code errors} is not empty
     */
    public record DeclaredService(int document, String name, RayService service, List<SpecIssue> errors,
            List<SpecIssue> warnings) {
    }

    /**
     * One RayJob document.
     *
     * @param job the validated job, or null when {@code errors} is not empty
     */
    public record DeclaredJob(int document, String name, RayJob job, List<SpecIssue> errors, List<SpecIssue> warnings) {
    }

    /** The file's own errors, then every document's (clusters, then services, then jobs). */
    public List<SpecIssue> allErrors() {
        return Stream.of(errors.stream(), clusters.stream().flatMap(d -> d.errors().stream()),
                services.stream().flatMap(d -> d.errors().stream()), jobs.stream().flatMap(d -> d.errors().stream()))
                .flatMap(s -> s).toList();
    }

    /** The file's own warnings, then every document's (clusters, then services, then jobs). */
    public List<SpecIssue> allWarnings() {
        return Stream.of(warnings.stream(), clusters.stream().flatMap(d -> d.warnings().stream()),
                services.stream().flatMap(d -> d.warnings().stream()), jobs.stream().flatMap(d -> d.warnings().stream()))
                .flatMap(s -> s).toList();
    }

    public boolean readable() {
        return errors.isEmpty();
    }
}

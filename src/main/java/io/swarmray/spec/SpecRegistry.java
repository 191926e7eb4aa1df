package io.swarmray.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What the spec files say, cluster by cluster, keeping the last good spec of each cluster.
 * <ul>
 * <li>A file that turns invalid (bad YAML, a bad field) keeps its clusters at their last good spec,
 * with the errors attached: only a valid file that no longer declares a cluster, or deleting the
 * file, removes a cluster.</li>
 * <li>Two files declaring one name: the file seen first keeps it; the other gets an error naming both.</li>
 * </ul>
 * Thread-safe; every change returns the names of the clusters whose view changed.
 */
public final class SpecRegistry {

    /** A cluster as the spec files declare it. {@code spec} is null when it was never valid. */
    public record ClusterSpec(String name, String file, RayCluster spec, List<SpecIssue> errors, List<SpecIssue> warnings) {
    }

    /** A RayService as the spec files declare it. {@code spec} is null when it was never valid. */
    public record ServiceSpec(String name, String file, RayService spec, List<SpecIssue> errors, List<SpecIssue> warnings) {
    }

    /** A RayJob as the spec files declare it. {@code spec} is null when it was never valid. */
    public record JobSpec(String name, String file, RayJob spec, List<SpecIssue> errors, List<SpecIssue> warnings) {
    }

    /** The work-queue key of a RayService: not a DNS label, so it never collides with a cluster's name. */
    public static String serviceKey(String name) {
        return SERVICE_KEY_PREFIX + name;
    }

    /** The work-queue key of a RayJob. */
    public static String jobKey(String name) {
        return JOB_KEY_PREFIX + name;
    }

    public static final String SERVICE_KEY_PREFIX = "rayservice/";
    public static final String JOB_KEY_PREFIX = "rayjob/";

    /** One spec file's state, as served to users (a file that yields no cluster has no other place for its errors). */
    public record FileState(String file, List<String> clusters, List<SpecIssue> errors, List<SpecIssue> warnings) {
    }

    private record Tracked(SpecFile parsed, long seenOrder, Set<String> claimed, Set<String> claimedServices, Set<String> claimedJobs) {
    }

    private final Map<String, Tracked> files = new HashMap<>();
    private Map<String, ClusterSpec> clusters = Map.of();
    private Map<String, FileState> fileStates = Map.of();
    private Map<String, ServiceSpec> services = Map.of();
    private Map<String, JobSpec> jobs = Map.of();
    /**
     * The clusters each RayService or RayJob wants, by the owner's work-queue key; a null spec keeps a cluster as it
     * runs (its spec is not known).
     */
    private final Map<String, Map<String, RayCluster>> derived = new HashMap<>();
    private long order;
    private boolean allFilesRead;

    /** A new reading of a file (new or changed). */
    public synchronized Set<String> update(SpecFile parsed) {
        Tracked old = files.get(parsed.file());
        files.put(parsed.file(), old == null
                ? new Tracked(parsed, order++, Set.of(), Set.of(), Set.of())
                : new Tracked(parsed, old.seenOrder(), old.claimed(), old.claimedServices(), old.claimedJobs()));
        return recompute();
    }

    /** The file is gone: its clusters are to be torn down (unless another file declares them). */
    public synchronized Set<String> remove(String file) {
        if (files.remove(file) == null) {
            return Set.of();
        }
        return recompute();
    }

    /** Every file of the specs directory has been read once ({@link SpecDirectory}'s first scan that left none unsettled). */
    public synchronized void markAllFilesRead() {
        allFilesRead = true;
    }

    public synchronized boolean allFilesRead() {
        return allFilesRead;
    }

    /** {@code find} applied to this registry, and whether every file had been read then, in one step. */
    public synchronized <T> Lookup<T> lookup(Function<SpecRegistry, T> find) {
        return new Lookup<>(find.apply(this), allFilesRead);
    }

    /** A cluster a file declares, else one a RayService or RayJob owns; null when neither. */
    public synchronized ClusterSpec cluster(String name) {
        ClusterSpec declared = clusters.get(name);
        if (declared != null) {
            return declared;
        }
        for (var e : derived.entrySet()) {
            if (e.getValue().containsKey(name)) {
                return new ClusterSpec(name, ownerFile(e.getKey()), e.getValue().get(name), List.of(), List.of());
            }
        }
        return null;
    }

    public synchronized List<ClusterSpec> clusters() {
        List<ClusterSpec> all = new ArrayList<>(clusters.values());
        derived.values().forEach(m -> m.keySet().forEach(n -> all.add(cluster(n))));
        return all;
    }

    public synchronized ServiceSpec service(String name) {
        return services.get(name);
    }

    public synchronized List<ServiceSpec> services() {
        return List.copyOf(services.values());
    }

    public synchronized JobSpec job(String name) {
        return jobs.get(name);
    }

    public synchronized List<JobSpec> jobs() {
        return List.copyOf(jobs.values());
    }

    /**
     * The clusters the RayService or RayJob with work-queue key {@code owner} wants now (its reconcile decides);
     * returns the clusters whose view changed. A cluster it no longer lists is torn down.
     */
    public synchronized Set<String> publishDerived(String owner, Map<String, RayCluster> wanted) {
        Map<String, RayCluster> before = derived.getOrDefault(owner, Map.of());
        Set<String> changed = new HashSet<>();
        addChanged(before, wanted, Function.identity(), changed);
        derived.put(owner, new LinkedHashMap<>(wanted));
        return changed;
    }

    /**
     * True when the owner with work-queue key {@code owner} is declared but has not published its clusters since
     * this process started.
     */
    public synchronized boolean undecided(String owner) {
        return ownerFile(owner) != null && !derived.containsKey(owner);
    }

    /** Forgets an owner's clusters once it and they are gone. */
    public synchronized void forgetDerived(String owner) {
        derived.remove(owner);
    }

    public synchronized List<FileState> files() {
        return fileStates.values().stream().sorted((a, b) -> a.file().compareTo(b.file())).toList();
    }

    /** The state of one file, by its display name; null when it is not known. */
    public synchronized FileState file(String name) {
        return fileStates.get(name);
    }

    public synchronized Set<String> fileNames() {
        return Set.copyOf(files.keySet());
    }

    private Set<String> recompute() {
        Map<String, ClusterSpec> next = new LinkedHashMap<>();
        Map<String, FileState> nextFiles = new LinkedHashMap<>();
        Map<String, ServiceSpec> nextServices = new LinkedHashMap<>();
        Map<String, JobSpec> nextJobs = new LinkedHashMap<>();
        List<Map.Entry<String, Tracked>> ordered = new ArrayList<>(files.entrySet());
        ordered.sort((a, b) -> Long.compare(a.getValue().seenOrder(), b.getValue().seenOrder()));
        for (var e : ordered) {
            String file = e.getKey();
            SpecFile parsed = e.getValue().parsed();
            List<SpecIssue> fileErrors = new ArrayList<>(parsed.allErrors());
            List<SpecIssue> fileWarnings = new ArrayList<>(parsed.allWarnings());
            Map<String, SpecFile.Declared> byName = new LinkedHashMap<>();
            List<SpecIssue> unattributed = new ArrayList<>(parsed.errors());
            boolean anyInvalid = !parsed.readable();
            for (SpecFile.Declared d : parsed.clusters()) {
                anyInvalid |= d.cluster() == null;
                if (d.name() == null || Names.dnsLabelProblem(d.name()) != null) {
                    unattributed.addAll(d.errors());
                } else if (byName.containsKey(d.name())) {
                    // Which of the two was meant is a guess: neither is applied (a running cluster keeps its last good spec).
                    SpecFile.Declared first = byName.get(d.name());
                    SpecIssue dup = new SpecIssue(file, d.document(), "metadata.name", "cluster '" + d.name()
                            + "' is declared twice in this file (documents " + first.document() + " and " + d.document()
                            + "); neither is applied until one is removed");
                    fileErrors.add(dup);
                    List<SpecIssue> errors = new ArrayList<>(first.errors());
                    errors.add(dup);
                    byName.put(d.name(),
                            new SpecFile.Declared(first.document(), first.name(), null, List.copyOf(errors), first.warnings()));
                    anyInvalid = true;
                } else {
                    byName.put(d.name(), d);
                }
            }
            // An invalid file keeps every cluster it declared before: it must never tear one down.
            Set<String> claimed = new LinkedHashSet<>(byName.keySet());
            if (anyInvalid) {
                claimed.addAll(e.getValue().claimed());
            }
            Set<String> owned = new LinkedHashSet<>();
            for (String name : claimed) {
                ClusterSpec holder = next.get(name);
                if (holder != null) {
                    SpecFile.Declared d = byName.get(name);
                    fileErrors.add(new SpecIssue(file, d == null ? -1 : d.document(), "metadata.name",
                            "cluster '" + name + "' is already declared in " + holder.file() + "; this declaration is ignored"));
                    continue;
                }
                owned.add(name);
                SpecFile.Declared d = byName.get(name);
                List<SpecIssue> errors = new ArrayList<>(unattributed);
                List<SpecIssue> warnings = new ArrayList<>();
                RayCluster spec = previousSpec(name);
                if (d != null) {
                    errors.addAll(d.errors());
                    warnings.addAll(d.warnings());
                    if (d.cluster() != null) {
                        spec = d.cluster();
                    }
                }
                next.put(name, new ClusterSpec(name, file, spec, List.copyOf(errors), List.copyOf(warnings)));
            }
            anyInvalid |= parsed.services().stream().anyMatch(d -> d.service() == null)
                    || parsed.jobs().stream().anyMatch(d -> d.job() == null);
            Set<String> claimedServices = OwnerClaims.claim(file, RayService.KIND,
                    parsed.services().stream()
                            .map(d -> new OwnerClaims.Doc<>(d.document(), d.name(), d.service(), d.errors(), d.warnings()))
                            .toList(),
                    anyInvalid ? e.getValue().claimedServices() : Set.of(), services, nextServices, ServiceSpec::file, ServiceSpec::spec,
                    ServiceSpec::new, fileErrors);
            Set<String> claimedJobs = OwnerClaims.claim(file, RayJob.KIND,
                    parsed.jobs().stream().map(d -> new OwnerClaims.Doc<>(d.document(), d.name(), d.job(), d.errors(), d.warnings()))
                            .toList(),
                    anyInvalid ? e.getValue().claimedJobs() : Set.of(), jobs, nextJobs, JobSpec::file, JobSpec::spec, JobSpec::new,
                    fileErrors);
            files.put(file, new Tracked(parsed, e.getValue().seenOrder(), Set.copyOf(claimed), claimedServices, claimedJobs));
            nextFiles.put(file, new FileState(file, List.copyOf(owned), List.copyOf(fileErrors), List.copyOf(fileWarnings)));
        }
        Set<String> changed = new HashSet<>();
        addChanged(clusters, next, Function.identity(), changed);
        addChanged(services, nextServices, SpecRegistry::serviceKey, changed);
        addChanged(jobs, nextJobs, SpecRegistry::jobKey, changed);
        clusters = next;
        services = nextServices;
        jobs = nextJobs;
        fileStates = nextFiles;
        return changed;
    }

    /** The file that declares the owner with work-queue key {@code key}; null when none does. */
    private String ownerFile(String key) {
        if (key.startsWith(SERVICE_KEY_PREFIX)) {
            ServiceSpec s = services.get(key.substring(SERVICE_KEY_PREFIX.length()));
            return s == null ? null : s.file();
        }
        if (key.startsWith(JOB_KEY_PREFIX)) {
            JobSpec j = jobs.get(key.substring(JOB_KEY_PREFIX.length()));
            return j == null ? null : j.file();
        }
        return null;
    }

    private RayCluster previousSpec(String name) {
        ClusterSpec c = clusters.get(name);
        return c == null ? null : c.spec();
    }

    /** Adds the work-queue key of every name whose entry differs between {@code before} and {@code after} (a null one too). */
    private static <V> void addChanged(Map<String, V> before, Map<String, V> after, Function<String, String> key, Set<String> into) {
        for (String name : union(before.keySet(), after.keySet())) {
            if (!Objects.equals(before.get(name), after.get(name)) || before.containsKey(name) != after.containsKey(name)) {
                into.add(key.apply(name));
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }
}

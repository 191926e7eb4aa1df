package io.swarmray.spec;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How one file claims the RayServices or RayJobs it declares, the same rules for both kinds: the file seen first
 * keeps a name, and an invalid file keeps what it declared before at the last good spec (it must never tear
 * anything down).
 */
final class OwnerClaims {

    /** One document of the kind, as read. {@code value} is null when it has errors. */
    record Doc<T>(int document, String name, T value, List<SpecIssue> errors, List<SpecIssue> warnings) {
    }

    /** Makes the registry's entry (ServiceSpec, JobSpec). */
    interface Entry<T, S> {
        S make(String name, String file, T spec, List<SpecIssue> errors, List<SpecIssue> warnings);
    }

    private OwnerClaims() {
    }

    /**
     * Adds the file's claims to {@code next} and returns the names it holds.
     *
     * @param keptBefore what the file claimed before, when it is invalid now (else empty)
     * @param before     the entries before this reading, for last good specs
     */
    static <T, S> Set<String> claim(String file, String kind, List<Doc<T>> docs, Set<String> keptBefore, Map<String, S> before,
            Map<String, S> next, Function<S, String> fileOf, Function<S, T> specOf, Entry<T, S> entry, List<SpecIssue> fileErrors) {
        Set<String> claimed = new LinkedHashSet<>();
        for (Doc<T> d : docs) {
            if (d.name() == null || Names.dnsLabelProblem(d.name()) != null) {
                continue;
            }
            if (next.containsKey(d.name())) {
                fileErrors.add(new SpecIssue(file, d.document(), "metadata.name", kind + " '" + d.name() + "' is already declared in "
                        + fileOf.apply(next.get(d.name())) + "; this declaration is ignored"));
                continue;
            }
            claimed.add(d.name());
            S old = before.get(d.name());
            T spec = d.value() != null ? d.value() : old == null ? null : specOf.apply(old);
            next.put(d.name(), entry.make(d.name(), file, spec, d.errors(), d.warnings()));
        }
        for (String name : keptBefore) {
            S old = before.get(name);
            if (!claimed.contains(name) && old != null && !next.containsKey(name)) {
                claimed.add(name);
                next.put(name, entry.make(name, file, specOf.apply(old), List.copyOf(fileErrors), List.of()));
            }
        }
        return Set.copyOf(claimed);
    }
}

package io.swarmray.reconcile;

import io.swarmray.swarm.ObservedService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which clusters are steady, and when a steady one's head is asked again. A cluster is steady after a full pass
 * found it where its spec wants it, as long as nothing was heard about it since (a spec change, a Swarm event,
 * a task change, a poke). The periodic resync then only asks a steady cluster's head for its node table, and
 * less and less often ({@code base} doubling up to {@code max}): Swarm's events and the one task listing for all
 * clusters report every change Swarm sees, so the probe is there for what only Ray sees (a raylet that died in a
 * running container). Anything heard about a cluster makes its next pass a full one and resets its pace.
 */
final class Steadiness {
    /**
     * @param settledAt   the mark of the pass that settled
     * @param headService the head's Swarm service id then
     * @param alive       the node ids ALIVE in the head's table then
     */
    private record Entry(long settledAt, Instant probeDue, Duration interval, String fingerprint, String headService,
            Set<String> alive) {
    }

    /** What a steady cluster was last seen as: its head service, and who was ALIVE in its table. */
    record Settled(String headService, Set<String> alive) {
    }

    private final Duration base;
    private final Duration max;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Long> heard = new ConcurrentHashMap<>();

    Steadiness(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    /** Something about {@code cluster} changed: its next pass is a full one. */
    void heard(String cluster) {
        heard.merge(cluster, 1L, Long::sum);
    }

    /** What has been heard about the cluster so far; a pass takes it before it looks at anything. */
    long mark(String cluster) {
        return heard.getOrDefault(cluster, 0L);
    }

    /**
     * A full pass that began at {@code mark} found the cluster where its spec wants it; Swarm's services of it
     * then had {@code fingerprint}. Anything heard since the mark keeps it unsteady.
     */
    void settled(String cluster, long mark, String fingerprint, Settled seen, Instant now) {
        entries.put(cluster, new Entry(mark, now.plus(base), base, fingerprint, seen.headService(), Set.copyOf(seen.alive())));
    }

    /** How a steady cluster was when it settled, or null when it is not steady. */
    Settled seen(String cluster) {
        Entry e = entries.get(cluster);
        return e == null || e.settledAt() != mark(cluster) ? null : new Settled(e.headService(), e.alive());
    }

    /** Swarm's services of a cluster, as far as a resync can tell them apart: which, at which version. */
    static String fingerprint(List<ObservedService> services) {
        return services.stream().map(s -> s.id() + "@" + s.version() + ":" + s.updateState()).sorted()
                .collect(Collectors.joining(","));
    }

    /** A pass that did not settle: the cluster is not steady. */
    void unsettled(String cluster) {
        entries.remove(cluster);
    }

    /** Gone: nothing is kept. */
    void forget(String cluster) {
        entries.remove(cluster);
        heard.remove(cluster);
    }

    /**
     * Whether the resync should look at {@code cluster}: always unless steady; a steady one when its probe is due,
     * or when Swarm's services of it no longer match the fingerprint they had when it settled (an event missed).
     */
    boolean due(String cluster, String fingerprint, Instant now) {
        Entry e = entries.get(cluster);
        if (e == null || e.settledAt() != mark(cluster)) {
            return true;
        }
        if (!e.fingerprint().equals(fingerprint)) {
            heard(cluster);
            return true;
        }
        return !now.isBefore(e.probeDue());
    }

    /** The head's table said what it said before: ask again after twice the wait, up to the maximum. */
    void probedUnchanged(String cluster, Instant now) {
        entries.computeIfPresent(cluster, (k, e) -> {
            Duration next = e.interval().multipliedBy(2).compareTo(max) > 0 ? max : e.interval().multipliedBy(2);
            return new Entry(e.settledAt(), now.plus(next), next, e.fingerprint(), e.headService(), e.alive());
        });
    }

    /** The wait before the next probe of a steady cluster, or null when it is not steady (tests read the back-off). */
    Duration probeInterval(String cluster) {
        Entry e = entries.get(cluster);
        return e == null ? null : e.interval();
    }
}

package io.swarmray.reconcile;

import io.swarmray.swarm.ObservedTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Which worker tasks registered with a head task that is gone. Without GCS fault tolerance a new head
 * does not know them, and Ray would let them linger until their 60 s reconnect timeout. A worker counts
 * only if an earlier head task really ran while it existed: a head whose first task never started (Swarm's
 * "starting container failed: Address already in use" on a fresh attachable overlay) had no workers to lose.
 */
final class HeadReplacement {
    /** How much older than the head a worker task must be to count as registered with a previous head. */
    static final Duration MARGIN = Duration.ofSeconds(2);

    private HeadReplacement() {
    }

    /**
     * @param head      the head service's current task
     * @param headTasks every task of the head service Swarm still lists (its task history)
     */
    static boolean registeredWithEarlierHead(ObservedTask worker, ObservedTask head, List<ObservedTask> headTasks) {
        if (worker.createdAt() == null || head.createdAt() == null) {
            return false;
        }
        Instant workerBorn = Instant.parse(worker.createdAt());
        Instant headBorn = Instant.parse(head.createdAt());
        if (!workerBorn.isBefore(headBorn.minus(MARGIN))) {
            return false;
        }
        List<ObservedTask> earlier = headTasks.stream().filter(t -> !t.id().equals(head.id()) && t.createdAt() != null
                && Instant.parse(t.createdAt()).isBefore(headBorn)).toList();
        if (earlier.isEmpty()) {
            return true; // Swarm pruned the head's task history: assume the worker knew the previous head
        }
        return earlier.stream().anyMatch(h -> !h.neverRan() && (!h.ended() || h.timestamp() == null
                || Instant.parse(h.timestamp()).isAfter(workerBorn)));
    }
}

package io.swarmray.reconcile;

import io.swarmray.render.DesiredCluster;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.SpecRegistry.ClusterSpec;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Which worker tasks registered with a head task that is gone. Without GCS fault tolerance a new head
 * does not know them, and Ray would let them linger until their 60 s reconnect timeout. A worker counts
 * only if an earlier head task really ran while it existed: a head whose first task never started (Swarm's
 * "starting container failed: Address already in use" on a fresh attachable overlay) had no workers to lose.
 */
final class HeadReplacement {
    /** The reconciler's log category: users and tests read "cluster X: ..." there. */
    private static final Logger LOG = Logger.getLogger(ClusterReconciler.class);
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

    /**
     * Once a new head runs, restart (Swarm's force update) every group that still has workers registered
     * with an earlier head, so they register with the new one at once.
     *
     * @param restartedForHead the head task each worker service was last restarted for (kept by the reconciler)
     */
    static String restartStaleWorkers(SwarmClient swarm, Map<String, String> restartedForHead, ObservedTask head, ClusterSpec spec,
            DesiredCluster desired, List<ObservedService> services, List<ObservedTask> tasks) {
        if (head == null || !head.running() || head.createdAt() == null || spec.spec().gcsFaultTolerance() != null) {
            return null; // with GCS fault tolerance the workers reconnect to the new head by themselves
        }
        List<ObservedTask> headTasks = tasks.stream().filter(t -> t.serviceId().equals(head.serviceId())).toList();
        List<String> restarted = new ArrayList<>();
        for (DesiredService want : desired.services()) {
            if (!RayCluster.NodeType.WORKER.label().equals(want.labels().get(Labels.NODE_TYPE))) {
                continue;
            }
            String svcName = want.name();
            ObservedService svc = services.stream().filter(s -> s.name().equals(svcName)).findFirst().orElse(null);
            if (svc == null || head.id().equals(restartedForHead.get(svcName)) || "updating".equals(svc.updateState())) {
                continue;
            }
            boolean stale = tasks.stream().anyMatch(t -> t.serviceId().equals(svc.id()) && t.wanted()
                    && registeredWithEarlierHead(t, head, headTasks));
            if (stale) {
                swarm.updateService(svc, want, svc.forceUpdate() + 1);
                restartedForHead.put(svcName, head.id());
                restarted.add(svcName);
            }
        }
        if (restarted.isEmpty()) {
            return null;
        }
        LOG.infof("cluster %s: the head task was replaced at %s; restarting %s so the workers register with the new head",
                spec.name(), head.createdAt(), String.join(", ", restarted));
        return "restarted " + String.join(", ", restarted);
    }
}

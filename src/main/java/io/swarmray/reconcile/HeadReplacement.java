package io.swarmray.reconcile;

import io.swarmray.render.DesiredCluster;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.SpecRegistry.ClusterSpec;
import io.swarmray.status.RayNode;
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
     * How long after a new head task runs its predecessor's workers get to exit by themselves. A Ray raylet
     * checks with the GCS every 5 s ({@code raylet_liveness_self_check_interval_ms}, ray_config_def.h:881) and exits
     * when the GCS does not know it or belongs to another cluster; Swarm then restarts its task. 8 s (the check and
     * the new GCS listening) was too short for ten workers on a busy 2-core node (bench/head-failover.sh): some were
     * restarted by the operator after Swarm had replaced others, a second restart for those. A worker that cannot
     * reach the new head at all would wait for Ray's 60 s reconnect timeout; 20 s is a third of it.
     */
    static final Duration SELF_EXIT_GRACE = Duration.ofSeconds(20);
    /** When to read the new head's table again, past the grace, after it did not answer. */
    static final Duration UNREAD_TABLE_RETRY = Duration.ofSeconds(2);

    /** Whether the head's table lists a worker ALIVE at one of the task's addresses. */
    static boolean joined(ObservedTask worker, List<RayNode> nodes) {
        return nodes != null && nodes.stream().anyMatch(n -> n.alive() && !n.head() && worker.addresses().contains(n.nodeIp()));
    }

    /**
     * What a pass did about workers of an earlier head.
     *
     * @param summary   the groups restarted, or null
     * @param lookAgain when to look again because workers are still within their grace, or null
     */
    record Outcome(String summary, Duration lookAgain) {
        static final Outcome NOTHING = new Outcome(null, null);
    }

    /**
     * Workers registered with an earlier head leave by themselves as Ray's do (see {@link #SELF_EXIT_GRACE}), and
     * start again in their container (or Swarm starts their replacements): the operator restarts nothing then, so
     * no worker is restarted twice. A task the new head's table lists ALIVE at one of its addresses has joined it,
     * however old the task is. Only a group that still has a task that did not once the grace is over is restarted,
     * every task at once and every such group in the same pass (not at the group's rollout pace), and only once per
     * head task. A head whose table did not answer in this pass says nothing about its workers (on a busy node a
     * read times out at times, most often while the workers are back already): the decision waits for a pass that
     * reads it. A group seen back whole in the table is done with for that head, so a later read that misses a worker
     * for a moment restarts nothing either.
     *
     * @param doneForHead the head task each worker service was last restarted for, or seen back whole in the table of
     *                    (kept by the reconciler)
     * @param nodes       the new head's node table, or null when it did not answer
     */
    static Outcome restartStaleWorkers(SwarmClient swarm, Map<String, String> doneForHead, ObservedTask head, ClusterSpec spec,
            DesiredCluster desired, List<ObservedService> services, List<ObservedTask> tasks, List<RayNode> nodes, Instant now) {
        if (head == null || !head.running() || head.createdAt() == null || head.timestamp() == null
                || spec.spec().gcsFaultTolerance() != null) {
            return Outcome.NOTHING; // with GCS fault tolerance the workers reconnect to the new head by themselves
        }
        List<ObservedTask> headTasks = tasks.stream().filter(t -> t.serviceId().equals(head.serviceId())).toList();
        Instant graceEnds = Instant.parse(head.timestamp()).plus(SELF_EXIT_GRACE);
        List<String> restarted = new ArrayList<>();
        long notBack = 0;
        Duration lookAgain = null;
        for (DesiredService want : desired.services()) {
            if (!RayCluster.NodeType.WORKER.label().equals(want.labels().get(Labels.NODE_TYPE))) {
                continue;
            }
            String svcName = want.name();
            ObservedService svc = services.stream().filter(s -> s.name().equals(svcName)).findFirst().orElse(null);
            if (svc == null || head.id().equals(doneForHead.get(svcName)) || "updating".equals(svc.updateState())) {
                continue;
            }
            long stale = tasks.stream().filter(t -> t.serviceId().equals(svc.id()) && t.wanted() && t.running()
                    && registeredWithEarlierHead(t, head, headTasks) && !joined(t, nodes)).count();
            if (stale == 0) {
                if (nodes != null) {
                    doneForHead.put(svcName, head.id());
                }
                continue;
            }
            if (nodes == null || now.isBefore(graceEnds)) {
                lookAgain = now.isBefore(graceEnds) ? Duration.between(now, graceEnds) : UNREAD_TABLE_RETRY;
                continue;
            }
            swarm.updateService(svc, want.allAtOnce(), svc.forceUpdate() + 1);
            doneForHead.put(svcName, head.id());
            restarted.add(svcName);
            notBack += stale;
        }
        if (restarted.isEmpty()) {
            return new Outcome(null, lookAgain);
        }
        LOG.infof("cluster %s: the head task was replaced at %s; workers of %s did not leave within %d s (%d not ALIVE in the new"
                + " head's table of %d nodes); restarting them all at once", spec.name(), head.timestamp(), String.join(", ", restarted),
                SELF_EXIT_GRACE.toSeconds(), notBack, nodes.size());
        return new Outcome("restarted " + String.join(", ", restarted), lookAgain);
    }
}

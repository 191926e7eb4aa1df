package io.swarmray.reconcile;

import io.swarmray.render.RedisCleanup;
import io.swarmray.spec.Names;
import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Taking apart a cluster that no spec declares, one level-triggered step per pass: every step is decided from
 * what Swarm shows, so an operator killed half-way finishes the job after its restart.
 */
final class ClusterTeardown {
    /** The reconciler's log category: users and tests read "cluster X: removed ..." there. */
    private static final Logger LOG = Logger.getLogger(ClusterReconciler.class);

    private ClusterTeardown() {
    }

    /**
     * No spec declares the cluster any more: remove its Ray services (with GCS fault tolerance, start the Redis
     * cleanup job first, from the head service's labels), then let the job finish, then, once every task is gone,
     * remove the network.
     */
    static Duration step(SwarmClient swarm, String name, List<ObservedService> services, List<ObservedNetwork> networks) {
        ObservedService cleanup = services.stream().filter(s -> RedisCleanup.isCleanup(s.labels())).findFirst().orElse(null);
        List<ObservedService> ray = services.stream().filter(s -> s != cleanup).toList();
        if (!ray.isEmpty()) {
            ObservedService head = ray.stream().filter(s -> s.name().equals(Names.headService(name))).findFirst().orElse(null);
            if (cleanup == null && head != null && RedisCleanup.wanted(head.labels())) {
                LOG.infof("cluster %s: starting the Redis cleanup of its GCS storage namespace", name);
                swarm.createService(RedisCleanup.service(name, head.labels()));
            }
            LOG.infof("cluster %s: no spec declares it; removing %d services", name, ray.size());
            ray.forEach(swarm::removeService);
            return ClusterReconciler.SOON;
        }
        if (cleanup != null) {
            return finishCleanup(swarm, name, cleanup);
        }
        for (ObservedNetwork n : networks) {
            try {
                swarm.removeNetwork(n);
                LOG.infof("cluster %s: removed network %s", name, n.name());
            } catch (SwarmException stillInUse) {
                // tasks of the removed services are still detaching; the next pass removes it
                return ClusterReconciler.SOON;
            }
        }
        return ClusterReconciler.SOON;
    }

    /** The cleanup job ends by completing or by failing every attempt; either way the deletion goes on. */
    private static Duration finishCleanup(SwarmClient swarm, String name, ObservedService cleanup) {
        List<ObservedTask> tasks = swarm.tasks(name).stream().filter(t -> cleanup.id().equals(t.serviceId())).toList();
        boolean done = tasks.stream().anyMatch(t -> "complete".equals(t.state()));
        List<ObservedTask> failed = tasks.stream().filter(t -> List.of("failed", "rejected").contains(t.state())).toList();
        if (!done && failed.size() < RedisCleanup.ATTEMPTS) {
            return ClusterReconciler.SOON;
        }
        if (done) {
            LOG.infof("cluster %s: its GCS storage namespace was removed from Redis", name);
        } else {
            LOG.warnf("cluster %s: the Redis cleanup failed %d times (%s); its GCS storage namespace is left in Redis",
                    name, failed.size(), failed.get(failed.size() - 1).error());
        }
        swarm.removeService(cleanup);
        return ClusterReconciler.SOON;
    }

}

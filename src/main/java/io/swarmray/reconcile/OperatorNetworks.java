package io.swarmray.reconcile;

import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.SelfContainer;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** The cluster networks the operator's own container joined. */
final class OperatorNetworks {
    private static final Logger LOG = Logger.getLogger(ClusterReconciler.class);
    /** Networks this process joined; lost on restart, when joining again is harmless. */
    private final Set<String> joined = ConcurrentHashMap.newKeySet();

    /**
     * When the operator runs in a container (a Swarm service), it joins a cluster network whose head it asks over that
     * network (HeadProbe.asksOverNetwork). A failure is not fatal: the probe then reports why it cannot read.
     * It joins once the head runs, not before: joining a new attachable overlay while Swarm starts the
     * cluster's first tasks made the head's first task fail ("starting container failed: Address already
     * in use", moby#32634) in 3 of 3 runs of OperatorServiceIT.
     */
    void join(SwarmClient swarm, SelfContainer self, ObservedNetwork network) {
        String me = self.id().orElse(null);
        if (me == null || joined.contains(network.id())) {
            return;
        }
        try {
            swarm.connect(network, me);
            joined.add(network.id());
        } catch (SwarmException e) {
            LOG.debugf("cannot join %s yet: %s", network.name(), e.getMessage());
        }
    }

}

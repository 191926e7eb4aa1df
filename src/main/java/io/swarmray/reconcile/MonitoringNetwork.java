package io.swarmray.reconcile;

import io.swarmray.swarm.SwarmClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The shared network of {@code swarmray.monitoring-network}: made once when missing, then trusted (a user who removes
 * it sees the services' updates fail on it in their status, and a restart makes it again).
 */
@ApplicationScoped
public class MonitoringNetwork {
    private static final Logger LOG = Logger.getLogger(MonitoringNetwork.class);
    /** Tells people what the network is for; not an owner label, so clean-ups leave it. */
    static final Map<String, String> LABELS = Map.of("swarmray.io/role", "monitoring");

    @Inject
    SwarmClient swarm;
    private volatile String ensured;

    /** Makes {@code name} exist; nothing for null (monitoring off). */
    public void ensure(String name) {
        if (name == null || name.equals(ensured)) {
            return;
        }
        swarm.ensureSharedNetwork(name, LABELS);
        LOG.infof("monitoring network %s is in place; every Ray node joins it", name);
        ensured = name;
    }
}

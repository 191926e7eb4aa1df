package io.swarmray.reconcile;

import io.swarmray.Config;
import io.swarmray.render.ClusterRenderer;
import io.swarmray.render.DesiredCluster;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.spec.Names;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.spec.SpecRegistry.ClusterSpec;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.StatusCalculator;
import io.swarmray.status.StatusCalculator.Observation;
import io.swarmray.status.StatusStore;
import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One level-triggered pass over one cluster: desired = render(spec), actual = Swarm's owned objects,
 * apply only the drift, then status from what was observed. It never waits for Swarm: it returns when
 * to look again. All state lives in Swarm (labels, hashes) and the spec files, so a pass killed at
 * any line is finished by the next one.
 */
@ApplicationScoped
public class ClusterReconciler {
    private static final Logger LOG = Logger.getLogger(ClusterReconciler.class);
    /** Soon: waiting for something Swarm does in about a second (a network's subnet, tasks leaving). */
    static final Duration SOON = Duration.ofMillis(500);

    @Inject
    SwarmClient swarm;
    @Inject
    SpecRegistry registry;
    @Inject
    StatusStore statuses;
    @Inject
    Config config;

    Clock clock = Clock.systemUTC();

    /**
     * Reconciles {@code name}. Returns when to look again: null when the cluster is where its spec
     * wants it (the periodic resync looks again). Throws SwarmException when Docker failed; the caller backs off.
     */
    public Duration reconcile(String name) {
        ClusterSpec spec = registry.cluster(name);
        try {
            List<ObservedService> services = swarm.services(name);
            List<ObservedNetwork> networks = swarm.networks(name);
            if (spec == null) {
                return tearDown(name, services, networks);
            }
            if (spec.spec() == null) {
                // Never valid since this operator started: nothing to render. Whatever runs stays as it is.
                report(name, new Observation(spec, services, List.of(), false, null));
                return null;
            }
            return apply(spec, services, networks);
        } catch (SwarmException e) {
            // Keep what was last observed (an error is no evidence that anything stopped) and say what failed.
            ClusterStatus previous = statuses.get(name).orElse(null);
            if (previous != null) {
                statuses.put(previous.withProblem(e.getMessage(), clock.instant().toString()));
            } else if (spec != null) {
                report(name, new Observation(spec, List.of(), List.of(), false, e.getMessage()));
            }
            throw e;
        }
    }

    private Duration apply(ClusterSpec spec, List<ObservedService> services, List<ObservedNetwork> networks) {
        String name = spec.name();
        String networkName = Names.network(name);
        ObservedNetwork network = networks.stream().filter(n -> n.name().equals(networkName)).findFirst().orElse(null);
        if (network == null) {
            LOG.infof("cluster %s: creating network %s", name, networkName);
            swarm.createNetwork(ClusterRenderer.render(spec.spec(), null, config.images()).network());
            // Swarm's allocator usually has the subnet at once; the services need it (their nodes' address)
            network = swarm.networks(name).stream().filter(n -> n.name().equals(networkName)).findFirst().orElse(null);
        }
        if (network == null || network.subnet() == null) {
            return SOON;
        }
        DesiredCluster desired = ClusterRenderer.render(spec.spec(), network.subnet(), config.images());
        Map<String, ObservedService> byName = services.stream().collect(Collectors.toMap(ObservedService::name, Function.identity(), (a, b) -> a));
        List<String> changes = new ArrayList<>();
        for (DesiredService want : desired.services()) {
            ObservedService have = byName.get(want.name());
            if (have == null) {
                swarm.createService(want);
                changes.add("created " + want.name());
            } else if (!want.labels().get(Labels.SPEC_HASH).equals(have.label(Labels.SPEC_HASH))) {
                swarm.updateService(have, want, null);
                changes.add("updated " + want.name());
            }
        }
        Set<String> wanted = desired.services().stream().map(DesiredService::name).collect(Collectors.toSet());
        for (ObservedService have : services) {
            if (!wanted.contains(have.name())) {
                swarm.removeService(have);
                changes.add("removed " + have.name());
            }
        }
        if (!changes.isEmpty()) {
            LOG.infof("cluster %s: %s", name, String.join(", ", changes));
            services = swarm.services(name);
        }
        List<ObservedTask> tasks = swarm.tasks(name);
        ClusterStatus status = report(name, new Observation(spec, services, tasks, false, null));
        boolean settled = changes.isEmpty() && (status.state().equals("ready") || status.state().equals("suspended"));
        return settled ? null : config.convergingInterval();
    }

    /** No spec declares the cluster any more: remove its services, then, once their tasks are gone, its network. */
    private Duration tearDown(String name, List<ObservedService> services, List<ObservedNetwork> networks) {
        if (services.isEmpty() && networks.isEmpty()) {
            statuses.remove(name);
            return null;
        }
        report(name, new Observation(null, services, List.of(), true, null));
        if (!services.isEmpty()) {
            LOG.infof("cluster %s: no spec declares it; removing %d services", name, services.size());
            services.forEach(swarm::removeService);
            return SOON;
        }
        for (ObservedNetwork n : networks) {
            try {
                swarm.removeNetwork(n);
                LOG.infof("cluster %s: removed network %s", name, n.name());
            } catch (SwarmException stillInUse) {
                // tasks of the removed services are still detaching; the next pass removes it
                return SOON;
            }
        }
        return SOON;
    }

    private ClusterStatus report(String name, Observation o) {
        ClusterStatus previous = statuses.get(name).orElse(null);
        return statuses.put(StatusCalculator.compute(name, o, previous, clock.instant()));
    }
}

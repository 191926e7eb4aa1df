package io.swarmray.reconcile;

import io.swarmray.Config;
import io.swarmray.autoscaler.AutoscalerWiring;
import io.swarmray.autoscaler.DemandReader;
import io.swarmray.autoscaler.ReplicaPlan;
import io.swarmray.head.HeadProbe;
import io.swarmray.render.ClusterNetwork;
import io.swarmray.render.ClusterRenderer;
import io.swarmray.render.DesiredCluster;
import io.swarmray.render.Labels;
import io.swarmray.render.RenderOptions;
import io.swarmray.spec.Lookup;
import io.swarmray.spec.Names;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.spec.SpecRegistry.ClusterSpec;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.Condition;
import io.swarmray.status.RayNode;
import io.swarmray.status.StatusCalculator;
import io.swarmray.status.StatusCalculator.Observation;
import io.swarmray.status.StatusStore;
import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SelfContainer;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    static final Duration FAILING_INTERVAL = Duration.ofSeconds(10);

    @Inject
    SwarmClient swarm;
    @Inject
    SpecRegistry registry;
    @Inject
    StatusStore statuses;
    @Inject
    Config config;
    @Inject
    MonitoringNetwork monitoring;
    @Inject
    HeadProbe probe;
    @Inject
    SelfContainer self;
    @Inject
    AutoscalerWiring autoscaler;
    @Inject
    DemandReader demand;
    @Inject
    SwarmWatcher watcher;

    Clock clock = Clock.systemUTC();
    /** The spec hash last sent to each service: after a rollback, that spec is not sent again. */
    private final Map<String, String> applied = new ConcurrentHashMap<>();
    /**
     * The head task each worker service was last restarted for, or seen back whole in the table of. A restart takes a
     * while, and its old tasks look stale until it ends: restarting again would start it over and over.
     */
    private final Map<String, String> doneForHead = new ConcurrentHashMap<>();
    /** The services of each cluster last logged as kept as another operator version rendered them. */
    private final Map<String, List<String>> keptLogged = new ConcurrentHashMap<>();
    private final OperatorNetworks operatorNetworks = new OperatorNetworks();
    Steadiness steadiness = new Steadiness(Duration.ofSeconds(30), Duration.ofMinutes(5));
    private volatile FirstListing firstListing = FirstListing.NONE;

    @PostConstruct
    void init() {
        steadiness = new Steadiness(config.resyncInterval(), config.steadyProbeMaxInterval());
    }

    /**
     * Lists every cluster's services, networks and tasks once, for each cluster's first pass (see {@link FirstListing}).
     * Called once at start, after the specs were read and Swarm's event stream opened, before any pass.
     */
    public void listEverythingOnce() {
        Map<String, Long> marks = registry.clusters().stream().collect(Collectors.toMap(ClusterSpec::name, c -> steadiness.mark(c.name())));
        firstListing = new FirstListing(marks, swarm.services(null), swarm.networks(null), swarm.tasks(null));
        for (ClusterSpec c : registry.clusters()) { // their first passes read these tables: asked ahead, all at once
            FirstListing.Cluster share = firstListing.peek(c.name());
            if (share != null && c.spec() != null && !c.spec().suspend()) {
                probe.prefetch(c.spec(), HeadProbe.runningHead(c.name(), share.services(), share.tasks()));
            }
        }
    }

    /** Something about {@code cluster} changed: its next pass is a full one (see {@link Steadiness}). */
    public void heard(String cluster) {
        steadiness.heard(cluster);
    }

    /** Whether the periodic resync should look at {@code cluster}, whose services Swarm lists with that fingerprint. */
    public boolean due(String cluster, String fingerprint, Instant now) {
        return steadiness.due(cluster, fingerprint, now);
    }

    /**
     * Reconciles {@code name}. Returns when to look again: null when the cluster is where its spec
     * wants it (the periodic resync looks again). Throws SwarmException when Docker failed; the caller backs off.
     */
    public Duration reconcile(String name) {
        Lookup<ClusterSpec> declared = registry.lookup(r -> r.cluster(name));
        ClusterSpec spec = declared.found();
        long mark = steadiness.mark(name);
        Steadiness.Settled seen = steadiness.seen(name);
        if (spec != null && spec.spec() != null && seen != null && unchanged(spec, seen)) {
            steadiness.probedUnchanged(name, clock.instant());
            return null;
        }
        steadiness.unsettled(name);
        FirstListing.Cluster listed = firstListing.take(name, mark);
        try {
            List<ObservedService> services = listed != null ? listed.services() : swarm.services(name);
            List<ObservedNetwork> networks = listed != null ? listed.networks() : swarm.networks(name);
            if (spec == null) {
                if (!declared.allFilesRead()) {
                    LOG.warnf("cluster %s: the specs directory has not been read yet; not removing anything", name);
                    return SOON;
                }
                // A RayService's or RayJob's cluster: after a restart, nothing is removed until its owner has said which it keeps.
                if (services.stream().map(s -> Labels.ownerKey(s.labels())).filter(Objects::nonNull).anyMatch(registry::undecided)) {
                    return SOON;
                }
                return tearDown(name, services, networks);
            }
            if (spec.spec() == null) {
                // Never valid since this operator started: nothing to render. Whatever runs stays as it is.
                report(name, Observation.ofSwarm(spec, services, List.of(), false, null));
                return null;
            }
            return apply(spec, services, networks, listed != null ? listed.tasks() : null, mark);
        } catch (SwarmException e) {
            // Keep what was last observed (an error is no evidence that anything stopped) and say what failed.
            ClusterStatus previous = statuses.get(name).orElse(null);
            if (previous != null) {
                statuses.put(previous.withProblem(e.getMessage(), clock.instant().toString()));
            } else if (spec != null) {
                report(name, Observation.ofSwarm(spec, List.of(), List.of(), false, e.getMessage()));
            }
            throw e;
        }
    }

    /** @param listedTasks the cluster's tasks from the first listing, or null to list them */
    private Duration apply(ClusterSpec spec, List<ObservedService> services, List<ObservedNetwork> networks, List<ObservedTask> listedTasks,
            long mark) {
        String name = spec.name();
        String networkName = Names.network(name);
        ObservedNetwork network = networks.stream().filter(n -> n.name().equals(networkName)).findFirst().orElse(null);
        if (network == null) {
            LOG.infof("cluster %s: creating network %s", name, networkName);
            swarm.createNetwork(ClusterRenderer.network(spec.spec()));
            // Swarm's allocator usually has the subnet at once; the services need it (their nodes' address)
            network = swarm.networks(name).stream().filter(n -> n.name().equals(networkName)).findFirst().orElse(null);
        }
        if (network == null || network.subnet() == null) {
            return SOON;
        }
        RenderOptions options = config.renderOptions();
        monitoring.ensure(options.monitoring());
        if (spec.spec().autoscaled()) {
            options = options.withAutoscaler(autoscaler.access(spec.spec(), network));
        }
        DesiredCluster desired = ClusterRenderer.render(spec.spec(), new ClusterNetwork(network.id(), network.subnet()), options);
        if (spec.spec().autoscaled()) {
            desired = ReplicaPlan.expand(desired, spec.spec(), services);
        }
        List<ObservedTask> tasks = listedTasks != null ? listedTasks : swarm.tasks(name);
        ObservedTask head = currentTask(tasks, services, Names.headService(name));
        var drift = ServiceDrift.apply(swarm, applied, spec.spec(), desired, services, head);
        List<String> changes = new ArrayList<>(drift.changes());
        String heldBack = drift.heldBack();
        if (!changes.isEmpty()) {
            LOG.infof("cluster %s: %s", name, String.join(", ", changes));
            services = swarm.services(name);
        }
        if (!drift.kept().equals(keptLogged.getOrDefault(name, List.of()))) {
            keptLogged.put(name, drift.kept());
            if (!drift.kept().isEmpty()) {
                LOG.infof("cluster %s: %s keep running as an earlier operator version rendered them; an edit of their group"
                        + " applies this version's rendering (README, \"Operator upgrades\")", name, String.join(", ", drift.kept()));
            }
        }
        if (head != null && head.running() && probe.asksOverNetwork(head)) {
            operatorNetworks.join(swarm, self, network);
        }
        HeadProbe.Answer ray = spec.spec().suspend() ? new HeadProbe.Answer(null, "suspended") : probe.ask(spec.spec(), head);
        var staleWorkers = HeadReplacement.restartStaleWorkers(swarm, doneForHead, head, spec, desired, services, tasks,
                ray.nodes(), clock.instant());
        if (staleWorkers.summary() != null) {
            changes.add(staleWorkers.summary());
        }
        if (spec.spec().autoscaled() && !spec.spec().suspend()) {
            demand.refresh(spec.spec(), head);
        }
        ClusterStatus status = report(name, new Observation(spec, services, tasks, ray.nodes(), ray.problem(), false, heldBack,
                Unschedulable.groups(swarm, desired)));
        boolean settled = changes.isEmpty() && (status.state().equals("ready") || status.state().equals("suspended"));
        if (settled && staleWorkers.lookAgain() == null) {
            String headService = services.stream().filter(s -> s.name().equals(Names.headService(name))).map(ObservedService::id)
                    .findFirst().orElse("");
            steadiness.settled(name, mark, Steadiness.fingerprint(services), new Steadiness.Settled(headService, alive(ray.nodes())),
                    clock.instant());
            return null;
        }
        // A group whose tasks keep failing (bad image, bad command) is looked at less often: Swarm retries anyway.
        var failure = status.condition(Condition.REPLICA_FAILURE);
        Duration next = failure != null && failure.isTrue() ? FAILING_INTERVAL : config.convergingInterval();
        return staleWorkers.lookAgain() != null && staleWorkers.lookAgain().compareTo(next) < 0 ? staleWorkers.lookAgain() : next;
    }

    /**
     * A steady cluster between full passes: only its head is asked (the head task from the watcher's listing for
     * all clusters), and the pass ends when the same nodes are ALIVE as when it settled. Suspended: nothing to ask.
     */
    private boolean unchanged(ClusterSpec spec, Steadiness.Settled seen) {
        if (spec.spec().suspend()) {
            return true;
        }
        ObservedTask head = watcher.latestTasks(spec.name()).stream()
                .filter(t -> t.serviceId().equals(seen.headService()) && t.wanted() && t.running()).findFirst().orElse(null);
        if (head == null) {
            return false;
        }
        HeadProbe.Answer answer = probe.ask(spec.spec(), head);
        if (spec.spec().autoscaled()) {
            demand.refresh(spec.spec(), head); // as fresh as the probe: the demand is shown, not acted on
        }
        return answer.nodes() != null && alive(answer.nodes()).equals(seen.alive());
    }

    private static Set<String> alive(List<RayNode> nodes) {
        return nodes == null ? Set.of() : nodes.stream().filter(RayNode::alive).map(RayNode::nodeId).collect(Collectors.toSet());
    }

    /** The running (else the newest wanted) task of a service. */
    static ObservedTask currentTask(List<ObservedTask> tasks, List<ObservedService> services, String serviceName) {
        ObservedService svc = services.stream().filter(s -> s.name().equals(serviceName)).findFirst().orElse(null);
        if (svc == null) {
            return null;
        }
        return tasks.stream().filter(t -> t.serviceId().equals(svc.id()) && t.wanted())
                .max(Comparator.comparing((ObservedTask t) -> t.running()).thenComparing(t -> String.valueOf(t.createdAt())))
                .orElse(null);
    }

    /** No spec declares the cluster any more: take it apart step by step (see {@link ClusterTeardown}). */
    private Duration tearDown(String name, List<ObservedService> services, List<ObservedNetwork> networks) {
        if (services.isEmpty() && networks.isEmpty()) {
            autoscaler.forget(name);
            steadiness.forget(name);
            keptLogged.remove(name);
            statuses.remove(name);
            return null;
        }
        report(name, Observation.ofSwarm(null, services, List.of(), true, null));
        return ClusterTeardown.step(swarm, name, services, networks);
    }

    private ClusterStatus report(String name, Observation o) {
        ClusterStatus previous = statuses.get(name).orElse(null);
        return statuses.put(StatusCalculator.compute(name, o, previous, clock.instant()));
    }
}

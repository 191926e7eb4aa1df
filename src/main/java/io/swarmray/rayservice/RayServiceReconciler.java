package io.swarmray.rayservice;

import io.swarmray.Config;
import io.swarmray.head.HeadProbe;
import io.swarmray.rayservice.RayServiceStatus.AppStatus;
import io.swarmray.rayservice.ServicePlan.Owned;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.render.SpecHash;
import io.swarmray.spec.Lookup;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayService;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.spec.SpecRegistry.ServiceSpec;
import io.swarmray.status.ClusterStatus;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One level-triggered pass over one RayService ([K] rayservice_controller.go): decide its clusters
 * ({@link ServicePlan}) and hand them to the RayCluster reconcile through the registry, keep its endpoint
 * ({@link ServeProxy}), configure Serve on the cluster being prepared, switch the endpoint once every application
 * runs there, and report. What must survive a restart is in Swarm: the clusters' labels and the endpoint's
 * {@link ServeProxy#ACTIVE_CLUSTER_LABEL}.
 */
@ApplicationScoped
public class RayServiceReconciler {
    private static final Logger LOG = Logger.getLogger(RayServiceReconciler.class);
    /** KubeRay requeues a RayService every 2 s ([K] :46). */
    static final Duration CONVERGING = Duration.ofSeconds(2);
    /** A settled service is looked at this often: a restarted endpoint task or head is noticed within it. */
    static final Duration STEADY = Duration.ofSeconds(10);
    static final String APPLICATIONS = "/api/serve/applications/";

    @Inject
    SwarmClient swarm;
    @Inject
    SpecRegistry registry;
    @Inject
    RayServiceStatusStore statuses;
    @Inject
    StatusStore clusterStatuses;
    @Inject
    HeadProbe head;
    @Inject
    ProxyRuntime runtime;
    @Inject
    Config config;

    Clock clock = Clock.systemUTC();
    private final Map<String, RayCluster> lastKnown = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Instant>> danglingSince = new ConcurrentHashMap<>();
    /** The digest of the serve config last accepted by each cluster; empty after a restart, which re-sends it ([K] :798-817). */
    private final Map<String, String> configured = new ConcurrentHashMap<>();

    /** Reconciles RayService {@code name}; {@code enqueue} takes the clusters whose wanted spec changed. */
    public Duration reconcile(String name, Consumer<String> enqueue) {
        Lookup<ServiceSpec> declared = registry.lookup(r -> r.service(name));
        ServiceSpec spec = declared.found();
        List<ObservedService> all = swarm.services(null);
        ObservedService proxy = all.stream().filter(s -> s.name().equals(ServeProxy.serviceName(name))
                && name.equals(s.label(ServeProxy.SERVICE_LABEL))).findFirst().orElse(null);
        Map<String, Owned> owned = new TreeMap<>();
        for (ObservedService s : all) {
            String cluster = s.label(Labels.CLUSTER);
            if (cluster != null && name.equals(Labels.rayServiceOwner(s.labels()))) {
                owned.putIfAbsent(cluster, new Owned(String.valueOf(s.label(ServiceClusters.SLOT_LABEL)),
                        parseInt(s.label(ServiceClusters.BASE_GROUPS_LABEL))));
            }
        }
        if (spec == null) {
            return tearDown(name, declared.allFilesRead(), proxy, owned, enqueue);
        }
        if (spec.spec() == null) {
            statuses.put(report(name, spec, null, null, null, null, Map.of(), 0, List.of("the spec was never valid; nothing is deployed")));
            return null;
        }
        RayService service = spec.spec();
        String active = proxy == null ? null : proxy.label(ServeProxy.ACTIVE_CLUSTER_LABEL);
        if (active != null && !owned.containsKey(active)) {
            active = null;
        }
        ServicePlan plan = ServicePlan.plan(service, active, owned, lastKnown,
                danglingSince.computeIfAbsent(name, n -> new ConcurrentHashMap<>()), clock.instant(),
                config.serve().clusterDeletionDelay());
        ensureNetwork(service);
        // a cluster no longer kept leaves through the RayCluster reconcile
        registry.publishDerived(SpecRegistry.serviceKey(name), plan.keep()).forEach(enqueue);
        plan.keep().forEach((cluster, s) -> {
            if (s != null) {
                lastKnown.put(cluster, s);
            }
        });
        forgetGone(name, owned.keySet(), plan.keep().keySet());
        String routedSlot = plan.activeSlot() != null ? plan.activeSlot() : plan.pendingSlot();
        proxy = ensureProxy(service, proxy, routedSlot);

        List<String> problems = new ArrayList<>();
        List<ObservedTask> tasks = swarm.tasksLabelled(ServiceClusters.CR_NAME_LABEL, name);
        Map<String, Map<String, AppStatus>> apps = new TreeMap<>();
        String target = plan.pending() != null ? plan.pending() : plan.active();
        for (String cluster : new String[]{plan.active(), plan.pending()}) {
            if (cluster != null && plan.keep().get(cluster) != null) {
                apps.put(cluster,
                        serve(service, plan.keep().get(cluster), HeadProbe.runningHead(cluster, all, tasks), cluster.equals(target),
                                problems));
            }
        }
        List<ObservedTask> proxies = proxy == null
                ? List.of()
                : swarm.tasksLabelled(ServeProxy.SERVICE_LABEL, name).stream().filter(ObservedTask::running).toList();
        String switched = null;
        if (plan.pending() != null && ServeApplications.allRunning(apps.get(plan.pending()))
                && !proxies.isEmpty() && proxies.stream().allMatch(t -> endpoints(t, plan.pendingSlot(), problems) > 0)) {
            swarm.setServiceLabel(proxy, ServeProxy.ACTIVE_CLUSTER_LABEL, plan.pending());
            LOG.infof("rayservice %s: every application runs on %s; the endpoint now routes to it%s", name, plan.pending(),
                    plan.active() == null
                            ? ""
                            : " (" + plan.active() + " is removed in " + config.serve().clusterDeletionDelay().toSeconds() + " s)");
            switched = plan.pending();
        }
        String nowActive = switched != null ? switched : plan.active();
        String nowSlot = switched != null ? plan.pendingSlot() : plan.activeSlot();
        int endpoints = 0;
        if (nowSlot != null) {
            for (ObservedTask t : proxies) {
                route(t, nowSlot, problems);
            }
            endpoints = proxies.isEmpty() ? 0 : endpoints(proxies.get(0), nowSlot, problems);
        }
        String nowPending = switched != null ? null : plan.pending();
        plan.waitingFor().forEach(c -> problems.add("the new cluster waits for " + c + " to leave its slot"));
        RayServiceStatus status = statuses.put(report(name, spec, nowActive, nowPending, plan.heldBack(), service, apps, endpoints,
                problems));
        boolean settled = nowPending == null && plan.keep().size() == 1 && endpoints > 0
                && status.condition(RayServiceStatus.READY).isTrue();
        return settled ? STEADY : CONVERGING;
    }

    /**
     * Reads the cluster's applications; on the cluster being prepared (or the active one when none is), sends
     * the serve config when this process has not, when it changed, or when Ray reports none (a head restarted
     * without GCS fault tolerance lost them).
     */
    private Map<String, AppStatus> serve(RayService service, RayCluster cluster, ObservedTask headTask, boolean configure,
            List<String> problems) {
        if (headTask == null) {
            return Map.of();
        }
        try {
            HeadProbe.Reply got = head.call(cluster, headTask, "GET", APPLICATIONS, null);
            if (got.code() != 200) {
                problems.add(cluster.name() + ": GET " + APPLICATIONS + " answered HTTP " + got.code() + ": " + got.body().trim());
                return Map.of();
            }
            Map<String, AppStatus> apps = ServeApplications.parse(got.body());
            String digest = SpecHash.of(service.serveConfigJson());
            if (configure && (apps.isEmpty() || !digest.equals(configured.get(cluster.name())))) {
                HeadProbe.Reply put = head.call(cluster, headTask, "PUT", APPLICATIONS, service.serveConfigJson());
                if (put.code() == 200) {
                    configured.put(cluster.name(), digest);
                    LOG.infof("rayservice %s: serve config %s sent to %s", service.name(), digest, cluster.name());
                } else {
                    problems.add(cluster.name() + ": Ray Serve refused the serve config (HTTP " + put.code() + "): " + put.body().trim());
                }
            }
            return apps;
        } catch (IllegalStateException | SwarmException e) {
            problems.add(cluster.name() + ": " + e.getMessage());
            return Map.of();
        }
    }

    private int endpoints(ObservedTask proxyTask, String slot, List<String> problems) {
        try {
            return runtime.healthyEndpoints(proxyTask, slot);
        } catch (IllegalStateException | SwarmException e) {
            problems.add("endpoint task " + proxyTask.id() + ": " + e.getMessage());
            return 0;
        }
    }

    private void route(ObservedTask proxyTask, String slot, List<String> problems) {
        try {
            if (!slot.equals(runtime.activeSlot(proxyTask))) {
                runtime.route(proxyTask, slot);
                LOG.infof("endpoint task %s: routes to slot %s", proxyTask.id(), slot);
            }
        } catch (IllegalStateException | SwarmException e) {
            problems.add("endpoint task " + proxyTask.id() + ": " + e.getMessage());
        }
    }

    /** What this process remembers of the service's clusters that are neither in Swarm nor wanted any more. */
    private void forgetGone(String service, Set<String> inSwarm, Set<String> kept) {
        String prefix = service + ServiceClusters.INFIX;
        for (Map<String, ?> memory : List.of(lastKnown, configured)) {
            memory.keySet().removeIf(c -> c.startsWith(prefix) && c.length() == prefix.length() + ServiceClusters.SUFFIX_LENGTH
                    && !inSwarm.contains(c) && !kept.contains(c));
        }
    }

    private void ensureNetwork(RayService service) {
        String net = ServeProxy.network(service.name());
        if (swarm.networks(null).stream().noneMatch(n -> n.name().equals(net))) {
            LOG.infof("rayservice %s: creating network %s", service.name(), net);
            swarm.createNetwork(ServeProxy.desiredNetwork(service));
        }
    }

    private ObservedService ensureProxy(RayService service, ObservedService proxy, String slot) {
        DesiredService want = ServeProxy.desired(service, config.serve().proxyImage(), slot == null ? ServiceClusters.BLUE : slot);
        if (proxy == null) {
            swarm.createService(want);
        } else if (!want.labels().get(Labels.SPEC_HASH).equals(proxy.label(Labels.SPEC_HASH))) {
            swarm.updateService(proxy, want, proxy.forceUpdate());
        } else {
            return proxy;
        }
        return swarm.services(null).stream().filter(s -> s.name().equals(want.name())).findFirst().orElse(null);
    }

    /** The file is gone: the clusters leave through the RayCluster reconcile, then the endpoint and its network. */
    private Duration tearDown(String name, boolean allFilesRead, ObservedService proxy, Map<String, Owned> owned,
            Consumer<String> enqueue) {
        if (!allFilesRead) {
            return CONVERGING;
        }
        registry.publishDerived(SpecRegistry.serviceKey(name), Map.of()).forEach(enqueue);
        owned.keySet().forEach(enqueue);
        if (proxy != null) {
            LOG.infof("rayservice %s: removing its endpoint %s", name, proxy.name());
            swarm.removeService(proxy);
            return CONVERGING;
        }
        if (!owned.isEmpty()) {
            return CONVERGING;
        }
        for (ObservedNetwork n : swarm.networks(null)) {
            if (n.name().equals(ServeProxy.network(name)) && name.equals(n.labels().get(ServeProxy.SERVICE_LABEL))) {
                try {
                    swarm.removeNetwork(n);
                    LOG.infof("rayservice %s: removed network %s", name, n.name());
                } catch (SwarmException stillListed) {
                    // the endpoint's tasks are still detaching, or the engine still lists what the manager removed
                }
                return CONVERGING;
            }
        }
        statuses.remove(name);
        registry.forgetDerived(SpecRegistry.serviceKey(name));
        danglingSince.remove(name);
        forgetGone(name, Set.of(), Set.of());
        return null;
    }

    private RayServiceStatus report(String name, ServiceSpec spec, String active, String pending, String heldBack, RayService service,
            Map<String, Map<String, AppStatus>> apps, int endpoints, List<String> problems) {
        return RayServiceStatusReport.build(name, spec, active, pending, heldBack, service, apps, endpoints, problems,
                c -> clusterStatuses.get(c).map(ClusterStatus::state).orElse(null), statuses.get(name).orElse(null), clock.instant());
    }

    private static int parseInt(String v) {
        try {
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

package io.swarmray.rayservice;

import io.swarmray.render.DesiredNetwork;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.render.SwarmTemplates;
import io.swarmray.spec.RayService;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A RayService's endpoint: the Swarm service {@code <name>-serve}, HAProxy on the network {@code <name>-serve-net},
 * in place of KubeRay's {@code <name>-serve-svc} ([K] common/service.go:181-272). Pure: no I/O.
 * <ul>
 * <li>Two backends, one per slot ({@link ServiceClusters}). Each finds the Serve proxies of the cluster in its slot
 * by Swarm's DNS (the slot's alias resolves to every task that carries it, re-read every second) and sends requests
 * only to those whose {@code /-/healthz} says {@code success}, checked every second with KubeRay's 2 s timeout: KubeRay's
 * readiness probe and Service selector, in one place. An answer of the DNS moves servers within a second; a DNS that
 * does not answer (Docker's resolver is part of dockerd, slow when the engine is busy) keeps the servers it gave last
 * for 30 s, since the health checks already say which of them serve: with a 1 s hold, two seconds of silence took every
 * server out, and each request got HAProxy's 503.</li>
 * <li>Which slot serves is one entry of an HAProxy map, {@code active}, that the operator sets through HAProxy's
 * runtime API ({@link ProxyRuntime}). A request picks its backend when it arrives, so the switch is atomic for new
 * requests, and requests in flight finish on the old cluster. No task restarts for a switch: the task's initial
 * slot is in its environment, outside the service's spec hash.</li>
 * <li>Responses stream through (HAProxy forwards chunks as they come; long server timeouts for token streams).</li>
 * </ul>
 */
public final class ServeProxy {
    /** The label that names the RayService a Swarm object belongs to. */
    public static final String SERVICE_LABEL = "swarmray.io/rayservice";
    /** The service label (not the task template) that records which cluster serves: the switch, kept in Swarm. */
    public static final String ACTIVE_CLUSTER_LABEL = "swarmray.io/active-cluster";
    public static final String MAP_FILE = "/tmp/swarmray-active.map";
    public static final int RUNTIME_PORT = 9999;
    /** Serve proxies per slot that the load balancer can track (HAProxy's server-template size). */
    static final int MAX_ENDPOINTS = 64;
    static final String ACTIVE_SLOT_ENV = "SWARMRAY_ACTIVE_SLOT";
    static final String CONFIG_ENV = "SWARMRAY_HAPROXY_CFG";
    /** Writes the map and the config where HAProxy reads them, then becomes HAProxy. */
    static final String START = "printf 'active %s\\n' \"$" + ACTIVE_SLOT_ENV + "\" > " + MAP_FILE
            + " && printf '%s\\n' \"$" + CONFIG_ENV + "\" > /tmp/haproxy.cfg && exec haproxy -db -f /tmp/haproxy.cfg";

    private ServeProxy() {
    }

    public static String serviceName(String service) {
        return service + "-serve";
    }

    public static String network(String service) {
        return service + "-serve-net";
    }

    public static DesiredNetwork desiredNetwork(RayService service) {
        return new DesiredNetwork(network(service.name()), labels(service));
    }

    /**
     * The load balancer's service. Its hash covers everything but the initial slot, so a switch never restarts it.
     *
     * @param slot the slot a new task starts routing to (the active one, as the operator knows it now)
     */
    public static DesiredService desired(RayService service, String image, String slot) {
        TreeMap<String, String> labels = labels(service);
        var ports = service.publishedPort() > 0
                ? List.of(new DesiredService.PublishedPort(service.servePort(), service.publishedPort(), "tcp"))
                : List.<DesiredService.PublishedPort>of();
        DesiredService withoutSlot = new DesiredService(serviceName(service.name()), labels, image,
                List.of("/bin/sh", "-c", START), List.of(), List.of(CONFIG_ENV + "=" + SwarmTemplates.escape(config(service))),
                List.of(), new DesiredService.Resources(0, 0, 0, 0, new TreeMap<>()),
                // On a manager: the operator drives the runtime API from its engine (README, "RayService").
                new DesiredService.Placement(List.of("node.role==manager"), List.of(), service.publishedPort() > 0 ? 1 : 0),
                service.proxyReplicas(), network(service.name()), List.of(), ports,
                new DesiredService.HealthCheck(List.of("CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + service.servePort()),
                        2_000_000_000L, 2_000_000_000L, 3, 2_000_000_000L),
                10_000_000_000L, List.of(), List.of(),
                new DesiredService.Rollout(1, 2_000_000_000L, service.publishedPort() > 0 ? "stop-first" : "start-first", "rollback",
                        5_000_000_000L),
                List.of(), null, List.of(), List.of()).withHashLabel();
        List<String> env = List.of(withoutSlot.env().get(0), ACTIVE_SLOT_ENV + "=" + slot);
        return new DesiredService(withoutSlot.name(), withoutSlot.labels(), image, withoutSlot.command(), withoutSlot.args(), env,
                withoutSlot.mounts(), withoutSlot.resources(), withoutSlot.placement(), withoutSlot.replicas(), withoutSlot.network(),
                withoutSlot.networkAliases(), withoutSlot.ports(), withoutSlot.healthCheck(), withoutSlot.stopGracePeriodNanos(),
                withoutSlot.extraNetworks(), withoutSlot.secrets(), withoutSlot.rollout(), withoutSlot.capabilities(),
                withoutSlot.runOnce(), List.of(), List.of());
    }

    static TreeMap<String, String> labels(RayService service) {
        TreeMap<String, String> labels = new TreeMap<>(service.labels() == null ? Map.of() : service.labels());
        labels.put(SERVICE_LABEL, service.name());
        labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        labels.put(Labels.STACK_NAMESPACE, service.name());
        return labels;
    }

    /** HAProxy's configuration for the service: only the serve port and the aliases vary. */
    public static String config(RayService service) {
        int port = service.servePort();
        StringBuilder b = new StringBuilder();
        b.append("""
                global
                    maxconn 4096
                    stats socket ipv4@127.0.0.1:%d level admin
                    stats timeout 10s
                resolvers swarm
                    nameserver docker 127.0.0.11:53
                    accepted_payload_size 8192
                    resolve_retries 2
                    timeout resolve 1s
                    timeout retry 1s
                    hold valid 1s
                    hold nx 1s
                    hold obsolete 1s
                    hold other 30s
                    hold refused 30s
                    hold timeout 30s
                defaults
                    mode http
                    option httplog
                    timeout connect 3s
                    timeout check 2s
                    timeout client 10m
                    timeout server 10m
                    timeout http-request 30s
                    timeout http-keep-alive 30s
                    timeout queue 10s
                    retries 3
                    retry-on conn-failure empty-response response-timeout
                    option redispatch
                frontend serve
                    bind :%d
                    http-request set-var(txn.slot) str(active),map(%s,%s)
                    use_backend %%[var(txn.slot)]
                """.formatted(RUNTIME_PORT, port, MAP_FILE, ServiceClusters.BLUE));
        for (String slot : List.of(ServiceClusters.BLUE, ServiceClusters.GREEN)) {
            b.append("""
                    backend %s
                        option httpchk GET /-/healthz
                        http-check expect string success
                        default-server check inter 1s fall 1 rise 1 resolvers swarm init-addr none resolve-prefer ipv4
                        server-template ray 1-%d %s:%d
                    """.formatted(slot, MAX_ENDPOINTS, ServiceClusters.alias(service.name(), slot), port));
        }
        return b.toString();
    }
}

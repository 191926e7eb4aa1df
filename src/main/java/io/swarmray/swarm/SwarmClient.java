package io.swarmray.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.transport.DockerHttpClient;
import io.swarmray.Config;
import io.swarmray.metrics.OperatorMetrics;
import io.swarmray.render.DesiredNetwork;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The only place that talks to Docker. Lists only what carries SwarmRay's ownership label, and every
 * write names its object by id, so nothing else on the swarm can be touched.
 */
@ApplicationScoped
public class SwarmClient {

    @Inject
    DockerClient docker;
    @Inject
    DockerHttpClient http;
    @Inject
    OperatorMetrics metrics;
    @Inject
    Config config;
    @Inject
    SwarmFiles files;

    /**
     * The engine's API version by its server version: it is asked (one more request) only when /info names a server
     * version not seen before, that is at start and after an upgrade of the engine.
     */
    private volatile Map.Entry<String, String> apiVersion = Map.entry("", "");

    public SwarmInfo info() {
        return call("docker info", () -> {
            var info = docker.infoCmd().exec();
            var known = apiVersion;
            if (info.getServerVersion() == null || !info.getServerVersion().equals(known.getKey())) {
                var version = docker.versionCmd().exec();
                known = Map.entry(String.valueOf(version.getVersion()), String.valueOf(version.getApiVersion()));
                apiVersion = known;
            }
            var swarm = info.getSwarm();
            String state = swarm == null || swarm.getLocalNodeState() == null
                    ? "inactive"
                    : swarm.getLocalNodeState().name().toLowerCase();
            return new SwarmInfo(known.getKey(), known.getValue(), state,
                    swarm != null && Boolean.TRUE.equals(swarm.getControlAvailable()), swarm == null ? null : swarm.getNodeID());
        });
    }

    /** Owned services of one cluster, or of all clusters when {@code cluster} is null: one call. */
    public List<ObservedService> services(String cluster) {
        return services(owned(cluster));
    }

    /** Owned services that carry {@code key=value} (e.g. a RayJob's submitter): one call, filtered by Swarm. */
    public List<ObservedService> servicesLabelled(String key, String value) {
        Map<String, String> filter = owned(null);
        filter.put(key, value);
        return services(filter);
    }

    private List<ObservedService> services(Map<String, String> labelFilter) {
        return call("list services", () -> docker.listServicesCmd().withLabelFilter(labelFilter).exec().stream()
                .map(SwarmClient::observed).toList());
    }

    /** Owned networks of one cluster, or of all clusters when {@code cluster} is null: one call. */
    public List<ObservedNetwork> networks(String cluster) {
        List<String> filter = owned(cluster).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return call("list networks", () -> docker.listNetworksCmd().withFilter("label", filter)
                .exec().stream().map(SwarmClient::observed).toList());
    }

    /** Tasks of owned services (task label filters match the service's labels): one call. */
    public List<ObservedTask> tasks(String cluster) {
        return call("list tasks", raw(() -> TaskListing.list(http, owned(cluster))));
    }

    /** Tasks of owned services that carry {@code key=value} (e.g. a RayService's serve endpoint): one call. */
    public List<ObservedTask> tasksLabelled(String key, String value) {
        Map<String, String> filter = owned(null);
        filter.put(key, value);
        return call("list tasks", raw(() -> TaskListing.list(http, filter)));
    }

    /**
     * Sets one label of an owned service, leaving its task template as it is, so no task restarts (the
     * service is read and written back as raw JSON: docker-java's model would drop fields it does not know).
     */
    public void setServiceLabel(ObservedService s, String key, String value) {
        requireOwned(s.labels(), s.name());
        call("update service " + s.name(), raw(() -> ServiceEdits.setLabel(http, s.id(), key, value)));
    }

    /** Sets the replica count of an owned service, leaving its task template as it is: no running task restarts. */
    public void scaleService(ObservedService s, long replicas) {
        requireOwned(s.labels(), s.name());
        call("scale service " + s.name(), raw(() -> ServiceEdits.scale(http, s.id(), replicas)));
    }

    /** Generic resources (GPUs) each Ready node offers, by hostname and kind: one call. */
    public Map<String, Map<String, Long>> nodeOffers() {
        return call("list nodes", raw(() -> TaskListing.nodeOffers(http)));
    }

    /** This engine's containers by id, with their address on its gateway bridge (docker_gwbridge): one call. */
    public Map<String, String> gatewayAddresses() {
        return call("inspect network " + TaskListing.GATEWAY_BRIDGE, raw(() -> TaskListing.gatewayAddresses(http)));
    }

    /** This engine's running containers labelled {@code label} on its host's network (network mode host): one call. */
    public List<String> hostNetworkContainers(String label) {
        return call("list containers " + label, raw(() -> TaskListing.hostNetworkContainers(http, label)));
    }

    /** Runs a command in a container on this engine; its standard output. A non-zero exit or a timeout is an error. */
    public String exec(String containerId, List<String> command, Duration timeout) {
        return exec(containerId, command, timeout, out -> false);
    }

    /**
     * The same, but an output that {@code complete} accepts (one that shows by itself that all of it arrived, such as
     * an HTTP answer with its Content-Length) is the answer without asking Docker for the exit code: one request of
     * three less.
     */
    public String exec(String containerId, List<String> command, Duration timeout, Predicate<String> complete) {
        return call("exec in " + containerId.substring(0, Math.min(12, containerId.length())),
                () -> ContainerExec.run(docker, containerId, command, timeout, complete));
    }

    /** The label filter of what this operator instance owns, of one cluster or of all. */
    Map<String, String> owned(String cluster) {
        Map<String, String> m = new TreeMap<>(
                Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE, Labels.INSTANCE, config.instance()));
        if (cluster != null) {
            m.put(Labels.CLUSTER, cluster);
        }
        return m;
    }

    Map<String, String> stamped(Map<String, String> labels) {
        Map<String, String> m = new TreeMap<>(labels);
        m.put(Labels.INSTANCE, config.instance());
        return m;
    }

    public void createNetwork(DesiredNetwork n) {
        createOverlay(n.name(), stamped(n.labels()));
    }

    /** An attachable overlay, so that the operator's container and one-off tasks can join it too. */
    private void createOverlay(String name, Map<String, String> labels) {
        call("create network " + name, () -> docker.createNetworkCmd().withName(name).withDriver("overlay").withAttachable(true)
                .withCheckDuplicate(true).withLabels(labels).exec());
    }

    /**
     * Makes a shared attachable overlay named {@code name} unless one exists (any owner: it may be the monitoring
     * stack's). It carries no owner label, so no cluster's clean-up ever removes it. One call when it exists.
     */
    public void ensureSharedNetwork(String name, Map<String, String> labels) {
        boolean exists = call("list networks", () -> docker.listNetworksCmd().withNameFilter(name).exec().stream()
                .anyMatch(n -> name.equals(n.getName())));
        if (!exists) {
            createOverlay(name, labels);
        }
    }

    /**
     * Joins a container (the operator's own) to a cluster network, so it can reach the head by name.
     * Already joined is success. Swarm can only do this once the overlay exists on this node.
     */
    public void connect(ObservedNetwork n, String containerId) {
        requireOwned(n.labels(), n.name());
        call("connect network " + n.name(), () -> {
            try {
                docker.connectToNetworkCmd().withNetworkId(n.id()).withContainerId(containerId).exec();
            } catch (DockerException e) {
                if (e.getMessage() == null || !e.getMessage().contains("already exists")) {
                    throw e;
                }
            }
            return null;
        });
    }

    public void removeNetwork(ObservedNetwork n) {
        requireOwned(n.labels(), n.name());
        call("remove network " + n.name(), () -> {
            try {
                docker.removeNetworkCmd(n.id()).exec();
            } catch (NotFoundException gone) {
                // already gone: the goal is reached
            }
            return null;
        });
    }

    public void createService(DesiredService s) {
        call("create service " + s.name(),
                () -> docker.createServiceCmd(ServiceSpecs.toDocker(s, stamped(s.labels()), files.ids(s), null)).exec());
    }

    /** Replaces the service's spec; {@code version} must be the one just observed, or Swarm refuses. */
    public void updateService(ObservedService current, DesiredService s, Integer forceUpdate) {
        requireOwned(current.labels(), current.name());
        call("update service " + s.name(), () -> {
            docker.updateServiceCmd(current.id(), ServiceSpecs.toDocker(s, stamped(s.labels()), files.ids(s), forceUpdate))
                    .withVersion(current.version()).exec();
            return null;
        });
    }

    public void removeService(ObservedService s) {
        requireOwned(s.labels(), s.name());
        call("remove service " + s.name(), () -> {
            try {
                docker.removeServiceCmd(s.id()).exec();
            } catch (NotFoundException gone) {
                // already gone: the goal is reached
            }
            return null;
        });
    }

    private void requireOwned(Map<String, String> labels, String name) {
        if (!Labels.ownedBy(labels, config.instance())) {
            throw new IllegalStateException(
                    "refusing to touch " + name + ": it is not labelled as owned by SwarmRay instance " + config.instance());
        }
    }

    /** A call through the raw transport, whose IOException {@link #call} reports like any other failure. */
    private interface RawCall<T> {
        T get() throws IOException;
    }

    private static <T> Supplier<T> raw(RawCall<T> call) {
        return () -> {
            try {
                return call.get();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Runs one Docker call, counts it (swarmray_docker_calls_total by operation and result) and names it in errors. */
    <T> T call(String what, Supplier<T> action) {
        String op = what.split(" ")[0] + (what.contains(" ") ? " " + what.split(" ")[1] : "");
        try {
            T result = action.get();
            metrics.dockerCall(op, true);
            return result;
        } catch (RuntimeException e) {
            metrics.dockerCall(op, false);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().trim();
            throw new SwarmException(what + ": " + why, e);
        }
    }

    private static ObservedService observed(Service s) {
        var spec = s.getSpec();
        Map<String, String> labels = spec.getLabels() == null ? Map.of() : spec.getLabels();
        long replicas = spec.getMode() != null && spec.getMode().getReplicated() != null ? spec.getMode().getReplicated().getReplicas() : 0;
        var update = s.getUpdateStatus();
        Integer force = spec.getTaskTemplate() == null ? null : spec.getTaskTemplate().getForceUpdate();
        return new ObservedService(s.getId(), spec.getName(), s.getVersion().getIndex(), labels, replicas, force == null ? 0 : force,
                update == null || update.getState() == null ? null : update.getState().name().toLowerCase(),
                update == null ? null : update.getMessage());
    }

    private static ObservedNetwork observed(Network n) {
        String subnet = null;
        if (n.getIpam() != null && n.getIpam().getConfig() != null) {
            subnet = n.getIpam().getConfig().stream().map(Network.Ipam.Config::getSubnet)
                    .filter(x -> x != null && x.contains(".")).findFirst().orElse(null);
        }
        return new ObservedNetwork(n.getId(), n.getName(), n.getLabels() == null ? Map.of() : n.getLabels(), subnet);
    }

}

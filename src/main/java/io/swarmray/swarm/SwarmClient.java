package io.swarmray.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.Task;
import io.swarmray.render.DesiredNetwork;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The only place that talks to Docker. Lists only what carries SwarmRay's ownership label, and every
 * write names its object by id, so nothing else on the swarm can be touched.
 */
@ApplicationScoped
public class SwarmClient {
    private static final Map<String, String> OWNED = Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);

    @Inject
    DockerClient docker;

    public SwarmInfo info() {
        return call("docker info", () -> {
            var info = docker.infoCmd().exec();
            var version = docker.versionCmd().exec();
            var swarm = info.getSwarm();
            String state = swarm == null || swarm.getLocalNodeState() == null ? "inactive"
                    : swarm.getLocalNodeState().name().toLowerCase();
            return new SwarmInfo(version.getVersion(), version.getApiVersion(), state,
                    swarm != null && Boolean.TRUE.equals(swarm.getControlAvailable()), swarm == null ? null : swarm.getNodeID());
        });
    }

    /** Owned services of one cluster, or of all clusters when {@code cluster} is null: one call. */
    public List<ObservedService> services(String cluster) {
        return call("list services", () -> docker.listServicesCmd().withLabelFilter(owned(cluster)).exec().stream()
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
        return call("list tasks", () -> docker.listTasksCmd().withLabelFilter(owned(cluster)).exec().stream()
                .map(SwarmClient::observed).toList());
    }

    private static Map<String, String> owned(String cluster) {
        return cluster == null ? OWNED : Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE, Labels.CLUSTER, cluster);
    }

    public void createNetwork(DesiredNetwork n) {
        call("create network " + n.name(), () -> docker.createNetworkCmd().withName(n.name()).withDriver("overlay")
                .withAttachable(true).withCheckDuplicate(true).withLabels(n.labels()).exec());
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
        call("create service " + s.name(), () -> docker.createServiceCmd(ServiceSpecs.toDocker(s, null)).exec());
    }

    /** Replaces the service's spec; {@code version} must be the one just observed, or Swarm refuses. */
    public void updateService(ObservedService current, DesiredService s, Integer forceUpdate) {
        requireOwned(current.labels(), current.name());
        call("update service " + s.name(), () -> {
            docker.updateServiceCmd(current.id(), ServiceSpecs.toDocker(s, forceUpdate)).withVersion(current.version()).exec();
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

    private static void requireOwned(Map<String, String> labels, String name) {
        if (labels == null || !Labels.MANAGED_BY_VALUE.equals(labels.get(Labels.MANAGED_BY))) {
            throw new IllegalStateException("refusing to touch " + name + ": it lacks the label " + Labels.MANAGED_BY);
        }
    }

    private static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().trim();
            throw new SwarmException(what + ": " + why, e);
        }
    }

    private static ObservedService observed(Service s) {
        var spec = s.getSpec();
        Map<String, String> labels = spec.getLabels() == null ? Map.of() : spec.getLabels();
        long replicas = spec.getMode() != null && spec.getMode().getReplicated() != null ? spec.getMode().getReplicated().getReplicas() : 0;
        var update = s.getUpdateStatus();
        return new ObservedService(s.getId(), spec.getName(), s.getVersion().getIndex(), labels, replicas,
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

    private static ObservedTask observed(Task t) {
        var st = t.getStatus();
        return new ObservedTask(t.getId(), t.getServiceId(), t.getSlot() == null ? 0 : t.getSlot(), t.getNodeId(),
                st == null || st.getState() == null ? "unknown" : st.getState().getValue(),
                t.getDesiredState() == null ? "unknown" : t.getDesiredState().getValue(),
                st == null ? null : st.getMessage(), st == null ? null : st.getErr(),
                st == null ? null : st.getTimestamp(),
                st == null || st.getContainerStatus() == null ? null : st.getContainerStatus().getContainerID());
    }
}

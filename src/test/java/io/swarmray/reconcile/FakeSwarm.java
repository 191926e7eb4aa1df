package io.swarmray.reconcile;

import io.swarmray.render.DesiredNetwork;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An in-memory swarm that records every write. */
final class FakeSwarm extends SwarmClient {
    final Map<String, ObservedService> services = new HashMap<>();
    final Map<String, ObservedNetwork> networks = new HashMap<>();
    final List<ObservedTask> tasks = new ArrayList<>();
    final List<String> writes = new ArrayList<>();
    /** Reads named here fail as a broken engine's do ("services", "networks", "tasks", "nodes"). */
    final Set<String> failing = new HashSet<>();
    private int ids;

    int reads;
    /** Every read, by what it listed. */
    final List<String> readLog = new ArrayList<>();

    /** Runs at each read, before it answers: what else happens while a pass lists the swarm. */
    Runnable duringRead = () -> {
    };

    private void read(String what) {
        reads++;
        readLog.add(what);
        duringRead.run();
        if (failing.contains(what)) {
            throw new SwarmException("GET /" + what + ": 500 Internal Server Error", null);
        }
    }

    @Override
    public List<ObservedService> services(String cluster) {
        read("services");
        return services.values().stream().filter(s -> cluster == null || cluster.equals(s.label(Labels.CLUSTER))).toList();
    }

    @Override
    public List<ObservedNetwork> networks(String cluster) {
        read("networks");
        return networks.values().stream().filter(n -> cluster == null || cluster.equals(n.labels().get(Labels.CLUSTER))).toList();
    }

    @Override
    public List<ObservedTask> tasks(String cluster) {
        read("tasks");
        return List.copyOf(tasks);
    }

    @Override
    public Map<String, Map<String, Long>> nodeOffers() {
        read("nodes");
        return Map.of("gpu-node", Map.of("NVIDIA-GPU", 1L), "cpu-node", Map.of());
    }

    @Override
    public void createNetwork(DesiredNetwork n) {
        writes.add("create " + n.name());
        networks.put(n.name(), new ObservedNetwork("n" + ids++, n.name(), n.labels(), "10.0.9.0/24"));
    }

    @Override
    public void removeNetwork(ObservedNetwork n) {
        writes.add("remove " + n.name());
        networks.remove(n.name());
    }

    @Override
    public void createService(DesiredService s) {
        writes.add("create " + s.name());
        services.put(s.name(), new ObservedService("s" + ids++, s.name(), 1, s.labels(), s.replicas(), 0, null, null));
    }

    @Override
    public void updateService(ObservedService current, DesiredService s, Integer forceUpdate) {
        writes.add("update " + s.name() + " force=" + forceUpdate);
        services.put(s.name(), new ObservedService(current.id(), s.name(), current.version() + 1, s.labels(), s.replicas(),
                forceUpdate == null ? 0 : forceUpdate, null, null));
    }

    @Override
    public void scaleService(ObservedService current, long replicas) {
        writes.add("scale " + current.name() + " to " + replicas);
        services.put(current.name(), new ObservedService(current.id(), current.name(), current.version() + 1, current.labels(),
                replicas, current.forceUpdate(), null, null));
    }

    /** The service as an operator version that rendered it otherwise left it: another spec hash, or no input hash. */
    void renderedEarlier(String name, boolean withInputHash) {
        ObservedService s = services.get(name);
        Map<String, String> labels = new HashMap<>(s.labels());
        labels.put(Labels.SPEC_HASH, "0123456789abcdef");
        if (!withInputHash) {
            labels.remove(Labels.INPUT_HASH);
        }
        services.put(name, new ObservedService(s.id(), name, s.version() + 1, labels, s.replicas(), s.forceUpdate(), null, null));
    }

    @Override
    public void removeService(ObservedService s) {
        writes.add("remove " + s.name());
        services.remove(s.name());
    }
}

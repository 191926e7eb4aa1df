package io.swarmray.reconcile;

import io.swarmray.Config;
import io.swarmray.autoscaler.AutoscalerWiring;
import io.swarmray.head.HeadProbe;
import io.swarmray.render.RenderOptions;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.spec.Specs;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.RayNode;
import io.swarmray.status.StatusStore;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SelfContainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster reconciler wired to an in-memory swarm, a scripted head probe and in-memory statuses, for tests of
 * whole reconcile passes.
 */
abstract class ReconcilerHarness {
    /** Keeps statuses in memory. */
    static final class MemoryStatuses extends StatusStore {
        final Map<String, ClusterStatus> map = new HashMap<>();

        @Override
        public Optional<ClusterStatus> get(String name) {
            return Optional.ofNullable(map.get(name));
        }

        @Override
        public ClusterStatus put(ClusterStatus s) {
            map.put(s.name(), s);
            return s;
        }

        @Override
        public void remove(String name) {
            map.remove(name);
        }
    }

    final FakeSwarm swarm = new FakeSwarm();
    final SwarmWatcher watcher = new SwarmWatcher();
    /** What the head's node table says; null: the head is not asked. */
    List<RayNode> table;
    int probes;
    /** The heads whose tables were asked ahead, as cluster/task id. */
    final List<String> prefetched = new ArrayList<>();
    final SpecRegistry registry = new SpecRegistry();
    final MemoryStatuses statuses = new MemoryStatuses();
    final ClusterReconciler reconciler = new ClusterReconciler();
    @TempDir
    Path specsDir;

    @BeforeEach
    void wire() {
        reconciler.swarm = swarm;
        reconciler.registry = registry;
        reconciler.statuses = statuses;
        reconciler.config = config();
        reconciler.monitoring = new MonitoringNetwork();
        reconciler.probe = new HeadProbe() {
            @Override
            public Answer ask(RayCluster cluster, ObservedTask head) {
                probes++;
                return table == null ? new Answer(null, "not asked in this test") : new Answer(List.copyOf(table), null);
            }

            @Override
            public boolean asksOverNetwork(ObservedTask head) {
                return false; // as on a host: no network to join
            }

            @Override
            public void prefetch(RayCluster cluster, ObservedTask head) {
                prefetched.add(cluster.name() + "/" + (head == null ? null : head.id()));
            }
        };
        reconciler.watcher = watcher;
        reconciler.self = new SelfContainer();
        reconciler.autoscaler = new AutoscalerWiring() {
            @Override
            public void forget(String cluster) {
                // no autoscaled cluster here: nothing to forget, and no Docker to ask
            }
        };
    }

    void spec(String yaml) {
        registry.update(Specs.parser().parse("specs/llm.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every spec file has been read: a cluster no spec declares is really gone. */
    void scanned() {
        reconciler.registry.markAllFilesRead();
    }

    static ObservedTask task(String id, String service, Instant created) {
        return new ObservedTask(id, service, "llm", 1, "node", "running", "running", "", null, created.toString(),
                created.toString(), "c" + id, List.of("10.0.9." + Math.abs(id.hashCode() % 200)), List.of());
    }

    private static Config config() {
        return new Config() {
            public Path specsDir() {
                return Path.of("specs");
            }

            public Optional<Path> statusDirSetting() {
                return Optional.empty();
            }

            public Optional<String> monitoringNetwork() {
                return Optional.empty();
            }

            public Duration resyncInterval() {
                return Duration.ofSeconds(30);
            }

            public Duration convergingInterval() {
                return Duration.ofSeconds(2);
            }

            public Duration steadyProbeMaxInterval() {
                return Duration.ofMinutes(5);
            }

            public int maxSpecBytes() {
                return 1 << 20;
            }

            public String instance() {
                return "test";
            }

            public Optional<Path> apiTokenFile() {
                return Optional.empty();
            }

            public PolicySettings policy() {
                throw new UnsupportedOperationException("the reconciler does not read the policy");
            }

            public ServeSettings serve() {
                throw new UnsupportedOperationException("the cluster reconciler does not read RayService settings");
            }

            public AutoscalerSettings autoscaler() {
                throw new UnsupportedOperationException("no autoscaled cluster here");
            }

            public Optional<List<String>> imageRewriteRules() {
                return Optional.empty();
            }

            public List<String> genericResourceKinds() {
                return List.of();
            }

            @Override
            public RenderOptions renderOptions() {
                return RenderOptions.DEFAULT;
            }
        };
    }

    /** The sample cluster created; every service's replicas then run since {@code t0}, each ALIVE in the head's table. */
    void runningWithEveryNodeAlive(Instant t0) {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        table = new ArrayList<>();
        for (ObservedService svc : List.copyOf(swarm.services.values())) {
            for (int i = 0; i < svc.replicas(); i++) {
                ObservedTask t = task(svc.name() + i, svc.id(), t0);
                swarm.tasks.add(t);
                table.add(new RayNode("node-" + t.id(), t.addresses().get(0), "ALIVE", svc.name().equals("llm-head")));
            }
        }
    }

    /** One pass of the sample cluster at each of {@code seconds} after {@code t0}. */
    void passesAt(Instant t0, int... seconds) {
        for (int s : seconds) {
            reconciler.clock = Clock.fixed(t0.plusSeconds(s), ZoneOffset.UTC);
            reconciler.reconcile("llm");
        }
    }
}

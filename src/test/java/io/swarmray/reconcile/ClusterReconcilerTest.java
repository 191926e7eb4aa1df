package io.swarmray.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.Config;
import io.swarmray.autoscaler.AutoscalerWiring;
import io.swarmray.head.HeadProbe;
import io.swarmray.render.DesiredNetwork;
import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.render.RenderOptions;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.SpecDirectory;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.spec.Specs;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.Condition;
import io.swarmray.status.RayNode;
import io.swarmray.status.StatusStore;
import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SelfContainer;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconcile pass against an in-memory swarm: what it creates, updates, removes, and leaves alone. */
class ClusterReconcilerTest {

    /** An in-memory swarm that records every write. */
    static final class FakeSwarm extends SwarmClient {
        final Map<String, ObservedService> services = new HashMap<>();
        final Map<String, ObservedNetwork> networks = new HashMap<>();
        final List<ObservedTask> tasks = new ArrayList<>();
        final List<String> writes = new ArrayList<>();
        /** Reads named here fail as a broken engine's do ("services", "networks", "tasks", "nodes"). */
        final Set<String> failing = new HashSet<>();
        private int ids;

        int reads;

        private void read(String what) {
            reads++;
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
        public void removeService(ObservedService s) {
            writes.add("remove " + s.name());
            services.remove(s.name());
        }
    }

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

    private final FakeSwarm swarm = new FakeSwarm();
    private final SwarmWatcher watcher = new SwarmWatcher();
    /** What the head's node table says; null: the head is not asked. */
    private List<RayNode> table;
    private int probes;
    private final SpecRegistry registry = new SpecRegistry();
    private final MemoryStatuses statuses = new MemoryStatuses();
    private final ClusterReconciler reconciler = new ClusterReconciler();
    @TempDir
    Path emptyDir;

    @BeforeEach
    void wire() {
        reconciler.swarm = swarm;
        reconciler.registry = registry;
        reconciler.statuses = statuses;
        reconciler.config = config();
        reconciler.monitoring = new MonitoringNetwork();
        reconciler.specs = new SpecDirectory(emptyDir, Specs.parser(), new SpecRegistry());
        reconciler.probe = new HeadProbe() {
            @Override
            public Answer ask(RayCluster cluster, ObservedTask head) {
                probes++;
                return table == null ? new Answer(null, "not asked in this test") : new Answer(List.copyOf(table), null);
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

    private void spec(String yaml) {
        registry.update(Specs.parser().parse("specs/llm.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void createsWhatIsMissingThenDoesNothingWhileNothingChanges() {
        spec(Specs.SAMPLE);
        Duration next = reconciler.reconcile("llm");
        assertEquals(List.of("create llm-net", "create llm-head", "create llm-worker-gpu", "create llm-worker-cpu"), swarm.writes);
        assertEquals(Duration.ofSeconds(2), next, "not ready yet: look again soon");
        swarm.writes.clear();
        reconciler.reconcile("llm");
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes, "idempotent");
    }

    @Test
    void updatesOnlyTheServiceWhoseSpecChanged() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        swarm.writes.clear();
        spec(Specs.SAMPLE.replace("maxReplicas: 2", "maxReplicas: 3"));
        reconciler.reconcile("llm");
        assertEquals(List.of("update llm-worker-gpu force=0"), swarm.writes);
    }

    @Test
    void aGroupAskingForMoreGpusThanAnyNodeOffersIsNamed() {
        spec(Specs.SAMPLE.replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 2"));
        reconciler.reconcile("llm");
        var c = statuses.map.get("llm").condition(Condition.INSUFFICIENT_RESOURCES);
        assertEquals("True", c.status());
        assertEquals("group gpu asks for 2 NVIDIA-GPU per replica; the largest offer is 1 (node gpu-node)", c.message());
    }

    @Test
    void anInvalidEditTouchesNothing() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        swarm.writes.clear();
        spec(Specs.SAMPLE.replace("minReplicas: 1", "minReplicas: 7") + "\n  bad: [");
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes);
        assertTrue(statuses.map.get("llm").errors().get(0).contains("invalid YAML"), statuses.map.get("llm").errors().toString());
    }

    @Test
    void aClusterNoSpecDeclaresIsTornDownServicesFirst() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        registry.remove("specs/llm.yaml");
        swarm.writes.clear();
        scanned();
        assertEquals(ClusterReconciler.SOON, reconciler.reconcile("llm"));
        assertEquals(Set.of("remove llm-head", "remove llm-worker-gpu", "remove llm-worker-cpu"),
                Set.copyOf(swarm.writes));
        assertEquals("deleting", statuses.map.get("llm").state());
        reconciler.reconcile("llm");
        assertTrue(swarm.writes.contains("remove llm-net"));
        assertNull(reconciler.reconcile("llm"));
        assertTrue(statuses.map.isEmpty());
    }

    /** KubeRay's Redis cleanup job: started from the head's labels as the services go, awaited, then the network goes. */
    @Test
    void aDeletedClusterWithFaultToleranceCleansItsRedisNamespaceBeforeTheNetworkGoes() {
        spec(Specs.SAMPLE.replace("  rayVersion: \"2.40.0\"\n", "  rayVersion: \"2.40.0\"\n  gcsFaultToleranceOptions:\n"
                + "    redisAddress: redis://redis:6379\n    redisPassword: {valueFrom: {secretKeyRef: {name: redis-pass}}}\n"));
        reconciler.reconcile("llm");
        registry.remove("specs/llm.yaml");
        scanned();
        swarm.writes.clear();
        assertEquals(ClusterReconciler.SOON, reconciler.reconcile("llm"));
        assertEquals("create llm-gcs-cleanup", swarm.writes.get(0), "the job's inputs are read before the head goes");
        assertEquals(Set.of("create llm-gcs-cleanup", "remove llm-head", "remove llm-worker-gpu", "remove llm-worker-cpu"),
                Set.copyOf(swarm.writes));
        var job = swarm.services.get("llm-gcs-cleanup");
        assertEquals("redis-cleanup", job.label(Labels.NODE_TYPE));
        swarm.writes.clear();
        reconciler.reconcile("llm");
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes, "the network stays while the job runs");
        swarm.tasks.add(jobTask("t1", job.id(), "failed", "task: non-zero exit (1)"));
        swarm.tasks.add(jobTask("t2", job.id(), "complete", null));
        reconciler.reconcile("llm");
        assertEquals(List.of("remove llm-gcs-cleanup"), swarm.writes);
        reconciler.reconcile("llm");
        assertTrue(swarm.writes.contains("remove llm-net"));
    }

    @Test
    void aCleanupThatFailsEveryAttemptDoesNotBlockTheDeletion() {
        spec(Specs.SAMPLE.replace("  rayVersion: \"2.40.0\"\n", "  rayVersion: \"2.40.0\"\n  gcsFaultToleranceOptions:\n"
                + "    redisAddress: redis:6379\n"));
        reconciler.reconcile("llm");
        registry.remove("specs/llm.yaml");
        scanned();
        reconciler.reconcile("llm");
        var job = swarm.services.get("llm-gcs-cleanup");
        for (int i = 1; i <= 3; i++) {
            assertTrue(swarm.services.containsKey("llm-gcs-cleanup"), "attempt " + i);
            swarm.tasks.add(jobTask("t" + i, job.id(), "failed", "task: non-zero exit (1)"));
            reconciler.reconcile("llm");
        }
        assertTrue(swarm.writes.contains("remove llm-gcs-cleanup"));
        reconciler.reconcile("llm");
        assertTrue(swarm.writes.contains("remove llm-net"));
    }

    @Test
    void withoutFaultToleranceThereIsNoCleanupJob() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        registry.remove("specs/llm.yaml");
        scanned();
        reconciler.reconcile("llm");
        assertTrue(swarm.writes.stream().noneMatch(w -> w.contains("cleanup")), swarm.writes.toString());
    }

    private static ObservedTask jobTask(String id, String service, String state, String error) {
        return new ObservedTask(id, service, "llm", 1, "node", state, "shutdown", "", error, Instant.now().toString(),
                Instant.now().toString(), "c" + id, List.of(), List.of());
    }

    @Test
    void aFailedReadNeverLeadsToAWrite() {
        scanned();
        for (String read : List.of("services", "networks", "tasks", "nodes")) {
            for (boolean declared : List.of(true, false)) {
                swarm.failing.clear();
                spec(Specs.SAMPLE);
                reconciler.reconcile("llm");
                reconciler.reconcile("llm"); // converged: running as the spec says
                if (!declared) {
                    registry.remove("specs/llm.yaml"); // to be torn down, but only from a listing that succeeded
                }
                swarm.failing.add(read);
                swarm.writes.clear();
                try {
                    reconciler.reconcile("llm");
                } catch (SwarmException expected) {
                    // the loop retries with backoff
                }
                List<String> wrong = swarm.writes.stream().filter(w -> declared || !w.startsWith("remove")
                        || read.equals("services") || read.equals("networks") && w.endsWith("-net")).toList();
                assertEquals(List.of(), wrong, read + " failing, spec " + (declared ? "present" : "gone"));
            }
        }
    }

    @Test
    void nothingIsTornDownBeforeTheSpecsDirectoryWasRead() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        registry.remove("specs/llm.yaml");
        swarm.writes.clear();
        assertEquals(ClusterReconciler.SOON, reconciler.reconcile("llm"));
        assertEquals(List.of(), swarm.writes);
    }

    @Test
    void workersOfAReplacedHeadGetRaysGraceThenEveryGroupRestartsAtOnceAndOnlyOnce() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
        String head = swarm.services.get("llm-head").id();
        String gpu = swarm.services.get("llm-worker-gpu").id();
        String cpu = swarm.services.get("llm-worker-cpu").id();
        swarm.tasks.add(task("w1", gpu, t0));
        swarm.tasks.add(task("w2", cpu, t0));
        swarm.tasks.add(task("h2", head, t0.plusSeconds(60))); // the head was replaced a minute after the workers started
        swarm.writes.clear();
        // within Ray's self-check grace the workers may still leave by themselves: nothing is restarted, look again soon
        reconciler.clock = Clock.fixed(t0.plusSeconds(79), ZoneOffset.UTC);
        assertEquals(Duration.ofSeconds(1), reconciler.reconcile("llm"));
        assertEquals(List.of(), swarm.writes);
        // past it, both groups at once in one pass, each with the all-at-once rollout
        reconciler.clock = Clock.fixed(t0.plusSeconds(81), ZoneOffset.UTC);
        reconciler.reconcile("llm");
        assertEquals(List.of("update llm-worker-gpu force=1", "update llm-worker-cpu force=1"), swarm.writes);
        assertEquals("true", swarm.services.get("llm-worker-cpu").label(Labels.RESTARTED_ALL_AT_ONCE));
        // the next pass puts the rollout settings back without a restart (same force counter); the old tasks still
        // listed while they stop are not restarted again
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of("update llm-worker-gpu force=1", "update llm-worker-cpu force=1"), swarm.writes);
        assertNull(swarm.services.get("llm-worker-cpu").label(Labels.RESTARTED_ALL_AT_ONCE));
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes);
        // the restarted workers are newer than the head: nothing more to do
        swarm.tasks.set(0, task("w3", gpu, t0.plusSeconds(70)));
        swarm.tasks.set(1, task("w4", cpu, t0.plusSeconds(70)));
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes);
    }

    @Test
    void workersThatLeftByThemselvesAsRaysDoAreNotRestartedAgain() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
        String gpu = swarm.services.get("llm-worker-gpu").id();
        swarm.tasks.add(task("h2", swarm.services.get("llm-head").id(), t0.plusSeconds(60)));
        // the old worker exited when the new GCS did not know it (failed), and Swarm started its replacement
        swarm.tasks.add(new ObservedTask("w1", gpu, "llm", 1, "node", "failed", "shutdown", "started", "task: non-zero exit (1)",
                t0.plusSeconds(64).toString(), t0.toString(), "cw1", List.of(), List.of()));
        swarm.tasks.add(task("w2", gpu, t0.plusSeconds(64)));
        swarm.writes.clear();
        for (int s : new int[]{61, 64, 69, 120}) {
            reconciler.clock = Clock.fixed(t0.plusSeconds(s), ZoneOffset.UTC);
            reconciler.reconcile("llm");
        }
        assertEquals(List.of(), swarm.writes);
    }

    @Test
    void aSteadyClusterIsOnlyProbedUntilItsNodeTableChanges() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
        table = new ArrayList<>();
        for (ObservedService svc : List.copyOf(swarm.services.values())) {
            boolean head = svc.name().equals("llm-head");
            for (int i = 0; i < svc.replicas(); i++) {
                ObservedTask t = task(svc.name() + i, svc.id(), t0);
                swarm.tasks.add(t);
                table.add(new RayNode("node-" + t.id(), t.addresses().get(0), "ALIVE", head));
            }
        }
        watcher.changedClusters(swarm.tasks); // the listing for all clusters that the watcher polls
        assertNull(reconciler.reconcile("llm"), "ready: nothing to look at until the resync");
        assertEquals("ready", statuses.map.get("llm").state());
        swarm.reads = 0;
        probes = 0;
        swarm.writes.clear();
        for (int i = 0; i < 3; i++) {
            assertNull(reconciler.reconcile("llm"));
        }
        assertEquals(0, swarm.reads, "a steady cluster's resync pass reads nothing from Docker");
        assertEquals(3, probes);
        assertEquals(Duration.ofMinutes(4), reconciler.steadiness.probeInterval("llm"), "30 s doubled three times");
        // Ray lost a node that Swarm still runs: the probe sees it, and the pass is a full one at once
        table.set(1, new RayNode(table.get(1).nodeId(), table.get(1).nodeIp(), "DEAD", false));
        reconciler.reconcile("llm");
        assertTrue(swarm.reads >= 3, "services, networks and tasks listed again");
        assertEquals("recovering", statuses.map.get("llm").state());
        assertNull(reconciler.steadiness.probeInterval("llm"));
        assertEquals(List.of(), swarm.writes);
    }

    @Test
    void workersStartedWithTheHeadAreLeftAlone() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
        swarm.tasks.add(task("h1", swarm.services.get("llm-head").id(), t0.plusMillis(300)));
        swarm.tasks.add(task("w1", swarm.services.get("llm-worker-gpu").id(), t0));
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes);
    }

    /** The (empty) specs directory has been read: a cluster no spec declares is really gone. */
    private void scanned() {
        try {
            reconciler.specs.scan(System.currentTimeMillis());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObservedTask task(String id, String service, Instant created) {
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
}

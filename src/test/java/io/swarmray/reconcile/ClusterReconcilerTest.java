package io.swarmray.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.render.Labels;
import io.swarmray.spec.SpecDirectory;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.spec.Specs;
import io.swarmray.status.Condition;
import io.swarmray.status.RayNode;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reconcile pass against an in-memory swarm: what it creates, updates, removes, and leaves alone. */
class ClusterReconcilerTest extends ReconcilerHarness {

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
    void aServiceAnotherOperatorVersionRenderedKeepsItsTasksUntilItsGroupIsEdited() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        swarm.renderedEarlier("llm-worker-gpu", true);
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes, "the same inputs: the earlier rendering stays");
        spec(Specs.SAMPLE.replace("maxReplicas: 2", "maxReplicas: 3"));
        reconciler.reconcile("llm");
        assertEquals(List.of("scale llm-worker-gpu to 3"), swarm.writes, "a new count only scales: the template is not sent");
        swarm.writes.clear();
        spec(Specs.SAMPLE.replace("maxReplicas: 2", "maxReplicas: 3").replace("value: llama", "value: mistral"));
        reconciler.reconcile("llm");
        assertEquals(List.of("update llm-worker-gpu force=0"), swarm.writes, "an edit of the group applies this rendering");
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes);
    }

    @Test
    void aServiceWithoutAnInputHashIsBroughtToThisRendering() {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        swarm.renderedEarlier("llm-head", false);
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertEquals(List.of("update llm-head force=0"), swarm.writes, "nothing tells its inputs: rendered as the spec says");
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
    void aSteadyClusterIsOnlyProbedUntilItsNodeTableChanges() {
        runningWithEveryNodeAlive(Instant.parse("2026-11-27T10:00:00Z"));
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

    /**
     * A restarted operator's first scan left the cluster's file settling (rewritten just before the restart); the scan
     * that reads it ends while a pass lists the swarm. That pass looked the spec up before: it must not take its
     * missing spec for a deleted one because the directory counts as read by the time it asks (one CI run on the native
     * binary: OperatorCrashIT's running cluster removed, and made again 0.5 s later).
     */
    @Test
    void aSpecReadWhileAPassListsTheSwarmIsNotTakenForADeletedOne() throws IOException {
        spec(Specs.SAMPLE);
        reconciler.reconcile("llm");
        // the operator restarts: a new registry, and the file was written a moment ago
        SpecRegistry fresh = new SpecRegistry();
        Path file = Files.writeString(specsDir.resolve("llm.yaml"), Specs.SAMPLE);
        long written = Files.getLastModifiedTime(file).toMillis();
        reconciler.registry = fresh;
        SpecDirectory specs = new SpecDirectory(specsDir, Specs.parser(), fresh);
        assertTrue(specs.scan(written + 50).unsettled());
        swarm.duringRead = () -> {
            try {
                specs.scan(written + SpecDirectory.SETTLE_MILLIS + 50);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        swarm.writes.clear();
        reconciler.reconcile("llm");
        assertTrue(fresh.allFilesRead(), "the file was read while the pass listed the swarm");
        assertEquals(List.of(), swarm.writes, "nothing removed on a spec looked up before the directory was read");
        reconciler.reconcile("llm");
        assertEquals(List.of(), swarm.writes, "the next pass finds the spec, and everything as it wants it");
    }
}

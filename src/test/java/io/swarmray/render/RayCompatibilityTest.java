package io.swarmray.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.spec.RayCluster;
import io.swarmray.spec.Specs;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What real Ray 2.40 needs of the rendered services (ray-2.40-audit.md, one test per finding). */
class RayCompatibilityTest {
    private static RayCluster parse(String yaml) {
        var f = Specs.parse(yaml);
        assertTrue(f.allErrors().isEmpty(), f.allErrors().toString());
        return f.clusters().get(0).cluster();
    }

    private static DesiredService service(RayCluster c, int i) {
        return ClusterRenderer.render(c, ClusterRendererTest.NET, RenderOptions.DEFAULT).services().get(i);
    }

    /** F2: a bare --include-dashboard makes click take the next flag as its value (exit 2). */
    @Test
    void booleanAndChoiceValuedOptionsAlwaysCarryTheirValue() {
        RayCluster c = parse(Specs.SAMPLE.replace("num-cpus: \"0\"",
                "num-cpus: \"0\"\n      include-dashboard: \"true\"\n      log-color: \"true\"\n      disable-usage-stats: \"true\""));
        List<String> args = RayStartCommand.args(c, c.head());
        assertTrue(args.contains("--include-dashboard=true"), args.toString());
        assertTrue(args.contains("--log-color=true"), args.toString());
        assertFalse(args.contains("--include-dashboard") || args.contains("--log-color"), args.toString());
        assertTrue(args.contains("--disable-usage-stats"), "other flags stay bare: " + args);
    }

    /** F4: --num-cpus/--num-gpus are integers in Ray; KubeRay rounds up and matches keys case-insensitively. */
    @Test
    void groupResourcesRoundCpuAndGpuUpAndMatchKeysWithoutCase() {
        RayCluster c = parse(Specs.SAMPLE.replace("- groupName: cpu\n",
                "- groupName: cpu\n      resources: {cpu: 500m, GPU: \"0.5\", Memory: 1Gi, accel: \"0.25\"}\n"));
        List<String> args = RayStartCommand.args(c, c.workerGroups().get(1));
        assertTrue(args.containsAll(List.of("--num-cpus=1", "--num-gpus=1", "--memory=1073741824")), args.toString());
        assertTrue(args.contains("--resources={\"accel\": 0.25}"), "custom resources keep fractions: " + args);
        assertTrue(args.stream().noneMatch(a -> a.contains("\"cpu\"")), "cpu is not a custom resource: " + args);
    }

    /** F9: without a GPU limit the NVIDIA runtime would expose the image's NVIDIA_VISIBLE_DEVICES=all. */
    @Test
    void groupsWithoutGpusSeeNoGpus() {
        RayCluster c = Specs.sample();
        assertTrue(service(c, 0).env().contains("NVIDIA_VISIBLE_DEVICES=void"), "head");
        assertTrue(service(c, 2).env().contains("NVIDIA_VISIBLE_DEVICES=void"), "cpu group");
        assertTrue(service(c, 1).env().stream().noneMatch(e -> e.startsWith("NVIDIA_VISIBLE_DEVICES=")),
                "gpu group: Swarm's assignment decides");
        RayCluster own = parse(Specs.SAMPLE
                .replace("- {name: MODEL, value: llama}",
                        "- {name: MODEL, value: llama}\n                - {name: NVIDIA_VISIBLE_DEVICES, value: \"0\"}")
                .replace("limits: {cpu: 1500m, memory: 8Gi, nvidia.com/gpu: 1}", "limits: {cpu: 1500m, memory: 8Gi}"));
        assertTrue(service(own, 1).env().contains("NVIDIA_VISIBLE_DEVICES=0"), "the user's value wins, as under KubeRay");
        assertFalse(service(own, 1).env().contains("NVIDIA_VISIBLE_DEVICES=void"));
    }

    /** F7: a busy GCS fails gcs_healthz (0.1 s); the head gets KubeRay's liveness tolerance. F14: wget once. */
    @Test
    void theHeadHealthcheckToleratesABusyGcsAndWgetNeverRetries() {
        RayCluster c = Specs.sample();
        var head = service(c, 0).healthCheck();
        assertEquals(120, head.retries());
        assertEquals(5_000_000_000L, head.intervalNanos());
        assertTrue(head.test().get(1).contains("/api/gcs_healthz"), "the GCS is still checked");
        var worker = service(c, 1).healthCheck();
        assertEquals(6, worker.retries(), "a worker fails only once the GCS declared it dead");
        assertEquals(300_000_000_000L, worker.startPeriodNanos(), "F8: waiting for the head may take 5-35 s an attempt");
        for (var check : List.of(head, worker)) {
            String test = check.test().get(1);
            assertEquals(test.split("wget ").length - 1, test.split("wget --tries=1 ").length - 1, test);
        }
    }

    /** F6: the default namespace is unique per creation of the cluster (KubeRay: the UID), not its name. */
    @Test
    void theDefaultStorageNamespaceIsUniquePerClusterCreation() {
        String yaml = Specs.SAMPLE.replace("  rayVersion: \"2.40.0\"\n",
                "  rayVersion: \"2.40.0\"\n  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n");
        RayCluster c = parse(yaml);
        var first = ClusterRenderer.render(c, new ClusterNetwork("aaaaaaaaaaaaaaaaaaaaaaaaa", "10.0.5.0/24"), RenderOptions.DEFAULT);
        var again = ClusterRenderer.render(c, new ClusterNetwork("bbbbbbbbbbbbbbbbbbbbbbbbb", "10.0.5.0/24"), RenderOptions.DEFAULT);
        String ns = "RAY_external_storage_namespace=";
        String a = first.services().get(0).env().stream().filter(e -> e.startsWith(ns)).findFirst().orElseThrow();
        String b = again.services().get(0).env().stream().filter(e -> e.startsWith(ns)).findFirst().orElseThrow();
        assertEquals(ns + "swarmray-llm-aaaaaaaaaaaa", a);
        assertNotEquals(a, b);
        RayCluster named = parse(
                yaml.replace("redisAddress: redis:6379", "redisAddress: redis:6379\n    externalStorageNamespace: shared"));
        var given = ClusterRenderer.render(named, ClusterRendererTest.NET, RenderOptions.DEFAULT).services().get(0).env();
        assertTrue(given.contains(ns + "shared"), given.toString());
    }

    /** F6, the other half: KubeRay's Redis cleanup job, derived from the head service's labels once the spec is gone. */
    @Test
    void theRedisCleanupJobIsAPureFunctionOfTheHeadsLabels() {
        RayCluster c = parse(Specs.SAMPLE
                .replace("  labels: {team: ml}\n", "  labels: {team: ml}\n  annotations: {swarmray.io/extra-networks: redis-net}\n")
                .replace("  rayVersion: \"2.40.0\"\n",
                        "  rayVersion: \"2.40.0\"\n  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n"
                                + "    redisPassword: {valueFrom: {secretKeyRef: {name: redis-pass}}}\n"));
        DesiredService head = service(c, 0);
        assertTrue(RedisCleanup.wanted(head.labels()));
        assertFalse(RedisCleanup.wanted(service(Specs.sample(), 0).labels()), "no fault tolerance, nothing to clean");
        DesiredService job = RedisCleanup.service("llm", new TreeMap<>(head.labels()));
        assertEquals("llm-gcs-cleanup", job.name());
        assertEquals(head.image(), job.image());
        assertTrue(job.runOnce() != null);
        assertTrue(job.env().containsAll(List.of("RAY_REDIS_ADDRESS=redis:6379", "RAY_external_storage_namespace=swarmray-llm-q4tnyh2fz6j3",
                "SWARMRAY_HEAD_HOST=llm-head", "SWARMRAY_REDIS_PASSWORD_FILE=/run/secrets/redis-pass")), job.env().toString());
        assertEquals(List.of("redis-pass"), job.secrets());
        assertEquals(List.of("redis-net"), job.extraNetworks());
        assertEquals("llm-net", job.network());
        assertEquals(job, RedisCleanup.service("llm", new TreeMap<>(head.labels())));
        String longName = "x".repeat(58);
        assertTrue(RedisCleanup.serviceName(longName).length() <= 63);
    }

    /** F5: a new Docker volume is root-owned 0755; the start script makes emptyDir mount points writable. */
    @Test
    void emptyDirMountPointsAreHandedToTheStartScript() {
        RayCluster c = Specs.sample();
        var env = service(c, 1).env();
        assertTrue(env.contains(StartScript.EMPTY_DIRS + "=/scratch"), "only the writable disk-backed emptyDir: " + env);
        assertTrue(service(c, 0).env().stream().noneMatch(e -> e.startsWith(StartScript.EMPTY_DIRS)));
    }
}

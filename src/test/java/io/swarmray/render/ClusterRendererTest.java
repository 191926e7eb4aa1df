package io.swarmray.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.render.DesiredService.MountType;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.Specs;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ClusterRendererTest {
    static final ClusterNetwork NET = new ClusterNetwork("q4tnyh2fz6j3sk0pexw8m1cvd", "10.0.5.0/24");
    private final RayCluster c = Specs.sample();
    private final DesiredCluster d = ClusterRenderer.render(c, NET, RenderOptions.DEFAULT);

    private DesiredService svc(String name) {
        return d.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void oneNetworkAndOneServicePerGroup() {
        assertEquals("llm-net", d.network().name());
        assertEquals(List.of("llm-head", "llm-worker-gpu", "llm-worker-cpu"), d.services().stream().map(DesiredService::name).toList());
        assertEquals(1, svc("llm-head").replicas());
        assertEquals(2, svc("llm-worker-gpu").replicas());
        assertEquals(0, svc("llm-worker-cpu").replicas());
    }

    @Test
    void withMonitoringEveryNodeJoinsTheSharedNetworkAndNamesItsMetricsPort() {
        assertTrue(d.services().stream().noneMatch(s -> s.labels().containsKey(Labels.METRICS_PORT)), "off by default");
        DesiredCluster m = ClusterRenderer.render(c, NET, RenderOptions.DEFAULT.withMonitoring("swarmray-monitoring"));
        for (DesiredService s : m.services()) {
            assertTrue(s.extraNetworks().contains("swarmray-monitoring"), s.name() + " " + s.extraNetworks());
            assertEquals("8080", s.labels().get(Labels.METRICS_PORT), s.name());
            assertEquals(s.extraNetworks().size() - 1, svc(s.name()).extraNetworks().size(), "added, nothing else changed");
        }
    }

    @Test
    void noServicesUntilTheNetworkHasASubnetOrWhenSuspended() {
        assertTrue(ClusterRenderer.render(c, null, RenderOptions.DEFAULT).services().isEmpty());
        RayCluster suspended = Specs.parse(Specs.SAMPLE.replace("rayVersion: \"2.40.0\"", "rayVersion: \"2.40.0\"\n  suspend: true"))
                .clusters().get(0).cluster();
        assertTrue(ClusterRenderer.render(suspended, NET, RenderOptions.DEFAULT).services().isEmpty());
    }

    @Test
    void labelsMakeTheClusterAStackAndMarkOwnership() {
        var l = svc("llm-worker-gpu").labels();
        assertEquals("llm", l.get(Labels.CLUSTER));
        assertEquals("worker", l.get(Labels.NODE_TYPE));
        assertEquals("gpu", l.get(Labels.GROUP));
        assertEquals("swarmray", l.get(Labels.MANAGED_BY));
        assertEquals("llm", l.get(Labels.STACK_NAMESPACE));
        assertEquals("ml", l.get("team"));
        assertEquals(svc("llm-worker-gpu").hash(), l.get(Labels.SPEC_HASH));
    }

    @Test
    void envCarriesKubeRaysVariablesAndTheStartUpInputs() {
        var env = svc("llm-worker-gpu").env();
        assertTrue(env.containsAll(List.of("RAY_CLUSTER_NAME=llm", "RAY_ADDRESS=llm-head:6379", "RAY_PORT=6379", "FQ_RAY_IP=llm-head",
                "RAY_NODE_TYPE_NAME=gpu", "MODEL=llama", "RAY_CLOUD_INSTANCE_ID={{.Task.ID}}", "SWARMRAY_NODE_SUBNET=10.0.5.0/24",
                "SWARMRAY_WAIT_FOR_GCS=llm-head:6379", "SWARMRAY_WATCH_HEAD=1")), env.toString());
        assertTrue(svc("llm-head").env().contains("RAY_ADDRESS=127.0.0.1:6379"));
        assertTrue(svc("llm-head").env().stream().noneMatch(e -> e.startsWith("SWARMRAY_WATCH_HEAD=")), "the head watches no head");
    }

    @Test
    void userValuesAreNeverSwarmTemplates() {
        RayCluster x = Specs.parse(Specs.SAMPLE.replace("value: llama", "value: '{{.Node.Hostname}}'")).clusters().get(0).cluster();
        var env = ClusterRenderer.render(x, NET, RenderOptions.DEFAULT).services().get(1).env();
        assertTrue(env.contains("MODEL={{\"{{\"}}.Node.Hostname}}"), env.toString());
    }

    @Test
    void theStartScriptGetsFlagsAsArgumentsNeverAsShellText() {
        var s = svc("llm-worker-gpu");
        assertEquals(List.of("/bin/bash", "-c", StartScript.TEXT, "swarmray-start"), s.command());
        assertTrue(StartScript.TEXT.contains("exec ray start \"$@\""));
        assertEquals(RayStartCommand.args(c, c.workerGroups().get(0)), s.args());
    }

    @Test
    void resourcesPlacementMountsAndPorts() {
        var gpu = svc("llm-worker-gpu");
        assertEquals(new DesiredService.Resources(1_500_000_000L, 8L << 30, 1_000_000_000L, 6L << 30,
                new TreeMap<>(Map.of("NVIDIA-GPU", 1L))), gpu.resources());
        assertEquals(List.of("node.labels.gpu==true", "node.labels.zone==a", "node.platform.arch==x86_64"), gpu.placement().constraints());
        assertEquals(List.of("node.labels.rack"), gpu.placement().spread());
        assertEquals(1, gpu.placement().maxReplicasPerNode());
        assertEquals(List.of("node.role==manager"), svc("llm-head").placement().constraints());
        assertEquals(List.of(new DesiredService.Mount(MountType.TMPFS, null, "/dev/shm", false, 8L << 30),
                new DesiredService.Mount(MountType.BIND, "/srv/models", "/models", true, 0),
                new DesiredService.Mount(MountType.VOLUME, null, "/scratch", false, 0),
                new DesiredService.Mount(MountType.TMPFS, null, "/fast", false, 1L << 30)), gpu.mounts());
        assertEquals(List.of(new DesiredService.PublishedPort(8266, 18266, "tcp")), svc("llm-head").ports());
        assertEquals(List.of("head"), svc("llm-head").networkAliases());
    }

    @Test
    void healthChecksUseRaysOwnUrlsAndPorts() {
        String head = svc("llm-head").healthCheck().test().get(1);
        assertTrue(
                head.contains("http://localhost:52365/api/local_raylet_healthz") && head.contains("http://localhost:8266/api/gcs_healthz"),
                head);
        String worker = svc("llm-worker-gpu").healthCheck().test().get(1);
        assertEquals("wget --tries=1 -T 2 -q -O- http://localhost:52365/api/local_raylet_healthz | grep success", worker);
    }

    @Test
    void aLivenessProbeInTheSpecIsTheHealthcheckWithItsTimingsAndTheOtherGroupsKeepRays() {
        String anchor = "            ports:\n              - {containerPort: 8266, hostPort: 18266, name: dashboard}\n";
        RayCluster probed = Specs.parse(Specs.SAMPLE.replace(anchor, anchor
                + "            livenessProbe: {httpGet: {path: /api/gcs_healthz, port: 8266}, periodSeconds: 2, failureThreshold: 300, "
                + "initialDelaySeconds: 20, timeoutSeconds: 5}\n")).clusters().get(0).cluster();
        var rendered = ClusterRenderer.render(probed, NET, RenderOptions.DEFAULT);
        var head = rendered.services().get(0).healthCheck();
        assertEquals(new DesiredService.HealthCheck(
                List.of("CMD", "wget", "--tries=1", "-q", "-O", "/dev/null", "-T", "5", "http://localhost:8266/api/gcs_healthz"),
                2_000_000_000L, 5_000_000_000L, 300, 20_000_000_000L, 1_000_000_000L), head);
        assertEquals(svc("llm-worker-gpu").healthCheck(), rendered.services().get(1).healthCheck(), "a group without a probe keeps Ray's");
        RayCluster probedWorkers = Specs.parse(Specs.SAMPLE.replace("- {name: w, image: rayproject/ray:2.40.0}",
                "- {name: w, image: rayproject/ray:2.40.0, livenessProbe: {tcpSocket: {port: 52365}, initialDelaySeconds: 10}}")).clusters()
                .get(0).cluster();
        assertEquals(310_000_000_000L, ClusterRenderer.render(probedWorkers, NET, RenderOptions.DEFAULT).services().get(2).healthCheck()
                .startPeriodNanos(), "a worker's probe counts from after its wait for the head, as after KubeRay's init container");
        assertNotEquals(svc("llm-head").hash(), rendered.services().get(0).hash());
        assertEquals(svc("llm-worker-gpu").hash(), rendered.services().get(1).hash(), "nothing else of the cluster changes");
    }

    @Test
    void theHashIsStableAndChangesWithTheSpec() {
        var again = ClusterRenderer.render(Specs.sample(), NET, RenderOptions.DEFAULT);
        assertEquals(d, again);
        var scaled = ClusterRenderer.render(
                Specs.parse(Specs.SAMPLE.replace("maxReplicas: 2", "maxReplicas: 3")).clusters().get(0).cluster(),
                NET, RenderOptions.DEFAULT);
        assertNotEquals(svc("llm-worker-gpu").hash(), scaled.services().get(1).hash());
        assertEquals(svc("llm-worker-cpu").hash(), scaled.services().get(2).hash());
        assertEquals(svc("llm-head").hash(), scaled.services().get(0).hash());
    }

    @Test
    void imageRewritesKeepOrReplaceTags() {
        var mirror = ImageRewrites.parse(List.of("rayproject/ray=mirror:5000/rayproject/ray"));
        assertEquals("mirror:5000/rayproject/ray:2.40.0-gpu", mirror.apply("rayproject/ray:2.40.0-gpu"));
        var standin = ImageRewrites.parse(List.of("rayproject/ray=swarmray/ray-standin:test"));
        assertEquals("swarmray/ray-standin:test", standin.apply("rayproject/ray:2.40.0"));
        assertEquals("other/ray:1", standin.apply("other/ray:1"));
        assertEquals("swarmray/ray-standin:test",
                ClusterRenderer.render(c, NET, new RenderOptions(standin, RenderOptions.DEFAULT_KINDS)).services().get(0).image());
    }

    @Test
    void faultToleranceSetsRedisEnvOnTheHeadAndReadsThePasswordFromItsSecret() {
        String yaml = Specs.SAMPLE.replace("  rayVersion: \"2.40.0\"\n",
                "  rayVersion: \"2.40.0\"\n  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n"
                        + "    redisPassword: {valueFrom: {secretKeyRef: {name: redis-pass}}}\n");
        var x = Specs.parse(yaml).clusters().get(0).cluster();
        var ft = ClusterRenderer.render(x, NET, RenderOptions.DEFAULT);
        var head = ft.services().get(0);
        assertTrue(
                head.env().containsAll(List.of("RAY_REDIS_ADDRESS=redis:6379", "RAY_external_storage_namespace=swarmray-llm-q4tnyh2fz6j3",
                        "SWARMRAY_REDIS_PASSWORD_FILE=/run/secrets/redis-pass")),
                head.env().toString());
        assertEquals(List.of("redis-pass"), head.secrets());
        assertTrue(ft.services().get(1).env().contains("RAY_gcs_rpc_server_reconnect_timeout_s=600"));
        assertTrue(ft.services().get(1).env().stream().noneMatch(e -> e.startsWith("SWARMRAY_WATCH_HEAD=")),
                "with fault tolerance a worker stays with the new head: " + ft.services().get(1).env());
        assertEquals(List.of(), ft.services().get(1).secrets());
        String withValue = yaml.replace("{valueFrom: {secretKeyRef: {name: redis-pass}}}", "{value: hunter2}");
        // A password in the spec would be in the service's args: refused, and the error does not echo it.
        var refused = Specs.parse(withValue).allErrors();
        assertEquals(1, refused.size(), refused.toString());
        assertTrue(refused.get(0).toString().contains("redisPassword.value: a password written in the spec"), refused.toString());
        assertFalse(refused.toString().contains("hunter2"));
        var asParam = Specs.parse(Specs.SAMPLE.replace("dashboard-port: \"8266\"", "redis-password: hunter2")).allErrors();
        assertTrue(asParam.toString().contains("rayStartParams.redis-password: a password written in the spec"), asParam.toString());
        assertFalse(asParam.toString().contains("hunter2"));
    }
}

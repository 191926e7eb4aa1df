package io.swarmray.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.autoscaler.ReplicaPlanTest;
import io.swarmray.render.DesiredService.FileMount;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What KubeRay gives its autoscaler sidecar, given to the head task (ray-autoscaler-contract.md A1). */
class AutoscalerRenderTest {
    static final AutoscalerAccess FROM_HOST = new AutoscalerAccess("swarmray-k8s", 6443, "tok", "ca", "host-gateway swarmray-k8s");

    static DesiredService head(AutoscalerAccess access) {
        var c = ReplicaPlanTest.cluster(1);
        return ClusterRenderer.render(c, new ClusterNetwork("n", "10.0.0.0/24"), RenderOptions.DEFAULT.withAutoscaler(access)).services()
                .get(0);
    }

    @Test
    void theHeadRunsTheAutoscalerInsteadOfRaysMonitor() {
        DesiredService h = head(FROM_HOST);
        assertTrue(h.args().contains("--no-monitor"), h.args().toString());
        assertTrue(h.env()
                .containsAll(List.of("KUBERNETES_SERVICE_HOST=swarmray-k8s", "KUBERNETES_SERVICE_PORT_HTTPS=6443", "KUBERAY_CRD_VER=v1",
                        "RAY_CLUSTER_NAME=c", "RAY_CLUSTER_NAMESPACE=default", StartScript.AUTOSCALER + "=1")),
                h.env().toString());
        assertEquals(List.of(new FileMount(true, "tok", "/var/run/secrets/kubernetes.io/serviceaccount/token"),
                new FileMount(false, "ca", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")), h.files());
        assertEquals(List.of("host-gateway swarmray-k8s"), h.hosts());
        // KubeRay's sidecar default (500m, 512Mi requests) joins the head's reservation
        assertEquals(500_000_000L, h.resources().reserveNanoCpus());
        assertEquals(512L << 20, h.resources().reserveMemoryBytes());
        assertTrue(StartScript.TEXT
                .contains("ray kuberay-autoscaler --cluster-name \"$RAY_CLUSTER_NAME\" --cluster-namespace \"$RAY_CLUSTER_NAMESPACE\""));
    }

    @Test
    void withoutTheApiTheHeadIsPlain() {
        DesiredService h = head(null);
        assertTrue(h.args().contains("--no-monitor"), "KubeRay's rayStartParams either way");
        assertTrue(h.env().stream().noneMatch(e -> e.startsWith("KUBERNETES_")), h.env().toString());
        assertEquals(List.of(), h.files());
    }
}

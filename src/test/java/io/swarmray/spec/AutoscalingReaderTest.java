package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** enableInTreeAutoscaling and autoscalerOptions: accepted as KubeRay has them, refused where Ray or Swarm would fail. */
class AutoscalingReaderTest {
    static String spec(String options, String workerParams, String workerAnnotations) {
        return """
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: auto}
                spec:
                  enableInTreeAutoscaling: true
                %s
                  headGroupSpec:
                    rayStartParams: {num-cpus: "0"}
                    template: {spec: {containers: [{name: h, image: rayproject/ray:2.40.0}]}}
                  workerGroupSpecs:
                    - groupName: cpu
                      maxReplicas: 4
                      idleTimeoutSeconds: 30
                      rayStartParams: %s
                      template:
                        metadata: {annotations: {%s}}
                        spec: {containers: [{name: w, image: rayproject/ray:2.40.0}]}
                """.formatted(options, workerParams, workerAnnotations);
    }

    static SpecFile.Declared read(String yaml) {
        return Specs.parse(yaml).clusters().get(0);
    }

    static String problems(SpecFile.Declared d) {
        return d.errors() + " " + d.warnings();
    }

    @Test
    void kuberaysOptionsAreRead() {
        var d = read(spec("""
                  autoscalerOptions:
                    upscalingMode: Conservative
                    idleTimeoutSeconds: 120
                    image: rayproject/ray:2.41.0
                    resources: {limits: {cpu: "1", memory: 1Gi}, requests: {cpu: 500m, memory: 1Gi}}
                """, "{num-cpus: \"1\"}", ""));
        assertNotNull(d.cluster(), problems(d));
        assertTrue(d.cluster().autoscaled());
        assertEquals(0, new BigDecimal("0.5").compareTo(d.cluster().autoscaling().headResources().requests().get("cpu")));
        assertTrue(d.warnings().stream().anyMatch(w -> w.toString().contains("autoscalerOptions.image")
                && w.toString().contains("inside the head task")), problems(d));
        assertTrue(d.warnings().stream().noneMatch(w -> w.toString().contains("idleTimeoutSeconds")), "Ray reads it: " + problems(d));
    }

    @Test
    void kuberaysDefaultShareForTheAutoscaler() {
        var d = read(spec("", "{num-cpus: \"1\"}", ""));
        assertEquals(RayCluster.Autoscaling.DEFAULT_RESOURCES, d.cluster().autoscaling().headResources(), problems(d));
    }

    @Test
    void whatRayOrSwarmWouldFailOnIsRefusedWithTheField() {
        assertError(spec("", "{}", ""), "workerGroupSpecs[0].rayStartParams", "needs the group's CPU count");
        assertError(spec("  autoscalerOptions: {upscalingMode: Fast}\n", "{num-cpus: \"1\"}", ""), "autoscalerOptions.upscalingMode",
                "not one of Default, Aggressive, Conservative");
        assertError(
                spec("", "{num-cpus: \"1\"}", "").replace("rayStartParams: {num-cpus: \"0\"}",
                        "rayStartParams: {num-cpus: \"0\", port: \"6380\"}"),
                "headGroupSpec.rayStartParams.port", "port 6379");
        assertError(spec("  autoscalerOptions: {version: v2}\n", "{num-cpus: \"1\"}", ""), "autoscalerOptions.version", "only v1");
        assertError(spec("", "{num-cpus: \"1\"}", "swarmray.io/max-replicas-per-node: \"1\""), "template.metadata.annotations",
                "one service per replica");
        assertError(spec("", "{num-cpus: \"1\"}", "swarmray.io/placement-spread: node.labels.zone"), "template.metadata.annotations",
                "one service per replica");
    }

    @Test
    void withoutTheSwitchNothingChanges() {
        var d = read(spec("", "{num-cpus: \"1\"}", "").replace("enableInTreeAutoscaling: true", "enableInTreeAutoscaling: false"));
        assertNull(d.cluster().autoscaling(), problems(d));
        assertTrue(d.warnings().stream().anyMatch(w -> w.toString().contains("idleTimeoutSeconds") && w.toString().contains("no meaning")),
                problems(d));
    }

    @Test
    void aRayServicesClustersAreNotAutoscaledYet() {
        String cluster = spec("", "{num-cpus: \"1\"}", "");
        String body = cluster.substring(cluster.indexOf("spec:\n") + 6).replaceAll("(?m)^", "    ");
        var f = Specs.parse("""
                apiVersion: ray.io/v1
                kind: RayService
                metadata: {name: svc}
                spec:
                  serveConfigV2: |
                    applications: [{name: a, import_path: m:app, route_prefix: /}]
                  rayClusterConfig:
                """ + body);
        assertTrue(f.services().get(0).errors().toString().contains("spec.rayClusterConfig.enableInTreeAutoscaling"),
                f.services().get(0).errors().toString());
    }

    static void assertError(String yaml, String field, String message) {
        var d = read(yaml);
        assertNull(d.cluster(), problems(d));
        assertTrue(d.errors().stream().anyMatch(e -> e.toString().contains(field) && e.toString().contains(message)),
                "want " + field + ": " + message + " in " + d.errors());
    }

}

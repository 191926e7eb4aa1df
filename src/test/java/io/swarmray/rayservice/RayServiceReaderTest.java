package io.swarmray.rayservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.spec.RayService;
import io.swarmray.spec.SpecFile;
import io.swarmray.spec.SpecIssue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kind: RayService documents: KubeRay's fields, our annotations, and errors that name file, document and field. */
class RayServiceReaderTest {

    static List<String> errors(String yaml) {
        return ServiceSpecs.parse(yaml).allErrors().stream().map(SpecIssue::toString).toList();
    }

    @Test
    void readsKubeRaysFieldsWithTheirDefaults() {
        RayService s = ServiceSpecs.service();
        assertEquals("chat", s.name());
        assertEquals(8001, s.servePort());
        assertEquals(RayService.NEW_CLUSTER, s.upgradeStrategy());
        assertFalse(s.excludeHeadPodFromServeSvc());
        assertEquals(2, s.proxyReplicas());
        assertEquals(0, s.publishedPort());
        assertEquals("{\"http_options\":{\"port\":8001},\"applications\":[{\"name\":\"llm\",\"route_prefix\":\"/llm\","
                + "\"import_path\":\"model:app\",\"args\":{\"version\":\"v1\"}}]}", s.serveConfigJson());
        assertEquals(1, s.clusterConfig().workerGroups().size());
        assertEquals("rayproject/ray:2.40.0", s.clusterConfig().head().template().container().image());
    }

    @Test
    void annotationsSteerTheEndpoint() {
        String yaml = ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", "").replace("  name: chat\n",
                "  name: chat\n  annotations:\n    swarmray.io/serve-published-port: \"18000\"\n    swarmray.io/serve-proxy-replicas: \"3\"\n");
        RayService s = ServiceSpecs.service(yaml);
        assertEquals(18000, s.publishedPort());
        assertEquals(3, s.proxyReplicas());
        assertEquals(
                List.of("specs/chat.yaml[0] metadata.annotations.swarmray.io/serve-proxy-replicas: must be an integer, got a string (two)"),
                errors(yaml.replace("\"3\"", "two")));
    }

    @Test
    void errorsNameTheField() {
        String ok = ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", "");
        assertEquals(List.of("specs/chat.yaml[0] spec.serveConfigV2: is required: the Ray Serve config (a YAML string) the cluster runs"),
                errors(ok.replaceAll("(?s)  serveConfigV2: \\|.*?(  rayClusterConfig:)", "$1")));
        assertEquals(List.of("specs/chat.yaml[0] spec.upgradeStrategy.type: 'Blue' is not NewCluster or None"),
                errors(ok.replace("\nspec:\n", "\nspec:\n  upgradeStrategy: {type: Blue}\n")));
        assertTrue(errors(ok.replace("import_path: model:app", "import_path: [model")).get(0)
                .startsWith("specs/chat.yaml[0] spec.serveConfigV2: is not valid YAML"));
        assertEquals(List.of("specs/chat.yaml[0] spec.serveConfigV2.applications: is required: the list of Serve applications"),
                errors(ok.replace("    applications:\n", "    apps:\n")));
        assertTrue(errors(ok.replace("rayVersion: \"2.40.0\"", "rayVersion: [2]")).get(0)
                .startsWith("specs/chat.yaml[0] spec.rayClusterConfig.rayVersion: must be a string"));
        String longName = "a".repeat(45);
        assertEquals(List.of("specs/chat.yaml[0] metadata.name: '" + longName + "' is too long for a RayService: its clusters are named '"
                + longName + "-raycluster-xxxxx' and their Swarm services must fit 63 characters"),
                errors(ok.replace("name: chat", "name: " + longName)).subList(0, 1));
    }

    @Test
    void deprecatedFieldsAreWarnedAndAcceptedWithoutEffect() {
        SpecFile f = ServiceSpecs.parse(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", "").replace("\nspec:\n",
                "\nspec:\n  serviceUnhealthySecondThreshold: 90\n  upgradeStrategy: {type: None}\n  excludeHeadPodFromServeSvc: true\n"));
        assertEquals(List.of(), f.allErrors());
        assertEquals(List.of("specs/chat.yaml[0] spec.serviceUnhealthySecondThreshold: is deprecated in KubeRay and has no effect"),
                f.allWarnings().stream().map(SpecIssue::toString).toList());
        assertEquals(RayService.NO_UPGRADE, f.services().get(0).service().upgradeStrategy());
        assertTrue(f.services().get(0).service().excludeHeadPodFromServeSvc());
    }

    @Test
    void aFileMayHoldClustersAndServices() {
        SpecFile f = ServiceSpecs.parse(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", "") + "---\n" + io.swarmray.spec.Specs.SAMPLE);
        assertEquals(1, f.services().size());
        assertEquals(1, f.clusters().size());
        assertNull(
                ServiceSpecs.parse("apiVersion: ray.io/v1\nkind: RayService\nmetadata: {name: x}\nspec: {}\n").services().get(0).service());
    }
}

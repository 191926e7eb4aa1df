package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.spec.RayCluster.VolumeKind;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecParserTest {

    private static List<String> errors(String yaml) {
        return Specs.parse(yaml).allErrors().stream().map(SpecIssue::toString).toList();
    }

    private static List<String> warnings(String yaml) {
        return Specs.parse(yaml).allWarnings().stream().map(SpecIssue::toString).toList();
    }

    @Test
    void readsTheSampleWithKubeRayDefaults() {
        RayCluster c = Specs.sample();
        assertEquals("llm", c.name());
        assertEquals("ml", c.labels().get("team"));
        assertEquals("headgroup", c.head().groupName());
        assertEquals(2, c.workerGroups().size());
        var gpu = c.workerGroups().get(0);
        assertEquals(2, gpu.effectiveReplicas(), "replicas 3 clamped to maxReplicas 2");
        var cpu = c.workerGroups().get(1);
        assertEquals(0, cpu.replicas());
        assertEquals(0, cpu.minReplicas());
        assertEquals(Integer.MAX_VALUE, cpu.maxReplicas());
        assertEquals(new BigDecimal("1.500"), gpu.template().container().resources().limits().get("cpu"));
        assertEquals(0, new BigDecimal(8L << 30).compareTo(gpu.template().container().resources().limits().get("memory")));
        assertEquals("{\"TPU\": 1}", gpu.rayStartParams().get("resources"), "one layer of bash quoting removed");
        assertEquals(List.of("node.labels.zone==a", "node.platform.arch==x86_64"), gpu.placement().constraints());
        assertEquals(List.of("node.labels.rack"), gpu.placement().spread());
        assertEquals(1, gpu.placement().maxReplicasPerNode());
        assertTrue(c.head().placement().pinToManager());
        assertEquals(List.of(VolumeKind.HOST_PATH, VolumeKind.EMPTY_DIR, VolumeKind.MEMORY),
                gpu.template().volumes().stream().map(RayCluster.Volume::kind).toList());
        assertEquals(1L << 30, gpu.template().volumes().get(2).sizeLimitBytes());
        assertEquals(18266, c.head().template().container().ports().get(0).hostPort());
    }

    @Test
    void minGreaterThanMaxNamesFileDocumentAndField() {
        String yaml = Specs.SAMPLE.replace("minReplicas: 1", "minReplicas: 5");
        assertEquals(List.of("specs/t.yaml[0] spec.workerGroupSpecs[0].minReplicas: 5 is greater than maxReplicas 2"), errors(yaml));
    }

    @Test
    void otherKindsInTheFileAreSkippedWithAWarning() {
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: redis}
                ---
                """ + Specs.SAMPLE;
        SpecFile f = Specs.parse(yaml);
        assertTrue(f.readable());
        assertEquals(1, f.clusters().size());
        assertEquals(1, f.clusters().get(0).document());
        assertNotNull(f.clusters().get(0).cluster());
        assertTrue(
                f.warnings().get(0).toString()
                        .startsWith("specs/t.yaml[0] kind: is 'Deployment', not RayCluster, RayService or RayJob; skipped"));
    }

    @Test
    void badYamlIsAFileErrorWithLineAndColumn() {
        SpecFile f = Specs.parse("apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: [unclosed\n");
        assertFalse(f.readable());
        assertTrue(f.errors().get(0).toString().startsWith("specs/t.yaml[0]: invalid YAML at line"), f.errors().toString());
    }

    @Test
    void anEmptyFileIsAnErrorNotADeletion() {
        assertEquals(List.of("specs/t.yaml: the file is empty: it declares no RayCluster"), errors("\n# nothing\n"));
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            y.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                y.append(i == 0 ? "" : ", ").append('*').append((char) (c - 1));
            }
            y.append("]\n");
        }
        assertTrue(errors(y.toString()).get(0).contains("invalid YAML"), errors(y.toString()).toString());
    }

    @Test
    void notUtf8IsRefused() {
        SpecFile f = new SpecParser(1000).parse("specs/x.yaml", new byte[]{(byte) 0xff, (byte) 0xfe, 0x00, 0x41});
        assertEquals("specs/x.yaml: is not UTF-8 text", f.errors().get(0).toString());
    }

    @Test
    void oversizedFileIsRefused() {
        SpecFile f = new SpecParser(10).parse("specs/x.yaml", new byte[11]);
        assertTrue(f.errors().get(0).message().startsWith("file is 11 bytes; the limit is 10"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
            "name: llm|name: LLM|metadata.name: 'LLM' is not a lowercase DNS label",
            "name: llm|name: 'llm; rm -rf /'|metadata.name: 'llm; rm -rf /' is not a lowercase DNS label",
            "groupName: gpu|groupName: GPU_1|spec.workerGroupSpecs[0].groupName: 'GPU_1' is not a lowercase DNS label",
            "groupName: cpu|groupName: gpu|spec.workerGroupSpecs[1].groupName: 'gpu' is used by another worker group",
            "replicas: 3|replicas: '3'|spec.workerGroupSpecs[0].replicas: must be an integer, got a string (3)",
            "replicas: 3|replicas: -1|spec.workerGroupSpecs[0].replicas: -1 must be at least 0",
            "replicas: 3|replicas: 1000000000000|spec.workerGroupSpecs[0].replicas: 1000000000000 must be at most 10000",
            "replicas: 3|replicas: 1e12|spec.workerGroupSpecs[0].replicas: must be an integer",
            "cpu: 1500m|cpu: abc|spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.cpu: 'abc' is not a quantity",
            "memory: 8Gi|memory: 5Zi|spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.memory: '5Zi' is not a quantity",
            "dashboard-port: \"8266\"|dashboard-port: \"80; id\"|spec.headGroupSpec.rayStartParams.dashboard-port: '80; id' is not a whole number",
            "name: MODEL|name: SWARMRAY_NODE_SUBNET|spec.workerGroupSpecs[0].template.spec.containers[0].env[0].name: variables named SWARMRAY_* are reserved",
            "path: /srv/models|path: srv/models|spec.workerGroupSpecs[0].template.spec.volumes[0].hostPath.path: must be an absolute path",
            "swarmray.io/max-replicas-per-node: \"1\"|swarmray.io/max-replicas-per-node: \"one\"|swarmray.io/max-replicas-per-node: 'one' is not a whole number",
            "node.labels.zone==a;|node.labels.zone=a;|'node.labels.zone=a' is not a Swarm constraint",
            "apiVersion: ray.io/v1|apiVersion: ray.io/v2|apiVersion: 'ray.io/v2' is not supported; use ray.io/v1",
            "image: rayproject/ray:2.40.0-gpu|image: 'ray $(id)'|spec.workerGroupSpecs[0].template.spec.containers[0].image: 'ray $(id)' is not an image reference",
            "resources: '\"{\\\"TPU\\\": 1}\"'|resources: '\"{unclosed'|spec.workerGroupSpecs[0].rayStartParams.resources: has an unclosed double quote",
    })
    void badFieldsGetOneClearError(String from, String to, String expected) {
        String yaml = Specs.SAMPLE.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
        assertFalse(yaml.equals(Specs.SAMPLE), "test replaced nothing: " + from);
        List<String> errs = errors(yaml);
        assertTrue(errs.stream().anyMatch(e -> e.contains(expected)), "expected «" + expected + "» in " + errs);
        assertNull(Specs.parse(yaml).clusters().get(0).cluster());
    }

    @Test
    void derivedServiceNamesMustFitADnsLabel() {
        String longGroup = "g".repeat(60);
        String yaml = Specs.SAMPLE.replace("groupName: cpu", "groupName: " + longGroup);
        assertTrue(errors(yaml).stream().anyMatch(e -> e.contains("is longer than 63 characters")), errors(yaml).toString());
    }

    @Test
    void fieldsWithoutSwarmMeaningAreWarningsNotSilence() {
        String yaml = Specs.SAMPLE.replace("nodeSelector: {gpu: \"true\"}",
                "nodeSelector: {gpu: \"true\"}\n          tolerations: [{key: x}]\n          serviceAccountName: ray");
        List<String> w = warnings(yaml);
        assertTrue(
                w.contains("specs/t.yaml[0] spec.workerGroupSpecs[0].template.spec.tolerations: has no meaning on Docker Swarm; ignored"),
                w.toString());
        assertTrue(w.stream().anyMatch(x -> x.contains("serviceAccountName")), w.toString());
        assertNotNull(Specs.parse(yaml).clusters().get(0).cluster());
    }

    @Test
    void unknownSwarmRayAnnotationsAreFlagged() {
        String yaml = Specs.SAMPLE.replace("swarmray.io/placement-spread", "swarmray.io/placement-spraed");
        assertTrue(warnings(yaml).stream().anyMatch(x -> x.contains("swarmray.io/placement-spraed: unknown SwarmRay annotation")));
    }

    @Test
    void gcsFaultToleranceAndExtraNetworks() {
        String yaml = Specs.SAMPLE
                .replace("  labels: {team: ml}\n",
                        "  labels: {team: ml}\n  annotations: {swarmray.io/extra-networks: \"redis-net, other\"}\n")
                .replace("  rayVersion: \"2.40.0\"\n",
                        "  rayVersion: \"2.40.0\"\n  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n"
                                + "    redisPassword: {valueFrom: {secretKeyRef: {name: redis-pass, key: password}}}\n");
        var c = Specs.parse(yaml).clusters().get(0);
        assertNotNull(c.cluster(), c.errors().toString());
        var ft = c.cluster().gcsFaultTolerance();
        assertEquals("redis:6379", ft.redisAddress());
        assertEquals("redis-pass", ft.passwordSecret());
        assertNull(ft.storageNamespace(), "unique per creation: the renderer derives it from the cluster network");
        assertEquals(List.of("redis-net", "other"), c.cluster().extraNetworks());
        List<String> errs = errors(yaml.replace("redis:6379", "redis; rm -rf /"));
        assertTrue(
                errs.stream().anyMatch(e -> e.contains("spec.gcsFaultToleranceOptions.redisAddress: 'redis; rm -rf /' is not host:port")),
                errs.toString());
    }

    private static List<String> errorsUnder(Policy policy, String yaml) {
        SpecFile f = new SpecParser(1 << 20, policy).parse("specs/t.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        var out = new ArrayList<String>();
        f.clusters().forEach(c -> c.errors().forEach(e -> out.add(e.toString())));
        return out;
    }

    @Test
    void policyRejectsWhatItDoesNotGrantNamingTheRule() {
        // the sample binds /srv/models: refused by default, allowed under an allowed prefix
        assertTrue(errorsUnder(Policy.DEFAULT, Specs.SAMPLE).get(0).contains(
                "volumes[0].hostPath.path: '/srv/models' is not allowed by policy: bind mounts must lie under an allowed directory, and none is configured"));
        Policy srv = new Policy(List.of("/srv"), 1024, 65535, List.of(), null, null, List.of());
        assertEquals(List.of(), errorsUnder(srv, Specs.SAMPLE));
        assertTrue(errorsUnder(srv, Specs.SAMPLE.replace("path: /srv/models", "path: /srv/../etc")).get(0)
                .contains("is not allowed by policy"));
        assertTrue(errorsUnder(srv, Specs.SAMPLE.replace("hostPort: 18266", "hostPort: 22")).get(0)
                .contains("hostPort: 22 is not allowed by policy: published ports must be within 1024-65535"));
        Policy images = new Policy(List.of("/srv"), 1024, 65535, List.of("rayproject/"), null, null, List.of());
        assertEquals(List.of(), errorsUnder(images, Specs.SAMPLE));
        assertTrue(errorsUnder(images, Specs.SAMPLE.replace("image: rayproject/ray:2.40.0-gpu", "image: evil/miner:1")).get(0)
                .contains("'evil/miner:1' is not allowed by policy: images must start with one of [rayproject/]"));
        Policy small = new Policy(List.of("/srv"), 1024, 65535, List.of(), new BigDecimal("4"), null, List.of());
        assertTrue(errorsUnder(small, Specs.SAMPLE).get(0).contains("the cluster asks for 5 cpu in all, more than the policy allows (4"),
                errorsUnder(small, Specs.SAMPLE).toString());
        String privileged = Specs.SAMPLE.replace("nodeSelector: {gpu: \"true\"}",
                "nodeSelector: {gpu: \"true\"}\n          hostNetwork: true\n          securityContext: {privileged: true}");
        List<String> errs = errorsUnder(srv, privileged);
        assertTrue(errs.stream().anyMatch(e -> e.contains("template.spec.hostNetwork: is not allowed by policy")), errs.toString());
        assertTrue(errs.stream().anyMatch(e -> e.contains("template.spec.securityContext.privileged: is not allowed by policy")),
                errs.toString());
    }
}

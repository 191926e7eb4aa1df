package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** KubeRay manifests as users have them, checked against what Ray 2.40 and Swarm can run. */
class KubeRayManifestTest {
    private static final String FT = "  rayVersion: \"2.40.0\"\n  gcsFaultToleranceOptions:\n";

    private static SpecFile parse(String yaml, Policy policy) {
        return new SpecParser(1 << 20, policy).parse("specs/x.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static String withHeadParam(String param) {
        return Specs.SAMPLE.replace("num-cpus: \"0\"", "num-cpus: \"0\"\n      " + param);
    }

    /** F3: options that 2.40's ray start lacks exit 2 ("No such option"); say so before the cluster crash-loops. */
    @Test
    void optionsThatTheSpecsRayVersionLacksAreWarnedAbout() {
        var f = Specs.parse(withHeadParam("include-log-monitor: \"false\""));
        assertEquals(List.of(), f.allErrors());
        assertTrue(f.allWarnings().toString().contains("rayStartParams.include-log-monitor: is not a ray start option in Ray 2.40"
                + " (it came in 2.41)"), f.allWarnings().toString());
        var newer = Specs
                .parse(withHeadParam("include-log-monitor: \"false\"").replace("rayVersion: \"2.40.0\"", "rayVersion: \"2.41.0\""));
        assertTrue(newer.allWarnings().stream().noneMatch(w -> w.field().endsWith("include-log-monitor")), newer.allWarnings().toString());
        var unknown = Specs.parse(withHeadParam("num-redis-shards: \"2\""));
        assertTrue(unknown.allWarnings().toString().contains("num-redis-shards: is not a ray start option in Ray 2.40"),
                unknown.allWarnings().toString());
        var known = Specs.parse(withHeadParam("log-style: record"));
        assertTrue(known.allWarnings().stream().noneMatch(w -> w.field().contains("rayStartParams")), known.allWarnings().toString());
    }

    /** F2's other half: values that Ray's click types refuse are errors naming the field, not a crash loop. */
    @Test
    void valuesRaysClickTypesRefuseAreErrors() {
        var f = Specs.parse(withHeadParam("include-dashboard: \"maybe\"\n      log-color: \"yes\""));
        String errors = f.allErrors().toString();
        assertTrue(errors.contains("rayStartParams.include-dashboard: 'maybe' is not one of"), errors);
        assertTrue(errors.contains("rayStartParams.log-color: 'yes' is not one of [auto, false, true]"), errors);
        assertEquals(List.of(), Specs.parse(withHeadParam("include-dashboard: \"True\"")).allErrors());
    }

    /** F13: two heads behind one DNS name is never right for Ray. */
    @Test
    void theHeadAlwaysUpdatesStopFirst() {
        String yaml = Specs.SAMPLE.replace("    template:\n      spec:\n        containers:\n          - name: ray-head",
                "    template:\n      metadata:\n        annotations: {swarmray.io/update-order: start-first}\n      spec:\n        containers:\n          - name: ray-head");
        var f = Specs.parse(yaml);
        assertEquals(List.of(), f.allErrors());
        assertEquals("stop-first", f.clusters().get(0).cluster().head().rollout().order());
        assertTrue(f.allWarnings().toString().contains("swarmray.io/update-order: the head always updates stop-first"),
                f.allWarnings().toString());
    }

    @Test
    void redisAddressesMayBeUrlsAsRayAcceptsThem() {
        for (String address : List.of("redis:6379", "redis://redis:6379", "rediss://redis.example.com:6380")) {
            var f = Specs.parse(Specs.SAMPLE.replace("  rayVersion: \"2.40.0\"\n", FT + "    redisAddress: " + address + "\n"));
            assertEquals(List.of(), f.allErrors(), address);
            assertEquals(address, f.clusters().get(0).cluster().gcsFaultTolerance().redisAddress());
        }
        var bad = Specs.parse(Specs.SAMPLE.replace("  rayVersion: \"2.40.0\"\n", FT + "    redisAddress: http://redis:6379\n"));
        assertTrue(bad.allErrors().toString().contains("is not host:port, redis://host:port or rediss://host:port"),
                bad.allErrors().toString());
    }

    @Test
    void anEmbeddedGcsBackendIsSaidToBeUnsupportedNotMissingRedis() {
        var f = Specs.parse(Specs.SAMPLE.replace("  rayVersion: \"2.40.0\"\n", FT + "    backend: rocksdb\n"));
        assertEquals(1, f.allErrors().size(), f.allErrors().toString());
        SpecIssue e = f.allErrors().get(0);
        assertEquals("spec.gcsFaultToleranceOptions.backend", e.field());
        assertTrue(e.message().contains("'rocksdb' is not supported on Swarm yet"), e.message());
    }

    /** KubeRay's py-spy sample adds SYS_PTRACE: refused by default, allowed by the operator's policy. */
    @Test
    void addedCapabilitiesNeedThePolicy() {
        String yaml = Specs.SAMPLE.replace("          - name: ray-head\n            image: rayproject/ray:2.40.0\n",
                "          - name: ray-head\n            image: rayproject/ray:2.40.0\n"
                        + "            securityContext: {capabilities: {add: [SYS_PTRACE]}}\n");
        assertTrue(yaml.contains("SYS_PTRACE"), "the sample changed: " + yaml);
        var refused = Specs.parse(yaml).allErrors().toString();
        assertTrue(refused.contains("securityContext.capabilities.add: SYS_PTRACE is not allowed by policy")
                && refused.contains("swarmray.policy.allowed-capabilities (none)"), refused);
        Policy ptrace = new Policy(List.of("/srv"), 1024, 65535, List.of(), null, null, List.of("CAP_SYS_PTRACE"));
        var allowed = parse(yaml, ptrace);
        assertEquals(List.of(), allowed.allErrors());
        assertEquals(List.of("CAP_SYS_PTRACE"), allowed.clusters().get(0).cluster().head().template().container().capabilities());
        Policy other = new Policy(List.of("/srv"), 1024, 65535, List.of(), null, null, List.of("NET_ADMIN"));
        assertTrue(parse(yaml, other).allErrors().toString().contains("SYS_PTRACE is not allowed by policy"));
        assertNull(Specs.parse(yaml).clusters().get(0).cluster());
    }
}

package io.swarmray.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swarmray.spec.RayCluster;
import io.swarmray.spec.Specs;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthChecksTest {
    private static final String ANCHOR = "            ports:\n              - {containerPort: 8266, hostPort: 18266, name: dashboard}\n";

    /** The sample with this livenessProbe (a YAML flow map) in the head's Ray container. */
    private static RayCluster headProbe(String probe) {
        return Specs.parse(Specs.SAMPLE.replace(ANCHOR, ANCHOR + "            livenessProbe: " + probe + "\n")).clusters().get(0).cluster();
    }

    private static DesiredService.HealthCheck check(RayCluster c, int service) {
        return ClusterRenderer.render(c, ClusterRendererTest.NET, RenderOptions.DEFAULT).services().get(service).healthCheck();
    }

    @Test
    void aNewHeadIsCheckedEverySecondUntilAFirstCheckPassedAndAWorkerKeepsTheInterval() {
        RayCluster sample = Specs.sample();
        var head = check(sample, 0);
        assertEquals(1_000_000_000L, head.startIntervalNanos());
        assertEquals(5_000_000_000L, head.intervalNanos(), "after the first pass, KubeRay's period");
        assertEquals(60_000_000_000L, head.startPeriodNanos());
        assertEquals(0, check(sample, 1).startIntervalNanos(), "a worker waiting for its head would be checked every second");
    }

    @Test
    void aHeadProbeKeepsItsPeriodAfterTheFirstPassAndAShorterOneFromTheStart() {
        var slow = check(headProbe("{httpGet: {path: /api/gcs_healthz, port: 8266}, periodSeconds: 10, initialDelaySeconds: 30}"), 0);
        assertEquals(List.of(10_000_000_000L, 1_000_000_000L), List.of(slow.intervalNanos(), slow.startIntervalNanos()));
        var quick = check(headProbe("{httpGet: {path: /api/gcs_healthz, port: 8266}, periodSeconds: 1, initialDelaySeconds: 30}"), 0);
        assertEquals(1_000_000_000L, quick.startIntervalNanos());
        var noDelay = check(headProbe("{httpGet: {path: /api/gcs_healthz, port: 8266}, periodSeconds: 10}"), 0);
        assertEquals(0, noDelay.startPeriodNanos());
        assertEquals(0, noDelay.startIntervalNanos(), "Docker uses a start interval only within the start period");
    }

    /** The shape of the check before it had a start interval: a record's text form names the record and its components. */
    private static final class Earlier {
        record HealthCheck(List<String> test, long intervalNanos, long timeoutNanos, int retries, long startPeriodNanos) {
        }
    }

    @Test
    void aCheckWithoutAStartIntervalKeepsTheTextFormAndSoTheSpecHashItHadBefore() {
        var none = new DesiredService.HealthCheck(List.of("CMD", "bash", "-c", "true"), 2, 3, 4, 5);
        assertEquals(new Earlier.HealthCheck(List.of("CMD", "bash", "-c", "true"), 2, 3, 4, 5).toString(), none.toString());
        assertEquals("HealthCheck[test=[CMD, bash, -c, true], intervalNanos=2, timeoutNanos=3, retries=4, startPeriodNanos=5,"
                + " startIntervalNanos=6]", new DesiredService.HealthCheck(List.of("CMD", "bash", "-c", "true"), 2, 3, 4, 5, 6).toString(),
                "a start interval is in the hash");
    }
}

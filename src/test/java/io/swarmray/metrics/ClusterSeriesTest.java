package io.swarmray.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.swarmray.metrics.ClusterSeries.GroupSeries;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.Specs;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.ClusterStatus.GroupStatus;
import io.swarmray.status.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSeriesTest {
    static ClusterStatus status(String name, String state, Condition... conditions) {
        return new ClusterStatus(name, state, 3, 2, 1, 0, 5, "1", "1Gi", "0", "0", Map.of(), null, "1", "2026-12-04T10:00:00Z",
                List.of(conditions), List.of(new GroupStatus("gpu", name + "-worker-gpu", 3, 2, 1, null)), name + ".yaml", List.of(),
                List.of());
    }

    static Condition condition(String type, boolean holds, String at) {
        return new Condition(type, holds ? "True" : "False", "r", "m", at);
    }

    @Test
    void aPlainClusterHasOwnerNoneItsConditionsAndItsGroupsWithTheSpecsMinimum() {
        RayCluster spec = Specs.sample();
        ClusterSeries s = ClusterSeries
                .of(List.of(status("llm", "provisioning", condition(Condition.PROVISIONED, false, "2026-12-04T10:00:00Z"),
                        condition(Condition.REPLICA_FAILURE, true, "2026-12-04T10:00:00Z"))), Map.of("llm", spec), Map.of())
                .get(0);
        assertEquals(new ClusterSeries("llm", "default", "None", false, false, null, 3, 2, 1,
                Map.of(Condition.PROVISIONED, false, Condition.REPLICA_FAILURE, true), List.of(new GroupSeries("gpu", 3, 2, 1, 1))), s);
    }

    @Test
    void aDerivedClusterNamesItsOwnersKindAndAGoneSpecNoMinimum() {
        RayCluster derived = Specs.sample().derived("job-raycluster-x2b4z", Map.of(Labels.ORIGINATED_FROM_CRD, "RayJob"), null);
        assertEquals("RayJob", ClusterSeries.of(List.of(status("job-raycluster-x2b4z", "ready")), Map.of("job-raycluster-x2b4z", derived),
                Map.of()).get(0).ownerKind());
        ClusterSeries gone = ClusterSeries.of(List.of(status("llm", "ready")), Map.of(), Map.of()).get(0);
        assertEquals("None", gone.ownerKind());
        assertNull(gone.groups().get(0).min());
    }

    @Test
    void provisionedDurationRunsFromTheFirstUnprovisionedSightToTheTransition() {
        ClusterSeries s = ClusterSeries
                .of(List.of(status("a", "ready", condition(Condition.PROVISIONED, true, "2026-12-04T10:00:12.500Z"))),
                        Map.of(), Map.of("a", Instant.parse("2026-12-04T10:00:00Z")))
                .get(0);
        assertEquals(true, s.ready());
        assertEquals(true, s.provisioned());
        assertEquals(12.5, s.provisionedSeconds());
    }

    @Test
    void aClusterFoundProvisionedAlreadyHasNoDuration() {
        // an operator restarted under a ready cluster never saw it unprovisioned: KubeRay too records only the transition
        assertNull(ClusterSeries.of(List.of(status("a", "ready", condition(Condition.PROVISIONED, true, "2026-12-04T10:00:12Z"))), Map.of(),
                Map.of()).get(0).provisionedSeconds());
        // nor does a transition older than the sighting (a status carried over from before)
        assertNull(ClusterSeries.of(List.of(status("a", "ready", condition(Condition.PROVISIONED, true, "2026-12-04T09:00:00Z"))), Map.of(),
                Map.of("a", Instant.parse("2026-12-04T10:00:00Z"))).get(0).provisionedSeconds());
    }
}

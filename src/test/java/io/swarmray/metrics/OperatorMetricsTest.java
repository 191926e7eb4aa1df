package io.swarmray.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.StatusStore;
import io.swarmray.status.StatusStore.StatusChanged;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-cluster series follow the statuses in one rebuild per refresh, not one per status change. */
class OperatorMetricsTest {
    private final Map<String, ClusterStatus> stored = new TreeMap<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OperatorMetrics metrics = new OperatorMetrics();

    @BeforeEach
    void wire() {
        metrics.registry = registry;
        metrics.specs = new SpecRegistry();
        metrics.statuses = new StatusStore() {
            @Override
            public List<ClusterStatus> all() {
                return List.copyOf(stored.values());
            }
        };
        metrics.init();
    }

    private void changed(String name, ClusterStatus status) {
        if (status == null) {
            stored.remove(name);
        } else {
            stored.put(name, status);
        }
        metrics.onStatus(new StatusChanged(name, status));
    }

    private int readyRows() {
        return registry.find("swarmray.cluster.ready").gauges().size();
    }

    @Test
    void fiftyStatusChangesAreExportedByTheNextRefreshAndAGoneClusterLeavesWithIt() {
        for (int i = 1; i <= 50; i++) {
            changed("c" + i, ClusterSeriesTest.status("c" + i, "ready"));
        }
        assertEquals(0, readyRows(), "no rebuild per change");
        metrics.refreshIfChanged();
        assertEquals(50, readyRows());
        assertEquals(1.0, registry.find("swarmray.cluster.ready").tag("cluster", "c7").gauge().value());

        changed("c7", null);
        changed("c8", ClusterSeriesTest.status("c8", "provisioning"));
        assertEquals(50, readyRows(), "until the next refresh, the last rebuild's rows");
        metrics.refreshIfChanged();
        assertEquals(49, readyRows());
        assertEquals(0.0, registry.find("swarmray.cluster.ready").tag("cluster", "c8").gauge().value());
    }

    @Test
    void aRefreshWithoutAChangeRebuildsNothing() {
        changed("c1", ClusterSeriesTest.status("c1", "ready"));
        metrics.refreshIfChanged();
        stored.clear(); // a change that was not announced: an unchanged refresh does not see it
        metrics.refreshIfChanged();
        assertEquals(1, readyRows());
    }
}

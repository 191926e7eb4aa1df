package io.swarmray.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LiveRowsTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** The family's series as a scrape sees them: tags to value. */
    Map<String, Double> scraped() {
        Map<String, Double> out = new TreeMap<>();
        registry.find("swarmray.cluster.ready").gauges().forEach(g -> out.put(g.getId().getTag("cluster"), g.value()));
        return out;
    }

    /**
     * A refresh after one cluster changed removes no series of the others, so a scrape during it misses none (the
     * `swarmray_cluster_ready` of a cluster that did not change once went missing from a scrape that way); a gone
     * cluster's series goes, a new one's comes, and every value is the latest.
     */
    @Test
    void aRowThatStaysIsNeverRemovedAndReadsItsLatestValue() {
        List<Meter.Id> removed = new ArrayList<>();
        registry.config().onMeterRemoved(m -> removed.add(m.getId()));
        LiveRows ready = new LiveRows(registry, "swarmray.cluster.ready", null, "1 while ready");
        ready.set(Map.of(Tags.of("cluster", "a"), 0, Tags.of("cluster", "b"), 1));
        assertEquals(Map.of("a", 0.0, "b", 1.0), scraped());

        ready.set(Map.of(Tags.of("cluster", "a"), 1, Tags.of("cluster", "b"), 1));
        assertEquals(Map.of("a", 1.0, "b", 1.0), scraped());
        assertEquals(List.of(), removed, "rows that stay are not removed and registered again");

        ready.set(Map.of(Tags.of("cluster", "b"), 0, Tags.of("cluster", "c"), 1));
        assertEquals(Map.of("b", 0.0, "c", 1.0), scraped());
        assertEquals(List.of("a"), removed.stream().map(id -> id.getTag("cluster")).toList(), "only the gone row is removed");
    }
}

package io.swarmray.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;

/**
 * The rows of one multi-gauge family, each read when scraped. Micrometer's {@code MultiGauge.register(rows, true)}
 * removes every row that stays and registers it again, so a scrape during a refresh can miss a series that never went
 * away (a cluster's {@code swarmray_cluster_ready} while only another cluster changed). Here a row that stays is
 * registered once and reads the current value; only rows that are gone are removed, and new ones added.
 */
final class LiveRows {
    private final MultiGauge gauge;
    private volatile Map<Tags, Double> values = Map.of();

    LiveRows(MeterRegistry registry, String name, String baseUnit, String help) {
        gauge = MultiGauge.builder(name).baseUnit(baseUnit).description(help).register(registry);
    }

    /** Makes the family's rows exactly these, with these values. */
    synchronized void set(Map<Tags, ? extends Number> rows) {
        Map<Tags, Double> next = new HashMap<>();
        rows.forEach((tags, value) -> next.put(tags, value.doubleValue()));
        // until the rows that are gone are removed, they still read their last value, never a gap or NaN
        Map<Tags, Double> both = new HashMap<>(values);
        both.putAll(next);
        values = both;
        gauge.register(next.keySet().stream().map(tags -> MultiGauge.Row.of(tags, this, live -> live.values.getOrDefault(tags, Double.NaN)))
                .toList(), false);
        values = Map.copyOf(next);
    }
}

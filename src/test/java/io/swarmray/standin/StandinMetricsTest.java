package io.swarmray.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's metrics port as Ray's dashboard agent serves it: the reporter's node gauges under Ray's names, with
 * HELP and TYPE, tagged ip/Version/SessionName/IsHeadNode, and on the head ray_cluster_active_nodes per node type.
 */
class StandinMetricsTest {
    static final Pattern SAMPLE = Pattern.compile("^(ray_\\w+)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

    @Test
    void theHeadExportsRaysNodeGaugesAndItsActiveNodes() throws Exception {
        try (LocalHead head = LocalHead.start(Map.of())) {
            var r = head.get(head.metrics, "/metrics");
            assertEquals(200, r.statusCode());
            String text = r.body();
            for (String family : List.of("ray_node_cpu_utilization", "ray_node_cpu_count", "ray_node_mem_used", "ray_node_mem_available",
                    "ray_node_mem_total", "ray_cluster_active_nodes")) {
                assertTrue(text.contains("# HELP " + family + " "), family + " in\n" + text);
                assertTrue(text.contains("# TYPE " + family + " gauge"), family);
            }
            Matcher m = SAMPLE.matcher(text);
            int samples = 0;
            while (m.find()) {
                samples++;
                double value = Double.parseDouble(m.group(3));
                assertTrue(value >= 0, m.group());
                if (m.group(1).startsWith("ray_node_")) {
                    assertTrue(
                            m.group(2).matches("ip=\"[0-9.]+\",Version=\"2\\.40\\.0\",SessionName=\"session_[^\"]+\",IsHeadNode=\"true\""),
                            m.group());
                }
                if (m.group(1).equals("ray_node_cpu_count")) {
                    assertEquals(1.0, value, "--num-cpus=1");
                }
                if (m.group(1).equals("ray_cluster_active_nodes")) {
                    // no autoscaler: Ray's read-only monitor gives every node a type of its own
                    assertTrue(m.group(2).matches("node_type=\"node_[0-9a-f]{56}\",Version=\"2\\.40\\.0\",SessionName=\"session_[^\"]+\""),
                            m.group());
                    assertEquals(1.0, value);
                }
            }
            assertEquals(6, samples, text);
        }
    }
}

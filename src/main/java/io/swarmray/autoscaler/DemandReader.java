package io.swarmray.autoscaler;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmray.head.HeadProbe;
import io.swarmray.spec.RayCluster;
import io.swarmray.swarm.ObservedTask;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what Ray's monitor last wrote for the dashboard (GET :8265/api/cluster_status, ray-autoscaler-contract.md A3):
 * pending demand, usage and the autoscaler's report, for status. Asked only of autoscaled clusters.
 */
@ApplicationScoped
public class DemandReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    HeadProbe probe;
    @Inject
    ScaleState state;

    Clock clock = Clock.systemUTC();

    public void refresh(RayCluster cluster, ObservedTask head) {
        if (head == null || !head.running()) {
            return;
        }
        try {
            var reply = probe.call(cluster, head, "GET", "/api/cluster_status", null);
            if (reply == null || reply.code() != 200) {
                return;
            }
            state.setDemand(cluster.name(), summary(JSON.readValue(reply.body(), Map.class), clock.instant().toString()));
        } catch (IOException | RuntimeException e) {
            state.setDemand(cluster.name(), Map.of("problem", "unreadable /api/cluster_status: " + e.getMessage()));
        }
    }

    /** The parts of Ray's answer that say what is wanted and what was decided. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(Map<String, Object> answer, String readAt) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> data = answer.get("data") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
        Map<String, Object> status = data.get("clusterStatus") instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of();
        Map<String, Object> load = status.get("loadMetricsReport") instanceof Map<?, ?> l ? (Map<String, Object>) l : Map.of();
        out.put("resourceDemand", load.getOrDefault("resourceDemand", List.of()));
        out.put("usage", load.getOrDefault("usage", Map.of()));
        if (status.get("autoscalerReport") != null) {
            out.put("autoscalerReport", status.get("autoscalerReport"));
        }
        if (data.get("autoscalingError") != null) {
            out.put("autoscalingError", data.get("autoscalingError"));
        }
        out.put("readAt", readAt);
        return out;
    }
}

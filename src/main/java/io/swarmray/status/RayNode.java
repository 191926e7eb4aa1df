package io.swarmray.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** One row of the head's node table ({@code GET :8265/api/v0/nodes}). */
public record RayNode(String nodeId, String nodeIp, String state, boolean head) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean alive() {
        return "ALIVE".equals(state);
    }

    /** Parses Ray's answer: {"result": true, "data": {"result": {"result": [...]}}}. */
    public static List<RayNode> parseTable(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the head's node table is not JSON: " + e.getMessage());
        }
        JsonNode rows = root.path("data").path("result").path("result");
        if (!rows.isArray()) {
            throw new IllegalArgumentException("the head's node table has no data.result.result list");
        }
        List<RayNode> out = new ArrayList<>();
        for (JsonNode n : rows) {
            out.add(new RayNode(n.path("node_id").asText(), n.path("node_ip").asText(), n.path("state").asText(),
                    n.path("is_head_node").asBoolean()));
        }
        return out;
    }
}

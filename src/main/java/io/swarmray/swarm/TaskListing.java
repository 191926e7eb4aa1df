package io.swarmray.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import io.swarmray.render.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GET /tasks through the raw transport: docker-java's Task model lacks the network attachments,
 * which carry the address each Ray node registers with its head.
 */
final class TaskListing {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskListing() {
    }

    static List<ObservedTask> list(DockerHttpClient http, Map<String, String> labels) throws IOException {
        List<String> filter = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        String filters = JSON.writeValueAsString(Map.of("label", filter));
        var request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
                .path("/tasks?filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8)).build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
            byte[] bytes = body.readAllBytes();
            if (response.getStatusCode() != 200) {
                throw new IOException("HTTP " + response.getStatusCode() + ": " + new String(bytes, StandardCharsets.UTF_8).trim());
            }
            List<ObservedTask> out = new ArrayList<>();
            for (JsonNode t : JSON.readTree(bytes)) {
                out.add(task(t));
            }
            return out;
        }
    }

    static ObservedTask task(JsonNode t) {
        JsonNode st = t.path("Status");
        List<String> addresses = new ArrayList<>();
        for (JsonNode att : t.path("NetworksAttachments")) {
            for (JsonNode a : att.path("Addresses")) {
                String cidr = a.asText();
                addresses.add(cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr);
            }
        }
        return new ObservedTask(t.path("ID").asText(), t.path("ServiceID").asText(),
                text(t.path("Spec").path("ContainerSpec").path("Labels").path(Labels.CLUSTER)),
                t.path("Slot").asInt(), text(t.path("NodeID")), text(st.path("State")) == null ? "unknown" : st.path("State").asText(),
                text(t.path("DesiredState")) == null ? "unknown" : t.path("DesiredState").asText(),
                text(st.path("Message")), text(st.path("Err")), text(st.path("Timestamp")), text(t.path("CreatedAt")),
                text(st.path("ContainerStatus").path("ContainerID")), List.copyOf(addresses));
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? null : n.asText();
    }
}

package io.swarmray.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Changes a service's own labels through the raw transport: GET /services/{id}, then POST the same spec
 * with one label changed. The task template is sent back byte for byte, so Swarm restarts nothing.
 */
final class ServiceLabels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServiceLabels() {
    }

    static void set(DockerHttpClient http, String serviceId, String key, String value) throws IOException {
        JsonNode service = send(http, DockerHttpClient.Request.Method.GET, "/services/" + serviceId, null);
        ObjectNode spec = (ObjectNode) service.path("Spec");
        ObjectNode labels = spec.has("Labels") && spec.get("Labels").isObject()
                ? (ObjectNode) spec.get("Labels")
                : spec.putObject("Labels");
        labels.put(key, value);
        long version = service.path("Version").path("Index").asLong();
        send(http, DockerHttpClient.Request.Method.POST, "/services/" + serviceId + "/update?version=" + version,
                JSON.writeValueAsBytes(spec));
    }

    private static JsonNode send(DockerHttpClient http, DockerHttpClient.Request.Method method, String path, byte[] body)
            throws IOException {
        var builder = DockerHttpClient.Request.builder().method(method).path(path);
        if (body != null) {
            builder.headers(Map.of("Content-Type", "application/json")).body(new ByteArrayInputStream(body));
        }
        try (DockerHttpClient.Response response = http.execute(builder.build()); InputStream in = response.getBody()) {
            byte[] bytes = in.readAllBytes();
            if (response.getStatusCode() != 200) {
                throw new IOException("HTTP " + response.getStatusCode() + ": " + new String(bytes, StandardCharsets.UTF_8).trim());
            }
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        }
    }
}

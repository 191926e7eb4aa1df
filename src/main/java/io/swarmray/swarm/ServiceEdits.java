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
import java.util.function.Consumer;

/**
 * Changes a service's spec outside its task template through the raw transport: GET /services/{id}, then POST the
 * same spec with one label or the replica count changed. The task template is sent back byte for byte, so Swarm
 * restarts no running task (docker-java's model would drop fields it does not know).
 */
final class ServiceEdits {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServiceEdits() {
    }

    /** @return Docker's answer (its {@code Warnings}), as for every edit */
    static JsonNode setLabel(DockerHttpClient http, String serviceId, String key, String value) throws IOException {
        return edit(http, serviceId, spec -> object(spec, "Labels").put(key, value));
    }

    /** A replicated service's task count. */
    static JsonNode scale(DockerHttpClient http, String serviceId, long replicas) throws IOException {
        return edit(http, serviceId, spec -> object(object(spec, "Mode"), "Replicated").put("Replicas", replicas));
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        return parent.has(field) && parent.get(field).isObject() ? (ObjectNode) parent.get(field) : parent.putObject(field);
    }

    private static JsonNode edit(DockerHttpClient http, String serviceId, Consumer<ObjectNode> change) throws IOException {
        JsonNode service = send(http, DockerHttpClient.Request.Method.GET, "/services/" + serviceId, null);
        ObjectNode spec = (ObjectNode) service.path("Spec");
        change.accept(spec);
        long version = service.path("Version").path("Index").asLong();
        return send(http, DockerHttpClient.Request.Method.POST, "/services/" + serviceId + "/update?version=" + version,
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

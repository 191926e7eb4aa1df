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
import java.util.TreeMap;

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
        List<ObservedTask> out = new ArrayList<>();
        for (JsonNode t : get(http, "/tasks" + filters(Map.of("label", filter)))) {
            out.add(task(t));
        }
        return out;
    }

    /** What each Ready node offers of each generic-resource kind (GPUs), by hostname: GET /nodes. */
    static Map<String, Map<String, Long>> nodeOffers(DockerHttpClient http) throws IOException {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        for (JsonNode n : get(http, "/nodes")) {
            if (!"ready".equals(n.path("Status").path("State").asText()) || "drain".equals(n.path("Spec").path("Availability").asText())) {
                continue;
            }
            Map<String, Long> offers = new TreeMap<>();
            for (JsonNode g : n.path("Description").path("Resources").path("GenericResources")) {
                JsonNode named = g.path("NamedResourceSpec");
                JsonNode discrete = g.path("DiscreteResourceSpec");
                if (!named.isMissingNode()) {
                    offers.merge(named.path("Kind").asText(), 1L, Long::sum);
                } else if (!discrete.isMissingNode()) {
                    offers.merge(discrete.path("Kind").asText(), discrete.path("Value").asLong(), Long::sum);
                }
            }
            out.put(n.path("Description").path("Hostname").asText(), offers);
        }
        return out;
    }

    /**
     * The containers of this engine on its gateway bridge, by container id, with their IPv4 address there:
     * GET /networks/docker_gwbridge. Empty when the engine has no such network (it ran no overlay task yet).
     */
    static Map<String, String> gatewayAddresses(DockerHttpClient http) throws IOException {
        JsonNode network;
        try {
            network = get(http, "/networks/" + GATEWAY_BRIDGE);
        } catch (NoSuchObject none) {
            return Map.of();
        }
        return containerAddresses(network);
    }

    /** A network's containers (GET /networks/ID) by id, with their IPv4 address on it, without its prefix length. */
    static Map<String, String> containerAddresses(JsonNode network) {
        Map<String, String> out = new TreeMap<>();
        network.path("Containers").fields().forEachRemaining(e -> {
            String address = e.getValue().path("IPv4Address").asText("");
            if (!address.isEmpty()) {
                out.put(e.getKey(), withoutPrefix(address));
            }
        });
        return out;
    }

    /**
     * This engine's running containers labelled {@code label} that share its host's network namespace (network mode
     * host): GET /containers/json with a label and a status filter. Their ids, in order.
     */
    static List<String> hostNetworkContainers(DockerHttpClient http, String label) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode c : get(http, "/containers/json" + filters(Map.of("label", List.of(label), "status", List.of("running"))))) {
            if ("host".equals(c.path("HostConfig").path("NetworkMode").asText())) {
                out.add(c.path("Id").asText());
            }
        }
        return out.stream().sorted().toList();
    }

    /** Docker's network of each engine that gives overlay tasks their way out; a Linux bridge on the engine's host. */
    static final String GATEWAY_BRIDGE = "docker_gwbridge";

    /** An engine's 404: the object asked for does not exist. */
    static final class NoSuchObject extends IOException {
        NoSuchObject(String message) {
            super(message);
        }
    }

    /** The query of a listing with Docker's {@code filters}: each key with the values any of which may match. */
    private static String filters(Map<String, List<String>> filters) throws IOException {
        return "?filters=" + URLEncoder.encode(JSON.writeValueAsString(filters), StandardCharsets.UTF_8);
    }

    static String withoutPrefix(String cidr) {
        return cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
    }

    static JsonNode get(DockerHttpClient http, String path) throws IOException {
        var request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path).build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
            byte[] bytes = body.readAllBytes();
            if (response.getStatusCode() == 404) {
                throw new NoSuchObject("HTTP 404: " + new String(bytes, StandardCharsets.UTF_8).trim());
            }
            if (response.getStatusCode() != 200) {
                throw new IOException("HTTP " + response.getStatusCode() + ": " + new String(bytes, StandardCharsets.UTF_8).trim());
            }
            return JSON.readTree(bytes);
        }
    }

    static ObservedTask task(JsonNode t) {
        JsonNode st = t.path("Status");
        List<String> addresses = new ArrayList<>();
        for (JsonNode att : t.path("NetworksAttachments")) {
            for (JsonNode a : att.path("Addresses")) {
                addresses.add(withoutPrefix(a.asText()));
            }
        }
        List<String> assigned = new ArrayList<>();
        // Engine API 1.41 calls the assigned resources "GenericResources"; later ones "AssignedGenericResources".
        JsonNode assignedNode = t.has("AssignedGenericResources") ? t.path("AssignedGenericResources") : t.path("GenericResources");
        for (JsonNode g : assignedNode) {
            JsonNode named = g.path("NamedResourceSpec");
            JsonNode discrete = g.path("DiscreteResourceSpec");
            if (!named.isMissingNode()) {
                assigned.add(named.path("Kind").asText() + "=" + named.path("Value").asText());
            } else if (!discrete.isMissingNode()) {
                for (int i = 0; i < discrete.path("Value").asInt(); i++) {
                    assigned.add(discrete.path("Kind").asText() + "=");
                }
            }
        }
        return new ObservedTask(t.path("ID").asText(), t.path("ServiceID").asText(),
                text(t.path("Spec").path("ContainerSpec").path("Labels").path(Labels.CLUSTER)),
                t.path("Slot").asInt(), text(t.path("NodeID")), text(st.path("State")) == null ? "unknown" : st.path("State").asText(),
                text(t.path("DesiredState")) == null ? "unknown" : t.path("DesiredState").asText(),
                text(st.path("Message")), text(st.path("Err")), text(st.path("Timestamp")), text(t.path("CreatedAt")),
                text(st.path("ContainerStatus").path("ContainerID")), List.copyOf(addresses), List.copyOf(assigned));
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? null : n.asText();
    }
}

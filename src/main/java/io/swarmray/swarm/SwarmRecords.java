package io.swarmray.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.transport.DockerHttpClient;
import io.swarmray.render.Labels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small records the operator must not lose, kept as Swarm configs: Swarm replicates them across its managers' Raft
 * store, they outlive the objects they describe, and an operator restart reads them back. A config cannot change,
 * so a record is replaced by a newer one and the older removed.
 */
@ApplicationScoped
public class SwarmRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stored record: its labels and its content. */
    public record Stored(String id, String name, Map<String, String> labels, byte[] data) {
    }

    @Inject
    DockerClient docker;
    @Inject
    DockerHttpClient http;
    @Inject
    SwarmClient swarm;

    /**
     * This instance's records labelled {@code key=value}, or carrying {@code key} when {@code value} is null: one
     * call (docker-java's config model lacks labels and data).
     */
    public List<Stored> list(String key, String value) {
        Map<String, String> filter = swarm.owned(null);
        filter.put(key, value);
        return swarm.call("list configs", () -> {
            try {
                String filters = JSON.writeValueAsString(
                        Map.of("label", filter.entrySet().stream()
                                .map(e -> e.getValue() == null ? e.getKey() : e.getKey() + "=" + e.getValue()).toList()));
                List<Stored> out = new ArrayList<>();
                for (JsonNode c : TaskListing.get(http, "/configs?filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8))) {
                    Map<String, String> labels = new TreeMap<>();
                    for (Iterator<Map.Entry<String, JsonNode>> it = c.path("Spec").path("Labels").fields(); it.hasNext();) {
                        var e = it.next();
                        labels.put(e.getKey(), e.getValue().asText());
                    }
                    String data = c.path("Spec").path("Data").asText("");
                    out.add(new Stored(c.path("ID").asText(), c.path("Spec").path("Name").asText(), labels,
                            Base64.getDecoder().decode(data)));
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Stores a record under {@code name}; a record of that name already there is left as it is (a retried pass). */
    public void create(String name, Map<String, String> labels, byte[] data) {
        Map<String, String> owned = new TreeMap<>(labels);
        owned.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        swarm.call("create config " + name, () -> {
            try {
                docker.createConfigCmd().withName(name).withLabels(swarm.stamped(owned)).withData(data).exec();
            } catch (ConflictException again) {
                // written by an earlier attempt of this pass, whose answer was lost
            }
            return null;
        });
    }

    public void remove(Stored record) {
        if (!Labels.MANAGED_BY_VALUE.equals(record.labels().get(Labels.MANAGED_BY))) {
            throw new IllegalStateException("refusing to remove config " + record.name() + ": it is not SwarmRay's");
        }
        swarm.call("remove config " + record.name(), () -> {
            try {
                docker.removeConfigCmd(record.id()).exec();
            } catch (NotFoundException gone) {
                // the goal is reached
            }
            return null;
        });
    }
}

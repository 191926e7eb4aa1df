package io.swarmray.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayService;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.StatusStore.StatusChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster as {@code kubectl get raycluster -o json} shows it, as JSON made once per status: a status GET is then a
 * lookup and a write. On a busy manager a request that keeps the CPU longer is more often taken off it, and then waits
 * behind the other runnable tasks: with 50 clusters and a load average of 70, the list serialized at each GET had a
 * p50 of 0.9 ms and a p99 of 98 ms while a trivial server's p99 was 0.5 ms (bench/restart.sh times both).
 */
@ApplicationScoped
public class ClusterViews {
    private static final byte[] LIST_START = "{\"apiVersion\":\"ray.io/v1\",\"kind\":\"RayClusterList\",\"items\":["
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] LIST_END = "]}".getBytes(StandardCharsets.UTF_8);

    /** A view stays while its status is the stored one (the same object) and its spec's labels are equal. */
    private record Rendered(ClusterStatus status, Map<String, String> labels, byte[] json) {
    }

    @Inject
    ObjectMapper json;

    private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();

    /**
     * The view's JSON. {@code autoscaler} (Ray's autoscaler's demand and decisions, or null without one) changes with
     * no new status, so a view with it is made at each call.
     */
    byte[] of(ClusterStatus status, RayCluster spec, Map<String, Object> autoscaler) {
        if (autoscaler != null) {
            return write(view(status, spec, autoscaler));
        }
        Map<String, String> labels = spec == null ? null : spec.labels();
        Rendered last = rendered.get(status.name());
        if (last != null && last.status() == status && Objects.equals(last.labels(), labels)) {
            return last.json();
        }
        byte[] made = write(view(status, spec, null));
        rendered.put(status.name(), new Rendered(status, labels, made));
        return made;
    }

    /** A RayClusterList of the views, in their order. */
    static byte[] list(List<byte[]> items) {
        var out = new ByteArrayOutputStream(LIST_START.length + LIST_END.length + items.stream().mapToInt(i -> i.length + 1).sum());
        out.writeBytes(LIST_START);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(items.get(i));
        }
        out.writeBytes(LIST_END);
        return out.toByteArray();
    }

    void onStatus(@Observes StatusChanged changed) {
        if (changed.status() == null) {
            rendered.remove(changed.name());
        }
    }

    static Map<String, Object> view(ClusterStatus status, RayCluster spec, Map<String, Object> autoscaler) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", status.name());
        if (spec != null && spec.labels() != null) {
            metadata.put("labels", spec.labels());
            String owner = Labels.rayServiceOwner(spec.labels());
            if (owner != null) {
                metadata.put("ownerReferences", List.of(Map.of("apiVersion", "ray.io/v1", "kind", RayService.KIND, "name", owner,
                        "controller", true)));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", "ray.io/v1");
        out.put("kind", "RayCluster");
        out.put("metadata", metadata);
        out.put("status", status);
        if (autoscaler != null) {
            out.put("autoscaler", autoscaler);
        }
        return out;
    }

    private byte[] write(Map<String, Object> view) {
        try {
            return json.writeValueAsBytes(view);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

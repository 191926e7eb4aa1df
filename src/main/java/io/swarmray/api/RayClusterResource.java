package io.swarmray.api;

import io.smallrye.common.annotation.NonBlocking;
import io.swarmray.autoscaler.ScaleState;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayService;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.StatusStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read side of the API, shaped like {@code kubectl get raycluster -o json}: apiVersion, kind,
 * metadata, status. Reads the status store only: never Docker in a request path. So it answers on the event loop
 * ({@link NonBlocking}), not through a worker thread: on a busy manager every thread that must be woken adds a
 * scheduler's wait to the answer (bench/status-latency.sh).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RayClusterResource {

    @Inject
    StatusStore statuses;
    @Inject
    SpecRegistry registry;
    @Inject
    ScaleState scaling;

    @GET
    @NonBlocking
    @Path("/rayclusters")
    public Map<String, Object> list() {
        List<Map<String, Object>> items = statuses.all().stream().map(this::view).toList();
        return Map.of("apiVersion", "ray.io/v1", "kind", "RayClusterList", "items", items);
    }

    @GET
    @NonBlocking
    @Path("/rayclusters/{name}")
    public Response get(@PathParam("name") String name) {
        return statuses.get(name).map(s -> Response.ok(view(s)).build())
                .orElseGet(() -> ApiError.notFound("raycluster '" + ApiError.printable(name) + "' not found"));
    }

    @GET
    @NonBlocking
    @Path("/specfiles")
    public Map<String, Object> specFiles() {
        List<Map<String, Object>> items = registry.files().stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.file());
            m.put("clusters", f.clusters());
            m.put("errors", f.errors().stream().map(Object::toString).toList());
            m.put("warnings", f.warnings().stream().map(Object::toString).toList());
            return m;
        }).toList();
        return Map.of("items", items);
    }

    private Map<String, Object> view(ClusterStatus s) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", s.name());
        var spec = registry.cluster(s.name());
        if (spec != null && spec.spec() != null && spec.spec().labels() != null) {
            metadata.put("labels", spec.spec().labels());
            String owner = Labels.rayServiceOwner(spec.spec().labels());
            if (owner != null) {
                metadata.put("ownerReferences", List.of(Map.of("apiVersion", "ray.io/v1", "kind", RayService.KIND, "name", owner,
                        "controller", true)));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", "ray.io/v1");
        out.put("kind", "RayCluster");
        out.put("metadata", metadata);
        out.put("status", s);
        if (spec != null && spec.spec() != null && spec.spec().autoscaled()) {
            Map<String, Object> autoscaler = new LinkedHashMap<>();
            autoscaler.put("demand", scaling.demand(s.name()));
            autoscaler.put("workersToDelete", scaling.workersToDelete(s.name()));
            autoscaler.put("decisions", scaling.decisions(s.name()));
            out.put("autoscaler", autoscaler);
        }
        return out;
    }
}

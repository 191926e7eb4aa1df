package io.swarmray.api;

import io.smallrye.common.annotation.NonBlocking;
import io.swarmray.autoscaler.ScaleState;
import io.swarmray.spec.RayCluster;
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
 * scheduler's wait to the answer (bench/status-latency.sh). The JSON of a cluster is made once per status
 * ({@link ClusterViews}).
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
    @Inject
    ClusterViews views;

    @GET
    @NonBlocking
    @Path("/rayclusters")
    public byte[] list() {
        return ClusterViews.list(statuses.all().stream().map(this::view).toList());
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

    private byte[] view(ClusterStatus s) {
        var declared = registry.cluster(s.name());
        RayCluster spec = declared == null ? null : declared.spec();
        if (spec == null || !spec.autoscaled()) {
            return views.of(s, spec, null);
        }
        Map<String, Object> autoscaler = new LinkedHashMap<>();
        autoscaler.put("demand", scaling.demand(s.name()));
        autoscaler.put("workersToDelete", scaling.workersToDelete(s.name()));
        autoscaler.put("decisions", scaling.decisions(s.name()));
        return views.of(s, spec, autoscaler);
    }
}

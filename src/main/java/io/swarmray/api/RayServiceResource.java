package io.swarmray.api;

import io.swarmray.rayservice.RayServiceStatus;
import io.swarmray.rayservice.RayServiceStatusStore;
import io.swarmray.spec.SpecRegistry;
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

/** RayServices shaped like {@code kubectl get rayservice -o json}; reads the status store only. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RayServiceResource {

    @Inject
    RayServiceStatusStore statuses;
    @Inject
    SpecRegistry registry;

    @GET
    @Path("/rayservices")
    public Map<String, Object> list() {
        List<Map<String, Object>> items = statuses.all().stream().map(this::view).toList();
        return Map.of("apiVersion", "ray.io/v1", "kind", "RayServiceList", "items", items);
    }

    @GET
    @Path("/rayservices/{name}")
    public Response get(@PathParam("name") String name) {
        return statuses.get(name).map(s -> Response.ok(view(s)).build())
                .orElseGet(() -> ApiError.notFound("rayservice '" + ApiError.printable(name) + "' not found"));
    }

    private Map<String, Object> view(RayServiceStatus s) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", s.name());
        var spec = registry.service(s.name());
        if (spec != null && spec.spec() != null && spec.spec().labels() != null) {
            metadata.put("labels", spec.spec().labels());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", "ray.io/v1");
        out.put("kind", "RayService");
        out.put("metadata", metadata);
        out.put("status", s);
        return out;
    }
}

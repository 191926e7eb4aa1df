package io.swarmray.api;

import io.smallrye.common.annotation.NonBlocking;
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
import java.util.Map;

/** RayServices shaped like {@code kubectl get rayservice -o json}; reads the status store only, on the event loop (as {@link RayClusterResource}). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RayServiceResource {
    private static final String KIND = "RayService";

    @Inject
    RayServiceStatusStore statuses;
    @Inject
    SpecRegistry registry;

    @GET
    @NonBlocking
    @Path("/rayservices")
    public Map<String, Object> list() {
        return KubeShapes.list(KIND, statuses.all().stream().map(this::view).toList());
    }

    @GET
    @NonBlocking
    @Path("/rayservices/{name}")
    public Response get(@PathParam("name") String name) {
        return statuses.get(name).map(s -> Response.ok(view(s)).build())
                .orElseGet(() -> ApiError.notFound("rayservice '" + ApiError.printable(name) + "' not found"));
    }

    private Map<String, Object> view(RayServiceStatus s) {
        var spec = registry.service(s.name());
        return KubeShapes.object(KIND, s.name(), spec == null || spec.spec() == null ? null : spec.spec().labels(), s);
    }
}

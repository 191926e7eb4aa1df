package io.swarmray.api;

import io.smallrye.common.annotation.NonBlocking;
import io.swarmray.rayjob.RayJobReconciler;
import io.swarmray.rayjob.RayJobStatus;
import io.swarmray.rayjob.RayJobStatusStore;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.swarm.SwarmException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** RayJobs shaped like {@code kubectl get rayjob -o json}; reads the status store only, on the event loop (as {@link RayClusterResource}), but
 * for a job's logs, which are Ray's answer. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RayJobResource {
    private static final String KIND = "RayJob";

    @Inject
    RayJobStatusStore statuses;
    @Inject
    SpecRegistry registry;
    @Inject
    RayJobReconciler reconciler;

    @GET
    @NonBlocking
    @Path("/rayjobs")
    public Map<String, Object> list() {
        return KubeShapes.list(KIND, statuses.all().stream().map(this::view).toList());
    }

    @GET
    @NonBlocking
    @Path("/rayjobs/{name}")
    public Response get(@PathParam("name") String name) {
        return statuses.get(name).map(s -> Response.ok(view(s)).build())
                .orElseGet(() -> ApiError.notFound("rayjob '" + ApiError.printable(name) + "' not found"));
    }

    /** Ray's driver log of the job's current attempt, as Ray's API gives it: {@code {"logs": "..."}}. */
    @GET
    @Path("/rayjobs/{name}/logs")
    public Response logs(@PathParam("name") String name) {
        try {
            String logs = reconciler.logs(name);
            return logs == null
                    ? ApiError.notFound("rayjob '" + ApiError.printable(name) + "' not found")
                    : Response.ok(Map.of("logs", logs)).build();
        } catch (IllegalStateException | SwarmException e) {
            return ApiError.of(409, e.getMessage());
        }
    }

    private Map<String, Object> view(RayJobStatus s) {
        var spec = registry.job(s.name());
        return KubeShapes.object(KIND, s.name(), spec == null || spec.spec() == null ? null : spec.spec().labels(), s);
    }
}

package io.swarmray.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.swarmray.spec.Names;
import io.swarmray.spec.SpecDirectory;
import io.swarmray.spec.SpecEditor;
import io.swarmray.spec.SpecFile;
import io.swarmray.spec.SpecParser;
import io.swarmray.spec.SpecRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Write side of the API. Every write goes through the spec files (they stay the single source of
 * truth): PUT writes {@code <name>.yaml}, DELETE removes the cluster's file, scale edits the file in
 * place. Same validation as files; the watcher does the rest. Writes need the bearer token.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RayClusterWriteResource {

    @Inject
    WriteAuth auth;
    @Inject
    SpecParser parser;
    @Inject
    SpecRegistry registry;
    @Inject
    SpecDirectory specs;

    /** A scale request: {"group": "gpu", "replicas": 3}. */
    @RegisterForReflection
    public record Scale(String group, Integer replicas) {
    }

    /** Validates a spec text as a file would be, touching nothing. Open without a token: it writes nothing. */
    @POST
    @Path("/validate")
    @Consumes({"application/yaml", "application/json", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    public Map<String, Object> validate(@QueryParam("file") String file, byte[] body) {
        SpecFile parsed = parser.parse(file == null || file.isBlank() ? "request" : ApiError.printable(file), body);
        List<String> errors = parsed.allErrors().stream().map(Object::toString).toList();
        List<String> clusters = parsed.clusters().stream().map(SpecFile.Declared::name).filter(Objects::nonNull).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", errors.isEmpty());
        out.put("clusters", clusters);
        out.put("errors", errors);
        out.put("warnings", parsed.allWarnings().stream().map(Object::toString).toList());
        return out;
    }

    @PUT
    @Path("/rayclusters/{name}")
    @Consumes({"application/yaml", "application/json", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    public Response put(@PathParam("name") String name, @HeaderParam("Authorization") String authorization, byte[] body)
            throws IOException {
        Response denied = auth.check(authorization);
        if (denied != null) {
            return denied;
        }
        if (Names.dnsLabelProblem(name) != null) {
            return ApiError.of(400, "cluster name " + Names.dnsLabelProblem(name));
        }
        String fileName = name + ".yaml";
        SpecFile parsed = parser.parse(specs.displayName(fileName), body);
        List<String> errors = new ArrayList<>(parsed.allErrors().stream().map(Object::toString).toList());
        if (errors.isEmpty() && (parsed.clusters().size() != 1 || !name.equals(parsed.clusters().get(0).name()))) {
            errors.add("the body must declare exactly one RayCluster, named '" + name + "'");
        }
        if (!errors.isEmpty()) {
            return ApiError.of(422, "invalid spec; nothing was written", errors);
        }
        var existing = registry.cluster(name);
        if (existing != null && !existing.file().equals(specs.displayName(fileName))) {
            return ApiError.of(409, "cluster '" + name + "' is declared in " + existing.file() + "; edit that file");
        }
        specs.write(fileName, body);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", specs.displayName(fileName));
        out.put("created", existing == null);
        out.put("warnings", parsed.clusters().get(0).warnings().stream().map(Object::toString).toList());
        return Response.status(existing == null ? 201 : 200).entity(out).build();
    }

    @DELETE
    @Path("/rayclusters/{name}")
    public Response delete(@PathParam("name") String name, @HeaderParam("Authorization") String authorization) throws IOException {
        Response denied = auth.check(authorization);
        if (denied != null) {
            return denied;
        }
        var existing = registry.cluster(name);
        if (existing == null) {
            return ApiError.notFound("raycluster '" + ApiError.printable(name) + "' is not declared by any spec file");
        }
        var file = registry.files().stream().filter(f -> f.file().equals(existing.file())).findFirst().orElseThrow();
        if (!file.clusters().equals(List.of(name))) {
            return ApiError.of(409, existing.file() + " also declares " + file.clusters() + "; remove the cluster from that file by hand");
        }
        specs.delete(Paths.get(existing.file()).getFileName().toString());
        return Response.ok(Map.of("deleted", existing.file())).build();
    }

    @POST
    @Path("/rayclusters/{name}/scale")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response scale(@PathParam("name") String name, @HeaderParam("Authorization") String authorization, Scale scale)
            throws IOException {
        Response denied = auth.check(authorization);
        if (denied != null) {
            return denied;
        }
        if (scale == null || scale.group() == null || scale.replicas() == null || scale.replicas() < 0) {
            return ApiError.of(400, "send {\"group\": NAME, \"replicas\": N} with N >= 0");
        }
        var existing = registry.cluster(name);
        if (existing == null || existing.spec() == null) {
            return ApiError.notFound("raycluster '" + ApiError.printable(name) + "' has no valid spec to scale");
        }
        var group = existing.spec().workerGroups().stream().filter(g -> g.groupName().equals(scale.group())).findFirst().orElse(null);
        if (group == null) {
            return ApiError.notFound("raycluster '" + name + "' has no worker group '" + ApiError.printable(scale.group()) + "'");
        }
        if (scale.replicas() < group.minReplicas() || scale.replicas() > group.maxReplicas()) {
            return ApiError.of(422, "replicas " + scale.replicas() + " is outside minReplicas..maxReplicas ("
                    + group.minReplicas() + ".." + group.maxReplicas() + ") of group '" + group.groupName() + "'");
        }
        String fileName = Paths.get(existing.file()).getFileName().toString();
        String text = new String(specs.read(fileName), StandardCharsets.UTF_8);
        String edited = SpecEditor.setReplicas(text, name, scale.group(), scale.replicas());
        specs.write(fileName, edited.getBytes(StandardCharsets.UTF_8));
        return Response.ok(Map.of("file", existing.file(), "group", group.groupName(), "replicas", scale.replicas())).build();
    }
}

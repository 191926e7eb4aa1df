package io.swarmray.autoscaler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmray.Config;
import io.swarmray.reconcile.ReconcileLoop;
import io.swarmray.render.Autoscaler;
import io.swarmray.render.AutoscalerAccess;
import io.swarmray.render.Labels;
import io.swarmray.render.SpecHash;
import io.swarmray.spec.Names;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.SpecDirectory;
import io.swarmray.spec.SpecEditor;
import io.swarmray.spec.SpecParser;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The Kubernetes API subset Ray's KubeRay node provider calls (ray-autoscaler-contract.md A2, "Every request it
 * makes"), answered from the spec files and Swarm: GET and PATCH of the token's own RayCluster, and the list of its
 * pods. Everything else is refused, as a service account with KubeRay's Role would be.
 */
@ApplicationScoped
public class KubeApi {
    private static final Logger LOG = Logger.getLogger(KubeApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RAYCLUSTER = Pattern.compile("/apis/ray\\.io/v1/namespaces/([^/]+)/rayclusters/([^/]+)");
    private static final Pattern PODS = Pattern.compile("/api/v1/namespaces/([^/]+)/pods");
    static final String PATCH_TYPE = "application/json-patch+json";

    /** An answer: status and a JSON-able body. */
    public record Answer(int status, Object body) {
    }

    @Inject
    SpecRegistry registry;
    @Inject
    SpecDirectory specs;
    @Inject
    SwarmClient swarm;
    @Inject
    Credentials credentials;
    @Inject
    ScaleState state;
    @Inject
    ReconcileLoop loop;
    @Inject
    Config config;

    Clock clock = Clock.systemUTC();
    private final AtomicLong listVersion = new AtomicLong();

    public Answer handle(String method, String path, String query, String authorization, String contentType, byte[] body) {
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        String allowed = credentials.clusterOf(token);
        if (allowed == null) {
            // never any part of the token in the log; debug, as a client that keeps trying would fill it
            LOG.debugf("autoscaler API: %s %s refused: %s", method, path, token == null ? "no bearer token" : "no cluster has this token");
            return status(401, "Unauthorized", "Unauthorized");
        }
        Matcher rc = RAYCLUSTER.matcher(path);
        if (rc.matches()) {
            String name = rc.group(2);
            Answer denied = scope(allowed, rc.group(1), name, "rayclusters");
            if (denied != null) {
                return denied;
            }
            return switch (method) {
                case "GET" -> get(name);
                case "PATCH" -> patch(name, contentType, body);
                default -> status(405, "MethodNotAllowed", method + " is not allowed on rayclusters here");
            };
        }
        Matcher pods = PODS.matcher(path);
        if (pods.matches() && method.equals("GET")) {
            String selector = param(query, "labelSelector");
            String wanted = Labels.CLUSTER + "=" + allowed;
            if (!wanted.equals(selector)) {
                return status(403, "Forbidden", "this token may list only pods with labelSelector " + wanted);
            }
            Answer denied = scope(allowed, pods.group(1), allowed, "pods");
            return denied != null ? denied : pods(allowed);
        }
        return status(404, "NotFound", "the server could not find the requested resource");
    }

    /** KubeRay's Role for the head's service account: its own namespace and cluster only. */
    private Answer scope(String allowed, String namespace, String cluster, String resource) {
        if (!AutoscalerAccess.NAMESPACE.equals(namespace) || !allowed.equals(cluster)) {
            return status(403, "Forbidden", resource + " \"" + cluster + "\" is forbidden: the token of cluster \"" + allowed
                    + "\" cannot access it in namespace \"" + namespace + "\"");
        }
        return null;
    }

    private Answer get(String name) {
        var found = document(name);
        if (found.answer() != null) {
            return found.answer();
        }
        return new Answer(200, KubeObjects.rayCluster(found.document(), AutoscalerAccess.NAMESPACE, found.version(),
                state.workersToDelete(name)));
    }

    private Answer patch(String name, String contentType, byte[] body) {
        if (contentType == null || !contentType.split(";")[0].trim().equalsIgnoreCase(PATCH_TYPE)) {
            return status(415, "UnsupportedMediaType", "the body must be " + PATCH_TYPE);
        }
        var found = document(name);
        if (found.answer() != null) {
            return found.answer();
        }
        RayCluster cluster = registry.cluster(name).spec();
        List<JsonPatch.Change> changes;
        try {
            changes = JsonPatch.parse(JSON.readValue(body, Object.class), cluster.workerGroups().size());
        } catch (JsonPatch.Refused e) {
            return status(422, "Invalid", e.getMessage());
        } catch (IOException e) {
            return status(400, "BadRequest", "the body is not JSON: " + e.getMessage());
        }
        List<String> summary = new ArrayList<>();
        try {
            // Replicas first, into the file and the registry at once; then the workers to delete. The other order
            // would let a reconcile in between remove a named worker and start a new one for the old count.
            String fileName = Paths.get(found.file()).getFileName().toString();
            String text = new String(specs.read(fileName), StandardCharsets.UTF_8);
            String edited = text;
            for (var c : changes) {
                if (c.replicas() != null) {
                    String group = cluster.workerGroups().get(c.group()).groupName();
                    edited = SpecEditor.setReplicas(edited, name, group, c.replicas());
                    summary.add(group + ": replicas " + c.replicas());
                }
            }
            if (!edited.equals(text)) {
                specs.writeAndLoad(fileName, edited.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException | IllegalArgumentException e) {
            return status(500, "InternalError", "cannot write " + found.file() + ": " + e.getMessage());
        }
        for (var c : changes) {
            if (c.workersToDelete() != null) {
                String group = cluster.workerGroups().get(c.group()).groupName();
                state.setWorkersToDelete(name, group, c.workersToDelete());
                markForDeletion(name, c.workersToDelete());
                summary.add(group + ": " + (c.workersToDelete().isEmpty() ? "workersToDelete cleared" : "delete " + c.workersToDelete()));
            }
        }
        if (!summary.isEmpty()) {
            state.record(name, clock.instant(), summary);
            LOG.infof("cluster %s: the autoscaler asked: %s", name, String.join("; ", summary));
        }
        loop.poke(name);
        return get(name);
    }

    /** Labels the replica services whose task the autoscaler named; the reconcile removes them. */
    private void markForDeletion(String cluster, List<String> podNames) {
        if (podNames.isEmpty()) {
            return;
        }
        List<ObservedService> services = swarm.services(cluster);
        for (ObservedTask t : swarm.tasks(cluster)) {
            if (podNames.contains(t.id())) {
                services.stream().filter(s -> s.id().equals(t.serviceId()) && s.label(Autoscaler.REPLICA_LABEL) != null)
                        .filter(s -> s.label(Autoscaler.DELETE_LABEL) == null).findFirst()
                        .ifPresent(s -> swarm.setServiceLabel(s, Autoscaler.DELETE_LABEL, t.id()));
            }
        }
    }

    private Answer pods(String cluster) {
        String subnet = swarm.networks(cluster).stream().filter(n -> n.name().equals(Names.network(cluster))).map(n -> n.subnet())
                .findFirst().orElse(null);
        return new Answer(200, KubeObjects.podList(AutoscalerAccess.NAMESPACE, swarm.services(cluster), swarm.tasks(cluster), subnet,
                String.valueOf(listVersion.incrementAndGet())));
    }

    private record Found(Map<String, Object> document, String file, String version, Answer answer) {
    }

    /** The cluster's document in its spec file: the file is the object, as for {@code swarmray scale}. */
    @SuppressWarnings("unchecked")
    private Found document(String name) {
        var spec = registry.cluster(name);
        if (spec == null || spec.spec() == null || !spec.spec().autoscaled() || spec.spec().serve() != null) {
            return new Found(null, null, null, status(404, "NotFound", "rayclusters.ray.io \"" + name + "\" not found"));
        }
        try {
            byte[] content = specs.read(Paths.get(spec.file()).getFileName().toString());
            for (Object doc : SpecParser.safeYaml(config.maxSpecBytes()).loadAll(new String(content, StandardCharsets.UTF_8))) {
                if (doc instanceof Map<?, ?> m && "RayCluster".equals(m.get("kind")) && m.get("metadata") instanceof Map<?, ?> meta
                        && name.equals(meta.get("name"))) {
                    return new Found((Map<String, Object>) m, spec.file(),
                            SpecHash.of(new String(content, StandardCharsets.UTF_8)).substring(0, 16),
                            null);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new Found(null, null, null, status(500, "InternalError", "cannot read " + spec.file() + ": " + e.getMessage()));
        }
        return new Found(null, null, null, status(404, "NotFound", "rayclusters.ray.io \"" + name + "\" not found"));
    }

    private static String param(String query, String key) {
        if (query == null) {
            return null;
        }
        for (String p : query.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).equals(key)) {
                return URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** A Kubernetes Status object. */
    static Answer status(int code, String reason, String message) {
        return new Answer(code, Map.of("kind", "Status", "apiVersion", "v1", "metadata", Map.of(), "status", "Failure", "message", message,
                "reason", reason, "code", code));
    }

    static byte[] json(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

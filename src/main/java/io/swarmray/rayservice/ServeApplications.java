package io.swarmray.rayservice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmray.rayservice.RayServiceStatus.AppStatus;
import io.swarmray.rayservice.RayServiceStatus.DeploymentStatus;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ray Serve's {@code GET /api/serve/applications/} answer, reduced to what KubeRay reads
 * ([K] utils/serve_api_models.go:10-42): each application's status and message, each deployment's.
 */
public final class ServeApplications {
    public static final String RUNNING = "RUNNING";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServeApplications() {
    }

    public static Map<String, AppStatus> parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("the Serve applications are not JSON: " + e.getMessage());
        }
        Map<String, AppStatus> apps = new TreeMap<>();
        root.path("applications").fields().forEachRemaining(a -> {
            Map<String, DeploymentStatus> deployments = new TreeMap<>();
            a.getValue().path("deployments").fields().forEachRemaining(d -> deployments.put(d.getKey(),
                    new DeploymentStatus(d.getValue().path("status").asText(), d.getValue().path("message").asText(""))));
            apps.put(a.getKey(), new AppStatus(a.getValue().path("status").asText(), a.getValue().path("message").asText(""),
                    deployments));
        });
        return apps;
    }

    /** KubeRay's rule ([K] :853-901): ready when there is at least one application and every one is RUNNING. */
    public static boolean allRunning(Map<String, AppStatus> apps) {
        return apps != null && !apps.isEmpty() && apps.values().stream().allMatch(a -> RUNNING.equals(a.status()));
    }
}

package io.swarmray.swarm;

import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The engine behind this machine's default Docker socket, the one that runs in the host's network namespace (the
 * rootful engine of a Linux host). The operator may talk to another engine through DOCKER_HOST (a remote one, one in
 * a network namespace of its own, as in the test lab): that engine's bridges are not this host's, even where their
 * addresses look the same.
 */
public final class DefaultSocketEngine {
    static final Path SOCKET = Path.of("/var/run/docker.sock");

    private DefaultSocketEngine() {
    }

    /** The swarm node id of the engine at the default socket, by one GET /info over it; empty when none answers as a swarm node. */
    public static Optional<String> swarmNodeId() {
        if (!Files.exists(SOCKET)) {
            return Optional.empty();
        }
        try (var http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create("unix://" + SOCKET))
                .connectionTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5)).build()) {
            String id = TaskListing.get(http, "/info").path("Swarm").path("NodeID").asText("");
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

package io.swarmray.swarm;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's own container id, when it runs in one (as a Swarm service): then it joins each
 * cluster's network to reach the heads. From SWARMRAY_CONTAINER_ID, else from the mount table,
 * where Docker's bind mounts of /etc/hostname and friends name the container's directory.
 */
@ApplicationScoped
public class SelfContainer {
    private static final Pattern ID = Pattern.compile("/containers/([0-9a-f]{64})/");
    private final Optional<String> id = detect();

    public Optional<String> id() {
        return id;
    }

    private static Optional<String> detect() {
        String env = System.getenv("SWARMRAY_CONTAINER_ID");
        if (env != null && !env.isBlank()) {
            return Optional.of(env.trim());
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                if (line.contains(" /etc/hostname ")) {
                    Matcher m = ID.matcher(line);
                    if (m.find()) {
                        return Optional.of(m.group(1));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or no procfs: not in a container as far as we can tell
        }
        return Optional.empty();
    }
}

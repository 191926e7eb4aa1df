package io.swarmray.rayservice;

import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * HAProxy's runtime API in one task of a serve endpoint, through {@code docker exec} on this engine (the
 * endpoint's tasks run on managers; the socket listens on the task's loopback only, so nothing on the serve
 * network can reach it). Bash's /dev/tcp talks to it: HAProxy images have bash, not socat.
 */
@ApplicationScoped
public class ProxyRuntime {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String CLIENT = "exec 3<>/dev/tcp/127.0.0.1/" + ServeProxy.RUNTIME_PORT
            + " && printf '%s\\n' \"$1\" >&3 && cat <&3";

    @Inject
    SwarmClient swarm;

    /** The slot the task routes to now. */
    public String activeSlot(ObservedTask task) {
        return parseActiveSlot(run(task, "show map " + ServeProxy.MAP_FILE));
    }

    public void route(ObservedTask task, String slot) {
        String out = run(task, "set map " + ServeProxy.MAP_FILE + " active " + slot);
        if (!out.isBlank()) {
            throw new IllegalStateException("HAProxy refused to switch to " + slot + ": " + out.trim());
        }
    }

    /** Servers of the slot's backend that pass their health check (KubeRay's serve endpoints). */
    public int healthyEndpoints(ObservedTask task, String slot) {
        return countUp(run(task, "show stat"), slot);
    }

    private String run(ObservedTask task, String command) {
        if (task.containerId() == null) {
            throw new IllegalStateException("task " + task.id() + " has no container yet");
        }
        return swarm.exec(task.containerId(), List.of("bash", "-c", CLIENT, "swarmray", command), TIMEOUT);
    }

    /** {@code show map} prints "{@code <ref> active <slot>}" per entry. */
    static String parseActiveSlot(String out) {
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[1].equals("active")) {
                return f[2];
            }
        }
        return null;
    }

    /** {@code show stat} is CSV: pxname, svname, ..., status (column 18). */
    static int countUp(String csv, String backend) {
        int up = 0;
        for (String line : csv.split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 17 && f[0].equals(backend) && !f[1].equals("BACKEND") && !f[1].equals("FRONTEND")
                    && f[17].startsWith("UP")) {
                up++;
            }
        }
        return up;
    }
}

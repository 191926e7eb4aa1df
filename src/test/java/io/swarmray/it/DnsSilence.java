package io.swarmray.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Swarm's DNS made silent for one container, as when dockerd (whose resolver answers 127.0.0.11) is too busy to
 * answer: its queries are dropped in the container's network namespace until {@link #close}. Needs root, as the
 * tests have.
 */
final class DnsSilence implements AutoCloseable {
    private final String pid;

    private DnsSilence(String pid) {
        this.pid = pid;
    }

    /** Silences the DNS of the one running container of the Swarm service. */
    static DnsSilence inTaskOf(String service) throws IOException, InterruptedException {
        String id = SwarmFixture.dockerCli("ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service).trim();
        assertEquals(1, id.lines().count(), "one running task of " + service + ": " + id);
        DnsSilence silence = new DnsSilence(SwarmFixture.dockerCli("inspect", "-f", "{{.State.Pid}}", id).trim());
        silence.iptables("-I");
        return silence;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        iptables("-D");
    }

    private void iptables(String op) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", pid, "-n", "iptables", op, "OUTPUT", "-d", "127.0.0.11",
                "-p", "udp", "-j", "DROP"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}

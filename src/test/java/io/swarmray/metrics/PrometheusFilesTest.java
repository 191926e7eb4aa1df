package io.swarmray.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus as Prometheus itself reads it: promtool (Debian's prometheus package, installed by deploy/test.sh)
 * checks the config and the alert rules and runs the rules' unit tests (alerts-test.yml).
 */
class PrometheusFilesTest {
    static final Path DIR = Path.of("deploy/prometheus");

    static String promtool(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is missing: apt-get install prometheus (deploy/test.sh does)", e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "promtool " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    @Test
    void theAlertRulesAreValidAndTheirUnitTestsPass() throws Exception {
        assertTrue(promtool(DIR, "check", "rules", "alerts.yml").contains("SUCCESS: 5 rules found"));
        assertTrue(promtool(DIR, "test", "rules", "alerts-test.yml").contains("SUCCESS"));
    }

    @Test
    void theConfigIsValidWithTheRulesWhereTheStackMountsThem() throws Exception {
        Path dir = Files.createTempDirectory("prometheus-config");
        String config = Files.readString(DIR.resolve("prometheus.yml"));
        assertTrue(config.contains("/etc/prometheus/alerts.yml"), "the path monitoring-stack.yml mounts the rules at");
        Files.writeString(dir.resolve("prometheus.yml"), config.replace("/etc/prometheus/alerts.yml", "alerts.yml"));
        Files.copy(DIR.resolve("alerts.yml"), dir.resolve("alerts.yml"));
        assertTrue(promtool(dir, "check", "config", "prometheus.yml").contains("SUCCESS"));
    }
}

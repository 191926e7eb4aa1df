package io.swarmray.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.render.RayStartCommand;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.SpecParser;
import io.swarmray.spec.Specs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's `ray start` refuses what Ray 2.40's click CLI refuses (ray-contract.md), and accepts every
 * argv SwarmRay renders for the examples under specs/. Runs deploy/ray-standin with python3, no Docker.
 */
class RayStandinCliTest {
    static final Path RAY = Path.of("deploy/ray-standin/ray");

    record Result(int exit, String stderr) {
    }

    static Result ray(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", RAY.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ray " + args + " did not end");
        return new Result(p.exitValue(), err);
    }

    /** click: "Error: ..." after the usage lines, exit 2; Ray's own checks: exit 1. */
    static void refused(int exit, String message, String... args) throws Exception {
        Result r = ray(List.of(args));
        assertEquals(exit, r.exit(), List.of(args) + ": " + r.stderr());
        assertTrue(r.stderr().contains(message), List.of(args) + ": " + r.stderr());
    }

    @Test
    void theTokenAfterAValueOptionIsItsValueAsInClick() throws Exception {
        // F2: what a bare "include-dashboard: true" rendered to
        refused(2, "Invalid value for '--include-dashboard': '--memory=1073741824' is not a valid boolean.",
                "start", "--head", "--include-dashboard", "--memory=1073741824", "--block");
        refused(2, "Invalid value for '--log-color': '--block' is not one of 'auto', 'false', 'true'.",
                "start", "--head", "--log-color", "--block");
        refused(2, "Option '--block' does not take a value.", "start", "--head", "--block=true");
        refused(2, "Option '--port' requires an argument.", "start", "--head", "--port");
    }

    @Test
    void onlyRay240sOptionsAndTypes() throws Exception {
        // F3: options that came after 2.40
        for (String later : List.of("--include-log-monitor=false", "--redis-username=u", "--object-spilling-directory=/x",
                "--num-redis-shards=2")) {
            refused(2, "No such option: " + later.substring(0, later.indexOf('=')), "start", "--head", later);
        }
        // F4: integers are integers
        refused(2, "Invalid value for '--num-cpus': '0.5' is not a valid integer.", "start", "--head", "--num-cpus=0.5");
        refused(2, "Invalid value for '--num-gpus': '0.5' is not a valid integer.", "start", "--head", "--num-gpus=0.5");
        refused(2, "Got unexpected extra argument (extra)", "start", "--head", "extra");
    }

    @Test
    void raysUsageChecks() throws Exception {
        refused(1, "`--port` should not be specified without `--head`.", "start", "--address=h:6379", "--port=6379");
        refused(1, "`--include-dashboard` should not be specified without `--head`.", "start", "--address=h:6379",
                "--include-dashboard=true");
        refused(1, "Use the --num-cpus and --num-gpus keyword instead of 'CPU' and 'GPU'", "start", "--head", "--resources={\"CPU\": 1}");
        refused(1, "Use the --memory and --object-store-memory keywords", "start", "--head", "--resources={\"memory\": 1}");
        refused(1, "ray_client_server_port must be an integer between 1024 and 65535.", "start", "--head", "--ray-client-server-port=80");
        refused(1, "max_worker_port must be higher than min_worker_port.", "start", "--head", "--min-worker-port=20000",
                "--max-worker-port=20000");
        refused(1, "The value of the '--labels' should be a JSON dict of strings", "start", "--head", "--labels={\"a\": 1}");
    }

    /** A Ray-version check against an unreachable GCS takes Ray's 5 s connect timeout (F8), then exit 1. */
    @Test
    void healthCheckOfAnUnreachableGcsFailsAfterTheConnectTimeout() throws Exception {
        long start = System.nanoTime();
        Result r = ray(List.of("health-check", "--address", "127.0.0.1:1"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1, r.exit(), r.stderr());
        assertTrue(seconds >= 4.5, "took " + seconds + " s");
        refused(2, "No such option: --bogus", "health-check", "--bogus");
    }

    /** Everything SwarmRay renders for the shipped examples and the unit-test sample passes the strict CLI. */
    @Test
    void everyRenderedArgvPassesTheStrictParser() throws Exception {
        List<RayCluster> clusters = new ArrayList<>();
        try (var walk = Files.walk(Path.of("specs"))) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                var parsed = new SpecParser(1 << 20).parse(f.toString(), Files.readAllBytes(f));
                parsed.clusters().forEach(c -> clusters.add(c.cluster()));
                parsed.services().forEach(s -> clusters.add(s.service().clusterConfig())); // a RayService's clusters too
            }
        }
        clusters.add(Specs.sample());
        assertFalse(clusters.contains(null));
        StringBuilder script = new StringBuilder("import json, sys\nsys.path.insert(0, 'deploy/ray-standin')\nfrom standin import cli\n");
        int n = 0;
        for (RayCluster c : clusters) {
            List<GroupSpec> groups = new ArrayList<>(c.workerGroups());
            groups.add(0, c.head());
            for (GroupSpec g : groups) {
                List<String> argv = new ArrayList<>(RayStartCommand.args(c, g));
                argv.add("--node-ip-address=10.0.5.7"); // what the start script adds
                script.append("cli.check_usage(cli.start_options(json.loads(")
                        .append(pythonString(toJson(argv))).append(")))\n");
                n++;
            }
        }
        Process p = new ProcessBuilder("python3", "-c", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), n + " argv: " + out);
    }

    private static String toJson(List<String> argv) {
        StringBuilder b = new StringBuilder("[");
        for (String a : argv) {
            b.append(b.length() > 1 ? ", " : "").append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return b.append(']').toString();
    }

    private static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

package io.swarmray.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.spec.BashQuoting;
import io.swarmray.spec.SpecFile;
import io.swarmray.spec.SpecIssue;
import io.swarmray.spec.SpecParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever string a spec puts in a field that reaches the Ray process (rayStartParams values,
 * env values), the process gets it literally, or the spec is refused naming that field. Checked by
 * running the rendered command with the real bash and the real start script, with a `ray` on PATH that
 * records its argv and environment; the strings carry command substitutions that would leave a marker
 * file if any shell ever evaluated them.
 */
class RenderedCommandPropertyTest {
    static final int RUNS = 250;
    static final long SEED = Long.getLong("swarmray.property.seed", 20261127L);

    @Test
    void everyStringReachesRayLiterallyOrIsRefusedByField(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("pwned");
        Path fakeRay = dir.resolve("bin/ray");
        Files.createDirectories(fakeRay.getParent());
        Files.writeString(fakeRay, "#!/bin/sh\nprintf '%s\\0' \"$@\" > \"$RECORD.argv\"\nenv -0 > \"$RECORD.env\"\n");
        Files.setPosixFilePermissions(fakeRay, PosixFilePermissions.fromString("rwxr-xr-x"));
        Random random = new Random(SEED);
        Hostile hostile = new Hostile(random, marker);
        int ran = 0;
        int refused = 0;
        for (int run = 0; run < RUNS; run++) {
            // rayStartParams values are bash-quoted text under KubeRay: half of them raw, half quoted as a user would.
            String param = random.nextBoolean() ? hostile.string() : singleQuoted(hostile.string());
            String other = random.nextBoolean() ? hostile.string() : singleQuoted(hostile.string());
            String envValue = hostile.string();
            String context = "seed " + SEED + ", run " + run + ": param=" + Arrays.toString(param.codePoints().limit(80).toArray())
                    + " env=" + Arrays.toString(envValue.codePoints().limit(80).toArray());
            SpecFile parsed = new SpecParser(1 << 20).parse("specs/p.yaml", spec(param, other, envValue).getBytes(StandardCharsets.UTF_8));
            List<SpecIssue> errors = parsed.allErrors();
            if (!errors.isEmpty()) {
                for (SpecIssue e : errors) {
                    assertTrue(e.field().startsWith("spec.headGroupSpec.rayStartParams.") || e.field().endsWith(".env[0].value"),
                            context + ": " + e);
                    assertTrue(e.message().matches(".*(unclosed|characters long|NUL).*"), context + ": " + e);
                }
                refused++;
                continue;
            }
            var cluster = parsed.clusters().get(0).cluster();
            DesiredService head = ClusterRenderer
                    .render(cluster, new ClusterNetwork("propertytestnetwork", "127.0.0.0/8"), RenderOptions.DEFAULT).services().get(0);
            Path record = dir.resolve("run" + run);
            Map<String, String> env = execute(head, fakeRay.getParent(), record);
            List<String> argv = readNulSeparated(Path.of(record + ".argv"));

            List<String> expected = new ArrayList<>(List.of("start"));
            expected.addAll(head.args());
            expected.add("--node-ip-address=127.0.0.1");
            assertEquals(expected, argv, context);
            assertTrue(argv.contains("--temp-dir=" + BashQuoting.unquote(param)) || isBoolean(param), context);
            assertTrue(argv.contains("--node-name=" + BashQuoting.unquote(other)) || isBoolean(other), context);
            assertEquals(envValue, env.get("HOSTILE"), context);
            assertFalse(Files.exists(marker), context + ": a shell evaluated part of a value");
            ran++;
        }
        System.out.printf("[property] %d runs reached the Ray process, %d were refused by field (seed %d)%n", ran, refused, SEED);
        assertTrue(ran > RUNS / 2, "only " + ran + " of " + RUNS + " runs got as far as the Ray process (" + refused + " refused)");
    }

    /** What a user writes to pass a string literally to KubeRay's bash: '...' with each ' as '\''. */
    static String singleQuoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static boolean isBoolean(String param) {
        String v = BashQuoting.unquote(param);
        return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
    }

    /**
     * A spec with the strings in place, as a user could write them: YAML double-quoted strings with
     * every character outside printable ASCII escaped (a YAML library would turn some into !!binary).
     */
    private static String spec(String param, String other, String envValue) {
        return """
                {"apiVersion": "ray.io/v1", "kind": "RayCluster", "metadata": {"name": "prop"},
                 "spec": {"headGroupSpec": {
                   "rayStartParams": {"temp-dir": %s, "node-name": %s},
                   "template": {"spec": {"containers": [{"name": "ray-head", "image": "rayproject/ray:2.40.0",
                     "env": [{"name": "HOSTILE", "value": %s}]}]}}}}}
                """.formatted(quote(param), quote(other), quote(envValue));
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                q.append(c);
            } else {
                q.append(String.format("\\u%04x", (int) c));
            }
        }
        return q.append('"').toString();
    }

    /** Runs the service's command and args as Swarm would, with its env after Swarm's template expansion. */
    private static Map<String, String> execute(DesiredService s, Path bin, Path record) throws Exception {
        List<String> cmd = new ArrayList<>(s.command());
        cmd.addAll(s.args());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        for (String e : s.env()) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), swarmExpand(e.substring(eq + 1)));
        }
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("RECORD", record.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : readNulSeparated(Path.of(record + ".env"))) {
            int eq = e.indexOf('=');
            env.put(e.substring(0, eq), e.substring(eq + 1));
        }
        return env;
    }

    /**
     * Swarm's Go-template expansion of an Env value, for the only actions a rendered value may hold:
     * SwarmRay's literal "{{" and the task id. Any other "{{" left would be an action Swarm runs.
     */
    static String swarmExpand(String value) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith("{{\"{{\"}}", i)) {
                out.append("{{");
                i += 8;
            } else if (value.startsWith("{{.Task.ID}}", i)) {
                out.append("task-id");
                i += 12;
            } else {
                assertFalse(value.startsWith("{{", i), "a template action reaches Swarm: " + value);
                out.append(value.charAt(i++));
            }
        }
        return out.toString();
    }

    private static List<String> readNulSeparated(Path p) throws Exception {
        String all = Files.readString(p, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(Arrays.asList(all.split("\u0000", -1)));
        assertNotNull(out.remove(out.size() - 1)); // the terminator's empty tail
        return out;
    }

    /** Strings built from what breaks shells, templates and parsers, plus random unicode. */
    static final class Hostile {
        private final Random random;
        private final List<String> pieces;

        Hostile(Random random, Path marker) {
            this.random = random;
            this.pieces = List.of("$(touch " + marker + ")", "`touch " + marker + "`", "; touch " + marker, "&& touch " + marker,
                    "| touch " + marker, "$((1+1))", "${PATH}", "$HOME", "${IFS}", "'", "\"", "\\", "\\\"", "'\\''", "\n", "\t", "\r",
                    " ", "*", "?", "[a-z]", "~", "~root", "!", "#", "<", ">", ">>", "2>&1", "{a,b}", "{{", "}}", "{{.Node.Hostname}}",
                    "{{ .Task.ID }}", "{{\"{{\"}}", "--head", "--address=evil:1", "-", "=", "%s", "%n", "\u202e", "\u00e9", "\u4e2d",
                    "\ud83d\ude80", "\u2028", "\u0001", "\u001b[31m", "\u0000", "true", "false", "0", "-1", "null", "~/x", ":", ",");
        }

        String string() {
            int kind = random.nextInt(20);
            if (kind == 0) {
                return "x".repeat(3000 + random.nextInt(2000)); // about the length limit
            }
            StringBuilder s = new StringBuilder();
            int n = kind == 1 ? 400 : random.nextInt(12);
            for (int i = 0; i < n; i++) {
                if (random.nextInt(4) == 0) {
                    int cp;
                    do {
                        cp = 1 + random.nextInt(0x2FFFF);
                    } while (!Character.isDefined(cp) || (cp >= 0xD800 && cp <= 0xDFFF));
                    s.appendCodePoint(cp);
                } else {
                    s.append(pieces.get(random.nextInt(pieces.size())));
                }
            }
            return s.toString();
        }
    }
}

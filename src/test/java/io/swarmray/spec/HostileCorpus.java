package io.swarmray.spec;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The corpus of hostile and broken spec files (src/test/hostile-specs) and the error each must
 * produce (its expected.tsv), plus the cases git cannot hold (an oversized file, links, a FIFO, a
 * directory), made on the spot. Used by the parser-level test and by the test against the running
 * operator, so both hold the same files to the same expectations.
 */
public final class HostileCorpus {
    public static final Path SOURCE = Path.of("src/test/hostile-specs");
    /** The name of the healthy cluster the corpus sits beside (claims-calm.yaml tries to take it). */
    public static final String CALM = "calm";
    /** What the test profile's swarmray.policy.* settings say (src/main/resources/application.properties). */
    public static final Policy TEST_POLICY = new Policy(List.of("/tmp/swarmray-it-binds"), 28000, 28999,
            List.of("swarmray/", "rayproject/ray"), new BigDecimal(16), Quantity.parse("32Gi"), List.of("SYS_PTRACE"));

    /**
     * One file and what the operator must say about it.
     *
     * @param document 0-based document, -1 for the file as a whole
     * @param ignored  the operator must not read the file at all
     */
    public record Case(String file, int document, String field, String message, boolean ignored) {

        /** The error, among those reported for this file, that meets the expectation; null when none does. */
        public String match(String display, List<String> errors) {
            String prefix = new SpecIssue(display, document, field, "").toString();
            return errors.stream().filter(e -> e.startsWith(prefix) && e.substring(prefix.length()).contains(message))
                    .findFirst().orElse(null);
        }
    }

    private HostileCorpus() {
    }

    public static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        for (String line : Files.readAllLines(SOURCE.resolve("expected.tsv"), StandardCharsets.UTF_8)) {
            if (line.startsWith("# ") || line.isBlank()) { // "#autosave.yaml#" is a case, not a comment
                continue;
            }
            String[] f = line.split("\t", -1);
            boolean ignored = "ignored".equals(f[2]);
            out.add(new Case(f[0], ignored ? -1 : Integer.parseInt(f[1]), ignored ? "" : f[2], f[3], ignored));
        }
        return out;
    }

    /** Copies the corpus into {@code dir} and makes the cases git cannot hold; returns every case. */
    public static List<Case> materialize(Path dir, int maxSpecBytes) throws IOException, InterruptedException {
        List<Case> cases = new ArrayList<>(cases());
        try (var files = Files.list(SOURCE)) {
            for (Path p : files.toList()) {
                if (!List.of("expected.tsv", "generate.py").contains(p.getFileName().toString())) {
                    Files.copy(p, dir.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.write(dir.resolve("oversized.yaml"), "#".repeat(maxSpecBytes + 1).getBytes(StandardCharsets.US_ASCII));
        cases.add(new Case("oversized.yaml", -1, "", "bytes; the limit is " + maxSpecBytes, false));
        Files.createSymbolicLink(dir.resolve("link-outside.yaml"), Path.of("/etc/passwd"));
        cases.add(new Case("link-outside.yaml", -1, "", "is a symbolic link to /etc/passwd, outside the specs directory; refused", false));
        Files.createSymbolicLink(dir.resolve("link-dangling.yaml"), Path.of("/nonexistent/spec.yaml"));
        cases.add(new Case("link-dangling.yaml", -1, "", "", true));
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("fifo.yaml").toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo failed");
        }
        cases.add(new Case("fifo.yaml", -1, "", "is not a regular file", false));
        Files.createDirectories(dir.resolve("directory.yaml"));
        cases.add(new Case("directory.yaml", -1, "", "", true));
        return cases;
    }

    /** Removes what {@link #materialize} made. */
    public static void remove(Path dir, List<Case> cases) throws IOException {
        for (Case c : cases) {
            Path p = dir.resolve(c.file());
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(p);
            } else {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Every expectation not met, as readable lines. {@code errorsByFile}: the errors reported per file
     * (display path as key); {@code display}: file name to display path.
     */
    public static List<String> unmet(List<Case> cases, Function<String, String> display, Map<String, List<String>> errorsByFile) {
        List<String> problems = new ArrayList<>();
        for (Case c : cases) {
            List<String> errors = errorsByFile.get(display.apply(c.file()));
            if (c.ignored()) {
                if (errors != null) {
                    problems.add(c.file() + ": should be ignored, but was read: " + errors);
                }
            } else if (errors == null) {
                problems.add(c.file() + ": not reported at all");
            } else if (c.match(display.apply(c.file()), errors) == null) {
                problems.add(c.file() + ": expected [" + c.document() + "] " + c.field() + ": ..." + c.message() + "..., got " + errors);
            }
        }
        return problems;
    }

    /** The healthy cluster beside the corpus; it uses what the test policy allows (a bind mount under the prefix, a host port in range). */
    public static String calm() {
        return """
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata:
                  name: calm
                spec:
                  headGroupSpec:
                    rayStartParams: {num-cpus: "1"}
                    template:
                      spec:
                        volumes: [{name: data, hostPath: {path: /tmp/swarmray-it-binds/calm}}]
                        containers:
                          - name: ray-head
                            image: swarmray/ray-standin:test
                            ports: [{containerPort: 8265, hostPort: 28265, name: dashboard}]
                            volumeMounts: [{name: data, mountPath: /data}]
                            resources: {limits: {cpu: "1", memory: 1Gi}}
                  workerGroupSpecs:
                    - groupName: small
                      replicas: 1
                      rayStartParams: {}
                      template:
                        spec:
                          containers:
                            - name: ray-worker
                              image: swarmray/ray-standin:test
                              resources: {limits: {cpu: 500m, memory: 512Mi}}
                """;
    }
}

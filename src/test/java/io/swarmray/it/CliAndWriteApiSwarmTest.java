package io.swarmray.it;

import static io.restassured.RestAssured.given;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.service;
import static io.swarmray.it.SwarmFixture.services;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every CLI verb and write endpoint against the operator on the real swarm, happy path and errors. */
@QuarkusTest
class CliAndWriteApiSwarmTest {
    /**
     * PUT as a careful client does with a large body: headers with Expect: 100-continue first, the body only
     * after the server's 100. A plain PUT raced the server, which answers 413 from Content-Length and closes
     * while the client is still sending (broken pipe, seen once in CI); here the body is never half-sent.
     * Returns the final status code.
     */
    static int putExpectingContinue(String path, byte[] body) throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + SECRET
                    + "\r\nContent-Type: application/yaml\r\nContent-Length: " + body.length
                    + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            int status = Integer.parseInt(in.readLine().split(" ")[1]);
            if (status == 100) {
                while (!in.readLine().isEmpty()) {
                    // the rest of the interim response
                }
                out.write(body);
                out.flush();
                status = Integer.parseInt(in.readLine().split(" ")[1]);
            }
            return status;
        }
    }

    static final Path TOKEN = Path.of("target/test-api-token");
    static final String SECRET = "it-token-7f3a";

    @Inject
    DockerClient docker;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void token() throws Exception {
        Files.writeString(TOKEN, SECRET + "\n");
    }

    record Run(int code, String out, String err) {
    }

    private Run cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "deploy/swarmray"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SWARMRAY_URL", base.toString());
        pb.environment().put("SWARMRAY_TOKEN_FILE", TOKEN.toString());
        Path out = Files.createTempFile("cli", ".out");
        Path err = Files.createTempFile("cli", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path specFile(String name, String text) throws Exception {
        Path f = Files.createTempFile(name, ".yaml");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void writeEndpointsNeedTheToken() throws IOException {
        String body = SwarmFixture.cluster("itapi", SwarmFixture.IMAGE, Map.of());
        given().body(body.getBytes(StandardCharsets.UTF_8)).contentType("application/yaml").put("/api/v1/rayclusters/itapi").then()
                .statusCode(401)
                .body("error", containsString("missing bearer token"));
        given().header("Authorization", "Bearer wrong").body(body.getBytes(StandardCharsets.UTF_8)).contentType("application/yaml")
                .put("/api/v1/rayclusters/itapi").then().statusCode(403).body("error", equalTo("wrong token"));
        given().header("Authorization", "Bearer wrong").contentType("application/json").body("{\"group\":\"w\",\"replicas\":1}")
                .post("/api/v1/rayclusters/itapi/scale").then().statusCode(403);
        given().delete("/api/v1/rayclusters/itapi").then().statusCode(401);
        given().header("Authorization", "Bearer " + SECRET)
                .body(body.replace("name: itapi", "name: other").getBytes(StandardCharsets.UTF_8)).contentType("application/yaml")
                .put("/api/v1/rayclusters/itapi").then().statusCode(422)
                .body("errors[0]", equalTo("the body must declare exactly one RayCluster, named 'itapi'"));
        given().get("/api/v1/rayclusters").then().statusCode(200);
        // bodies are bounded like spec files: one byte over 1 MiB is refused before it is read
        byte[] huge = (body + "#".repeat((1 << 20) + 1 - body.length())).getBytes(StandardCharsets.UTF_8);
        assertEquals(413, putExpectingContinue("/api/v1/rayclusters/itapi", huge));
        assertFalse(Files.exists(SwarmFixture.SPECS.resolve("itapi.yaml")), "nothing was written");
    }

    /** Whether the 413 or the server's close reaches the CLI first, the user is told about the limit. */
    @Test
    void theCliSaysWhenAFileIsOverTheLimit() throws Exception {
        String body = SwarmFixture.cluster("itbig", SwarmFixture.IMAGE, Map.of());
        Path f = specFile("itbig", body + "#".repeat((1 << 20) + 1 - body.length()));
        Run r = cli("apply", "-f", f.toString());
        assertTrue(r.code() != 0 && r.err().contains("1048577 bytes is over the operator's limit"), r.code() + ": " + r.err());
        assertFalse(Files.exists(SwarmFixture.SPECS.resolve("itbig.yaml")), "nothing was written");
    }

    @Test
    void theTokenShowsNowhere() throws Exception {
        String body = SwarmFixture.cluster("ittoken", SwarmFixture.IMAGE, Map.of());
        // near misses (longer, a prefix, another scheme) and a right one, through the API and the CLI
        for (String header : List.of("Bearer " + SECRET + "x", "Bearer " + SECRET.substring(0, 5), "Basic " + SECRET,
                "Bearer " + SECRET.toUpperCase())) {
            int code = given().header("Authorization", header).body(body.getBytes(StandardCharsets.UTF_8)).contentType("application/yaml")
                    .put("/api/v1/rayclusters/ittoken").then().extract().statusCode();
            assertTrue(code == 401 || code == 403, header + " -> " + code);
        }
        Path wrong = Files.createTempFile("wrong-token", "");
        String wrongToken = "wrong-token-91c2";
        Files.writeString(wrong, wrongToken + "\n");
        ProcessBuilder pb = new ProcessBuilder("python3", "deploy/swarmray", "delete", "ittoken").redirectErrorStream(true);
        pb.environment().put("SWARMRAY_URL", base.toString());
        pb.environment().put("SWARMRAY_TOKEN_FILE", wrong.toString());
        Process p = pb.start();
        String cliOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor() != 0, cliOut);
        assertFalse(cliOut.contains(wrongToken), cliOut);
        Path spec = specFile("ittoken", body);
        try {
            assertEquals(0, cli("apply", "-f", spec.toString()).code());
            SwarmFixture.awaitReady("ittoken");
        } finally {
            Files.deleteIfExists(SwarmFixture.SPECS.resolve("ittoken.yaml"));
        }
        SwarmFixture.await("ittoken removed", Duration.ofSeconds(60), () -> SwarmFixture.httpStatus("ittoken"), c -> c == 404);
        assertEquals(List.of(), SecretsAudit.leaks(SECRET), "the API token shows");
        assertTrue(SecretsAudit.leaks("cluster ittoken: created ittoken-head").contains("the operator log"), "the audit reads the log");
    }

    @Test
    void withoutATokenFileWritesAreOff() throws Exception {
        Files.delete(TOKEN);
        try {
            given().header("Authorization", "Bearer " + SECRET).delete("/api/v1/rayclusters/x").then().statusCode(403)
                    .body("error", containsString("write endpoints are off"));
        } finally {
            token();
        }
    }

    @Test
    void everyCliVerbOnARealCluster() throws Exception {
        String name = "itcli";
        String yaml = "# team's cluster, keep this comment\n" + SwarmFixture.cluster(name, SwarmFixture.IMAGE, Map.of("w", 1));
        Path good = specFile(name, yaml);
        Path bad = specFile("bad", yaml.replace("maxReplicas: 5", "maxReplicas: -1"));

        Run v = cli("validate", good.toString());
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().contains("valid (itcli)"), v.out());
        v = cli("validate", bad.toString());
        assertEquals(1, v.code());
        assertTrue(v.err().contains(bad + "[0] spec.workerGroupSpecs[0].maxReplicas: -1 must be at least 0"), v.err());

        Run a = cli("apply", "-f", bad.toString());
        assertEquals(1, a.code());
        assertFalse(Files.exists(SwarmFixture.SPECS.resolve("itcli.yaml")));
        a = cli("apply", "-f", good.toString());
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().startsWith("raycluster/itcli created"), a.out());
        SwarmFixture.awaitReady(name);

        Run g = cli("get");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().lines().anyMatch(l -> l.startsWith("itcli") && l.contains("ready")), g.out());
        assertTrue(g.out().startsWith("NAME"), g.out());
        // a file too broken to name a cluster has no row: `get` prints its error on stderr
        Files.write(SwarmFixture.SPECS.resolve("itcli-broken.yaml"), new byte[]{(byte) 0xff, (byte) 0xfe, 'x'});
        try {
            Run broken = SwarmFixture.await("the broken file's error under get", Duration.ofSeconds(15), () -> {
                try {
                    return cli("get");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> r.err().contains("itcli-broken.yaml: is not UTF-8 text"));
            assertEquals(0, broken.code(), broken.err());
        } finally {
            Files.delete(SwarmFixture.SPECS.resolve("itcli-broken.yaml"));
        }
        assertTrue(cli("get", name, "-o", "json").out().contains("\"readyWorkerReplicas\": 1"));
        assertTrue(cli("get", name, "-o", "yaml").out().contains("state: \"ready\""));
        assertTrue(cli("get", "-o", "wide").out().contains("AVAILABLE"));
        Run missing = cli("get", "nope");
        assertEquals(1, missing.code());
        assertEquals("swarmray: error: raycluster 'nope' not found\n", missing.err());

        Run d = cli("describe", name);
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains("Conditions:") && d.out().contains("HeadReady") && d.out().contains("itcli-worker-w"), d.out());
        assertEquals(1, cli("describe", "nope").code());

        Run s = cli("scale", name, "--group", "w", "--replicas", "2");
        assertEquals(0, s.code(), s.err());
        String edited = Files.readString(SwarmFixture.SPECS.resolve("itcli.yaml"));
        assertTrue(edited.startsWith("# team's cluster, keep this comment\n") && edited.contains("replicas: 2"), edited);
        await("scaled", Duration.ofSeconds(60), () -> service(docker, "itcli-worker-w"),
                svc -> svc.getSpec().getMode().getReplicated().getReplicas() == 2);
        Run s2 = cli("scale", name, "--group", "nope", "--replicas", "2");
        assertEquals(1, s2.code());
        assertTrue(s2.err().contains("has no worker group 'nope'"), s2.err());
        assertTrue(cli("scale", name, "--group", "w", "--replicas", "9").err().contains("outside minReplicas..maxReplicas (0..5)"));

        Run l = cli("logs", name, "--group", "head");
        assertEquals(0, l.code(), l.err());
        assertTrue(l.out().contains("ray start argv"), l.out());
        assertEquals(1, cli("logs", name, "--group", "nope").code());

        Run del = cli("delete", name);
        assertEquals(0, del.code(), del.err());
        assertFalse(Files.exists(SwarmFixture.SPECS.resolve("itcli.yaml")));
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
        assertEquals(1, cli("delete", name).code());
    }
}

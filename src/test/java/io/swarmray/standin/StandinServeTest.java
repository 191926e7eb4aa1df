package io.swarmray.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's Ray Serve as ray-serve-contract.md C3/C5 says: the dashboard's REST API (shapes, 400 on schema
 * errors, 200 empty on accept), applications DEPLOYING then RUNNING or DEPLOY_FAILED with Ray's message, and the
 * proxy's /-/healthz, /-/routes and 404 texts. A head runs as a local process (python3), no Docker.
 */
class StandinServeTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process head;
    private int dashboard;
    private int serve;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void startHead() throws Exception {
        Path temp = Files.createTempDirectory("standin-serve");
        dashboard = freePort();
        serve = freePort();
        List<String> cmd = new ArrayList<>(List.of("python3", RayStandinCliTest.RAY.toString(), "start", "--head", "--block",
                "--temp-dir=" + temp, "--port=" + freePort(), "--dashboard-port=" + dashboard, "--dashboard-host=127.0.0.1",
                "--ray-client-server-port=" + freePort(), "--dashboard-agent-listen-port=" + freePort(),
                "--metrics-export-port=" + freePort(), "--num-cpus=1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("RAY_CLUSTER_NAME", "c1");
        // long enough that the answer right after the PUT still says DEPLOYING on a loaded machine
        pb.environment().put("STANDIN_SERVE_DEPLOY_SECONDS", "3");
        head = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                get(dashboard, "/api/version");
                return;
            } catch (ConnectException e) {
                assertTrue(System.nanoTime() < deadline, "the head's dashboard did not listen");
                Thread.sleep(200);
            }
        }
    }

    @AfterEach
    void stopHead() {
        head.destroyForcibly();
    }

    HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard + "/api/serve/applications/"))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String config(String importPath, String version) {
        return """
                {"http_options": {"port": %d}, "applications": [{"name": "llm", "route_prefix": "/llm",
                 "import_path": "%s", "args": {"version": "%s"}}]}""".formatted(serve, importPath, version);
    }

    @Test
    void serveApiAndProxyAnswerAsRayServeDoes() throws Exception {
        assertEquals(
                "{\"deploy_mode\": \"MULTI_APP\", \"controller_info\": {}, \"proxies\": {}, \"applications\": {}, \"target_capacity\": null}",
                get(dashboard, "/api/serve/applications/").body());
        HttpResponse<String> bad = put("{\"apps\": []}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("applications\n  field required (type=value_error.missing)"), bad.body());
        HttpResponse<String> ok = put(config("model:app", "v1"));
        assertEquals(200, ok.statusCode());
        assertEquals("", ok.body());
        assertTrue(get(dashboard, "/api/serve/applications/").body().contains("\"status\": \"DEPLOYING\""));
        HttpResponse<String> healthy = await(() -> get(serve, "/-/healthz"), r -> r.statusCode() == 200);
        assertEquals("success", healthy.body());
        assertTrue(get(dashboard, "/api/serve/applications/").body().contains("\"status\": \"RUNNING\""));
        assertEquals("{\"/llm\":\"llm\"}", get(serve, "/-/routes").body());
        assertEquals("application/json", get(serve, "/-/routes").headers().firstValue("content-type").orElse(""));
        assertEquals("{\"app\": \"llm\", \"cluster\": \"c1\", \"node\": ", get(serve, "/llm/x").body().substring(0, 40));
        HttpResponse<String> missing = get(serve, "/nope");
        assertEquals(404, missing.statusCode());
        assertEquals("Path '/nope' not found. Ping http://.../-/routes for available routes.", missing.body());

        // A bad import_path: DEPLOY_FAILED with Ray's message; the replicas of the last good config keep serving.
        assertEquals(200, put(config("missing_model:app", "v2")).statusCode());
        String failed = await(() -> get(dashboard, "/api/serve/applications/").body(), b -> b.contains("DEPLOY_FAILED"));
        assertTrue(failed.contains("ModuleNotFoundError: No module named 'missing_model'"), failed);
        assertTrue(get(serve, "/llm/x").body().contains("\"version\": \"v1\""));
    }

    interface Call<T> {
        T get() throws Exception;
    }

    static <T> T await(Call<T> call, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                T v = call.get();
                if (done.test(v) || System.nanoTime() > deadline) {
                    return v;
                }
            } catch (ConnectException e) {
                assertTrue(System.nanoTime() < deadline, "no answer: " + e);
            }
            Thread.sleep(200);
        }
    }
}

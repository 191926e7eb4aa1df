package io.swarmray.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
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
    private LocalHead head;
    private int dashboard;
    private int serve;

    @BeforeEach
    void startHead() throws Exception {
        serve = LocalHead.freePort();
        // long enough that the answer right after the PUT still says DEPLOYING on a loaded machine
        head = LocalHead.start(Map.of("RAY_CLUSTER_NAME", "c1", "STANDIN_SERVE_DEPLOY_SECONDS", "3"));
        dashboard = head.dashboard;
    }

    @AfterEach
    void stopHead() {
        head.close();
    }

    HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return head.get(port, path);
    }

    HttpResponse<String> put(String body) throws IOException, InterruptedException {
        return head.send("PUT", "/api/serve/applications/", body);
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

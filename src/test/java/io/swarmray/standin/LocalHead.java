package io.swarmray.standin;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A stand-in head as a local process (python3, no Docker), its dashboard on 127.0.0.1. */
final class LocalHead implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Process process;
    final int dashboard;
    final int metrics;

    static int freePort() throws IOException {
        return freePorts(1)[0];
    }

    /** {@code n} distinct free ports: each socket is held until all are chosen, so no two are the same. */
    static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                held.add(new ServerSocket(0));
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private LocalHead(Process process, int dashboard, int metrics) {
        this.process = process;
        this.dashboard = dashboard;
        this.metrics = metrics;
    }

    /** Starts `ray start --head --block` with {@code env} added, and waits until its dashboard answers. */
    static LocalHead start(Map<String, String> env) throws Exception {
        Path temp = Files.createTempDirectory("standin-head");
        int[] ports = freePorts(5);
        int dashboard = ports[0];
        int metrics = ports[1];
        List<String> cmd = List.of("python3", RayStandinCliTest.RAY.toString(), "start", "--head", "--block", "--temp-dir=" + temp,
                "--port=" + ports[2], "--dashboard-port=" + dashboard, "--dashboard-host=127.0.0.1",
                "--ray-client-server-port=" + ports[3], "--dashboard-agent-listen-port=" + ports[4],
                "--metrics-export-port=" + metrics, "--num-cpus=1");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        LocalHead head = new LocalHead(pb.start(), dashboard, metrics);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                head.get(dashboard, "/api/version");
                return head;
            } catch (ConnectException e) {
                assertTrue(head.process.isAlive(), "the head exited with " + (head.process.isAlive() ? "" : head.process.exitValue())
                        + " before its dashboard listened");
                assertTrue(System.nanoTime() < deadline, "the head's dashboard did not listen");
                Thread.sleep(200);
            }
        }
    }

    HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code method} on the dashboard with {@code body} (none when null). */
    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard + path)).method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            // the next head of the test binds the same fixed ports (Ray's defaults for those not given) only once this one is gone
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

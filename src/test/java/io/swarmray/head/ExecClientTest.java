package io.swarmray.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client the operator runs in a head's container, run here with the real bash against a local server: its
 * output is whole exactly when {@link HttpAnswer} says so, which is what lets the probe skip asking Docker for the
 * exit code.
 */
class ExecClientTest {
    static final String TABLE = "{\"data\": {\"result\": {\"result\": [{\"node_id\": \"n1\", \"state\": \"ALIVE\", \"ray_\u00e9\": \"\u2603\"}]}}}";
    HttpServer server;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v0/nodes", x -> reply(x, 200, TABLE));
        server.createContext("/busy", x -> reply(x, 503, "not yet"));
        server.createContext("/echo", x -> reply(x, 201, new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static void reply(HttpExchange x, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(code, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    record Run(int exit, String out) {
    }

    Run client(String method, int port, String path, String body) throws Exception {
        Process p = new ProcessBuilder(
                List.of("bash", "-c", HeadProbe.EXEC_CLIENT, "swarmray-probe", method, String.valueOf(port), path, body,
                        "3"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    Run client(String method, String path, String body) throws Exception {
        return client(method, server.getAddress().getPort(), path, body);
    }

    static HeadProbe.Reply whole(Run run) {
        assertEquals(0, run.exit(), run.out());
        HttpAnswer answer = HttpAnswer.parse(run.out());
        assertTrue(answer != null && answer.whole() && !answer.cut(), run.out());
        return answer.reply();
    }

    @Test
    void answersOfEveryStatusAreWholeWithNonAsciiBodies() throws Exception {
        assertEquals(new HeadProbe.Reply(200, TABLE), whole(client("GET", "/api/v0/nodes?limit=10000", "")));
        assertEquals(new HeadProbe.Reply(503, "not yet"), whole(client("GET", "/busy", "")));
        String body = "{\"a\": \"\u00fc\u2603 $(touch /tmp/x) `id` \\\" '\"}";
        assertEquals(new HeadProbe.Reply(201, body), whole(client("POST", "/echo", body)), "the body arrives byte for byte");
    }

    @Test
    void aClientThatCannotConnectPrintsNothingAndExitsNonZero() throws Exception {
        Run refused = client("GET", 1, "/api/v0/nodes", "");
        assertNotEquals(0, refused.exit());
        assertNull(HttpAnswer.parse(refused.out()));
    }

    @Test
    void aServerThatNeverAnswersEndsTheClientAfterItsWaitSayingSo() throws Exception {
        try (var silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { // accepted by the kernel, never answered
            Process p = new ProcessBuilder(List.of("bash", "-c", HeadProbe.EXEC_CLIENT, "swarmray-probe", "GET",
                    String.valueOf(silent.getLocalPort()), "/api/v0/nodes", "", "1")).start();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(124, p.exitValue());
            assertEquals("", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(err.contains("no answer from 127.0.0.1:" + silent.getLocalPort() + " within 1 s"), err);
        }
    }

    @Test
    void aCutOrForeignOutputIsNotWhole() {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + TABLE.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n";
        assertTrue(HttpAnswer.parse(head + TABLE).whole());
        HttpAnswer cut = HttpAnswer.parse(head + TABLE.substring(0, TABLE.length() - 1));
        assertTrue(cut.cut() && !cut.whole());
        HttpAnswer unsized = HttpAnswer.parse("HTTP/1.0 200 OK\r\nServer: x\r\n\r\n" + TABLE);
        assertTrue(!unsized.whole() && !unsized.cut(), "no length: whole only if the client ended well");
        assertEquals(TABLE, unsized.reply().body());
        assertNull(HttpAnswer.parse(""));
        assertNull(HttpAnswer.parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"), "headers not ended");
        assertNull(HttpAnswer.parse("bash: connect: Connection refused\r\n\r\n"));
        assertEquals(new HeadProbe.Reply(204, ""), HttpAnswer.parse("HTTP/1.1 204 No Content\r\ncontent-length:0\r\n\r\n").reply());
    }
}

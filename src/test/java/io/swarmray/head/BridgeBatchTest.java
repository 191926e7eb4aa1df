package io.swarmray.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.swarmray.head.BridgeBatch.Outcome;
import io.swarmray.head.BridgeBatch.State;
import io.swarmray.head.BridgeBatch.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client the bridge container runs for many heads at once, run here with the real bash against local servers:
 * each target's outcome on its own line, in order, whatever the others came to, within one deadline.
 */
class BridgeBatchTest {
    HttpServer server;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v0/nodes", x -> ExecClientTest.reply(x, 200, ExecClientTest.TABLE + x.getRequestURI().getQuery()));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static List<Outcome> run(List<Target> targets, int waitSeconds) throws Exception {
        Process p = new ProcessBuilder(BridgeBatch.command(targets, Duration.ofSeconds(waitSeconds)))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(waitSeconds + 5L, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return BridgeBatch.parse(out, targets.size());
    }

    @Test
    void eachTargetHasItsOutcomeInOrder() throws Exception {
        int port = server.getAddress().getPort();
        try (var silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); var closed = new ServerSocket(0)) {
            int refusedPort = closed.getLocalPort();
            closed.close();
            long start = System.nanoTime();
            var outcomes = run(List.of(new Target("127.0.0.1", port, "/api/v0/nodes?limit=1"),
                    new Target("127.0.0.1", refusedPort, "/api/v0/nodes"),
                    new Target("127.0.0.1", silent.getLocalPort(), "/api/v0/nodes"),
                    new Target("127.0.0.1", port, "/api/v0/nodes?limit=2")), 2);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "one deadline for all, not one after the other");

            assertEquals(State.CONNECTED, outcomes.get(0).state());
            HttpAnswer first = HttpAnswer.parse(outcomes.get(0).answer());
            assertTrue(first.whole(), outcomes.get(0).answer());
            assertEquals(new HeadProbe.Reply(200, ExecClientTest.TABLE + "limit=1"), first.reply(), "the body byte for byte");
            assertEquals(new Outcome(State.REFUSED, ""), outcomes.get(1));
            assertEquals(new Outcome(State.CONNECTED, ""), outcomes.get(2), "accepted, never answered within the wait");
            assertEquals(ExecClientTest.TABLE + "limit=2", HttpAnswer.parse(outcomes.get(3).answer()).reply().body());
        }
    }

    @Test
    void aConnectionNotMadeWithinTheWaitIsUnreachable() throws Exception {
        // a listener whose accept queue is full: Linux drops the SYNs of further connections, as a dead address does
        try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 16 && !full; i++) {
                    Socket s = new Socket();
                    queued.add(s);
                    try {
                        s.connect(listener.getLocalSocketAddress(), 200);
                    } catch (SocketTimeoutException dropped) {
                        full = true;
                    }
                }
                assertTrue(full, "the accept queue filled");
                assertEquals(List.of(new Outcome(State.UNREACHABLE, "")),
                        run(List.of(new Target("127.0.0.1", listener.getLocalPort(), "/api/v0/nodes")), 1));
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    @Test
    void anOutputThatIsNotTheClientsWholeIsAnError() {
        String line = "0 refused \n";
        assertEquals(List.of(new Outcome(State.REFUSED, "")), BridgeBatch.parse(line + "@end\n", 1));
        assertEquals(List.of(new Outcome(State.LATE, ""), new Outcome(State.UNREACHABLE, "")),
                BridgeBatch.parse("0 late \n1 unreachable \n@end\n", 2), "a client that did not get to connect is no verdict");
        assertThrows(IllegalStateException.class, () -> BridgeBatch.parse(line, 1), "cut before its end");
        assertThrows(IllegalStateException.class, () -> BridgeBatch.parse(line + "@end\n", 2), "a target missing");
        assertThrows(IllegalStateException.class, () -> BridgeBatch.parse("1 refused \n@end\n", 1), "out of order");
        assertThrows(IllegalStateException.class, () -> BridgeBatch.parse("0 maybe \n@end\n", 1));
        assertThrows(IllegalArgumentException.class, () -> BridgeBatch.parse("0 connected ###\n@end\n", 1), "not base64");
    }
}

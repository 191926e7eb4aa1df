package io.swarmray.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.swarmray.head.BridgeBatch.State;
import io.swarmray.head.BridgeBatch.Target;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge container as the operator uses it, with an engine whose "exec" runs the command here with the real bash:
 * looked for once, asked in batches, and given up (until it is looked for again) when its exec fails.
 */
class BridgeContainerTest {
    HttpServer server;
    final List<String> listings = new ArrayList<>();
    final List<String> execs = new ArrayList<>();
    List<String> labelled = List.of("c1");
    boolean execFails;

    /** An engine with the containers {@link #labelled}, whose exec runs its command on this machine. */
    final SwarmClient engine = new SwarmClient() {
        @Override
        public List<String> hostNetworkContainers(String label) {
            listings.add(label);
            return labelled;
        }

        @Override
        public String exec(String containerId, List<String> command, Duration timeout, Predicate<String> complete) {
            execs.add(containerId);
            if (execFails) {
                throw new SwarmException("exec in " + containerId + ": 409 container is not running", null);
            }
            try {
                Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    };
    final BridgeContainer bridge = new BridgeContainer();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v0/nodes", x -> ExecClientTest.reply(x, 200, ExecClientTest.TABLE));
        server.start();
        bridge.swarm = engine;
    }

    @AfterEach
    void stop() {
        server.stop(0);
        bridge.stop();
    }

    Target table() {
        return new Target("127.0.0.1", server.getAddress().getPort(), GatewayBridge.TABLE_PATH);
    }

    @Test
    void aLabelledContainerIsLookedForOnceAndAskedThrough() {
        assertTrue(bridge.present());
        var outcome = bridge.ask(table()).orElseThrow();
        assertEquals(State.CONNECTED, outcome.state());
        assertEquals(ExecClientTest.TABLE, HttpAnswer.parse(outcome.answer()).reply().body());
        bridge.ask(table()).orElseThrow();
        assertTrue(bridge.present());
        assertEquals(List.of(BridgeContainer.LABEL), listings, "looked for once");
        assertEquals(List.of("c1", "c1"), execs);
    }

    @Test
    void noneLabelledMeansNoneAskedAndTheLookIsNotRepeatedAtOnce() {
        labelled = List.of();
        assertFalse(bridge.present());
        assertEquals(Optional.empty(), bridge.ask(table()));
        assertFalse(bridge.present());
        assertEquals(1, listings.size(), "looked for again only after " + BridgeContainer.LOOKED_FOR_AGAIN);
        assertEquals(List.of(), execs);
    }

    @Test
    void aContainerWhoseExecFailsIsGivenUpAndTheHeadsAreAskedByExec() {
        assertTrue(bridge.present());
        execFails = true;
        assertEquals(Optional.empty(), bridge.ask(table()), "no outcome: the probe execs into the head");
        assertFalse(bridge.present(), "given up until it is looked for again");
        assertEquals(1, listings.size());
    }
}

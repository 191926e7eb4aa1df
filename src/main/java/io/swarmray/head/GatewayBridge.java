package io.swarmray.head;

import io.swarmray.head.BridgeBatch.State;
import io.swarmray.status.RayNode;
import io.swarmray.swarm.DefaultSocketEngine;
import io.swarmray.swarm.EngineMonitor;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SelfContainer;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;
import org.jboss.logging.Logger;

/**
 * A head's dashboard over the engine's gateway bridge (docker_gwbridge): every task on an overlay network has an
 * address there, and the engine's host reaches it directly, as a plain HTTP request. An operator on the host (not in a
 * container) that talks to the engine of its own host asks its heads' node tables this way: no exec (a process in the
 * head's container, two Docker requests, and on a busy machine a tenth of a second or more of the engine's time
 * each), no network join. With 50 clusters on this 2-core machine: 50 tables by curl over the bridge in 0.57 s, one
 * after the other, where 50 execs of `true` took 6.6 s eight at a time. An operator in a container (a Swarm service)
 * asks the heads on its engine through the engine's {@link BridgeContainer} when there is one: one exec for many heads.
 * <p>
 * An answer counts only when its head node has an address of the head task on its networks (Ray's node IP is the
 * task's address on the cluster network): a stale address never passes another container's table off as this
 * cluster's. Anything else (no address known, the dashboard bound to localhost, a refused or mismatched answer) and
 * the probe asks by exec, as before; {@link BridgeReachability} says when to stop trying the bridge.
 */
@ApplicationScoped
public class GatewayBridge {
    private static final Logger LOG = Logger.getLogger(GatewayBridge.class);
    /** The bridge is on this host: a connection is made at once or refused. Longer means the host cannot reach it. */
    static final Timeout CONNECT = Timeout.ofSeconds(1);
    static final Duration LISTED_AT_MOST_EVERY = Duration.ofSeconds(1);
    static final Duration DEFAULT_ENGINE_ASKED_AGAIN = Duration.ofMinutes(1);
    static final String TABLE_PATH = "/api/v0/nodes?limit=10000";
    static final Duration PREFETCHED_FOR = Duration.ofSeconds(10);

    @Inject
    SwarmClient swarm;
    @Inject
    EngineMonitor engine;
    @Inject
    SelfContainer self;
    @Inject
    BridgeContainer bridgeContainer;

    private final CloseableHttpClient http = HeadProbe.dashboardClient(CONNECT);
    /** Container id to its address on the bridge, from the last listing. */
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private long listedAtNanos = System.nanoTime() - LISTED_AT_MOST_EVERY.toNanos();
    private final BridgeReachability reachability = new BridgeReachability(System.nanoTime());
    /** Tables asked ahead ({@link #prefetch}), by container id. */
    private final Map<String, Prefetched> prefetched = new ConcurrentHashMap<>();
    private DefaultEngine defaultEngine;

    private record DefaultEngine(Optional<String> nodeId, long askedAtNanos) {
    }

    private record Prefetched(BridgeBatch.Target target, CompletableFuture<BridgeBatch.Outcome> outcome, long atNanos) {
    }

    /**
     * Whether this process reaches the head's bridge address itself: it is not in a container, and the head runs on
     * the engine it talks to, which is the engine of this host's default socket. A node not known yet counts as another.
     */
    static boolean reaches(boolean inContainer, String engineNode, String defaultSocketNode, String headNode) {
        return !inContainer && engineNode != null && engineNode.equals(defaultSocketNode) && engineNode.equals(headNode);
    }

    /** Whether {@code nodes} is the table of the head task with {@code headAddresses}: its head node has one of them. */
    static boolean isTableOf(List<RayNode> nodes, List<String> headAddresses) {
        return headAddresses != null && nodes.stream().anyMatch(n -> n.head() && headAddresses.contains(n.nodeIp()));
    }

    /**
     * The node table of {@code head}'s dashboard on {@code port} over the bridge; empty when it cannot be had this
     * way, and the caller asks by exec.
     */
    Optional<List<RayNode>> nodeTable(ObservedTask head, int port) {
        Route route = route(head);
        String address = route == Route.NONE ? null : address(head.containerId());
        if (address == null) {
            return Optional.empty();
        }
        Reached reached = route == Route.DIRECT ? overHttp(address, port) : throughContainer(head.containerId(), address, port);
        if (reached.state() == State.UNREACHABLE) {
            LOG.debugf("no connection over the gateway bridge to %s within its deadline", address);
            reachability.connectTimedOut(head.containerId());
        }
        List<RayNode> nodes = reached.table();
        if (nodes != null && isTableOf(nodes, head.addresses())) {
            return Optional.of(nodes);
        }
        if (nodes != null) {
            addresses.remove(head.containerId()); // another container's now: listed again next time
        }
        return Optional.empty();
    }

    /**
     * Asks {@code head}'s table now through the bridge container, for the pass that will ask for it soon: a restarted
     * operator's first passes, eight at a time, would otherwise make a batch of a few heads each (bench/restart.sh, 50
     * clusters: 8-14 execs), where asked ahead they go in one or two. Nothing where the bridge container is not the
     * route. The answer is kept for {@link #PREFETCHED_FOR}, and taken by the next read of that head.
     */
    void prefetch(ObservedTask head, int port) {
        String address = route(head) == Route.CONTAINER ? address(head.containerId()) : null;
        if (address != null) {
            var target = new BridgeBatch.Target(address, port, TABLE_PATH);
            prefetched.put(head.containerId(), new Prefetched(target, bridgeContainer.submit(target), System.nanoTime()));
        }
    }

    private enum Route {
        NONE, DIRECT, CONTAINER
    }

    private Route route(ObservedTask head) {
        if (head.containerId() == null || !reachability.usable(System.nanoTime())) {
            return Route.NONE;
        }
        String engineNode = engine.nodeId();
        if (reaches(self.id().isPresent(), engineNode, defaultSocketNode(), head.nodeId())) {
            return Route.DIRECT;
        }
        return onThisEngine(engineNode, head.nodeId()) && bridgeContainer.present() ? Route.CONTAINER : Route.NONE;
    }

    /** A head task on the engine the operator talks to: the bridge container there reaches it. */
    static boolean onThisEngine(String engineNode, String headNode) {
        return engineNode != null && engineNode.equals(headNode);
    }

    /** What came of asking a dashboard on the bridge: the table when it answered 200 with one, else null. */
    private record Reached(State state, List<RayNode> table) {
        static Reached of(State state, HeadProbe.Reply reply) {
            try {
                return new Reached(state, reply != null && reply.code() == 200 ? RayNode.parseTable(reply.body()) : null);
            } catch (IllegalArgumentException notATable) {
                return new Reached(state, null);
            }
        }
    }

    /** From this process: the operator on the engine's host. */
    private Reached overHttp(String address, int port) {
        String uri = "http://" + address + ":" + port + TABLE_PATH;
        try {
            return Reached.of(State.CONNECTED, http.execute(new HttpGet(URI.create(uri)), r -> new HeadProbe.Reply(r.getCode(),
                    r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8))));
        } catch (ConnectTimeoutException | NoRouteToHostException unreachable) {
            return new Reached(State.UNREACHABLE, null);
        } catch (IOException e) {
            // refused (the dashboard not up yet, or bound to localhost), cut: the exec says which
            return new Reached(State.REFUSED, null);
        }
    }

    /** From the bridge container, in a batch with other heads' requests (or asked ahead); refused when it did not answer. */
    private Reached throughContainer(String containerId, String address, int port) {
        var target = new BridgeBatch.Target(address, port, TABLE_PATH);
        Prefetched early = prefetched.remove(containerId);
        boolean fresh = early != null && early.target().equals(target) && System.nanoTime() - early.atNanos() < PREFETCHED_FOR.toNanos();
        var outcome = fresh ? BridgeContainer.await(early.outcome()) : bridgeContainer.ask(target);
        if (outcome.isEmpty()) {
            return new Reached(State.REFUSED, null);
        }
        HttpAnswer answer = HttpAnswer.parse(outcome.get().answer());
        boolean whole = answer != null && !answer.cut();
        return Reached.of(outcome.get().state(), whole ? answer.reply() : null);
    }

    /** {@code head} answered by exec: if its address on the bridge did not, the bridge is not used for a while. */
    void answeredByExec(ObservedTask head) {
        if (head.containerId() != null && reachability.answeredByExec(head.containerId(), System.nanoTime())) {
            LOG.infof("the head %s answers by exec but not at its address on the gateway bridge (%s); heads are asked by "
                    + "exec for %s", head.id(), addresses.get(head.containerId()), BridgeReachability.UNREACHABLE_FOR);
        }
    }

    /** The container's address on the bridge, listed when not known yet; null when it has none. */
    private String address(String containerId) {
        String known = addresses.get(containerId);
        return known != null ? known : listedAddress(containerId);
    }

    /** One listing for every head that is not known yet: the others wait for it, and find theirs in it. */
    private synchronized String listedAddress(String containerId) {
        String known = addresses.get(containerId);
        long now = System.nanoTime();
        if (known != null || now - listedAtNanos < LISTED_AT_MOST_EVERY.toNanos()) {
            return known;
        }
        listedAtNanos = now;
        try {
            Map<String, String> listed = swarm.gatewayAddresses();
            addresses.keySet().retainAll(listed.keySet());
            addresses.putAll(listed);
            prefetched.keySet().retainAll(listed.keySet()); // asked ahead for a head that is gone before its pass took it
            reachability.retainOnly(listed.keySet());
        } catch (SwarmException e) {
            LOG.debugf("cannot list the gateway bridge: %s", e.getMessage());
        }
        return addresses.get(containerId);
    }

    /** Asked once (again a minute later while none answered), by one probe while the others wait. */
    private synchronized String defaultSocketNode() {
        DefaultEngine known = defaultEngine;
        long now = System.nanoTime();
        if (known == null || (known.nodeId().isEmpty() && now - known.askedAtNanos() > DEFAULT_ENGINE_ASKED_AGAIN.toNanos())) {
            known = new DefaultEngine(self.id().isPresent() ? Optional.empty() : DefaultSocketEngine.swarmNodeId(), now);
            defaultEngine = known;
        }
        return known.nodeId().orElse(null);
    }
}

package io.swarmray.head;

import io.swarmray.metrics.OperatorMetrics;
import io.swarmray.render.RayStartCommand;
import io.swarmray.spec.FieldReader;
import io.swarmray.spec.Names;
import io.swarmray.spec.RayCluster;
import io.swarmray.status.RayNode;
import io.swarmray.swarm.EngineMonitor;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SelfContainer;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Asks a cluster's head for its node table, the truth about which Ray nodes are ALIVE. The table first over the
 * engine's gateway bridge where the operator reaches it ({@link GatewayBridge}: on the host of the head's engine, or
 * through the engine's {@link BridgeContainer}); else, and for every other request, one of two ways:
 * <ul>
 * <li>exec: bash inside the head's container through the Docker API, when the head runs on this engine (heads are
 * pinned to managers, and the operator runs on one), whether the operator runs as a Swarm service or on the host;</li>
 * <li>network: HTTP to {@code <cluster>-head:<dashboard-port>} over the cluster network, which the operator's
 * container then joins, when it runs as a Swarm service and the head on another manager.</li>
 * </ul>
 * Exec first because a join is a write, and one a restarted operator makes again for every cluster: its new container
 * is on no cluster network (bench/restart.sh, the image as a stack with 50 clusters: 50 joins at each restart, none
 * by exec). An exec also reads a new head's table as soon as it runs, where its name resolves only once it is healthy.
 */
@ApplicationScoped
public class HeadProbe {
    static final Duration TIMEOUT = Duration.ofSeconds(4);

    /** The table, or why it could not be had. */
    public record Answer(List<RayNode> nodes, String problem) {
    }

    @Inject
    SwarmClient swarm;
    @Inject
    EngineMonitor engine;
    @Inject
    SelfContainer self;
    @Inject
    GatewayBridge gateway;
    @Inject
    OperatorMetrics metrics;

    private final CloseableHttpClient http = dashboardClient(Timeout.of(TIMEOUT));

    /**
     * A client for heads' dashboards that connects within {@code connect} and waits {@link #TIMEOUT} for an answer.
     * Apache's, which docker-java's transport already brings: the JDK's java.net.http would add its own module to the
     * native image (1.4 MB of code) and a selector thread, for one GET.
     */
    static CloseableHttpClient dashboardClient(Timeout connect) {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect).build()).build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(TIMEOUT))
                        .setConnectionRequestTimeout(Timeout.of(TIMEOUT)).build())
                .disableAutomaticRetries().build();
    }

    /** An HTTP answer of the head's dashboard. */
    public record Reply(int code, String body) {
    }

    /** The running task of {@code cluster}'s head service among {@code services} and {@code tasks}; null when none runs. */
    public static ObservedTask runningHead(String cluster, List<ObservedService> services, List<ObservedTask> tasks) {
        ObservedService headService = services.stream().filter(s -> s.name().equals(Names.headService(cluster))).findFirst().orElse(null);
        if (headService == null) {
            return null;
        }
        return tasks.stream().filter(t -> t.serviceId().equals(headService.id()) && t.running()).findFirst().orElse(null);
    }

    public Answer ask(RayCluster cluster, ObservedTask head) {
        try {
            requireRunning(head);
            var table = gateway.nodeTable(head, dashboardPort(cluster));
            if (table.isPresent()) {
                metrics.headProbe("gateway");
                return new Answer(table.get(), null);
            }
            boolean network = asksOverNetwork(head);
            metrics.headProbe(network ? "network" : "exec");
            Reply r = request(cluster, head, network, "GET", GatewayBridge.TABLE_PATH, null);
            if (r.code() != 200) {
                throw new IllegalStateException("/api/v0/nodes answered HTTP " + r.code());
            }
            List<RayNode> nodes = RayNode.parseTable(r.body());
            if (!network) {
                gateway.answeredByExec(head);
            }
            return new Answer(nodes, null);
        } catch (SwarmException | IllegalArgumentException | IllegalStateException e) {
            return new Answer(null, "cannot read the head's node table: " + e.getMessage());
        }
    }

    /** Asks ahead for the table of {@code cluster}'s running {@code head}, whose pass comes soon (GatewayBridge#prefetch). */
    public void prefetch(RayCluster cluster, ObservedTask head) {
        if (head != null && head.running()) {
            gateway.prefetch(head, dashboardPort(cluster));
        }
    }

    /**
     * One request to the head's dashboard ({@code path} with its query; {@code body} JSON or null). Throws
     * IllegalStateException or SwarmException when there is no answer; any HTTP status is an answer.
     */
    public Reply call(RayCluster cluster, ObservedTask head, String method, String path, String body) {
        requireRunning(head);
        return request(cluster, head, asksOverNetwork(head), method, path, body);
    }

    private static void requireRunning(ObservedTask head) {
        if (head == null || !head.running()) {
            throw new IllegalStateException("the head task is not running");
        }
    }

    private Reply request(RayCluster cluster, ObservedTask head, boolean network, String method, String path, String body) {
        int port = dashboardPort(cluster);
        return network ? overNetwork(cluster, port, method, path, body) : byExec(head, port, method, path, body);
    }

    private static int dashboardPort(RayCluster cluster) {
        return RayStartCommand.intParam(cluster.head(), "dashboard-port", RayStartCommand.DEFAULT_DASHBOARD_PORT);
    }

    /** Whether the {@code head} task is asked over its cluster network, which the operator's container must join first. */
    public boolean asksOverNetwork(ObservedTask head) {
        return asksOverNetwork(self.id().isPresent(), head.nodeId(), engine.nodeId());
    }

    /**
     * The rule of the class comment. A node not known (the task not yet placed, the engine not yet asked) counts as
     * this one: the exec then says what is missing.
     */
    static boolean asksOverNetwork(boolean inContainer, String headNode, String engineNode) {
        return inContainer && headNode != null && engineNode != null && !headNode.equals(engineNode);
    }

    private Reply overNetwork(RayCluster cluster, int port, String method, String path, String body) {
        String uri = "http://" + Names.headService(cluster.name()) + ":" + port + path;
        var request = new HttpUriRequestBase(method, URI.create(uri));
        if (body != null) {
            request.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        }
        try {
            return http.execute(request, r -> new Reply(r.getCode(),
                    r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(uri + ": " + e.getMessage());
        }
    }

    /**
     * The same request from inside the head's container, by the image's bash (rayproject/ray runs the start script
     * with it too): an HTTP/1.0 request over bash's /dev/tcp, the answer as it came. A Python client cost three
     * times the CPU in the container (58 against 18 ms a request, 20 execs each, the server's share included), and
     * the steady probes and a restarted operator's first passes all go this way on a host. An answer whose body has
     * its Content-Length is whole: Docker is not asked for the exit code.
     */
    private Reply byExec(ObservedTask head, int port, String method, String path, String body) {
        String engineNode = engine.nodeId();
        if (engineNode != null && head.nodeId() != null && !head.nodeId().equals(engineNode)) {
            throw new IllegalStateException("the head runs on swarm node " + head.nodeId()
                    + ", not on this engine; run the operator as a Swarm service (it joins cluster networks)");
        }
        if (head.containerId() == null) {
            throw new IllegalStateException("the head task has no container yet");
        }
        String out = swarm.exec(head.containerId(), List.of("bash", "-c", EXEC_CLIENT, "swarmray-probe", method, String.valueOf(port),
                path, body == null ? "" : body, String.valueOf(TIMEOUT.toSeconds() - 1)), TIMEOUT, answer -> {
                    HttpAnswer a = HttpAnswer.parse(answer);
                    return a != null && a.whole();
                });
        HttpAnswer answer = HttpAnswer.parse(out);
        if (answer == null || answer.cut()) {
            throw new IllegalStateException("unexpected answer from the head's container: " + FieldReader.abbreviate(out));
        }
        return answer.reply();
    }

    /**
     * Asks 127.0.0.1:port inside the container: method, port, path with its query, body (may be empty), seconds to
     * wait for the answer. HTTP/1.0, so the server answers without chunks and closes; the length is in bytes (C locale).
     */
    static final String EXEC_CLIENT = String.join("\n",
            "method=$1 port=$2 path=$3 body=$4 wait=$5",
            "exec 3<>\"/dev/tcp/127.0.0.1/$port\" || exit 1",
            "LC_ALL=C",
            "printf '%s %s HTTP/1.0\\r\\nHost: 127.0.0.1:%s\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n%s' \\",
            "  \"$method\" \"$path\" \"$port\" \"${#body}\" \"$body\" >&3",
            "timeout \"$wait\" cat <&3",
            "status=$?",
            "[ \"$status\" != 124 ] || echo \"no answer from 127.0.0.1:$port within $wait s\" >&2",
            "exit \"$status\"");
}

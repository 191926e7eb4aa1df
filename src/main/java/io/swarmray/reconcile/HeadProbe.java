package io.swarmray.reconcile;

import io.swarmray.render.RayStartCommand;
import io.swarmray.spec.Names;
import io.swarmray.spec.RayCluster;
import io.swarmray.status.RayNode;
import io.swarmray.swarm.EngineMonitor;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Asks a cluster's head for its node table, the truth about which Ray nodes are ALIVE. Two ways:
 * <ul>
 * <li>network: HTTP to {@code <cluster>-head:<dashboard-port>} over the cluster network, which the
 * operator's container joins (the operator runs as a Swarm service);</li>
 * <li>exec: {@code wget} inside the head's container through the Docker API, when the operator runs
 * on a manager's host (development) and the head runs on this engine (heads are pinned to managers).</li>
 * </ul>
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

    /**
     * Apache's client, which docker-java's transport already brings: the JDK's java.net.http would add its
     * own module to the native image (1.4 MB of code) and a selector thread, for one GET.
     */
    private final CloseableHttpClient http = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.of(TIMEOUT)).build()).build())
            .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(TIMEOUT))
                    .setConnectionRequestTimeout(Timeout.of(TIMEOUT)).build())
            .disableAutomaticRetries().build();

    public Answer ask(RayCluster cluster, ObservedTask head) {
        if (head == null || !head.running()) {
            return new Answer(null, "the head task is not running");
        }
        int port = RayStartCommand.intParam(cluster.head(), "dashboard-port", RayStartCommand.DEFAULT_DASHBOARD_PORT);
        try {
            String body = self.id().isPresent() ? overNetwork(cluster, port) : byExec(head, port);
            return new Answer(RayNode.parseTable(body), null);
        } catch (SwarmException | IllegalArgumentException | IllegalStateException e) {
            return new Answer(null, "cannot read the head's node table: " + e.getMessage());
        }
    }

    private String overNetwork(RayCluster cluster, int port) {
        String uri = "http://" + Names.headService(cluster.name()) + ":" + port + "/api/v0/nodes?limit=10000";
        try {
            return http.execute(new HttpGet(uri), r -> {
                if (r.getCode() != 200) {
                    throw new IllegalStateException(uri + " answered HTTP " + r.getCode());
                }
                return EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8);
            });
        } catch (IOException e) {
            throw new IllegalStateException(uri + ": " + e.getMessage());
        }
    }

    private String byExec(ObservedTask head, int port) {
        var info = engine.state().info();
        if (info != null && head.nodeId() != null && !head.nodeId().equals(info.nodeId())) {
            throw new IllegalStateException("the head runs on swarm node " + head.nodeId()
                    + ", not on this engine; run the operator as a Swarm service (it joins cluster networks)");
        }
        if (head.containerId() == null) {
            throw new IllegalStateException("the head task has no container yet");
        }
        return swarm.exec(head.containerId(), List.of("wget", "--tries=1", "-q", "-T", "3", "-O-",
                "http://localhost:" + port + "/api/v0/nodes?limit=10000"), TIMEOUT);
    }
}

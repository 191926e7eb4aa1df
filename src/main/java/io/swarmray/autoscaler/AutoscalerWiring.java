package io.swarmray.autoscaler;

import io.swarmray.Config;
import io.swarmray.render.AutoscalerAccess;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayCluster;
import io.swarmray.swarm.ObservedNetwork;
import io.swarmray.swarm.SwarmFiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster's access to the autoscaler API: its token (accepted from now on), the Swarm secret and config its head
 * mounts (made once per process), and how the head reaches the operator.
 */
@ApplicationScoped
public class AutoscalerWiring {
    @Inject
    Config config;
    @Inject
    Credentials credentials;
    @Inject
    SwarmFiles files;
    @Inject
    ScaleState state;
    @Inject
    KubeApiServer server;

    static final String CA_CONFIG_PREFIX = "swarmray-k8s-ca-";

    /** Secrets and configs known to exist: each is checked (and made) once per process. */
    private final Set<String> made = ConcurrentHashMap.newKeySet();

    /** Null when the API is off ({@code swarmray.autoscaler.api-port=0}): the head then runs no autoscaler. */
    public AutoscalerAccess access(RayCluster cluster, ObservedNetwork network) {
        int port = config.autoscaler().apiPort();
        if (port == 0) {
            return null;
        }
        server.ensureListening();
        String token = credentials.token(cluster.name(), network.id());
        credentials.accept(cluster.name(), token);
        String secret = Credentials.tokenSecretName(token);
        if (!made.contains(secret)) {
            // the cluster's labels as its network has them, so what selects the cluster's objects selects this too
            Map<String, String> labels = new TreeMap<>(cluster.labels() == null ? Map.of() : cluster.labels());
            labels.put(Labels.CLUSTER, cluster.name());
            labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
            files.ensureSecret(secret, labels, token.getBytes(StandardCharsets.UTF_8));
            made.add(secret);
        }
        String ca = credentials.caConfigName();
        if (!made.contains(ca)) {
            files.ensureConfig(ca, Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE),
                    credentials.caPem().getBytes(StandardCharsets.UTF_8));
            made.add(ca);
        }
        /*
         * The head reaches the API at an address of the operator's host, where a Swarm service publishes the port too
         * (deploy/swarmray-stack.yml). Not by a name on the cluster network: Docker gives a Swarm task's container no
         * DNS name on a network it joins afterwards (dockerd activates that only for containers it does not manage),
         * so a head never resolved the operator's alias there (checked on 20.10: getent hosts gave nothing).
         */
        String hosts = config.autoscaler().hostAddress() + " " + KubeApiServer.API_HOST;
        return new AutoscalerAccess(KubeApiServer.API_HOST, port, secret, ca, hosts);
    }

    /** The cluster is gone: its token stops working, its secret goes, its decisions are forgotten. */
    public void forget(String cluster) {
        credentials.forget(cluster);
        state.forget(cluster);
        if (files.removeSecretsOf(cluster) > 0) {
            made.removeIf(name -> name.startsWith(Credentials.TOKEN_SECRET_PREFIX));
        }
    }
}

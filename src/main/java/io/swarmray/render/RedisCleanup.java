package io.swarmray.render;

import io.swarmray.render.DesiredService.HealthCheck;
import io.swarmray.render.DesiredService.Placement;
import io.swarmray.render.DesiredService.Resources;
import io.swarmray.render.DesiredService.Rollout;
import io.swarmray.spec.Names;
import io.swarmray.spec.RayCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * KubeRay's Redis cleanup job, on Swarm (raycluster_controller.go:1829-1840): when a cluster with GCS fault
 * tolerance is deleted, a one-shot service in the head's image deletes its storage namespace from Redis with
 * Ray's own {@code cleanup_redis_storage}, once the head is gone. The spec file is gone by then, so everything
 * the job needs is kept in labels on the head service while the cluster lives: Swarm, not the process, holds it.
 */
public final class RedisCleanup {
    public static final String NODE_TYPE = "redis-cleanup";
    static final String REDIS_ADDRESS = "swarmray.io/gcs-redis-address";
    static final String NAMESPACE = "swarmray.io/gcs-storage-namespace";
    static final String PASSWORD_SECRET = "swarmray.io/gcs-redis-password-secret";
    static final String IMAGE = "swarmray.io/gcs-cleanup-image";
    static final String NETWORKS = "swarmray.io/gcs-cleanup-networks";
    /** Attempts before the operator gives up and lets the deletion finish (the namespace is unique anyway). */
    public static final int ATTEMPTS = 3;

    /**
     * Waits until the head's name no longer resolves (its service removed, its tasks gone: no GCS writes any
     * more), then runs Ray's cleanup. Exit 1 when Ray reports failure, so Swarm tries again. Ray checks the
     * argument types (gcs_utils.py): the password must be a string, "" when there is none.
     */
    static final String SCRIPT = """
            for i in $(seq 1 120); do getent hosts "$SWARMRAY_HEAD_HOST" >/dev/null || break; sleep 1; done
            if getent hosts "$SWARMRAY_HEAD_HOST" >/dev/null; then echo "swarmray: the head $SWARMRAY_HEAD_HOST is still there" >&2; exit 1; fi
            if [ -n "${SWARMRAY_REDIS_PASSWORD_FILE:-}" ]; then
              SWARMRAY_REDIS_PASSWORD=$(cat -- "$SWARMRAY_REDIS_PASSWORD_FILE") || exit 1
              export SWARMRAY_REDIS_PASSWORD
            fi
            py=$(command -v python3 || command -v python) || { echo "swarmray: no python in the image" >&2; exit 1; }
            exec "$py" -c '
            import os, sys
            from urllib.parse import urlparse
            from ray._private.gcs_utils import cleanup_redis_storage
            address = os.environ["RAY_REDIS_ADDRESS"].split(",")[0]
            url = urlparse(address if "://" in address else "redis://" + address)
            namespace = os.environ["RAY_external_storage_namespace"]
            if not cleanup_redis_storage(host=url.hostname, port=url.port or 6379,
                                         password=os.environ.get("SWARMRAY_REDIS_PASSWORD") or url.password or "",
                                         use_ssl=url.scheme == "rediss", storage_namespace=namespace):
                sys.exit("swarmray: Ray could not clean namespace " + namespace + " in Redis at " + address)
            print("swarmray: cleaned namespace " + namespace + " in Redis at " + address)
            '
            """;

    private RedisCleanup() {
    }

    /** Labels on the head service of a cluster with fault tolerance: the cleanup job's inputs. */
    static Map<String, String> headLabels(RayCluster cluster, ClusterNetwork network, String image) {
        var ft = cluster.gcsFaultTolerance();
        Map<String, String> labels = new TreeMap<>();
        if (ft == null) {
            return labels;
        }
        labels.put(REDIS_ADDRESS, ft.redisAddress());
        labels.put(NAMESPACE, ClusterRenderer.storageNamespace(cluster, network));
        if (ft.passwordSecret() != null) {
            labels.put(PASSWORD_SECRET, ft.passwordSecret());
        }
        labels.put(IMAGE, image);
        labels.put(NETWORKS, String.join(",", cluster.extraNetworks()));
        return labels;
    }

    /** True when the head service's labels ask for a cleanup once the cluster is deleted. */
    public static boolean wanted(Map<String, String> headLabels) {
        return headLabels.containsKey(REDIS_ADDRESS) && headLabels.containsKey(NAMESPACE) && headLabels.containsKey(IMAGE);
    }

    public static boolean isCleanup(Map<String, String> serviceLabels) {
        return NODE_TYPE.equals(serviceLabels.get(Labels.NODE_TYPE));
    }

    /** Swarm's service names are at most 63 characters; long cluster names get a shortened, unique one. */
    static String serviceName(String cluster) {
        String name = cluster + "-gcs-cleanup";
        return name.length() <= Names.MAX_DNS_LABEL ? name : "gcs-cleanup-" + SpecHash.of(cluster).substring(0, 16);
    }

    /** The one-shot cleanup service of a deleted cluster: a pure function of its head service's labels. */
    public static DesiredService service(String cluster, Map<String, String> headLabels) {
        TreeMap<String, String> labels = new TreeMap<>();
        labels.put(Labels.CLUSTER, cluster);
        labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        labels.put(Labels.STACK_NAMESPACE, cluster);
        labels.put(Labels.NODE_TYPE, NODE_TYPE);
        List<String> env = new ArrayList<>(List.of("RAY_REDIS_ADDRESS=" + headLabels.get(REDIS_ADDRESS),
                "RAY_external_storage_namespace=" + headLabels.get(NAMESPACE), "SWARMRAY_HEAD_HOST=" + Names.headService(cluster)));
        String secret = headLabels.get(PASSWORD_SECRET);
        if (secret != null) {
            env.add(StartScript.REDIS_PASSWORD_FILE + "=/run/secrets/" + secret);
        }
        String networks = headLabels.getOrDefault(NETWORKS, "");
        DesiredService s = new DesiredService(serviceName(cluster), labels, headLabels.get(IMAGE),
                List.of("/bin/bash", "-c", SCRIPT, "swarmray-gcs-cleanup"), List.of(), env, List.of(),
                new Resources(0, 0, 0, 0, new TreeMap<>()), new Placement(List.of(), List.of(), 0), 1, Names.network(cluster),
                List.of(), List.of(), new HealthCheck(List.of("NONE"), 0, 0, 0, 0), Duration.ofSeconds(5).toNanos(),
                networks.isEmpty() ? List.of() : Arrays.asList(networks.split(",")), secret == null ? List.of() : List.of(secret),
                new Rollout(1, 0, "stop-first", "pause", 0), List.of(), new DesiredService.RunOnce(ATTEMPTS, false), List.of(), List.of());
        return s.withHashLabel();
    }
}

package io.swarmray.spec;

import io.swarmray.spec.RayCluster.GcsFaultTolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Cluster-wide options: GCS fault tolerance and the cluster's swarmray.io/ annotations. */
final class ClusterOptions {
    static final String EXTRA_NETWORKS = GroupAnnotations.ANNOTATION_PREFIX + "extra-networks";
    /** host:port, or redis://host:port and rediss://host:port (TLS), all of which Ray 2.40 takes as RAY_REDIS_ADDRESS. */
    private static final Pattern REDIS_ADDRESS = Pattern.compile("(rediss?://)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:[0-9]{1,5}");
    /** Swarm's rule for secret and network names. */
    private static final Pattern SWARM_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    /** Never echoes the password: errors end up in logs and status. */
    static final String PASSWORD_IN_SPEC = "a password written in the spec would show in `docker service inspect`;"
            + " put it in a Swarm secret (printf %s PASSWORD | docker secret create NAME -) and name it in"
            + " spec.gcsFaultToleranceOptions.redisPassword.valueFrom.secretKeyRef.name";

    private ClusterOptions() {
    }

    static GcsFaultTolerance faultTolerance(FieldReader r, Map<String, Object> m, String path) {
        if (m == null) {
            return null;
        }
        r.ignoreOthers(m, path, List.of("redisAddress", "redisPassword", "externalStorageNamespace", "redisUsername", "backend"),
                "unknown field; ignored");
        String backend = r.string(m.get("backend"), path + ".backend");
        if (backend != null && !backend.equalsIgnoreCase("redis")) {
            r.error(path + ".backend", "'" + FieldReader.abbreviate(backend) + "' is not supported on Swarm yet: GCS fault tolerance"
                    + " here keeps the GCS state in Redis (leave backend out, or say redis, and give redisAddress)");
            return null;
        }
        String address = r.string(m.get("redisAddress"), path + ".redisAddress");
        if (address == null || !REDIS_ADDRESS.matcher(address).matches()) {
            r.error(path + ".redisAddress", address == null
                    ? "is required"
                    : "'" + FieldReader.abbreviate(address) + "' is not host:port, redis://host:port or rediss://host:port");
        }
        String secret = null;
        Map<String, Object> pw = r.map(m.get("redisPassword"), path + ".redisPassword");
        if (pw != null) {
            if (pw.containsKey("value")) {
                r.error(path + ".redisPassword.value", PASSWORD_IN_SPEC);
            }
            Map<String, Object> from = r.map(pw.get("valueFrom"), path + ".redisPassword.valueFrom");
            Map<String, Object> ref = from == null ? null : r.map(from.get("secretKeyRef"), path + ".redisPassword.valueFrom.secretKeyRef");
            if (ref != null && !ref.isEmpty()) {
                secret = r.string(ref.get("name"), path + ".redisPassword.valueFrom.secretKeyRef.name");
                if (secret == null || !SWARM_NAME.matcher(secret).matches()) {
                    r.error(path + ".redisPassword.valueFrom.secretKeyRef.name",
                            "must name a Swarm secret (letters, digits, '_', '.', '-')");
                }
                if (ref.get("key") != null) {
                    r.warn(path + ".redisPassword.valueFrom.secretKeyRef.key", "a Swarm secret holds one value; the key is ignored");
                }
            }
        }
        String namespace = r.string(m.get("externalStorageNamespace"), path + ".externalStorageNamespace");
        if (namespace != null && !NAMESPACE.matcher(namespace).matches()) {
            r.error(path + ".externalStorageNamespace", "must be 1-128 letters, digits, '_', '.', '-'");
        }
        if (m.containsKey("redisUsername")) {
            r.warn(path + ".redisUsername", "is not supported yet; ignored");
        }
        // null: unique to each creation of the cluster, as KubeRay's default (the UID) is; the renderer decides
        return new GcsFaultTolerance(address, secret, namespace);
    }

    /** spec.upgradeStrategy.type: Recreate (default) or None. */
    static String upgradeStrategy(FieldReader r, Object v, String path) {
        Map<String, Object> m = r.map(v, path);
        if (m == null || m.isEmpty()) {
            return RayCluster.RECREATE;
        }
        String type = r.string(m.get("type"), path + ".type");
        if (type == null || type.equals(RayCluster.RECREATE) || type.equals(RayCluster.NO_UPGRADE)) {
            return type == null ? RayCluster.RECREATE : type;
        }
        r.error(path + ".type", "'" + FieldReader.abbreviate(type) + "' is not Recreate or None");
        return RayCluster.RECREATE;
    }

    static List<String> extraNetworks(FieldReader r, Map<String, String> annotations) {
        List<String> out = new ArrayList<>();
        String v = annotations.get(EXTRA_NETWORKS);
        if (v == null) {
            return out;
        }
        for (String n : v.split("[,;\\s]+")) {
            if (n.isEmpty()) {
                continue;
            }
            if (SWARM_NAME.matcher(n).matches()) {
                out.add(n);
            } else {
                r.error("metadata.annotations." + EXTRA_NETWORKS, "'" + FieldReader.abbreviate(n) + "' is not a network name");
            }
        }
        return out;
    }
}

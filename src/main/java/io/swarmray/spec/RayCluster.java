package io.swarmray.spec;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A validated RayCluster (ray.io/v1), reduced to what has a meaning on Swarm. Defaults are
 * already applied; everything here is safe to render. Immutable.
 *
 * @param file the spec file (relative display path) that declares it
 * @param annotations {@code metadata.annotations}; the {@code swarmray.io/} ones steer Swarm-only settings
 */
public record RayCluster(String name, String file, Map<String, String> labels, Map<String, String> annotations,
        String rayVersion, boolean suspend, GroupSpec head, List<GroupSpec> workerGroups,
        GcsFaultTolerance gcsFaultTolerance, List<String> extraNetworks, String upgradeStrategy, ServeAttachment serve,
        Autoscaling autoscaling) {

    /**
     * {@code enableInTreeAutoscaling: true}: Ray's own autoscaler runs in the head task and scales the worker groups
     * through the operator's Kubernetes API subset (README, "Autoscaling"). Ray reads its other options from the
     * RayCluster object itself.
     *
     * @param headResources {@code autoscalerOptions.resources}: the autoscaler's share, added to the head's
     */
    public record Autoscaling(Resources headResources) {
        /** KubeRay's default for the autoscaler container: 500m CPU and 512Mi, limits and requests (pod.go:523-532). */
        public static final Resources DEFAULT_RESOURCES = new Resources(
                new TreeMap<>(Map.of("cpu", new BigDecimal("0.5"), "memory", BigDecimal.valueOf(512L << 20))),
                new TreeMap<>(Map.of("cpu", new BigDecimal("0.5"), "memory", BigDecimal.valueOf(512L << 20))));
    }

    public boolean autoscaled() {
        return autoscaling != null;
    }

    /**
     * A RayService's cluster: its Serve proxies join the service's serve network under an alias that the
     * service's load balancer resolves (null for a RayCluster of its own).
     *
     * @param includeHead false with {@code excludeHeadPodFromServeSvc}: the head is no endpoint
     */
    public record ServeAttachment(String network, String alias, boolean includeHead) {
    }

    /** This cluster under another name, with other labels, joined to a RayService's serve network. */
    public RayCluster derived(String newName, Map<String, String> newLabels, ServeAttachment attachment) {
        return new RayCluster(newName, file, newLabels, annotations, rayVersion, suspend, head, workerGroups, gcsFaultTolerance,
                extraNetworks, upgradeStrategy, attachment, autoscaling);
    }

    /** The most replicas a group may ask for, in a file or through the autoscaler's patches. */
    public static final int MAX_REPLICAS = 10_000;

    public static final String RECREATE = "Recreate";
    /** KubeRay's upgradeStrategy None: a running head is left as it is until it restarts. */
    public static final String NO_UPGRADE = "None";

    /**
     * {@code spec.gcsFaultToleranceOptions}: the head keeps GCS state in Redis, so workers survive a
     * head restart. The password comes only from a Swarm secret: a value in the spec would show in the service spec.
     *
     * @param passwordSecret the Swarm secret holding the password ({@code redisPassword.valueFrom.secretKeyRef.name}), or null
     * @param storageNamespace {@code externalStorageNamespace}, or null for one unique to each creation of the cluster
     */
    public record GcsFaultTolerance(String redisAddress, String passwordSecret, String storageNamespace) {
    }

    public enum NodeType {
        HEAD, WORKER;

        /** The value of the {@code ray.io/node-type} label, as KubeRay writes it. */
        public String label() {
            return name().toLowerCase();
        }
    }

    /** The head group or one worker group. The head has {@code groupName} "headgroup" and 1 replica. */
    public record GroupSpec(NodeType type, String groupName, int replicas, int minReplicas, int maxReplicas,
            SortedMap<String, String> rayStartParams, SortedMap<String, BigDecimal> rayResources,
            PodTemplate template, Placement placement, Rollout rollout) {

        /** KubeRay's rule: clamp(replicas, minReplicas, maxReplicas). */
        public int effectiveReplicas() {
            return Math.max(minReplicas, Math.min(replicas, maxReplicas));
        }
    }

    /**
     * Swarm placement beyond {@code nodeSelector}, from the group's {@code swarmray.io/} annotations.
     *
     * @param constraints        extra Swarm constraints, e.g. {@code node.platform.arch==x86_64}
     * @param spread             placement preferences, each a node attribute to spread over
     * @param maxReplicasPerNode 0 for no limit
     * @param pinToManager       the head runs on a manager unless told otherwise
     */
    public record Placement(List<String> constraints, List<String> spread, int maxReplicasPerNode,
            boolean pinToManager) {
    }

    /**
     * How Swarm rolls out a change of the group's service (its update config), from the group's
     * swarmray.io/update-* annotations. Defaults keep workers available: one at a time, new before old.
     *
     * @param order         "start-first" or "stop-first"
     * @param failureAction "rollback", "pause" or "continue"
     */
    public record Rollout(int parallelism, long delayNanos, String order, String failureAction, long monitorNanos) {
        public static final Rollout WORKER_DEFAULT = new Rollout(1, 5_000_000_000L, "start-first", "rollback", 15_000_000_000L);
        /** One head at a time: the old one stops before the new one starts. */
        public static final Rollout HEAD_DEFAULT = new Rollout(1, 0, "stop-first", "rollback", 15_000_000_000L);
    }

    public record PodTemplate(Map<String, String> annotations, Container container, List<Volume> volumes,
            SortedMap<String, String> nodeSelector) {
    }

    /**
     * @param capabilities added Linux capabilities, Docker's names (CAP_SYS_PTRACE), as the policy allowed them
     * @param liveness     the livenessProbe as Swarm's healthcheck, or null for Ray's health URLs
     */
    public record Container(String image, List<EnvVar> env, List<Port> ports, Resources resources,
            List<VolumeMount> volumeMounts, List<String> capabilities, Probe liveness) {
        /**
         * The record's own form, the probe only when there is one: the spec's text is hashed into a RayService's cluster
         * names and observedGeneration, which must not change for specs written before probes were read.
         */
        @Override
        public String toString() {
            return "Container[image=" + image + ", env=" + env + ", ports=" + ports + ", resources=" + resources + ", volumeMounts="
                    + volumeMounts + ", capabilities=" + capabilities + (liveness == null ? "" : ", liveness=" + liveness) + "]";
        }
    }

    /**
     * A Kubernetes probe as Docker's healthcheck.
     *
     * @param test Docker's form of the check: "CMD" and the command
     */
    public record Probe(List<String> test, int periodSeconds, int timeoutSeconds, int failureThreshold, int initialDelaySeconds) {
    }

    public record EnvVar(String name, String value) {
    }

    /** A container port; {@code hostPort} (0 = none) publishes it on the node, Swarm's host mode. */
    public record Port(String name, int containerPort, int hostPort, String protocol) {
    }

    /** Parsed Kubernetes quantities by resource name ("cpu", "memory", "nvidia.com/gpu", ...). */
    public record Resources(SortedMap<String, BigDecimal> limits, SortedMap<String, BigDecimal> requests) {
    }

    public enum VolumeKind {
        HOST_PATH, EMPTY_DIR, MEMORY
    }

    /** hostPath (bind mount), emptyDir (anonymous volume) or emptyDir medium Memory (tmpfs). */
    public record Volume(String name, VolumeKind kind, String hostPath, Long sizeLimitBytes) {
    }

    public record VolumeMount(String name, String mountPath, boolean readOnly) {
    }
}

package io.swarmray.render;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Swarm service as SwarmRay wants it, in plain values: what {@code render} produces and the
 * {@code swarm} package turns into a Docker API spec. Its {@link #hash()} identifies the content,
 * so a service whose stored hash label matches needs no update.
 *
 * @param extraNetworks networks beyond the cluster's own that the tasks join: a name, or {@code name:alias} for a
 *                      network where the tasks also answer to an alias ({@link #withAlias})
 * @param secrets       Swarm secrets (by name) mounted at /run/secrets/NAME
 * @param capabilities  Linux capabilities added to the container (only what the operator's policy allows)
 * @param runOnce       a job rather than a Ray node, or null
 * @param files         operator-made Swarm secrets and configs mounted at absolute paths (the autoscaler's credentials)
 * @param hosts         extra /etc/hosts entries, "IP NAME" (IP may be Docker's {@code host-gateway})
 */
public record DesiredService(String name, SortedMap<String, String> labels, String image, List<String> command,
        List<String> args, List<String> env, List<Mount> mounts, Resources resources,
        Placement placement, int replicas, String network, List<String> networkAliases,
        List<PublishedPort> ports, HealthCheck healthCheck, long stopGracePeriodNanos,
        List<String> extraNetworks, List<String> secrets, Rollout rollout,
        List<String> capabilities, RunOnce runOnce, List<FileMount> files, List<String> hosts) {

    /**
     * A task that runs to its end: restarted only when it fails, at most {@code retries} times.
     *
     * @param swarmJob a Swarm {@code replicated-job} service (shown as such by {@code docker service ls}); otherwise a
     *                 replicated service of one task that Swarm leaves alone once it completed
     */
    public record RunOnce(int retries, boolean swarmJob) {
    }

    /** A Swarm secret or config (by name) that the operator creates, mounted read-only at {@code target}. */
    public record FileMount(boolean secret, String name, String target) {
    }

    /** An {@code extraNetworks} entry: the network, where the tasks also answer to {@code alias}. */
    public static String withAlias(String network, String alias) {
        return network + ":" + alias;
    }

    /** Swarm's update config of the service; rollbacks use the same pace. */
    public record Rollout(int parallelism, long delayNanos, String order, String failureAction, long monitorNanos) {
    }

    public enum MountType {
        BIND, VOLUME, TMPFS
    }

    /** @param tmpfsSizeBytes 0 for Docker's default */
    public record Mount(MountType type, String source, String target, boolean readOnly, long tmpfsSizeBytes) {
    }

    /**
     * 0 means "not set" for every number.
     *
     * @param generic Swarm generic resources reserved per task, by kind ("NVIDIA-GPU" -> 1)
     */
    public record Resources(long limitNanoCpus, long limitMemoryBytes, long reserveNanoCpus, long reserveMemoryBytes,
            SortedMap<String, Long> generic) {
    }

    public record Placement(List<String> constraints, List<String> spread, int maxReplicasPerNode) {
    }

    /** A port published in host mode (Swarm's routing mesh needs IPVS, which many kernels lack). */
    public record PublishedPort(int target, int published, String protocol) {
    }

    /**
     * @param startIntervalNanos between checks while none passed yet, within the start period (Docker 25+, API 1.44;
     *                           older engines drop it and keep the interval); 0 for the interval
     */
    public record HealthCheck(List<String> test, long intervalNanos, long timeoutNanos, int retries,
            long startPeriodNanos, long startIntervalNanos) {
        public HealthCheck(List<String> test, long intervalNanos, long timeoutNanos, int retries, long startPeriodNanos) {
            this(test, intervalNanos, timeoutNanos, retries, startPeriodNanos, 0);
        }

        /**
         * The record's text form, without the start interval when there is none: a service's {@link #hash()} is of
         * this text, so the services whose checks have none (workers, endpoints, submitters) keep the hash they had before
         * checks had a start interval, and an operator upgrade restarts none of them.
         */
        @Override
        public String toString() {
            return "HealthCheck[test=" + test + ", intervalNanos=" + intervalNanos + ", timeoutNanos=" + timeoutNanos + ", retries="
                    + retries + ", startPeriodNanos=" + startPeriodNanos
                    + (startIntervalNanos == 0 ? "" : ", startIntervalNanos=" + startIntervalNanos) + "]";
        }
    }

    /** Hex SHA-256 of everything but the hash label itself; the record's text form is canonical (sorted maps, lists). */
    public String hash() {
        var copy = new TreeMap<>(labels);
        copy.remove(Labels.SPEC_HASH);
        return SpecHash.of(withLabels(copy).toString());
    }

    /** The {@link #hash()} this service would have with {@code count} replicas. */
    public String hashWithReplicas(int count) {
        return renamed(name, labels, count).labels().get(Labels.SPEC_HASH);
    }

    /** This service with its hash label set, as it is sent to Swarm. */
    public DesiredService withHashLabel() {
        TreeMap<String, String> withHash = new TreeMap<>(labels);
        withHash.put(Labels.SPEC_HASH, hash());
        return withLabels(withHash);
    }

    private DesiredService withLabels(SortedMap<String, String> newLabels) {
        return new DesiredService(name, newLabels, image, command, args, env, mounts, resources, placement, replicas, network,
                networkAliases, ports, healthCheck, stopGracePeriodNanos, extraNetworks, secrets, rollout, capabilities, runOnce, files,
                hosts);
    }

    /**
     * This service as it is sent to restart all its tasks at once: the rollout without pace, marked so the next
     * pass restores the group's own ({@link Labels#RESTARTED_ALL_AT_ONCE}). The hash label stays: the tasks are
     * the same.
     */
    public DesiredService allAtOnce() {
        TreeMap<String, String> marked = new TreeMap<>(labels);
        marked.put(Labels.RESTARTED_ALL_AT_ONCE, "true");
        return new DesiredService(name, marked, image, command, args, env, mounts, resources, placement, replicas, network,
                networkAliases, ports, healthCheck, stopGracePeriodNanos, extraNetworks, secrets,
                new Rollout(0, 0, rollout.order(), rollout.failureAction(), rollout.monitorNanos()), capabilities, runOnce, files,
                hosts);
    }

    /** This service under another name and labels, with {@code count} replicas; its hash label is recomputed. */
    public DesiredService renamed(String newName, SortedMap<String, String> newLabels, int count) {
        return new DesiredService(newName, newLabels, image, command, args, env, mounts, resources, placement, count, network,
                networkAliases, ports, healthCheck, stopGracePeriodNanos, extraNetworks, secrets, rollout, capabilities, runOnce, files,
                hosts).withHashLabel();
    }
}

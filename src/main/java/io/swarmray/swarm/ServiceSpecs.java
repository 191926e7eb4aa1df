package io.swarmray.swarm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ContainerSpecConfig;
import com.github.dockerjava.api.model.ContainerSpecFile;
import com.github.dockerjava.api.model.ContainerSpecSecret;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.UpdateConfig;
import com.github.dockerjava.api.model.UpdateFailureAction;
import com.github.dockerjava.api.model.UpdateOrder;
import io.swarmray.render.DesiredService;
import io.swarmray.render.DesiredService.FileMount;
import io.swarmray.render.Labels;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** {@link DesiredService} to docker-java's {@link ServiceSpec}: a mechanical translation, no decisions. */
final class ServiceSpecs {
    /**
     * Secrets readable by the container's user, whoever that is: rayproject/ray runs as uid 1000, and a 0400
     * root-owned secret left Ray starting with an empty Redis password (F1). The file lives in the task's own
     * tmpfs, seen by no other container.
     */
    static final long SECRET_MODE = 0444L;
    static final long RUN_ONCE_RESTART_DELAY = 5_000_000_000L;

    private ServiceSpecs() {
    }

    /** @param labels the service's labels as stored (the desired ones plus the operator's instance) */
    static ServiceSpec toDocker(DesiredService s, Map<String, String> labels, Map<String, String> fileIds, Integer forceUpdate) {
        TreeMap<String, String> containerLabels = new TreeMap<>(labels);
        containerLabels.remove(Labels.SPEC_HASH);
        containerLabels.remove(Labels.INPUT_HASH);
        containerLabels.remove(Labels.RESTARTED_ALL_AT_ONCE);
        var h = s.healthCheck();
        ContainerSpecWithCapabilities container = new ContainerSpecWithCapabilities();
        container.capabilityAdd = s.capabilities().isEmpty() ? null : s.capabilities();
        container.withImage(s.image())
                .withCommand(s.command())
                .withArgs(s.args())
                .withEnv(s.env())
                .withLabels(containerLabels)
                .withMounts(s.mounts().stream().map(ServiceSpecs::mount).toList())
                .withHealthCheck(new HealthCheck().withTest(h.test()).withInterval(h.intervalNanos())
                        .withTimeout(h.timeoutNanos()).withRetries(h.retries()).withStartPeriod(h.startPeriodNanos())
                        .withStartInterval(h.startIntervalNanos() == 0 ? null : h.startIntervalNanos()))
                .withStopGracePeriod(s.stopGracePeriodNanos())
                .withSecrets(Stream.concat(s.secrets().stream().map(name -> secret(name, name, fileIds)),
                        s.files().stream().filter(FileMount::secret).map(f -> secret(f.name(), f.target(), fileIds))).toList())
                .withConfigs(s.files().stream().filter(f -> !f.secret())
                        .map(f -> new ContainerSpecConfig().withConfigID(fileIds.get(f.name())).withConfigName(f.name())
                                .withFile(new ContainerSpecFile().withName(f.target()).withUid("0").withGid("0").withMode(SECRET_MODE)))
                        .toList())
                .withHosts(s.hosts().isEmpty() ? null : s.hosts())
                .withInit(true);
        TaskSpec task = new TaskSpec()
                .withContainerSpec(container)
                .withResources(resources(s.resources()))
                .withRestartPolicy(restartPolicy(s.runOnce()))
                .withPlacement(placement(s.placement()))
                .withNetworks(Stream.concat(
                        Stream.of(new NetworkAttachmentConfig().withTarget(s.network()).withAliases(s.networkAliases())),
                        s.extraNetworks().stream().map(ServiceSpecs::attachment)).toList())
                .withForceUpdate(forceUpdate);
        boolean swarmJob = s.runOnce() != null && s.runOnce().swarmJob();
        // Swarm refuses a job with an update config ("Jobs may not have an update config"): a job is replaced, not updated
        return new ServiceSpec()
                .withName(s.name())
                .withLabels(labels)
                .withTaskTemplate(task)
                .withUpdateConfig(swarmJob ? null : update(s.rollout(), true))
                .withRollbackConfig(swarmJob ? null : update(s.rollout(), false))
                .withMode(swarmJob
                        ? new ServiceModeWithJobs(1)
                        : new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(s.replicas())))
                .withEndpointSpec(new EndpointSpec().withMode(EndpointResolutionMode.DNSRR).withPorts(s.ports().stream()
                        .map(p -> new PortConfig().withTargetPort(p.target()).withPublishedPort(p.published())
                                .withPublishMode(PortConfig.PublishMode.host)
                                .withProtocol(p.protocol().equals("udp") ? PortConfigProtocol.UDP : PortConfigProtocol.TCP))
                        .toList()));
    }

    /** A secret at {@code target}: a name under /run/secrets, or an absolute path. */
    private static ContainerSpecSecret secret(String name, String target, Map<String, String> fileIds) {
        return new ContainerSpecSecret().withSecretId(fileIds.get(name)).withSecretName(name)
                .withFile(new ContainerSpecFile().withName(target).withUid("0").withGid("0").withMode(SECRET_MODE));
    }

    /** An extra network, {@code name} or {@code name:alias} ({@link DesiredService#withAlias}). */
    private static NetworkAttachmentConfig attachment(String entry) {
        int colon = entry.indexOf(':');
        return colon < 0
                ? new NetworkAttachmentConfig().withTarget(entry)
                : new NetworkAttachmentConfig().withTarget(entry.substring(0, colon)).withAliases(List.of(entry.substring(colon + 1)));
    }

    /** The update config; a rollback that fails too pauses (there is nothing older to go back to). */
    private static UpdateConfig update(DesiredService.Rollout r, boolean forward) {
        return new UpdateConfig().withParallelism((long) r.parallelism()).withDelay(r.delayNanos())
                .withOrder(r.order().equals("start-first") ? UpdateOrder.START_FIRST : UpdateOrder.STOP_FIRST)
                .withFailureAction(!forward ? UpdateFailureAction.PAUSE : switch (r.failureAction()) {
                    case "pause" -> UpdateFailureAction.PAUSE;
                    case "continue" -> UpdateFailureAction.CONTINUE;
                    default -> UpdateFailureAction.ROLLBACK;
                })
                .withMonitor(r.monitorNanos());
    }

    private static Mount mount(DesiredService.Mount m) {
        Mount out = new Mount().withTarget(m.target()).withReadOnly(m.readOnly());
        switch (m.type()) {
            case BIND -> out.withType(MountType.BIND).withSource(m.source());
            case VOLUME -> out.withType(MountType.VOLUME);
            case TMPFS -> {
                out.withType(MountType.TMPFS);
                if (m.tmpfsSizeBytes() > 0) {
                    out.withTmpfsOptions(new TmpfsOptions().withSizeBytes(m.tmpfsSizeBytes()));
                }
            }
        }
        return out;
    }

    private static ResourceRequirements resources(DesiredService.Resources r) {
        ReservationsWithGeneric reservations = new ReservationsWithGeneric();
        specs(reservations, r.reserveNanoCpus(), r.reserveMemoryBytes());
        reservations.generic = r.generic().entrySet().stream()
                .map(e -> Map.of("DiscreteResourceSpec", Map.<String, Object>of("Kind", e.getKey(), "Value", e.getValue()))).toList();
        return new ResourceRequirements().withLimits(specs(new ResourceSpecs(), r.limitNanoCpus(), r.limitMemoryBytes()))
                .withReservations(reservations);
    }

    /** docker-java's ResourceSpecs lacks Swarm's generic resources (GPUs); Jackson writes the subclass's field too. */
    static final class ReservationsWithGeneric extends ResourceSpecs {
        private static final long serialVersionUID = 1L;
        @JsonProperty("GenericResources")
        List<Map<String, Map<String, Object>>> generic;
    }

    private static ResourceSpecs specs(ResourceSpecs specs, long nanoCpus, long memory) {
        if (nanoCpus > 0) {
            specs.withNanoCPUs(nanoCpus);
        }
        if (memory > 0) {
            specs.withMemoryBytes(memory);
        }
        return specs;
    }

    private static ServicePlacement placement(DesiredService.Placement p) {
        PlacementWithPreferences out = new PlacementWithPreferences();
        out.withConstraints(p.constraints());
        if (p.maxReplicasPerNode() > 0) {
            out.withMaxReplicas(p.maxReplicasPerNode());
        }
        out.preferences = p.spread().stream().map(attr -> Map.of("Spread", Map.of("SpreadDescriptor", attr))).toList();
        return out;
    }

    /** docker-java's ContainerSpec lacks Swarm's CapabilityAdd (API 1.41); Jackson writes the subclass's field too. */
    static final class ContainerSpecWithCapabilities extends ContainerSpec {
        private static final long serialVersionUID = 1L;
        @JsonProperty("CapabilityAdd")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        List<String> capabilityAdd;
    }

    /** docker-java's ServiceModeConfig lacks Swarm's job modes (API 1.41); Jackson writes the subclass's field too. */
    static final class ServiceModeWithJobs extends ServiceModeConfig {
        private static final long serialVersionUID = 1L;
        @JsonProperty("ReplicatedJob")
        Map<String, Long> replicatedJob;

        /** A replicated job that completes once. */
        ServiceModeWithJobs(long completions) {
            replicatedJob = Map.of("MaxConcurrent", 1L, "TotalCompletions", completions);
        }
    }

    /**
     * A Ray node is restarted whatever ends it; a run-once task only when it fails, {@code retries} times (Swarm's
     * MaxAttempts counts restarts; 0 would mean no limit, so no retry is condition none).
     */
    private static ServiceRestartPolicy restartPolicy(DesiredService.RunOnce runOnce) {
        if (runOnce == null) {
            return new ServiceRestartPolicy().withCondition(ServiceRestartCondition.ANY).withDelay(0L);
        }
        if (runOnce.retries() == 0) {
            return new ServiceRestartPolicy().withCondition(ServiceRestartCondition.NONE);
        }
        return new ServiceRestartPolicy().withCondition(ServiceRestartCondition.ON_FAILURE).withDelay(RUN_ONCE_RESTART_DELAY)
                .withMaxAttempts((long) runOnce.retries());
    }

    /** docker-java's ServicePlacement lacks Swarm's placement preferences; Jackson writes the subclass's field too. */
    static final class PlacementWithPreferences extends ServicePlacement {
        private static final long serialVersionUID = 1L;
        @JsonProperty("Preferences")
        List<Map<String, Map<String, String>>> preferences;
    }
}

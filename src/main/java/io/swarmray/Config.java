package io.swarmray;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.swarmray.render.ImageRewrites;
import io.swarmray.render.RenderOptions;
import io.swarmray.spec.Policy;
import io.swarmray.spec.Quantity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The operator's settings (application.properties, or environment variables such as
 * SWARMRAY_SPECS_DIR). Every key is documented in the README.
 */
@ConfigMapping(prefix = "swarmray")
public interface Config {

    /** The watched directory of RayCluster spec files. */
    @WithDefault("specs")
    Path specsDir();

    /** Where status files go; default: {@code .status} inside the specs directory (the watcher ignores it). */
    @WithName("status-dir")
    Optional<Path> statusDirSetting();

    /**
     * How often the resync looks at every cluster. A steady cluster (where its spec wants it, nothing heard since)
     * is then only probed (its head's node table), at this interval doubling up to {@code steady-probe-max-interval}.
     */
    @WithDefault("30s")
    Duration resyncInterval();

    /** The longest wait between two probes of a steady cluster's head. */
    @WithDefault("5m")
    Duration steadyProbeMaxInterval();

    /** How soon a cluster that is not yet where its spec wants it is looked at again. */
    @WithDefault("2s")
    Duration convergingInterval();

    /** This operator's name on the swarm; it manages only objects labelled with it. */
    @WithDefault("default")
    String instance();

    /**
     * A file holding the bearer token of the write API (e.g. a Swarm secret: /run/secrets/swarmray-api-token).
     * Without it the write endpoints are off; read endpoints and health stay open.
     */
    @WithName("api-token-file")
    Optional<Path> apiTokenFile();

    /** Largest spec file read, in bytes. */
    @WithDefault("1048576")
    int maxSpecBytes();

    /** Image rewrite rules FROM=TO (see ImageRewrites), comma-separated. */
    @WithName("image-rewrites")
    Optional<List<String>> imageRewriteRules();

    default ImageRewrites images() {
        return imageRewriteRules().map(ImageRewrites::parse).orElse(ImageRewrites.NONE);
    }

    /** Spec resources that become Swarm generic resources: resource=KIND, comma-separated. */
    @WithName("generic-resources")
    @WithDefault("nvidia.com/gpu=NVIDIA-GPU,amd.com/gpu=AMD-GPU")
    List<String> genericResourceKinds();

    default RenderOptions renderOptions() {
        return new RenderOptions(images(), RenderOptions.parseKinds(genericResourceKinds()))
                .withMonitoring(monitoringNetwork().orElse(null));
    }

    /**
     * A shared attachable overlay network that every Ray node also joins, labelled with its metrics port, so that a
     * Prometheus on that network finds Ray's metrics through {@code dockerswarm_sd_configs} (README, "Monitoring").
     * The operator creates it when missing. Off when unset.
     */
    Optional<String> monitoringNetwork();

    /** RayService settings; see README "RayService". */
    ServeSettings serve();

    interface ServeSettings {
        /** The load balancer of each RayService's endpoint: an HAProxy image (its haproxy binary on the PATH). */
        @WithDefault("haproxy:2.6")
        String proxyImage();

        /** How long a RayService's previous cluster keeps running after the switch ([K]: 60 s). */
        @WithDefault("60s")
        Duration clusterDeletionDelay();
    }

    /** Ray's autoscaler (enableInTreeAutoscaling); see README "Autoscaling". */
    AutoscalerSettings autoscaler();

    interface AutoscalerSettings {
        /** The HTTPS port of the Kubernetes API subset that the autoscalers call; 0 turns it off. */
        @WithDefault("6443")
        int apiPort();

        /** Where the API's CA and token key are kept (default: .swarmray-autoscaler in the specs directory). */
        Optional<Path> credentialsDir();

        /**
         * How a head reaches the API ({@code swarmray-k8s} in its /etc/hosts): an address of the operator's host, where
         * a Swarm service publishes the port too, or Docker's {@code host-gateway} (the head's own host).
         */
        @WithDefault("host-gateway")
        String hostAddress();
    }

    /** What specs may ask for; see README "Policy". */
    PolicySettings policy();

    interface PolicySettings {
        /** Directories under which hostPath volumes may be bound (none by default). */
        Optional<List<String>> allowedBindPrefixes();

        /**
         * Host-mode published ports allowed, as "MIN-MAX"; Policy.DEFAULT's 1024-65535 when unset. Optional rather than a
         * default, so that the stack file can pass an empty variable through.
         */
        Optional<String> hostPortRange();

        /** Image prefixes allowed (e.g. rayproject/ray,registry.local:5000/); any image when unset. */
        Optional<List<String>> allowedImages();

        /** Per-cluster ceiling on CPUs (a quantity: 64, 500m). */
        Optional<String> maxCpusPerCluster();

        /** Per-cluster ceiling on memory (a quantity: 256Gi). */
        Optional<String> maxMemoryPerCluster();

        /** Linux capabilities that containers may add (e.g. SYS_PTRACE for py-spy); none by default. */
        Optional<List<String>> allowedCapabilities();
    }

    /** The policy as the parser applies it; IllegalArgumentException names a bad setting. */
    default Policy specPolicy() {
        var p = policy();
        int min = Policy.DEFAULT.minHostPort();
        int max = Policy.DEFAULT.maxHostPort();
        if (p.hostPortRange().isPresent()) {
            String[] range = p.hostPortRange().get().split("-");
            try {
                min = Integer.parseInt(range[0].trim());
                max = Integer.parseInt(range[range.length - 1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("swarmray.policy.host-port-range: '" + p.hostPortRange().get() + "' is not MIN-MAX");
            }
        }
        return new Policy(p.allowedBindPrefixes().orElse(List.of()), min, max, p.allowedImages().orElse(List.of()),
                p.maxCpusPerCluster().map(Quantity::parse).orElse(null),
                p.maxMemoryPerCluster().map(Quantity::parse).orElse(null), p.allowedCapabilities().orElse(List.of()));
    }

    default Path statusDir() {
        return statusDirSetting().orElse(specsDir().resolve(".status"));
    }
}

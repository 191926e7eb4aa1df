package io.swarmray.render;

import io.swarmray.render.DesiredService.Mount;
import io.swarmray.render.DesiredService.MountType;
import io.swarmray.render.DesiredService.PublishedPort;
import io.swarmray.spec.Names;
import io.swarmray.spec.Quantity;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayCluster.NodeType;
import io.swarmray.spec.RayCluster.Volume;
import io.swarmray.spec.RayCluster.VolumeKind;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Spec in, Swarm objects out: where Ray and Swarm meet. Pure functions of the spec (and of the
 * cluster network's subnet, which Docker picks when the network is made); no I/O.
 */
public final class ClusterRenderer {
    static final String HEAD_ALIAS = "head";
    private static final long STOP_GRACE = Duration.ofSeconds(5).toNanos();

    private ClusterRenderer() {
    }

    /**
     * Everything the cluster needs. {@code network} is null until the cluster network exists (its subnet shapes
     * the services): then only the network is desired.
     */
    public static DesiredCluster render(RayCluster cluster, ClusterNetwork network, RenderOptions options) {
        List<DesiredService> services = new ArrayList<>();
        if (network != null && !cluster.suspend()) {
            services.add(service(cluster, cluster.head(), network, options));
            for (GroupSpec g : cluster.workerGroups()) {
                services.add(service(cluster, g, network, options));
            }
        }
        return new DesiredCluster(cluster.name(), network(cluster), services, generation(cluster));
    }

    /** The cluster's overlay network: needed before anything else, since its subnet shapes the services. */
    public static DesiredNetwork network(RayCluster cluster) {
        return new DesiredNetwork(Names.network(cluster.name()), baseLabels(cluster));
    }

    /** The spec's own hash, reported as observedGeneration: it changes exactly when the spec does. */
    public static String generation(RayCluster cluster) {
        return SpecHash.of(cluster.toString());
    }

    static String serviceName(RayCluster cluster, GroupSpec g) {
        return g.type() == NodeType.HEAD ? Names.headService(cluster.name()) : Names.workerService(cluster.name(), g.groupName());
    }

    static DesiredService service(RayCluster cluster, GroupSpec g, ClusterNetwork network, RenderOptions options) {
        var c = g.template().container();
        TreeMap<String, String> labels = baseLabels(cluster);
        labels.put(Labels.NODE_TYPE, g.type().label());
        labels.put(Labels.GROUP, g.groupName());
        labels.put(Labels.INPUT_HASH, RenderInputs.hash(cluster, g, network, options));
        String image = options.images().apply(c.image());
        if (g.type() == NodeType.HEAD) {
            labels.putAll(RedisCleanup.headLabels(cluster, network, image));
        }
        if (options.monitoring() != null) {
            labels.put(Labels.METRICS_PORT,
                    String.valueOf(RayStartCommand.intParam(g, "metrics-export-port", RayStartCommand.DEFAULT_METRICS_PORT)));
        }
        List<String> command = List.of("/bin/bash", "-c", StartScript.TEXT, "swarmray-start");
        boolean head = g.type() == NodeType.HEAD;
        AutoscalerAccess access = head && cluster.autoscaled() ? options.autoscaler() : null;
        List<String> env = env(cluster, g, network);
        if (access != null) {
            env = new ArrayList<>(env);
            env.addAll(Autoscaler.env(cluster, access));
        }
        // An autoscaled group is one service per replica (Autoscaler.replica): this is their template.
        int replicas = head || cluster.autoscaled() ? 1 : g.effectiveReplicas();
        DesiredService s = new DesiredService(serviceName(cluster, g), labels, image, command,
                RayStartCommand.args(cluster, g), env, mounts(g), Autoscaler.withHeadShare(resources(g, options), access, cluster),
                placement(g), replicas, Names.network(cluster.name()), head ? List.of(HEAD_ALIAS) : List.of(),
                c.ports().stream().filter(p -> p.hostPort() > 0)
                        .map(p -> new PublishedPort(p.containerPort(), p.hostPort(), p.protocol().toLowerCase())).toList(),
                HealthChecks.of(g), STOP_GRACE, extraNetworks(cluster, g, options.monitoring()), secrets(cluster, g),
                new DesiredService.Rollout(g.rollout().parallelism(), g.rollout().delayNanos(), g.rollout().order(),
                        g.rollout().failureAction(), g.rollout().monitorNanos()),
                c.capabilities(), null, Autoscaler.files(access), Autoscaler.hosts(access));
        return s.withHashLabel();
    }

    /**
     * The spec's extra networks, a RayService's serve network under its alias (head included unless excluded), and the
     * operator's monitoring network.
     */
    static List<String> extraNetworks(RayCluster cluster, GroupSpec g, String monitoring) {
        var serve = cluster.serve();
        List<String> out = new ArrayList<>(cluster.extraNetworks());
        if (serve != null && (g.type() != NodeType.HEAD || serve.includeHead())) {
            out.add(DesiredService.withAlias(serve.network(), serve.alias()));
        }
        if (monitoring != null && !out.contains(monitoring)) {
            out.add(monitoring);
        }
        return List.copyOf(out);
    }

    /** The head reads the Redis password of GCS fault tolerance from its Swarm secret. */
    static List<String> secrets(RayCluster cluster, GroupSpec g) {
        var ft = cluster.gcsFaultTolerance();
        return g.type() == NodeType.HEAD && ft != null && ft.passwordSecret() != null ? List.of(ft.passwordSecret()) : List.of();
    }

    /** Cluster-wide labels: the user's metadata.labels, then ours (ours win). */
    static TreeMap<String, String> baseLabels(RayCluster cluster) {
        TreeMap<String, String> labels = new TreeMap<>();
        if (cluster.labels() != null) {
            labels.putAll(cluster.labels());
        }
        labels.put(Labels.CLUSTER, cluster.name());
        labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        labels.put(Labels.STACK_NAMESPACE, cluster.name());
        return labels;
    }

    /**
     * KubeRay's variables (ray-contract.md), then the user's (which win, as under KubeRay), then
     * SwarmRay's start-up inputs. Values are escaped for Swarm's own template expansion of Env.
     */
    static List<String> env(RayCluster cluster, GroupSpec g, ClusterNetwork network) {
        boolean head = g.type() == NodeType.HEAD;
        int port = RayStartCommand.gcsPort(cluster);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RAY_CLUSTER_NAME", cluster.name());
        env.put("RAY_ADDRESS", head ? "127.0.0.1:" + port : RayStartCommand.headAddress(cluster));
        env.put("RAY_PORT", String.valueOf(port));
        if (!head) {
            env.put("FQ_RAY_IP", Names.headService(cluster.name()));
        }
        env.put("RAY_NODE_TYPE_NAME", g.groupName());
        var resources = g.template().container().resources();
        if (RayStartCommand.gpuLimit(resources.limits()).isEmpty() && RayStartCommand.gpuLimit(resources.requests()).isEmpty()) {
            // On a GPU node the NVIDIA runtime falls back to the image's NVIDIA_VISIBLE_DEVICES (=all in CUDA
            // images) when Swarm assigned no GPU, and Ray would advertise GPUs given to other tasks (F9).
            env.put("NVIDIA_VISIBLE_DEVICES", "void");
        }
        var ft = cluster.gcsFaultTolerance();
        if (ft != null && head) {
            env.put("RAY_REDIS_ADDRESS", ft.redisAddress());
            env.put("RAY_external_storage_namespace", storageNamespace(cluster, network));
        } else if (ft != null) {
            // KubeRay's value with fault tolerance: workers wait out a head restart instead of exiting after 60 s.
            env.put("RAY_gcs_rpc_server_reconnect_timeout_s", "600");
        }
        for (var e : g.template().container().env()) {
            env.put(e.name(), SwarmTemplates.escape(e.value()));
        }
        // Fixed text, expanded by Swarm per task: a unique id for each replica.
        env.put("RAY_CLOUD_INSTANCE_ID", "{{.Task.ID}}");
        if (!g.rayStartParams().containsKey("node-ip-address")) {
            env.put(StartScript.NODE_SUBNET, network.subnet());
        }
        String emptyDirs = String.join("\n", writableEmptyDirs(g));
        if (!emptyDirs.isEmpty()) {
            env.put(StartScript.EMPTY_DIRS, SwarmTemplates.escape(emptyDirs));
        }
        if (ft != null && head && ft.passwordSecret() != null) {
            env.put(StartScript.REDIS_PASSWORD_FILE, "/run/secrets/" + ft.passwordSecret());
        }
        if (!head) {
            env.put(StartScript.WAIT_FOR_GCS, RayStartCommand.params(cluster, g).get("address"));
            env.put(StartScript.RESTART_IN_PLACE_AFTER, String.valueOf(StartScript.RESTART_IN_PLACE_AFTER_SECONDS));
            if (ft == null) {
                env.put(StartScript.WATCH_HEAD, StartScript.WATCH_HEAD_SECONDS); // with it, workers stay with a new head
            }
        }
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /**
     * The GCS storage namespace: the spec's, else one unique to this creation of the cluster, as KubeRay's
     * default (the RayCluster's UID) is. The cluster network lives exactly as long as the cluster, so its id
     * serves: a cluster deleted and created again under the same name does not reload the old one's
     * jobs, nodes and detached actors from Redis (F6).
     */
    static String storageNamespace(RayCluster cluster, ClusterNetwork network) {
        String given = cluster.gcsFaultTolerance().storageNamespace();
        return given != null ? given : "swarmray-" + cluster.name() + "-" + network.id().substring(0, Math.min(12, network.id().length()));
    }

    /** Mount points of writable emptyDir (not Memory) volumes, which the start script makes writable. */
    static List<String> writableEmptyDirs(GroupSpec g) {
        var kinds = new HashMap<String, VolumeKind>();
        g.template().volumes().forEach(v -> kinds.put(v.name(), v.kind()));
        return g.template().container().volumeMounts().stream()
                .filter(m -> !m.readOnly() && kinds.get(m.name()) == VolumeKind.EMPTY_DIR).map(m -> m.mountPath()).toList();
    }

    static List<Mount> mounts(GroupSpec g) {
        var c = g.template().container();
        Map<String, Volume> volumes = new LinkedHashMap<>();
        g.template().volumes().forEach(v -> volumes.put(v.name(), v));
        List<Mount> out = new ArrayList<>();
        boolean userShm = c.volumeMounts().stream().anyMatch(m -> m.mountPath().equals("/dev/shm"));
        if (!userShm) {
            // Ray's object store lives in /dev/shm; Docker's default is 64 MB. KubeRay mounts a memory emptyDir.
            BigDecimal memory = c.resources().limits().get("memory");
            out.add(new Mount(MountType.TMPFS, null, "/dev/shm", false, memory == null ? 0 : Quantity.ceil(memory)));
        }
        for (var m : c.volumeMounts()) {
            Volume v = volumes.get(m.name());
            String target = SwarmTemplates.escape(m.mountPath());
            switch (v.kind()) {
                case HOST_PATH -> out.add(new Mount(MountType.BIND, SwarmTemplates.escape(v.hostPath()), target, m.readOnly(), 0));
                case EMPTY_DIR -> out.add(new Mount(MountType.VOLUME, null, target, m.readOnly(), 0));
                case MEMORY -> out.add(new Mount(MountType.TMPFS, null, target, m.readOnly(),
                        v.sizeLimitBytes() == null ? 0 : v.sizeLimitBytes()));
            }
        }
        return out;
    }

    /**
     * CPU and memory limits and reservations; extended resources (nvidia.com/gpu) become Swarm generic
     * resource reservations of their configured kind (NVIDIA-GPU), from the limit as Kubernetes counts them.
     */
    static DesiredService.Resources resources(GroupSpec g, RenderOptions options) {
        var r = g.template().container().resources();
        TreeMap<String, Long> generic = new TreeMap<>();
        options.genericKinds().forEach((resource, kind) -> {
            BigDecimal n = r.limits().getOrDefault(resource, r.requests().get(resource));
            if (n != null && n.signum() > 0) {
                generic.put(kind, Quantity.ceil(n));
            }
        });
        return new DesiredService.Resources(nanoCpus(r.limits().get("cpu")), bytes(r.limits().get("memory")),
                nanoCpus(r.requests().get("cpu")), bytes(r.requests().get("memory")), generic);
    }

    private static long nanoCpus(BigDecimal cpus) {
        return cpus == null ? 0 : Quantity.nanos(cpus);
    }

    private static long bytes(BigDecimal q) {
        return q == null ? 0 : Quantity.ceil(q);
    }

    static DesiredService.Placement placement(GroupSpec g) {
        List<String> constraints = new ArrayList<>();
        if (g.type() == NodeType.HEAD && g.placement().pinToManager()) {
            constraints.add("node.role==manager");
        }
        g.template().nodeSelector().forEach((k, v) -> constraints.add("node.labels." + k + "==" + v));
        constraints.addAll(g.placement().constraints());
        return new DesiredService.Placement(constraints, g.placement().spread(), g.placement().maxReplicasPerNode());
    }
}

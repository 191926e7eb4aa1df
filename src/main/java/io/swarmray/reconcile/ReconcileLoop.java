package io.swarmray.reconcile;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.swarmray.Config;
import io.swarmray.DaemonThreads;
import io.swarmray.metrics.OperatorMetrics;
import io.swarmray.rayjob.JobStore;
import io.swarmray.rayjob.RayJobReconciler;
import io.swarmray.rayservice.RayServiceReconciler;
import io.swarmray.render.Labels;
import io.swarmray.spec.SpecDirectory;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.status.StatusStore;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Wires the event sources to the work queue and runs the workers. Sources: the specs directory
 * (inotify, debounced into a scan), and a periodic resync that also finds clusters that only Swarm
 * still knows (their spec vanished while the operator was down).
 */
@ApplicationScoped
public class ReconcileLoop {
    private static final Logger LOG = Logger.getLogger(ReconcileLoop.class);
    /**
     * Clusters reconciled at once. A pass mostly waits on Docker, so more than the cores: ten clusters written at
     * once are created about together, and a cluster whose Docker calls hang (up to their timeouts) holds one worker.
     */
    static final int WORKERS = 8;
    static final Duration STUCK_AFTER = Duration.ofMinutes(5);

    @Inject
    ClusterReconciler reconciler;
    @Inject
    RayServiceReconciler serviceReconciler;
    @Inject
    RayJobReconciler jobReconciler;
    @Inject
    JobStore jobStore;
    @Inject
    SpecDirectory specs;
    @Inject
    SpecRegistry registry;
    @Inject
    SwarmClient swarm;
    @Inject
    Config config;
    @Inject
    SwarmWatcher swarmWatcher;
    @Inject
    OperatorMetrics metrics;
    @Inject
    StatusStore statuses;

    private ScheduledExecutorService timer;
    private volatile boolean jobRecordsRead;
    private WorkQueue queue;
    private WatchService watchService;
    private final AtomicBoolean scanPending = new AtomicBoolean();
    private final Map<String, Long> busySince = new ConcurrentHashMap<>();
    private volatile long lastResyncMillis = System.currentTimeMillis();

    void onStart(@Observes StartupEvent e) {
        config.renderOptions(); // a bad swarmray.image-rewrites or generic-resources entry stops the start with its message
        try {
            Files.createDirectories(config.specsDir());
        } catch (IOException ex) {
            LOG.errorf("cannot create the specs directory %s: %s", config.specsDir(), ex.getMessage());
        }
        timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("swarmray-timer"));
        queue = new WorkQueue(timer, Duration.ofMillis(500), Duration.ofSeconds(60));
        metrics.queueDepth(queue, WorkQueue::depth);
        LOG.infof("watching %s for RayCluster specs; status files in %s", config.specsDir().toAbsolutePath(),
                config.statusDir().toAbsolutePath());
        // Off the start-up path: HTTP listens at once, and the first resync lists Swarm (Docker may be slow or down).
        timer.execute(this::startSources);
    }

    private void startSources() {
        // Read every spec before any reconcile: a cluster whose file was not read yet must not look deleted.
        resync();
        DaemonThreads.named("swarmray-spec-watch", this::watch).start();
        swarmWatcher.start(timer, this::heard, this::knownClusters);
        try {
            reconciler.listEverythingOnce();
        } catch (SwarmException ex) {
            LOG.debugf("the first listing of every cluster failed (%s); each pass lists its own", ex.getMessage());
        }
        for (int i = 0; i < WORKERS; i++) {
            DaemonThreads.named("swarmray-reconcile-" + i, this::work).start();
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        swarmWatcher.stop();
        queue.shutdown();
        timer.shutdownNow();
        try {
            if (watchService != null) {
                watchService.close();
            }
        } catch (IOException ignored) {
            // shutting down
        }
    }

    @Scheduled(every = "${swarmray.resync-interval}", delayed = "${swarmray.resync-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void resync() {
        lastResyncMillis = System.currentTimeMillis();
        scan();
        registry.services().forEach(s -> queue.add(SpecRegistry.serviceKey(s.name())));
        registry.jobs().forEach(j -> queue.add(SpecRegistry.jobKey(j.name())));
        try {
            if (!jobRecordsRead) {
                // A RayJob whose file went while the operator was down, and whose cluster is gone too, is known by its record.
                jobStore.jobs().forEach(j -> queue.add(SpecRegistry.jobKey(j)));
                jobRecordsRead = true;
            }
            List<ObservedService> all = swarm.services(null);
            // a steady cluster only when its probe is due, or when its services changed unheard of (an event missed)
            Map<String, List<ObservedService>> byCluster = all.stream().filter(s -> s.label(Labels.CLUSTER) != null)
                    .collect(Collectors.groupingBy(s -> s.label(Labels.CLUSTER)));
            Instant now = Instant.now();
            for (var c : registry.clusters()) {
                // through methods: the injected reconciler is a client proxy, whose fields are not the bean's
                if (reconciler.due(c.name(), Steadiness.fingerprint(byCluster.getOrDefault(c.name(), List.of())), now)) {
                    queue.add(c.name());
                }
            }
            Orphans.keys(all, swarm.networks(null), c -> registry.cluster(c) != null).forEach(queue::add);
        } catch (SwarmException ex) {
            LOG.debugf("resync could not list Swarm: %s", ex.getMessage());
            registry.clusters().forEach(c -> queue.add(c.name())); // each pass says what fails
        }
    }

    /** Reads what changed in the specs directory and queues the clusters concerned. */
    void scan() {
        try {
            SpecDirectory.ScanResult result = specs.scan(System.currentTimeMillis());
            result.changedClusters().forEach(this::heard);
            if (result.unsettled()) {
                scanSoon(SpecDirectory.SETTLE_MILLIS);
            }
        } catch (IOException ex) {
            LOG.warnf("cannot read the specs directory %s: %s", config.specsDir(), ex.getMessage());
        }
    }

    private void scanSoon(long millis) {
        if (scanPending.compareAndSet(false, true)) {
            timer.schedule(() -> {
                scanPending.set(false);
                scan();
            }, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void watch() {
        try {
            watchService = FileSystems.getDefault().newWatchService();
            config.specsDir().register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            while (true) {
                WatchKey key = watchService.take();
                key.pollEvents();
                key.reset();
                scanSoon(50);
            }
        } catch (ClosedWatchServiceException | InterruptedException stop) {
            // shutting down
        } catch (IOException ex) {
            LOG.warnf("cannot watch %s (%s); changes are seen at each resync (%s)", config.specsDir(), ex.getMessage(),
                    config.resyncInterval());
        }
    }

    private void work() {
        String thread = Thread.currentThread().getName();
        while (true) {
            String key;
            try {
                key = queue.take();
            } catch (InterruptedException ex) {
                return;
            }
            if (key == null) {
                return;
            }
            busySince.put(thread + "/" + key, System.currentTimeMillis());
            long started = System.nanoTime();
            String result = "error";
            try {
                Duration next = key.startsWith(SpecRegistry.SERVICE_KEY_PREFIX)
                        ? serviceReconciler.reconcile(key.substring(SpecRegistry.SERVICE_KEY_PREFIX.length()), this::heard)
                        : key.startsWith(SpecRegistry.JOB_KEY_PREFIX)
                                ? jobReconciler.reconcile(key.substring(SpecRegistry.JOB_KEY_PREFIX.length()), this::heard)
                                : reconciler.reconcile(key);
                queue.forget(key);
                if (next != null) {
                    queue.addAfter(key, next);
                }
                result = "ok";
            } catch (SwarmException ex) {
                Duration delay = queue.addRateLimited(key);
                LOG.warnf("cluster %s: %s; retrying in %d ms", key, ex.getMessage(), delay.toMillis());
            } catch (RuntimeException ex) {
                Duration delay = queue.addRateLimited(key);
                LOG.errorf(ex, "cluster %s: reconcile failed; retrying in %d ms", key, delay.toMillis());
            } finally {
                metrics.reconcile(result, Duration.ofNanos(System.nanoTime() - started));
                busySince.remove(thread + "/" + key);
                queue.done(key);
            }
        }
    }

    /** Null while the loop is alive and moving; otherwise what is wrong (for the liveness check). */
    public String stuckProblem() {
        long now = System.currentTimeMillis();
        for (var e : busySince.entrySet()) {
            if (now - e.getValue() > STUCK_AFTER.toMillis()) {
                return "reconcile " + e.getKey() + " has been running for " + (now - e.getValue()) / 1000 + " s";
            }
        }
        long allowed = config.resyncInterval().toMillis() * 3 + 30_000;
        if (now - lastResyncMillis > allowed) {
            return "the periodic resync has not run for " + (now - lastResyncMillis) / 1000 + " s";
        }
        return null;
    }

    /** Every cluster that a spec declares or that has a status. */
    Set<String> knownClusters() {
        Set<String> names = new HashSet<>();
        registry.clusters().forEach(c -> names.add(c.name()));
        statuses.all().forEach(s -> names.add(s.name()));
        return names;
    }

    /** Looks at {@code key} (a cluster) soon: something outside the loop changed what it wants. */
    public void poke(String key) {
        if (queue != null) {
            heard(key);
        }
    }

    /** Something changed about {@code key}: its next pass is a full one, soon. */
    private void heard(String key) {
        reconciler.heard(key);
        queue.add(key);
    }

    public int queueDepth() {
        return queue == null ? 0 : queue.depth();
    }
}

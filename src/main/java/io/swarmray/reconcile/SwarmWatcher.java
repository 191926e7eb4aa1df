package io.swarmray.reconcile;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.swarmray.Config;
import io.swarmray.DaemonThreads;
import io.swarmray.render.Labels;
import io.swarmray.status.StatusStore;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns what happens on the swarm into queue events. Swarm has events for services and nodes only
 * (and only on managers), none for tasks: so one stream for services and nodes (and the deaths of
 * this engine's Ray containers), plus ONE label-filtered task listing per period for all clusters,
 * fast while a cluster converges or recovers and slow while all are steady. A cluster whose tasks
 * changed is queued.
 */
@ApplicationScoped
public class SwarmWatcher {
    private static final Logger LOG = Logger.getLogger(SwarmWatcher.class);
    static final Duration FAST = Duration.ofSeconds(1);
    /**
     * At most: the resync interval when shorter. Between two listings a steady cluster is only probed at a slowing
     * pace, so this listing is what sees a killed head first; a head that Swarm restarts in under 10 s (with GCS
     * fault tolerance) could otherwise come and go unseen.
     */
    static final Duration SLOW = Duration.ofSeconds(10);
    private static final String BROKEN = "the Swarm event stream is broken: ";
    /**
     * The actions streamed: services' and nodes' (create, update, remove) and a container's death. Docker matches an
     * action exactly, so the healthchecks' exec events (exec_create, exec_start, exec_die: 20 a second with 50
     * clusters) stay out, and so do health_status events.
     */
    static final String[] ACTIONS = {"create", "update", "remove", "die"};
    /**
     * While the engine is away, one listing every 5 s at most: the stream's reopening is what queues every cluster
     * again (see streamEvents), so this bounds how long after the engine's return the clusters wait for a pass; their own
     * failure backoff grows to a minute.
     */
    static final long MAX_RECONNECT_MILLIS = 5_000;

    @Inject
    DockerClient docker;
    @Inject
    SwarmClient swarm;
    @Inject
    StatusStore statuses;
    @Inject
    Config config;

    private final Map<String, String> serviceCluster = new ConcurrentHashMap<>();
    private Map<String, String> taskFingerprints = new HashMap<>();
    private volatile Map<String, List<ObservedTask>> latestTasks = Map.of();
    private volatile String streamProblem = "not started";
    private volatile boolean stopped;

    /** Null while the event stream is open. */
    public String streamProblem() {
        return streamProblem;
    }

    void start(ScheduledExecutorService timer, Consumer<String> enqueue, Supplier<Set<String>> knownClusters) {
        DaemonThreads.named("swarmray-events", () -> streamEvents(enqueue, knownClusters)).start();
        pollTasks(timer, enqueue);
    }

    void stop() {
        stopped = true;
    }

    private void pollTasks(ScheduledExecutorService timer, Consumer<String> enqueue) {
        if (stopped) {
            return;
        }
        try {
            for (String cluster : changedClusters(swarm.tasks(null))) {
                enqueue.accept(cluster);
            }
        } catch (SwarmException e) {
            LOG.debugf("task listing failed: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "task listing failed");
        }
        boolean converging = statuses.all().stream().anyMatch(s -> !s.state().equals("ready") && !s.state().equals("suspended"));
        Duration slow = config.resyncInterval().compareTo(SLOW) < 0 ? config.resyncInterval() : SLOW;
        timer.schedule(() -> pollTasks(timer, enqueue), (converging ? FAST : slow).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A cluster's tasks in the latest listing for all clusters (at most one poll period old). */
    List<ObservedTask> latestTasks(String cluster) {
        return latestTasks.getOrDefault(cluster, List.of());
    }

    /** Clusters whose set of tasks, states or errors differ from the previous listing. */
    Set<String> changedClusters(List<ObservedTask> tasks) {
        Map<String, String> next = new HashMap<>();
        Map<String, List<ObservedTask>> byCluster = tasks.stream().filter(t -> t.cluster() != null)
                .collect(Collectors.groupingBy(ObservedTask::cluster, TreeMap::new, Collectors.toList()));
        latestTasks = byCluster;
        byCluster.forEach((cluster, list) -> next.put(cluster, list.stream()
                .map(t -> t.id() + ":" + t.state() + ":" + t.desiredState() + ":" + t.error())
                .sorted().collect(Collectors.joining(","))));
        Set<String> changed = new HashSet<>();
        for (String c : next.keySet()) {
            if (!Objects.equals(next.get(c), taskFingerprints.get(c))) {
                changed.add(c);
            }
        }
        for (String c : taskFingerprints.keySet()) {
            if (!next.containsKey(c)) {
                changed.add(c);
            }
        }
        taskFingerprints = next;
        return changed;
    }

    private void streamEvents(Consumer<String> enqueue, Supplier<Set<String>> knownClusters) {
        long backoff = 500;
        long since = System.currentTimeMillis() / 1000;
        boolean[] failedToOpen = {false};
        while (!stopped) {
            long[] lastSeen = {since};
            boolean[] open = {false};
            long opened = System.currentTimeMillis();
            try {
                refreshServiceMap();
                var cb = docker.eventsCmd().withEventTypeFilter(EventType.SERVICE, EventType.NODE, EventType.CONTAINER)
                        .withEventFilter(ACTIONS).withSince(String.valueOf(since)).exec(new ResultCallback.Adapter<Event>() {
                            @Override
                            public void onStart(Closeable stream) {
                                streamProblem = null;
                                open[0] = true;
                                if (failedToOpen[0]) {
                                    failedToOpen[0] = false;
                                    // as an informer relists after its watch broke: the engine was away, so every
                                    // cluster is looked at now rather than at the end of its failure backoff
                                    knownClusters.get().forEach(enqueue);
                                }
                            }

                            @Override
                            public void onError(Throwable error) {
                                // reported by the loop below (or expected, at shutdown); closing is enough here
                                try {
                                    close();
                                } catch (IOException ignored) {
                                    // already closing
                                }
                                if (!stopped) {
                                    streamProblem = BROKEN + error.getMessage();
                                }
                            }

                            @Override
                            public void onNext(Event e) {
                                if (e.getTime() != null) {
                                    lastSeen[0] = e.getTime();
                                }
                                handle(e, enqueue, knownClusters);
                            }
                        });
                cb.awaitCompletion();
                since = lastSeen[0];
                // The transport's read timeout closes an idle stream: reopen from the last event seen.
                streamProblem = null;
                backoff = 500;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                since = lastSeen[0];
                failedToOpen[0] |= !open[0]; // the engine did not answer (refused, or timed out while hung)
                if (System.currentTimeMillis() - opened > 20_000) {
                    backoff = 500; // it ran for a while: a timeout, not a failure
                } else {
                    streamProblem = BROKEN + e.getMessage();
                    LOG.warnf("%s; reconnecting in %d ms", streamProblem, backoff);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, MAX_RECONNECT_MILLIS);
                }
            }
        }
    }

    private void refreshServiceMap() {
        try {
            swarm.services(null).forEach(s -> {
                String c = s.label(Labels.CLUSTER);
                if (c != null) {
                    serviceCluster.put(s.name(), c);
                }
            });
        } catch (SwarmException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void handle(Event e, Consumer<String> enqueue, Supplier<Set<String>> knownClusters) {
        if (e.getType() == EventType.NODE) {
            knownClusters.get().forEach(enqueue); // a node coming or going can touch every cluster
            return;
        }
        Map<String, String> attrs = e.getActor() == null || e.getActor().getAttributes() == null ? Map.of() : e.getActor().getAttributes();
        if (e.getType() == EventType.CONTAINER) {
            String cluster = diedCluster(e.getAction(), attrs, config.instance());
            if (cluster != null) {
                enqueue.accept(cluster);
            }
            return;
        }
        String service = attrs.get("name");
        String cluster = service == null ? null : serviceCluster.get(service);
        if (cluster == null && service != null && "create".equals(e.getAction())) {
            refreshServiceMap();
            cluster = serviceCluster.get(service);
        }
        if (cluster != null) {
            enqueue.accept(cluster);
        }
    }

    /**
     * The cluster of this instance whose Ray container on this engine died ({@code die}, with the container's labels
     * as its attributes); null for any other container event. A head is pinned to managers, so most often on the
     * operator's engine: its death is seen at once, not at the next task listing (up to {@link #SLOW} later), by
     * when Swarm's new head and the workers' start scripts may have healed the cluster without its status ever
     * showing the loss (FailoverSwarmTest, in three runs).
     */
    static String diedCluster(String action, Map<String, String> attributes, String instance) {
        return "die".equals(action) && Labels.ownedBy(attributes, instance) ? attributes.get(Labels.CLUSTER) : null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

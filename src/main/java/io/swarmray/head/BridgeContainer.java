package io.swarmray.head;

import io.swarmray.DaemonThreads;
import io.swarmray.head.BridgeBatch.Outcome;
import io.swarmray.head.BridgeBatch.Target;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * A container on the engine's host network (the stack's {@code bridge} service, labelled {@value #LABEL}): it
 * reaches the engine's gateway bridge as the host does, which the operator's own container cannot (docker_gwbridge
 * keeps containers apart). The operator as a Swarm service asks its heads' tables through it, many in one exec
 * ({@link BridgeBatch}), where it would otherwise exec into every head: a restart with 50 clusters made 50 execs
 * (bench/restart.sh). It listens on nothing, so no task on any network reaches the host through it; only the
 * Docker API, which the operator has anyway, runs anything there.
 */
@ApplicationScoped
public class BridgeContainer {
    private static final Logger LOG = Logger.getLogger(BridgeContainer.class);
    public static final String LABEL = "swarmray.io/gateway-bridge";
    static final Duration LOOKED_FOR_AGAIN = Duration.ofMinutes(1);
    /** Each head's answer; a dashboard on this host answers at once unless its GCS is busy. */
    static final Duration EACH = Duration.ofSeconds(3);
    static final Duration EXEC = EACH.plusSeconds(2);
    /** Heads asked in one exec at most: a client per head runs at once in the container. */
    static final int MAX_BATCH = 25;
    /**
     * How long a result is waited for: the batch running now, then its own. A request behind more than one full batch
     * (heads asked ahead at a restart, 25 to a batch) can take longer, and is then asked by exec.
     */
    static final Duration WAIT = EXEC.multipliedBy(2).plusSeconds(1);

    @Inject
    SwarmClient swarm;

    private final ExecutorService runner = Executors.newSingleThreadExecutor(DaemonThreads.factory("swarmray-bridge"));
    private final Batcher<Target, Outcome> batches = new Batcher<>(this::run, runner, MAX_BATCH);
    private Found found;

    private record Found(Optional<String> id, long atNanos) {
    }

    /** Whether there is one on the engine: looked for once, again a minute later while there is none or after one failed. */
    boolean present() {
        return id().isPresent();
    }

    /** What came of asking {@code target} from there; empty when there is no such container or its exec failed. */
    Optional<Outcome> ask(Target target) {
        return batches.ask(target, WAIT);
    }

    /** The same, asked now and waited for later ({@link #await}). */
    CompletableFuture<Outcome> submit(Target target) {
        return batches.submit(target);
    }

    /** What came of a {@link #submit}, waited for as {@link #ask} waits. */
    static Optional<Outcome> await(CompletableFuture<Outcome> submitted) {
        return Batcher.await(submitted, WAIT);
    }

    private synchronized Optional<String> id() {
        long now = System.nanoTime();
        if (found == null || (found.id().isEmpty() && now - found.atNanos() > LOOKED_FOR_AGAIN.toNanos())) {
            Optional<String> id = Optional.empty();
            try {
                id = swarm.hostNetworkContainers(LABEL).stream().findFirst();
            } catch (SwarmException e) {
                LOG.debugf("cannot list the containers labelled %s: %s", LABEL, e.getMessage());
            }
            found = new Found(id, now);
        }
        return found.id();
    }

    private synchronized void forget(String id) {
        if (found != null && found.id().equals(Optional.of(id))) {
            found = new Found(Optional.empty(), System.nanoTime());
        }
    }

    private List<Outcome> run(List<Target> targets) {
        Optional<String> id = id();
        if (id.isEmpty()) {
            return List.of();
        }
        try {
            String out = swarm.exec(id.get(), BridgeBatch.command(targets, EACH), EXEC, BridgeBatch::complete);
            return BridgeBatch.parse(out, targets.size());
        } catch (SwarmException | IllegalArgumentException | IllegalStateException e) {
            forget(id.get());
            LOG.infof("the gateway bridge's container %s did not answer (%s); heads are asked by exec until it is looked for again",
                    id.get(), e.getMessage());
            return List.of();
        }
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }
}

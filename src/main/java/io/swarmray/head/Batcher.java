package io.swarmray.head;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Requests that come while a batch runs go together in the next one: one batch at a time, and none waits for a
 * window to fill. A restarted operator's first passes (eight at a time) so ask their heads' tables in a few execs
 * instead of one each.
 *
 * @param <T> a request
 * @param <R> its result
 */
final class Batcher<T, R> {
    private record Pending<T, R>(T request, CompletableFuture<R> result) {
    }

    /** Runs a batch: one result for each request, in order. */
    private final Function<List<T>, List<R>> run;
    private final Executor executor;
    private final int maxBatch;
    private final List<Pending<T, R>> queue = new ArrayList<>();
    private boolean draining;

    /** @param maxBatch the most requests a batch takes; the others wait for the next */
    Batcher(Function<List<T>, List<R>> run, Executor executor, int maxBatch) {
        this.run = run;
        this.executor = executor;
        this.maxBatch = maxBatch;
    }

    /**
     * The result of {@code request}, in the batch after the one running now at the latest; empty when that batch
     * failed or took longer than {@code wait}.
     */
    Optional<R> ask(T request, Duration wait) {
        return await(submit(request), wait);
    }

    /** A submitted request's result; empty when there was none, its batch failed, or it took longer than {@code wait}. */
    static <R> Optional<R> await(CompletableFuture<R> result, Duration wait) {
        try {
            return Optional.ofNullable(result.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The same without waiting: the result to come (null when the batch had none for it), or the batch's failure. */
    CompletableFuture<R> submit(T request) {
        var pending = new Pending<T, R>(request, new CompletableFuture<>());
        synchronized (queue) {
            queue.add(pending);
            if (!draining) {
                try {
                    executor.execute(this::drain);
                    draining = true;
                } catch (RejectedExecutionException shutDown) {
                    queue.remove(pending);
                    pending.result().completeExceptionally(shutDown);
                }
            }
        }
        return pending.result();
    }

    /** Requests waiting for the next batch. */
    int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    private void drain() {
        while (true) {
            List<Pending<T, R>> batch;
            synchronized (queue) {
                if (queue.isEmpty()) {
                    draining = false;
                    return;
                }
                List<Pending<T, R>> next = queue.subList(0, Math.min(queue.size(), maxBatch));
                batch = List.copyOf(next);
                next.clear();
            }
            try {
                List<R> results = run.apply(batch.stream().map(Pending::request).toList());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(i < results.size() ? results.get(i) : null);
                }
            } catch (RuntimeException | Error e) { // never a request left waiting for its whole wait
                batch.forEach(p -> p.result().completeExceptionally(e));
            }
        }
    }
}

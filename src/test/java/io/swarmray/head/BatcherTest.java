package io.swarmray.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests that come while a batch runs go together in the next; each gets its own result, or none when its batch failed. */
class BatcherTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    final ExecutorService callers = Executors.newFixedThreadPool(8);
    final ExecutorService runner = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        callers.shutdownNow();
        runner.shutdownNow();
    }

    /** A batcher whose batches answer each request with its number, the first one only once released. */
    final class FirstHeld {
        final List<List<Integer>> batches = new ArrayList<>();
        final CountDownLatch firstRunning = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final Batcher<Integer, String> batcher;

        FirstHeld(int maxBatch) {
            batcher = new Batcher<>(requests -> {
                synchronized (batches) {
                    batches.add(requests);
                }
                if (batches.size() == 1) {
                    firstRunning.countDown();
                    await(released);
                }
                return requests.stream().map(String::valueOf).toList();
            }, runner, maxBatch);
        }
    }

    @Test
    void whatComesWhileABatchRunsGoesInTheNextOne() throws Exception {
        var held = new FirstHeld(8);
        Future<Optional<String>> first = callers.submit(() -> held.batcher.ask(0, WAIT));
        assertTrue(held.firstRunning.await(5, TimeUnit.SECONDS));
        List<Future<Optional<String>>> others = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            int request = i;
            others.add(callers.submit(() -> held.batcher.ask(request, WAIT)));
        }
        while (held.batcher.queued() < 7) {
            Thread.onSpinWait();
        }
        held.released.countDown();

        assertEquals(Optional.of("0"), first.get(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 7; i++) {
            assertEquals(Optional.of(String.valueOf(i)), others.get(i - 1).get(5, TimeUnit.SECONDS));
        }
        assertEquals(2, held.batches.size(), "eight requests, two batches: " + held.batches);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), held.batches.get(1).stream().sorted().toList());
    }

    @Test
    void aBatchTakesAtMostItsMaximumAndTheRestGoInTheNext() throws Exception {
        var held = new FirstHeld(2);
        var first = held.batcher.submit(0);
        assertTrue(held.firstRunning.await(5, TimeUnit.SECONDS));
        List<CompletableFuture<String>> asked = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            asked.add(held.batcher.submit(i)); // asked ahead: nothing waits here
        }
        held.released.countDown();
        assertEquals("0", first.get(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 5; i++) {
            assertEquals(Optional.of(String.valueOf(i)), Batcher.await(asked.get(i - 1), WAIT));
        }
        assertEquals(List.of(List.of(0), List.of(1, 2), List.of(3, 4), List.of(5)), held.batches);
    }

    @Test
    void aFailedBatchGivesItsRequestsNothingAndTheNextRuns() {
        var failing = new CompletableFuture<Void>();
        var batcher = new Batcher<Integer, String>(requests -> {
            if (!failing.isDone()) {
                failing.complete(null);
                throw new IllegalStateException("exec failed");
            }
            return List.of();
        }, runner, 8);
        assertEquals(Optional.empty(), batcher.ask(1, WAIT));
        assertEquals(Optional.empty(), batcher.ask(2, WAIT), "no result for it: empty, not an error");
        var answering = new Batcher<Integer, String>(requests -> requests.stream().map(String::valueOf).toList(), runner, 8);
        assertEquals(Optional.of("3"), answering.ask(3, WAIT));
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

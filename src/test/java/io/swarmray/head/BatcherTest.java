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

    @Test
    void whatComesWhileABatchRunsGoesInTheNextOne() throws Exception {
        List<List<Integer>> batches = new ArrayList<>();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        var batcher = new Batcher<Integer, String>(requests -> {
            synchronized (batches) {
                batches.add(requests);
            }
            if (batches.size() == 1) {
                firstRunning.countDown();
                await(othersQueued);
            }
            return requests.stream().map(r -> "answer " + r).toList();
        }, runner, 8);

        Future<Optional<String>> first = callers.submit(() -> batcher.ask(0, WAIT));
        assertTrue(firstRunning.await(5, TimeUnit.SECONDS));
        List<Future<Optional<String>>> others = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            int request = i;
            others.add(callers.submit(() -> batcher.ask(request, WAIT)));
        }
        while (queued(batcher) < 7) {
            Thread.onSpinWait();
        }
        othersQueued.countDown();

        assertEquals(Optional.of("answer 0"), first.get(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 7; i++) {
            assertEquals(Optional.of("answer " + i), others.get(i - 1).get(5, TimeUnit.SECONDS));
        }
        assertEquals(2, batches.size(), "eight requests, two batches: " + batches);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), batches.get(1).stream().sorted().toList());
    }

    @Test
    void aBatchTakesAtMostItsMaximumAndTheRestGoInTheNext() throws Exception {
        List<List<Integer>> batches = new ArrayList<>();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        var batcher = new Batcher<Integer, String>(requests -> {
            synchronized (batches) {
                batches.add(requests);
            }
            if (batches.size() == 1) {
                firstRunning.countDown();
                await(released);
            }
            return requests.stream().map(String::valueOf).toList();
        }, runner, 2);
        var first = batcher.submit(0);
        assertTrue(firstRunning.await(5, TimeUnit.SECONDS));
        List<CompletableFuture<String>> asked = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            asked.add(batcher.submit(i)); // asked ahead: nothing waits here
        }
        released.countDown();
        assertEquals("0", first.get(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 5; i++) {
            assertEquals(Optional.of(String.valueOf(i)), Batcher.await(asked.get(i - 1), WAIT));
        }
        assertEquals(List.of(List.of(0), List.of(1, 2), List.of(3, 4), List.of(5)), batches);
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

    /** Requests waiting for the next batch: read through the batcher's queue, as the runner would. */
    static int queued(Batcher<?, ?> batcher) {
        return batcher.queued();
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

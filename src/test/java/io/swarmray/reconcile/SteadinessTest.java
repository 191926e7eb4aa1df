package io.swarmray.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SteadinessTest {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    static final Steadiness.Settled SEEN = new Steadiness.Settled("head-svc", Set.of("n1", "n2"));
    final Steadiness steadiness = new Steadiness(Duration.ofSeconds(30), Duration.ofMinutes(5));

    @Test
    void aSteadyClustersProbesBackOffUpToTheMaximum() {
        steadiness.settled("c", steadiness.mark("c"), "fp", SEEN, T0);
        assertFalse(steadiness.due("c", "fp", T0.plusSeconds(29)));
        assertTrue(steadiness.due("c", "fp", T0.plusSeconds(30)));
        Instant now = T0.plusSeconds(30);
        long[] waits = new long[7];
        for (int i = 0; i < waits.length; i++) {
            steadiness.probedUnchanged("c", now);
            waits[i] = steadiness.probeInterval("c").toSeconds();
            assertFalse(steadiness.due("c", "fp", now.plus(steadiness.probeInterval("c")).minusSeconds(1)));
            now = now.plus(steadiness.probeInterval("c"));
            assertTrue(steadiness.due("c", "fp", now));
        }
        assertEquals("[60, 120, 240, 300, 300, 300, 300]", java.util.Arrays.toString(waits));
    }

    @Test
    void anythingHeardMakesTheNextPassFullAndResetsThePace() {
        steadiness.settled("c", steadiness.mark("c"), "fp", SEEN, T0);
        steadiness.probedUnchanged("c", T0.plusSeconds(30));
        assertNotNull(steadiness.seen("c"));
        steadiness.heard("c");
        assertNull(steadiness.seen("c"), "a full pass, not a probe");
        assertTrue(steadiness.due("c", "fp", T0.plusSeconds(31)));
        steadiness.settled("c", steadiness.mark("c"), "fp", SEEN, T0.plusSeconds(40));
        assertEquals(Duration.ofSeconds(30), steadiness.probeInterval("c"));
        assertEquals(SEEN, steadiness.seen("c"));
    }

    @Test
    void somethingHeardWhileAPassRanKeepsTheClusterUnsteady() {
        long mark = steadiness.mark("c");
        steadiness.heard("c"); // e.g. a task changed after the pass had listed the tasks
        steadiness.settled("c", mark, "fp", SEEN, T0);
        assertNull(steadiness.seen("c"));
        assertTrue(steadiness.due("c", "fp", T0));
    }

    @Test
    void servicesThatChangedWithoutAnEventMakeItDueAtOnce() {
        steadiness.settled("c", steadiness.mark("c"), "fp", SEEN, T0);
        assertTrue(steadiness.due("c", "fp-after-a-missed-event", T0.plusSeconds(1)));
        assertNull(steadiness.seen("c"), "the pass it leads to is a full one");
    }

    @Test
    void aClusterNeverSettledIsAlwaysDue() {
        assertTrue(steadiness.due("new", "", T0));
        steadiness.settled("c", steadiness.mark("c"), "fp", SEEN, T0);
        steadiness.unsettled("c");
        assertTrue(steadiness.due("c", "fp", T0));
        steadiness.forget("c");
        assertNull(steadiness.probeInterval("c"));
    }
}

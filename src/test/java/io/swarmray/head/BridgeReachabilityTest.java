package io.swarmray.head;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the gateway bridge is given up: only when a head that answers by exec did not answer there. */
class BridgeReachabilityTest {
    private static final long T0 = -7_000_000_000L; // System.nanoTime's origin is arbitrary: negative is as good as any
    private static final long FIVE_MIN = BridgeReachability.UNREACHABLE_FOR.toNanos();
    private final BridgeReachability bridge = new BridgeReachability(T0);

    @Test
    void aKilledHeadsAddressTimingOutLeavesTheBridgeInUse() {
        bridge.connectTimedOut("killed");
        assertTrue(bridge.usable(T0 + 1), "a timeout alone proves nothing");
        assertFalse(bridge.answeredByExec("replacement", T0 + 2), "another container answering by exec");
        bridge.retainOnly(Set.of("replacement")); // the next listing: the killed container is gone
        assertFalse(bridge.answeredByExec("killed", T0 + 3));
        assertTrue(bridge.usable(T0 + 4));
    }

    @Test
    void aHeadThatAnswersByExecAfterItsAddressTimedOutMarksTheBridgeUnreachableForFiveMinutes() {
        bridge.connectTimedOut("alive");
        assertTrue(bridge.answeredByExec("alive", T0 + 10));
        assertFalse(bridge.usable(T0 + 10));
        assertFalse(bridge.usable(T0 + 10 + FIVE_MIN - 1));
        assertTrue(bridge.usable(T0 + 10 + FIVE_MIN));
        assertFalse(bridge.answeredByExec("alive", T0 + 10 + FIVE_MIN), "counted once: the next exec answer marks nothing");
    }

    @Test
    void anExecAnswerWithoutATimeoutMarksNothing() {
        assertFalse(bridge.answeredByExec("refused-on-the-bridge", T0 + 5)); // a dashboard on 127.0.0.1: refused, not timed out
        assertTrue(bridge.usable(T0 + 5));
    }
}

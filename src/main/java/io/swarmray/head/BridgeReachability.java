package io.swarmray.head;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the gateway bridge is worth trying. A connect that times out says little by itself: the head's container
 * may have been killed a moment ago (its address then answers nothing until the next listing), or the host may not
 * reach the bridge at all (a firewall that drops its packets). Only the second is worth giving up the bridge for, and
 * the exec that follows tells them apart: a head that answers by exec after its address timed out is alive, so the
 * bridge is what failed. Then heads are asked by exec for {@link #UNREACHABLE_FOR}, sparing each probe the connect
 * timeout. Times are System.nanoTime, whose origin is arbitrary: only differences count.
 */
final class BridgeReachability {
    static final Duration UNREACHABLE_FOR = Duration.ofMinutes(5);

    /** Containers whose address on the bridge timed out, until they answer by exec or leave the listing. */
    private final Set<String> timedOut = ConcurrentHashMap.newKeySet();
    private volatile long unreachableUntilNanos;

    BridgeReachability(long nowNanos) {
        unreachableUntilNanos = nowNanos;
    }

    boolean usable(long nowNanos) {
        return nowNanos - unreachableUntilNanos >= 0;
    }

    void connectTimedOut(String containerId) {
        timedOut.add(containerId);
    }

    /** {@code containerId} answered by exec; returns true when that marks the bridge unreachable (its address timed out). */
    boolean answeredByExec(String containerId, long nowNanos) {
        if (!timedOut.remove(containerId)) {
            return false;
        }
        unreachableUntilNanos = nowNanos + UNREACHABLE_FOR.toNanos();
        return true;
    }

    /** Forgets the containers that are no longer on the bridge (gone, and never to answer by exec). */
    void retainOnly(Set<String> containerIds) {
        timedOut.retainAll(containerIds);
    }
}

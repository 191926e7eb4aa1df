package io.swarmray.head;

import static io.swarmray.head.HeadProbe.asksOverNetwork;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which way a head is asked: by exec on this engine, over the cluster network only where exec cannot. */
class ProbeRouteTest {

    @Test
    void onAHostEveryHeadIsAskedByExec() {
        assertFalse(asksOverNetwork(false, "n1", "n1"));
        // another manager's head cannot be asked at all: the exec says so
        assertFalse(asksOverNetwork(false, "n2", "n1"));
    }

    @Test
    void asAServiceAHeadOnThisEngineIsAskedByExecSoARestartJoinsNoNetwork() {
        assertFalse(asksOverNetwork(true, "n1", "n1"));
        assertFalse(asksOverNetwork(true, null, "n1"));
        assertFalse(asksOverNetwork(true, "n1", null));
    }

    @Test
    void asAServiceAnotherManagersHeadIsAskedOverItsNetwork() {
        assertTrue(asksOverNetwork(true, "n2", "n1"));
    }
}

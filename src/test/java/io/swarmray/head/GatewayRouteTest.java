package io.swarmray.head;

import static io.swarmray.head.GatewayBridge.isTableOf;
import static io.swarmray.head.GatewayBridge.reaches;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.status.RayNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a head's node table is read over the engine's gateway bridge, and when an answer there is the head's. */
class GatewayRouteTest {

    @Test
    void onTheHostOfTheDefaultEngineItsHeadsAreAskedOverTheBridge() {
        assertTrue(reaches(false, "n1", "n1", "n1"));
    }

    @Test
    void inAContainerTheBridgeIsNotReachable() {
        // docker_gwbridge keeps its containers apart (enable_icc=false): the operator's container cannot reach a head there
        assertFalse(reaches(true, "n1", "n1", "n1"));
    }

    @Test
    void anEngineInAnotherNetworkNamespaceOrOnAnotherHostHasBridgesThisHostDoesNotReach() {
        // the test lab's engines: DOCKER_HOST names one, the default socket the host's own, each with a 172.18.0.0/16 bridge
        assertFalse(reaches(false, "lab-n1", "host", "lab-n1"));
        assertFalse(reaches(false, "n1", null, "n1"), "no engine at the default socket");
        assertFalse(reaches(false, null, null, null));
    }

    @Test
    void aHeadOnAnotherNodeIsNotOnThisBridge() {
        assertFalse(reaches(false, "n1", "n1", "n2"));
        assertFalse(reaches(false, "n1", "n1", null), "not placed yet");
    }

    @Test
    void inAContainerTheBridgeContainerReachesTheHeadsOfItsEngineOnly() {
        assertTrue(GatewayBridge.onThisEngine("n1", "n1"));
        assertFalse(GatewayBridge.onThisEngine("n1", "n2"), "another manager's head: over its cluster network");
        assertFalse(GatewayBridge.onThisEngine(null, "n1"), "the engine not asked yet");
        assertFalse(GatewayBridge.onThisEngine("n1", null), "not placed yet");
    }

    @Test
    void anAnswerIsTheHeadsOnlyWhenItsHeadNodeHasAnAddressOfTheHeadTask() {
        List<String> headTask = List.of("10.0.7.2", "10.0.1.9");
        var table = List.of(new RayNode("a", "10.0.7.2", "ALIVE", true), new RayNode("b", "10.0.7.3", "ALIVE", false));
        assertTrue(isTableOf(table, headTask));
        // the bridge address now belongs to another cluster's head: its table is not this one's
        assertFalse(isTableOf(List.of(new RayNode("c", "10.0.9.2", "ALIVE", true)), headTask));
        // a worker at the head's address is no proof: only the head node counts
        assertFalse(isTableOf(List.of(new RayNode("d", "10.0.7.2", "ALIVE", false)), headTask));
        assertFalse(isTableOf(List.of(), headTask));
        assertFalse(isTableOf(table, null));
    }
}

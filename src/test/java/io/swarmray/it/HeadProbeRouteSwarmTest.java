package io.swarmray.it;

import static io.restassured.RestAssured.given;
import static io.swarmray.it.SwarmFixture.IMAGE;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.awaitReady;
import static io.swarmray.it.SwarmFixture.cluster;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.status;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the operator on this host reads the node tables of heads on its engine (the one at the default socket): over
 * the engine's gateway bridge, and by exec where the dashboard does not listen there. The counters are the operator's:
 * each assertion is of their growth while its cluster comes up.
 */
@QuarkusTest
class HeadProbeRouteSwarmTest {

    @Test
    void aHeadIsAskedOverTheGatewayBridgeAndOneWhoseDashboardListensOnlyOnLocalhostByExec() throws Exception {
        try {
            double gateway = probes("gateway");
            writeSpec("itgw.yaml", cluster("itgw", IMAGE, Map.of("w", 1)));
            var ready = awaitReady("itgw");
            assertEquals(1, ready.getInt("status.readyWorkerReplicas"));
            assertTrue(probes("gateway") > gateway, "the ready cluster's table came over the gateway bridge");

            // Its head killed: a probe of the old container's address may find nothing there and time out, which once
            // gave the bridge up for 5 min (a CI run, after FailoverSwarmTest). The new head's table comes over the bridge.
            String oldHead = AutoscalingSwarmTest.headContainer("itgw");
            double beforeKill = probes("gateway");
            SwarmFixture.dockerCli("kill", oldHead);
            await("itgw's head loss seen", Duration.ofSeconds(30), () -> status("itgw"),
                    st -> "False".equals(st.getString("status.conditions.find { it.type == 'HeadReady' }.status")));
            awaitReady("itgw");
            assertTrue(probes("gateway") > beforeKill, "after the head's loss, the new head's table came over the gateway bridge");

            // Ray's own default: the dashboard on 127.0.0.1 only. The bridge is refused; the exec inside the container is not.
            double exec = probes("exec");
            writeSpec("itgwlocal.yaml", cluster("itgwlocal", IMAGE, Map.of("w", 1)).replace("num-cpus: \"1\"",
                    "num-cpus: \"1\"\n      dashboard-host: 127.0.0.1"));
            ready = awaitReady("itgwlocal");
            assertEquals(1, ready.getInt("status.readyWorkerReplicas"));
            assertTrue(probes("exec") > exec, "a head whose dashboard is not on the bridge is asked by exec");
        } finally { // a failure here leaves no cluster to the next test
            deleteSpec("itgw.yaml");
            deleteSpec("itgwlocal.yaml");
        }
    }

    /** swarmray_head_probes_total of {@code route}, 0 before the first. */
    private static double probes(String route) {
        return probes(given().get("/q/metrics").then().statusCode(200).extract().asString(), route);
    }

    /** swarmray_head_probes_total of {@code route} in an operator's {@code metrics} (/q/metrics), 0 before the first. */
    static double probes(String metrics, String route) {
        String prefix = "swarmray_head_probes_total{route=\"" + route + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElse(0);
    }
}

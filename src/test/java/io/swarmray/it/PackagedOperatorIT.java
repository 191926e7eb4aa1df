package io.swarmray.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's real Docker calls (list, create, update with version, remove, events, tasks, exec)
 * through the packaged artifact: the jar here, the native binary wherever `mvn verify -Dnative` runs.
 * Only files and HTTP: nothing in this test runs inside the operator.
 */
@QuarkusIntegrationTest
class PackagedOperatorIT {
    /** The directory of the application.properties' profile pack, in which @QuarkusIntegrationTest runs it. */
    static final Path SPECS = Path.of("target/pack-specs");
    /** The profile's swarmray.autoscaler.api-port. */
    static final int AUTOSCALER_API_PORT = 16446;

    @Test
    void theArtifactCreatesScalesAndRemovesACluster() throws Exception {
        given().get("/q/health/live").then().statusCode(200);
        SwarmFixture.await("ready", Duration.ofSeconds(30), () -> given().get("/q/health/ready").then().extract().statusCode(),
                c -> c == 200);
        String name = "itpack";
        String yaml = SwarmFixture.cluster(name, SwarmFixture.IMAGE, Map.of("w", 1));
        SwarmFixture.writeSpec(SPECS, "itpack.yaml", yaml);
        var s = SwarmFixture.awaitReady(name);
        assertEquals("True", s.getString("status.conditions.find { it.type == 'RayNodesObserved' }.status"));
        // no cluster has Ray's autoscaler: its API set up no TLS and does not listen
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", AUTOSCALER_API_PORT).close());
        SwarmFixture.writeSpec(SPECS, "itpack.yaml", yaml.replace("replicas: 1", "replicas: 2"));
        SwarmFixture.await("2 ready", Duration.ofSeconds(90), () -> SwarmFixture.status(name),
                st -> st.getInt("status.readyWorkerReplicas") == 2);
        Files.delete(SPECS.resolve("itpack.yaml"));
        SwarmFixture.await("removed", Duration.ofSeconds(60), () -> SwarmFixture.httpStatus(name), c -> c == 404);
        assertTrue(Files.notExists(SPECS.resolve("itpack.yaml")));
    }
}

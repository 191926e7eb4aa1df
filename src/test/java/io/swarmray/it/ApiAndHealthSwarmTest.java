package io.swarmray.it;

import static io.restassured.RestAssured.given;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.cluster;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.services;
import static io.swarmray.it.SwarmFixture.status;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.github.dockerjava.api.DockerClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ApiAndHealthSwarmTest {

    @Inject
    DockerClient docker;

    @Test
    void healthSaysWhyOnBothEndpoints() {
        given().get("/q/health/live").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'control-loop' }.data.message", equalTo("reconcile loop running"));
        await("engine probed", Duration.ofSeconds(20), () -> given().get("/q/health/ready").then().extract().statusCode(), c -> c == 200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'docker-swarm-manager' }.data.message", containsString("swarm manager"))
                .body("checks.find { it.name == 'specs-directory' }.data.message", containsString("is readable"));
    }

    @Test
    void unknownClusterIsAJson404() {
        given().get("/api/v1/rayclusters/nope").then().statusCode(404)
                .contentType("application/json")
                .body("error", equalTo("raycluster 'nope' not found"));
    }

    @Test
    void aFileWithoutAValidClusterShowsItsErrorsUnderSpecfiles() throws Exception {
        writeSpec("itbroken.yaml", "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: Bad_Name}\nspec: {}\n");
        try {
            await("spec file error served", Duration.ofSeconds(20),
                    () -> given().get("/api/v1/specfiles").then().extract().jsonPath()
                            .getList("items.find { it.path.endsWith('itbroken.yaml') }.errors", String.class),
                    errs -> errs != null && !errs.isEmpty());
            given().get("/api/v1/specfiles").then()
                    .body("items.find { it.path.endsWith('itbroken.yaml') }.errors",
                            hasItem("target/it-specs/itbroken.yaml[0] metadata.name: 'Bad_Name' is not a lowercase DNS label"
                                    + " (a-z, 0-9 and '-', starting with a letter, ending with a letter or digit)"));
        } finally {
            deleteSpec("itbroken.yaml");
        }
    }

    @Test
    void aMissingImageRaisesReplicaFailureWithSwarmsMessage() throws Exception {
        String name = "itnoimage";
        writeSpec("itnoimage.yaml", cluster(name, "swarmray/no-such-image:1", Map.of()));
        try {
            var s = await("ReplicaFailure", Duration.ofSeconds(60), () -> status(name),
                    st -> "True".equals(st.getString("status.conditions.find { it.type == 'ReplicaFailure' }.status")));
            String message = s.getString("status.conditions.find { it.type == 'ReplicaFailure' }.message");
            Assertions.assertTrue(message.startsWith("head: ") && message.contains("No such image"), message);
            Assertions.assertEquals("provisioning", s.getString("status.state"));
            Assertions.assertEquals("False", s.getString("status.conditions.find { it.type == 'HeadReady' }.status"));
            // the same story in Prometheus metrics: they follow a status in the pass that stored it, just after the API has it
            List<String> expected = List.of("swarmray_cluster_workers{cluster=\"itnoimage\",kind=\"desired\"}",
                    "swarmray_cluster_ready{cluster=\"itnoimage\"} 0.0",
                    "swarmray_reconcile_duration_seconds_count{result=\"ok\"}", "swarmray_queue_depth",
                    "swarmray_docker_calls_total{operation=\"list tasks\",result=\"ok\"}",
                    "swarmray_cluster_condition{cluster=\"itnoimage\",type=\"ReplicaFailure\"} 1.0",
                    "kuberay_cluster_info{name=\"itnoimage\",namespace=\"default\",owner_kind=\"None\"} 1.0",
                    "kuberay_cluster_condition_provisioned{condition=\"false\",name=\"itnoimage\",namespace=\"default\"} 1.0");
            String metrics = await("the status in the metrics", Duration.ofSeconds(10),
                    () -> given().get("/q/metrics").then().statusCode(200).extract().asString(),
                    text -> expected.stream().allMatch(text::contains));
            // every family of ours says what it is
            List<String> families = metrics.lines().filter(l -> l.startsWith("# TYPE swarmray_") || l.startsWith("# TYPE kuberay_"))
                    .map(l -> l.split(" ")[2]).toList();
            Assertions.assertTrue(families.size() >= 7, families.toString());
            for (String family : families) {
                Assertions.assertTrue(
                        metrics.lines().anyMatch(l -> l.startsWith("# HELP " + family + " ") && l.length() > 10 + family.length()),
                        "HELP text for " + family);
            }
        } finally {
            deleteSpec("itnoimage.yaml");
            await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
        }
    }
}

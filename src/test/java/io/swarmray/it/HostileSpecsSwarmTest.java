package io.swarmray.it;

import static io.restassured.RestAssured.given;
import static io.swarmray.it.SwarmFixture.SPECS;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.awaitReady;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.httpStatus;
import static io.swarmray.it.SwarmFixture.status;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.swarmray.render.Labels;
import io.swarmray.spec.HostileCorpus;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The hostile corpus (src/test/hostile-specs) dropped into the running operator's specs directory,
 * beside a healthy cluster: every file gets its error in the API and the log, the operator stays
 * healthy, nothing new is created, and the healthy cluster's services and tasks stay exactly as
 * they were; then the healthy cluster's own file is turned into hostile files one by one.
 */
@QuarkusTest
class HostileSpecsSwarmTest {
    static final Path LOG = Path.of("target/operator-test.log");
    /** Hostile contents the healthy cluster's own file is replaced with (a broken edit of every kind). */
    static final List<String> BAD_EDITS = List.of("binary.yaml", "empty.yaml", "unclosed-flow.yaml", "kind-lowercase.yaml",
            "replicas-string.yaml", "policy-image.yaml", "policy-bind-docker-socket.yaml", "declared-twice.yaml");

    @Inject
    DockerClient docker;
    private List<HostileCorpus.Case> cases = List.of();

    @Test
    void hostileFilesBesideAHealthyClusterHarmNothing() throws Exception {
        Files.createDirectories(Path.of("/tmp/swarmray-it-binds/calm"));
        long logStart = Files.exists(LOG) ? Files.size(LOG) : 0; // only this run's lines count
        writeSpec("calm.yaml", HostileCorpus.calm());
        awaitReady(HostileCorpus.CALM);
        Map<String, Object> before = observed();

        cases = HostileCorpus.materialize(SPECS, 1 << 20);
        try {
            await("every hostile file reported with its error", Duration.ofSeconds(60), this::unmet, List::isEmpty);
            Map<String, List<String>> reported = reportedErrors();
            byte[] all = Files.readAllBytes(LOG);
            String log = new String(all, (int) logStart, all.length - (int) logStart, StandardCharsets.UTF_8);
            for (HostileCorpus.Case c : cases) {
                if (!c.ignored()) {
                    String error = c.match(display(c.file()), reported.get(display(c.file())));
                    assertTrue(log.contains("spec error: " + error), "not in the log: " + error);
                }
            }
            // Hostile files that name a cluster give it a status that carries the error; none of them is running.
            List<Map<String, Object>> listed = given().get("/api/v1/rayclusters").then().statusCode(200).extract().jsonPath()
                    .getList("items");
            assertTrue(listed.size() > 30, "clusters with a status: " + listed.size());
            for (var item : listed) {
                var st = JsonPath
                        .from(given().get("/api/v1/rayclusters/" + ((Map<?, ?>) item.get("metadata")).get("name")).asString());
                if (!HostileCorpus.CALM.equals(st.getString("metadata.name"))) {
                    assertTrue(!st.getList("status.errors").isEmpty() && !"ready".equals(st.getString("status.state")), st.prettify());
                }
            }
            // Stays healthy, and nothing but the healthy cluster exists.
            given().get("/q/health/ready").then().statusCode(200);
            given().get("/q/health/live").then().statusCode(200);
            assertEquals(List.of(HostileCorpus.CALM), ownedClusters());
            SwarmFixture.sleep(3000); // a few more passes of the loop: still nothing touched
            assertEquals(before, observed());
            assertEquals("ready", status(HostileCorpus.CALM).getString("status.state"));

            // A running cluster whose file turns bad keeps running, with the error in its status.
            for (String bad : BAD_EDITS) {
                Files.write(SPECS.resolve("calm.yaml"), Files.readAllBytes(HostileCorpus.SOURCE.resolve(bad)));
                var s = await("calm's status shows the error of " + bad, Duration.ofSeconds(30), () -> status(HostileCorpus.CALM),
                        st -> !st.getList("status.errors").isEmpty());
                assertEquals("ready", s.getString("status.state"), bad);
                assertEquals(before, observed(), bad + " as calm.yaml touched the cluster");
            }
            writeSpec("calm.yaml", HostileCorpus.calm());
            await("calm's errors cleared", Duration.ofSeconds(30), () -> status(HostileCorpus.CALM),
                    st -> st.getList("status.errors").isEmpty());
            assertEquals(before, observed());
        } finally {
            HostileCorpus.remove(SPECS, cases);
            deleteSpec("calm.yaml");
        }
        await("calm removed", Duration.ofSeconds(60), () -> httpStatus(HostileCorpus.CALM), code -> code == 404);
        assertEquals(List.of(), ownedClusters());
    }

    private List<String> unmet() {
        return HostileCorpus.unmet(cases, HostileSpecsSwarmTest::display, reportedErrors());
    }

    private static String display(String file) {
        return SPECS.resolve(file).toString();
    }

    private static Map<String, List<String>> reportedErrors() {
        List<Map<String, Object>> items = given().get("/api/v1/specfiles").then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().collect(Collectors.toMap(i -> (String) i.get("path"), i -> {
            @SuppressWarnings("unchecked")
            List<String> errors = (List<String>) i.get("errors");
            return errors;
        }));
    }

    /** The clusters that own services or networks of this operator instance. */
    private List<String> ownedClusters() {
        var names = new TreeSet<String>();
        // an object of no cluster (a RayService's endpoint or network) is listed by its own name
        docker.listServicesCmd().withLabelFilter(Map.of(Labels.INSTANCE, SwarmFixture.INSTANCE)).exec()
                .forEach(s -> names.add(s.getSpec().getLabels().getOrDefault(Labels.CLUSTER, "service " + s.getSpec().getName())));
        docker.listNetworksCmd().exec().stream()
                .filter(n -> n.getLabels() != null && SwarmFixture.INSTANCE.equals(n.getLabels().get(Labels.INSTANCE)))
                .forEach(n -> names.add(n.getLabels().getOrDefault(Labels.CLUSTER, "network " + n.getName())));
        return new ArrayList<>(names);
    }

    /** The healthy cluster as Swarm has it: each service's id and version, and its running tasks. */
    private Map<String, Object> observed() {
        Map<String, Object> out = new TreeMap<>();
        for (var s : SwarmFixture.services(docker, HostileCorpus.CALM)) {
            out.put(s.getSpec().getName(), s.getId() + "@" + s.getVersion().getIndex());
            out.put(s.getSpec().getName() + " tasks", docker.listTasksCmd().withServiceFilter(s.getSpec().getName()).exec().stream()
                    .filter(t -> "running".equals(String.valueOf(t.getDesiredState()).toLowerCase()))
                    .map(t -> t.getId()).sorted().toList());
        }
        return out;
    }
}

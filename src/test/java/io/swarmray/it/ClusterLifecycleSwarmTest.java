package io.swarmray.it;

import static io.swarmray.it.SwarmFixture.IMAGE;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.awaitReady;
import static io.swarmray.it.SwarmFixture.cluster;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.service;
import static io.swarmray.it.SwarmFixture.services;
import static io.swarmray.it.SwarmFixture.status;
import static io.swarmray.it.SwarmFixture.versions;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.Service;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.swarmray.render.Labels;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The walking skeleton on a real swarm: spec files in, Ray clusters (the stand-in) out. */
@QuarkusTest
class ClusterLifecycleSwarmTest {

    @Inject
    DockerClient docker;

    private static Map<String, Integer> groups(Object... nameAndReplicas) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndReplicas.length; i += 2) {
            m.put((String) nameAndReplicas[i], (Integer) nameAndReplicas[i + 1]);
        }
        return m;
    }

    @Test
    void specWithHeadAndTwoGroupsBecomesAReadyClusterThenFollowsEditsAndDeletion() throws Exception {
        String name = "itlife";
        writeSpec("itlife.yaml", cluster(name, IMAGE, groups("small", 2, "big", 1)));
        var s = awaitReady(name);
        assertEquals(3, s.getInt("status.desiredWorkerReplicas"));
        assertEquals(3, s.getInt("status.readyWorkerReplicas"));
        assertEquals("True", s.getString("status.conditions.find { it.type == 'HeadReady' }.status"));
        assertEquals("itlife-head", s.getString("status.head.serviceName"));

        // What was made: network, three services, with the rendered command, env, resources, placement, health and labels.
        var net = docker.listNetworksCmd().withNameFilter("itlife-net").exec();
        assertEquals(1, net.size());
        assertEquals("overlay", net.get(0).getDriver());
        assertEquals(Labels.MANAGED_BY_VALUE, net.get(0).getLabels().get(Labels.MANAGED_BY));
        assertEquals(3, services(docker, name).size());
        Service head = service(docker, "itlife-head");
        var headSpec = head.getSpec();
        var container = headSpec.getTaskTemplate().getContainerSpec();
        assertEquals(EndpointResolutionMode.DNSRR, headSpec.getEndpointSpec().getMode());
        assertEquals(List.of("/bin/bash", "-c"), container.getCommand().subList(0, 2));
        assertEquals(List.of("--head", "--dashboard-agent-listen-port=52365", "--dashboard-host=0.0.0.0",
                "--memory=1073741824", "--metrics-export-port=8080", "--num-cpus=1", "--block"), container.getArgs());
        assertTrue(container.getEnv().contains("RAY_ADDRESS=127.0.0.1:6379"), container.getEnv().toString());
        assertTrue(container.getHealthCheck().getTest().get(1).contains("/api/gcs_healthz"));
        assertTrue(headSpec.getTaskTemplate().getPlacement().getConstraints().contains("node.role==manager"));
        assertEquals("head", headSpec.getLabels().get(Labels.NODE_TYPE));
        assertEquals("it", headSpec.getLabels().get("team"));
        assertNotNull(headSpec.getLabels().get(Labels.SPEC_HASH));
        var small = service(docker, "itlife-worker-small").getSpec();
        var sc = small.getTaskTemplate().getContainerSpec();
        assertTrue(sc.getArgs().contains("--address=itlife-head:6379"), sc.getArgs().toString());
        assertTrue(sc.getArgs().contains("--num-cpus=1"), sc.getArgs().toString());
        assertTrue(sc.getEnv().contains("FQ_RAY_IP=itlife-head"));
        assertTrue(sc.getEnv().contains("GROUP_NOTE=group small"));
        assertEquals(500_000_000L, small.getTaskTemplate().getResources().getLimits().getNanoCPUs());
        assertEquals(256L * 1024 * 1024, small.getTaskTemplate().getResources().getReservations().getMemoryBytes());
        assertTrue(small.getTaskTemplate().getPlacement().getConstraints().contains("node.platform.os==linux"));
        assertEquals("small", small.getLabels().get(Labels.GROUP));
        assertEquals(2L, small.getMode().getReplicated().getReplicas());

        // Every worker registered with the head at its overlay address, not Ray's own gwbridge guess.
        String nodes = exec(docker, "itlife-head", "wget", "-q", "-O-", "http://localhost:8265/api/v0/nodes");
        assertEquals(4, countMatches(nodes, "\"state\": \"ALIVE\""), nodes);
        assertFalse(nodes.contains("172.18."), nodes);

        // The cluster is a Docker stack.
        String stack = SwarmFixture.dockerCli("stack", "services", name, "--format", "{{.Name}}");
        assertTrue(stack.contains("itlife-head") && stack.contains("itlife-worker-small") && stack.contains("itlife-worker-big"), stack);

        // Scale one group: only its service changes.
        Map<String, Long> before = versions(docker, name);
        writeSpec("itlife.yaml", cluster(name, IMAGE, groups("small", 3, "big", 1)));
        await("small scaled to 3", Duration.ofSeconds(60), () -> service(docker, "itlife-worker-small"),
                svc -> svc.getSpec().getMode().getReplicated().getReplicas() == 3);
        await("4 workers ready", Duration.ofSeconds(90), () -> status(name), st -> st.getInt("status.readyWorkerReplicas") == 4);
        Map<String, Long> afterScale = versions(docker, name);
        assertEquals(before.get("itlife-head"), afterScale.get("itlife-head"));
        assertEquals(before.get("itlife-worker-big"), afterScale.get("itlife-worker-big"));
        assertTrue(afterScale.get("itlife-worker-small") > before.get("itlife-worker-small"));

        // Touch without change (same bytes, new mtime): nothing is updated, even after a resync.
        var file = SwarmFixture.SPECS.resolve("itlife.yaml");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        writeSpec("itlife.yaml", Files.readString(file));
        SwarmFixture.sleep(7000); // longer than the test profile's 5 s resync
        assertEquals(afterScale, versions(docker, name));

        // Change the image: every service follows.
        writeSpec("itlife.yaml", cluster(name, IMAGE + "2", groups("small", 3, "big", 1)));
        await("image updated everywhere", Duration.ofSeconds(60), () -> services(docker, name),
                list -> list.size() == 3 && list.stream()
                        .allMatch(svc -> svc.getSpec().getTaskTemplate().getContainerSpec().getImage().startsWith(IMAGE + "2")));
        awaitReady(name);

        // Delete the file: services and network go; a hand-made service with the same prefix stays.
        String handMade = "itlife-worker-handmade";
        SwarmFixture.dockerCli("service", "create", "-d", "--no-resolve-image", "--name", handMade,
                "--label", Labels.CLUSTER + "=" + name, "--label", "swarmray-it=true", IMAGE, "sleep", "600");
        try {
            deleteSpec("itlife.yaml");
            await("owned services removed", Duration.ofSeconds(60), () -> services(docker, name),
                    list -> list.size() == 1 && list.get(0).getSpec().getName().equals(handMade));
            await("network removed", Duration.ofSeconds(60), () -> docker.listNetworksCmd().withNameFilter("itlife-net").exec(),
                    List::isEmpty);
            await("status gone", Duration.ofSeconds(30), () -> SwarmFixture.httpStatus(name), code -> code == 404);
            assertNotNull(service(docker, handMade));
        } finally {
            SwarmFixture.dockerCli("service", "rm", handMade);
        }
    }

    @Test
    void invalidEditsLeaveTheRunningClusterExactlyAsItWas() throws Exception {
        String name = "itinvalid";
        String good = cluster(name, IMAGE, groups("w", 1));
        writeSpec("itinvalid.yaml", good);
        awaitReady(name);
        Map<String, Long> before = versions(docker, name);

        writeSpec("itinvalid.yaml", good + "\n  this: [is, not: yaml\n");
        var s = await("YAML error reported", Duration.ofSeconds(30), () -> status(name),
                st -> st.getList("status.errors").toString().contains("invalid YAML"));
        assertTrue(s.getList("status.errors").toString().contains("target/it-specs/itinvalid.yaml"), s.prettify());
        assertEquals("ready", s.getString("status.state"));

        writeSpec("itinvalid.yaml", good.replace("minReplicas: 0", "minReplicas: 5").replace("maxReplicas: 5", "maxReplicas: 2"));
        s = await("min > max reported", Duration.ofSeconds(30), () -> status(name),
                st -> st.getList("status.errors").toString().contains("minReplicas"));
        assertTrue(s.getList("status.errors").contains(
                "target/it-specs/itinvalid.yaml[0] spec.workerGroupSpecs[0].minReplicas: 5 is greater than maxReplicas 2"), s.prettify());
        SwarmFixture.sleep(6000); // a resync passes
        assertEquals(before, versions(docker, name));
        assertEquals("ready", status(name).getString("status.state"));

        // The spec files endpoint tells the same story for the file.
        var files = RestAssured.given().get("/api/v1/specfiles").then().extract().jsonPath();
        assertTrue(files.getList("items.find { it.path.endsWith('itinvalid.yaml') }.errors").toString().contains("minReplicas"));

        deleteSpec("itinvalid.yaml");
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
    }

    @Test
    void shellMetacharactersReachRayAsLiteralStrings() throws Exception {
        String name = "itshell";
        String nasty = "x; touch /tmp/pwned-param $(touch /tmp/pwned-subst) `touch /tmp/pwned-tick` | & > < * ~ \\\\n";
        String yaml = """
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: itshell, labels: {swarmray-it: "true"}}
                spec:
                  headGroupSpec:
                    rayStartParams:
                      node-name: '%s'
                      resources: '"{\\"accel\\": 2}"'
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: %s
                            env:
                              - name: NASTY
                                value: "a'b\\"c $(touch /tmp/pwned-env) ; {{.Node.Hostname}}\\nline2"
                """.formatted(nasty.replace("'", "''"), IMAGE);
        writeSpec("itshell.yaml", yaml);
        awaitReady(name);
        String argv = exec(docker, "itshell-head", "cat", "/tmp/ray/standin-argv.json");
        var parsed = JsonPath.from(argv);
        List<String> args = parsed.getList("argv");
        assertTrue(args.contains("--node-name=" + nasty.replace("\\\\", "\\")), args.toString());
        assertTrue(args.contains("--resources={\"accel\": 2}"), args.toString());
        assertEquals("a'b\"c $(touch /tmp/pwned-env) ; {{.Node.Hostname}}\nline2", parsed.getString("env.NASTY"));
        String pwned = exec(docker, "itshell-head", "sh", "-c", "ls /tmp/pwned-* 2>/dev/null | wc -l");
        assertEquals("0", pwned.trim());
        deleteSpec("itshell.yaml");
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
    }

    @Test
    void twoFilesDeclaringOneNameTheLaterIsRejectedAndTheFirstKeepsRunning() throws Exception {
        String name = "itdup";
        writeSpec("itdup-a.yaml", cluster(name, IMAGE, groups()));
        awaitReady(name);
        Map<String, Long> before = versions(docker, name);
        writeSpec("itdup-b.yaml", cluster(name, IMAGE, groups("extra", 1)));
        var files = await("duplicate reported", Duration.ofSeconds(30),
                () -> RestAssured.given().get("/api/v1/specfiles").then().extract().jsonPath(),
                f -> f.getList("items.find { it.path.endsWith('itdup-b.yaml') }.errors").toString().contains("already declared"));
        String err = files.getList("items.find { it.path.endsWith('itdup-b.yaml') }.errors").toString();
        assertTrue(err.contains("itdup-a.yaml") && err.contains("itdup-b.yaml"), err);
        SwarmFixture.sleep(3000);
        assertEquals(before, versions(docker, name));
        assertNull(service(docker, "itdup-worker-extra"));
        deleteSpec("itdup-b.yaml");
        deleteSpec("itdup-a.yaml");
        await("cluster removed", Duration.ofSeconds(60), () -> services(docker, name), List::isEmpty);
    }

    static String exec(DockerClient docker, String service, String... cmd) throws Exception {
        String container = docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", service))
                .exec().get(0).getId();
        return SwarmFixture.dockerCli(concat(new String[]{"exec", container}, cmd));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int countMatches(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}

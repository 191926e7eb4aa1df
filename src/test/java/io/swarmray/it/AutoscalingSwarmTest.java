package io.swarmray.it;

import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.awaitReady;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.dockerCli;
import static io.swarmray.it.SwarmFixture.status;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.swarmray.render.Autoscaler;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Ray's autoscaler (the stand-in's replay of Ray 2.40's `ray kuberay-autoscaler`) on the real swarm, through the
 * operator's Kubernetes API subset: demand scales a group from zero, the spec file's replicas follow, an idle worker
 * is removed (exactly the one the autoscaler named, while a busy one runs on) and the group returns to minReplicas;
 * the API refuses other clusters, other paths and clients that do not verify its certificate.
 */
@QuarkusTest
class AutoscalingSwarmTest {
    static final Duration SCALE_TIMEOUT = Duration.ofSeconds(90);

    @Inject
    DockerClient docker;

    /** An autoscaled cluster: a head without CPUs (so demand goes to workers) and one group "cpu" of 1-CPU workers. */
    static String cluster(String name, int max, String mode) {
        return """
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata:
                  name: %s
                  labels: {swarmray-it: "true"}
                spec:
                  rayVersion: "2.40.0"
                  enableInTreeAutoscaling: true
                  autoscalerOptions:
                    upscalingMode: %s
                    idleTimeoutSeconds: 8
                    resources:
                      limits: {cpu: 200m, memory: 256Mi}
                      requests: {cpu: 100m, memory: 128Mi}
                  headGroupSpec:
                    rayStartParams: {num-cpus: "0"}
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: %s
                  workerGroupSpecs:
                    - groupName: cpu
                      replicas: 0
                      minReplicas: 0
                      maxReplicas: %d
                      rayStartParams: {num-cpus: "1"}
                      template:
                        spec:
                          containers:
                            - name: ray-worker
                              image: %s
                """.formatted(name, mode, SwarmFixture.IMAGE, max, SwarmFixture.IMAGE);
    }

    static String headContainer(String cluster) throws IOException, InterruptedException {
        return await(cluster + " head container", Duration.ofSeconds(30),
                () -> call("ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + cluster + "-head").trim(), id -> !id.isEmpty());
    }

    static String call(String... args) {
        try {
            return dockerCli(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The stand-in's test hook in the head: queue or finish demand. */
    static String demand(String head, String... args) {
        String[] cmd = new String[3 + args.length];
        cmd[0] = "exec";
        cmd[1] = head;
        cmd[2] = "standin-demand";
        System.arraycopy(args, 0, cmd, 3, args.length);
        String out = call(cmd);
        assertTrue(out.contains("\"ok\": true"), "standin-demand " + String.join(" ", args) + ": " + out);
        return out;
    }

    /** Worker task ids (pod names) of the group, one per replica service, by service. */
    Map<String, String> replicaTasks(String cluster) {
        return docker.listServicesCmd().withLabelFilter(Map.of("ray.io/cluster", cluster, Autoscaler.REPLICA_LABEL, "")).exec().stream()
                .collect(Collectors.toMap(s -> s.getSpec().getName(), s -> docker.listTasksCmd().withServiceFilter(s.getSpec().getName())
                        .exec().stream().filter(t -> "running".equals(String.valueOf(t.getDesiredState()).toLowerCase()))
                        .map(t -> t.getId()).findFirst().orElse("")));
    }

    static int fileReplicas(String file) {
        String text;
        try {
            text = Files.readString(SwarmFixture.SPECS.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = Pattern.compile("replicas: (\\d+)\\n\\s+minReplicas").matcher(text);
        assertTrue(m.find(), "replicas in " + file);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void demandScalesFromZeroAndAnIdleWorkerIsRemovedExactly() throws Exception {
        String name = "it-as-demand";
        String file = name + ".yaml";
        writeSpec(file, cluster(name, 3, "Default"));
        try {
            awaitReady(name);
            String head = headContainer(name);
            assertEquals(0, replicaTasks(name).size(), "no worker before demand");

            demand(head, "add", "job", "{\"CPU\": 1}", "2");
            await("2 workers for 2 CPUs of demand, ready", SCALE_TIMEOUT, () -> status(name),
                    s -> s.getInt("status.readyWorkerReplicas") == 2 && "ready".equals(s.getString("status.state")));
            assertEquals(2, fileReplicas(file), "the autoscaler's replicas are persisted into the spec file");
            Map<String, String> before = replicaTasks(name);
            assertEquals(2, before.size(), "one Swarm service per replica: " + before);
            // Both tasks placed now: each worker holds one. Finish job-0: its worker goes idle, the other stays busy.
            String busyNode = placement(head, "job-1");
            String idleNode = placement(head, "job-0");
            demand(head, "finish", "job-0");
            String idleTask = instanceOf(head, idleNode);
            String busyTask = instanceOf(head, busyNode);

            Map<String, String> after = await("the idle worker removed", SCALE_TIMEOUT, () -> replicaTasks(name), m -> m.size() == 1);
            assertEquals(Set.of(busyTask), Set.copyOf(after.values()), "the busy worker runs on; the idle one (" + idleTask + ") went");
            await("replicas 1 in the file", SCALE_TIMEOUT, () -> fileReplicas(file), n -> n == 1);
            JsonPath s = await("workersToDelete cleared by the autoscaler", SCALE_TIMEOUT, () -> status(name),
                    x -> x.getMap("autoscaler.workersToDelete").isEmpty() && x.getList("autoscaler.decisions").size() >= 3);
            List<Map<String, Object>> decisions = s.getList("autoscaler.decisions");
            assertTrue(decisions.toString().contains("delete [" + idleTask + "]"), "the named worker: " + decisions);

            demand(head, "finish", "job-1");
            await("back to minReplicas 0", SCALE_TIMEOUT, () -> replicaTasks(name), Map::isEmpty);
            await("replicas 0 in the file", SCALE_TIMEOUT, () -> fileReplicas(file), n -> n == 0);
        } finally {
            deleteSpec(file);
        }
        await(name + " gone", Duration.ofSeconds(60), () -> SwarmFixture.services(docker, name).size()
                + docker.listSecretsCmd().withLabelFilter(Map.of("ray.io/cluster", name)).exec().size(), n -> n == 0);
    }

    @Test
    void conservativeStartsAtMostFiveAtOnceDefaultAllItNeeds() throws Exception {
        // Ray: at most max(5, upscaling_speed x running workers of the type) pending at once; Conservative's speed is 1
        String fast = "it-as-default";
        String slow = "it-as-conservative";
        writeSpec(fast + ".yaml", cluster(fast, 6, "Default"));
        writeSpec(slow + ".yaml", cluster(slow, 6, "Conservative"));
        try {
            awaitReady(fast);
            awaitReady(slow);
            demand(headContainer(fast), "add", "batch", "{\"CPU\": 1}", "6");
            demand(headContainer(slow), "add", "batch", "{\"CPU\": 1}", "6");
            for (String name : List.of(fast, slow)) {
                await(name + ": 6 workers ready", SCALE_TIMEOUT, () -> status(name), x -> x.getInt("status.readyWorkerReplicas") == 6);
            }
            assertEquals(List.of("cpu: replicas 6"), changes(fast), "Default: all six at once");
            assertEquals(List.of("cpu: replicas 5", "cpu: replicas 6"), changes(slow), "Conservative: five, then one more once they run");
        } finally {
            deleteSpec(fast + ".yaml");
            deleteSpec(slow + ".yaml");
        }
    }

    /** Every change the autoscaler asked of the cluster, in order. */
    static List<String> changes(String name) {
        List<Map<String, Object>> decisions = status(name).getList("autoscaler.decisions");
        return decisions.stream().flatMap(d -> ((List<?>) d.get("changes")).stream().map(String::valueOf)).toList();
    }

    /** The node id a queued task was placed on. */
    static String placement(String head, String task) {
        JsonPath list = JsonPath.from(demand(head, "list"));
        String node = list.getString("tasks.find { it.task_id == '" + task + "' }.node_id");
        assertTrue(node != null && !node.equals("null"), task + " is placed: " + list.prettify());
        return node;
    }

    /** The Swarm task id (RAY_CLOUD_INSTANCE_ID) of a Ray node, from the head's node table. */
    static String instanceOf(String head, String nodeId) {
        String out = call("exec", head, "wget", "-q", "-O-", "http://127.0.0.1:8265/api/v0/nodes");
        String id = JsonPath.from(out).getString("data.result.result.find { it.node_id == '" + nodeId + "' }.instance_id");
        assertFalse(id == null || id.isEmpty(), "instance id of " + nodeId + ": " + out);
        return id;
    }

    @Test
    void theApiServesOnlyItsOwnClusterOverVerifiedTls() throws Exception {
        String a = "it-as-a";
        String b = "it-as-b";
        writeSpec(a + ".yaml", cluster(a, 2, "Default"));
        writeSpec(b + ".yaml", cluster(b, 2, "Default"));
        try {
            awaitReady(a);
            awaitReady(b);
            String before = Files.readString(SwarmFixture.SPECS.resolve(a + ".yaml"));
            String out = call("exec", "-e", "OTHER=" + b, headContainer(a), "python3", "-c", PROBE);
            JsonPath codes = JsonPath.from(out.substring(out.indexOf('{')));
            assertEquals(200, codes.getInt("own"), out);
            assertEquals("RayCluster", codes.getString("kind"), out);
            assertEquals(403, codes.getInt("other"), "a token of cluster A cannot read cluster B: " + out);
            assertEquals(403, codes.getInt("otherPatch"), "nor patch it: " + out);
            assertEquals(403, codes.getInt("otherPods"), "nor list its pods: " + out);
            assertEquals(422, codes.getInt("badPath"), "a patch of another path: " + out);
            assertEquals(401, codes.getInt("noToken"), out);
            assertTrue(codes.getString("wrongCa").contains("CERTIFICATE_VERIFY_FAILED"), "a client trusting another CA fails: " + out);
            assertEquals(before, Files.readString(SwarmFixture.SPECS.resolve(a + ".yaml")), "the refused patch changed nothing");
            assertTrue(call("exec", headContainer(a), "ls", "-l", "/var/run/secrets/kubernetes.io/serviceaccount/").contains("token"),
                    "the token at Kubernetes' service-account path");
        } finally {
            deleteSpec(a + ".yaml");
            deleteSpec(b + ".yaml");
        }
    }

    /** Run in a head with the stand-in's Python: the requests Ray's provider makes, and some it must not get answered. */
    static final String PROBE = """
            import json, os, ssl, urllib.request, urllib.error
            d = "/var/run/secrets/kubernetes.io/serviceaccount/"
            token = open(d + "token").read()
            base = "https://%s:%s" % (os.environ["KUBERNETES_SERVICE_HOST"], os.environ["KUBERNETES_SERVICE_PORT_HTTPS"])
            rc = base + "/apis/ray.io/v1/namespaces/default/rayclusters/"
            own, other = os.environ["RAY_CLUSTER_NAME"], os.environ["OTHER"]
            def ask(url, method="GET", body=None, auth=True, ctx=None):
                h = {"Authorization": "Bearer " + token} if auth else {}
                if body is not None:
                    h["Content-type"] = "application/json-patch+json"
                req = urllib.request.Request(url, data=body, headers=h, method=method)
                try:
                    with urllib.request.urlopen(req, timeout=10, context=ctx or ssl.create_default_context(cafile=d + "ca.crt")) as r:
                        return r.status, json.loads(r.read())
                except urllib.error.HTTPError as e:
                    return e.code, json.loads(e.read())
            out = {}
            out["own"], obj = ask(rc + own)
            out["kind"] = obj["kind"]
            out["other"], _ = ask(rc + other)
            patch = json.dumps([{"op": "replace", "path": "/spec/workerGroupSpecs/0/replicas", "value": 1}]).encode()
            out["otherPatch"], _ = ask(rc + other, "PATCH", patch)
            out["otherPods"], _ = ask(base + "/api/v1/namespaces/default/pods?labelSelector=ray.io/cluster%3D" + other)
            bad = json.dumps([{"op": "replace", "path": "/spec/rayVersion", "value": "2.9.0"}]).encode()
            out["badPath"], _ = ask(rc + own, "PATCH", bad)
            out["noToken"], _ = ask(rc + own, auth=False)
            try:
                ask(rc + own, ctx=ssl.create_default_context())
                out["wrongCa"] = "accepted"
            except ssl.SSLError as e:
                out["wrongCa"] = str(e)
            except urllib.error.URLError as e:
                out["wrongCa"] = str(e.reason)
            print(json.dumps(out))
            """;
}

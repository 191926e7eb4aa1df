package io.swarmray.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILL during a RayService's upgrade to a new cluster, and while a RayJob's cluster is made and its job submitted
 * and run: restarted, the operator ends with one active cluster and no orphan, and Ray runs the job exactly once.
 * Runs the packaged operator as a process ({@link CrashingOperator}), as OperatorCrashIT does for RayClusters.
 */
class OperatorCrashServeJobIT {
    @RegisterExtension
    final CrashingOperator operator = new CrashingOperator();

    @Test
    void sigkillDuringARayServiceUpgradeEndsWithOneActiveClusterAndNoOrphan() throws Exception {
        String name = "crashsvc";
        String v1 = RayServiceSwarmTest.service(name, SwarmFixture.IMAGE, "v1", CrashingOperator.SERVE_PORT);
        operator.writeSpec("crashsvc.yaml", v1);
        String first = SwarmFixture.await("crashsvc Ready", SwarmFixture.READY_TIMEOUT, () -> CrashingOperator.get("rayservices", name),
                s -> s != null && "True".equals(s.getString("status.conditions.find { it.type == 'Ready' }.status")))
                .getString("status.activeServiceStatus.rayClusterName");
        operator.writeSpec("crashsvc.yaml", RayServiceSwarmTest.service(name, SwarmFixture.IMAGE + "2", "v1", CrashingOperator.SERVE_PORT));
        List<String> log = new ArrayList<>(List.of("seed " + operator.seed));
        for (int i = 0; i < 4; i++) {
            int delay = 500 + operator.random.nextInt(4000); // while the new cluster is created, configured, switched to
            log.add("kill +" + delay + "ms");
            Thread.sleep(delay);
            operator.restart();
        }
        JsonPath done = SwarmFixture.await("one active cluster after " + log, SwarmFixture.READY_TIMEOUT,
                () -> CrashingOperator.get("rayservices", name),
                s -> s != null && !first.equals(s.getString("status.activeServiceStatus.rayClusterName"))
                        && s.getString("status.pendingServiceStatus") == null
                        && "True".equals(s.getString("status.conditions.find { it.type == 'Ready' }.status")));
        String second = done.getString("status.activeServiceStatus.rayClusterName");
        Set<String> expected = new TreeSet<>(Set.of(second + "-head", second + "-worker-cpu", name + "-serve"));
        SwarmFixture.await("only the active cluster and the endpoint after " + log, Duration.ofSeconds(60),
                () -> operator.owned().stream().map(s -> s.getSpec().getName()).collect(Collectors.toCollection(TreeSet::new)),
                expected::equals);
        SwarmFixture.await("only their networks", Duration.ofSeconds(60), () -> operator.docker.listNetworksCmd().exec().stream()
                .map(n -> n.getName()).filter(n -> n.startsWith(name)).collect(Collectors.toCollection(TreeSet::new)),
                Set.of(second + "-net", name + "-serve-net")::equals);

        operator.deleteSpecs();
        SwarmFixture.await("all removed", Duration.ofSeconds(90), operator::owned, List::isEmpty);
        SwarmFixture.await("networks removed", Duration.ofSeconds(60), () -> operator.docker.listNetworksCmd().exec().stream()
                .map(n -> n.getName()).filter(n -> n.startsWith(name)).toList(), List::isEmpty);
    }

    @Test
    void sigkillWhileARayJobStartsAndRunsNeverSubmitsItTwice() throws Exception {
        String name = "crashjob";
        operator.writeSpec(name + ".yaml", RayJobSwarmTest.job(name, "\"sleep 6; echo done\"", ""));
        List<String> log = new ArrayList<>(List.of("seed " + operator.seed));
        for (int i = 0; i < 7; i++) {
            if (i == 4) {
                // from here on around the submission: the record says Running just before Ray is asked, and while it runs
                SwarmFixture.await("crashjob Running after " + log, SwarmFixture.READY_TIMEOUT, () -> CrashingOperator.get("rayjobs", name),
                        s -> s != null && "Running".equals(s.getString("status.jobDeploymentStatus")));
                log.add("Running");
            }
            int delay = operator.random.nextInt(i < 4 ? 3000 : 1000); // while the cluster is made, then around the submission
            log.add("kill +" + delay + "ms");
            Thread.sleep(delay);
            operator.restart();
        }
        JsonPath done = SwarmFixture.await("crashjob Complete after " + log, SwarmFixture.READY_TIMEOUT,
                () -> CrashingOperator.get("rayjobs", name),
                s -> s != null && "Complete".equals(s.getString("status.jobDeploymentStatus")));
        assertEquals("SUCCEEDED", done.getString("status.jobStatus"));
        assertEquals(1, done.getInt("status.succeeded"));
        String cluster = done.getString("status.rayClusterName");
        assertEquals(done.getString("status.jobId") + "=SUCCEEDED", RayJobSwarmTest.rayJobs(cluster),
                "Ray ran exactly one job, after " + log);
        assertEquals(Set.of(cluster + "-head", cluster + "-worker-cpu"), operator.ownedNames(name), "one cluster, after " + log);

        operator.deleteSpecs();
        SwarmFixture.await("all removed", Duration.ofSeconds(90), operator::owned, List::isEmpty);
        SwarmFixture.await("the record removed", Duration.ofSeconds(30), () -> CrashingOperator.get("rayjobs", name), s -> s == null);
    }

}

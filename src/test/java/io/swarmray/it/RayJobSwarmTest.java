package io.swarmray.it;

import static io.restassured.RestAssured.given;
import static io.swarmray.it.SwarmFixture.await;
import static io.swarmray.it.SwarmFixture.deleteSpec;
import static io.swarmray.it.SwarmFixture.writeSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * RayJobs in HTTPMode on the real swarm, the stand-in running each entrypoint with {@code /bin/sh -c} in its head:
 * a job that succeeds and whose cluster goes after the TTL, one that fails and is retried on a fresh cluster, one
 * past its deadline (not retried), and one on a running cluster through {@code clusterSelector}, stopped by
 * deleting its file while that cluster stays. All four run at once.
 */
@QuarkusTest
class RayJobSwarmTest {

    @Inject
    DockerClient docker;

    static String job(String name, String entrypoint, String extraSpec) {
        return job(name, "HTTPMode", entrypoint, extraSpec);
    }

    static String job(String name, String mode, String entrypoint, String extraSpec) {
        String clusterSpec = SwarmFixture.nestedClusterSpec(name, SwarmFixture.IMAGE, Map.of("cpu", 0));
        return """
                apiVersion: ray.io/v1
                kind: RayJob
                metadata:
                  name: %s
                  labels: {swarmray-it: "true"}
                spec:
                  submissionMode: %s
                  entrypoint: %s
                  metadata: {suite: it}
                %s  rayClusterSpec:
                """.formatted(name, mode, entrypoint, extraSpec) + clusterSpec;
    }

    static JsonPath jobStatus(String name) {
        return given().get("/api/v1/rayjobs/" + name).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath awaitJob(String name, String deployment, Duration timeout) {
        return await("rayjob " + name + " " + deployment, timeout, () -> jobStatus(name),
                s -> deployment.equals(s.getString("status.jobDeploymentStatus")));
    }

    @Test
    void jobsSucceedFailAndRetryMissTheirDeadlineAndStopWhenTheirFileGoes() throws Exception {
        writeSpec("itjobshared.yaml", SwarmFixture.cluster("itjobshared", SwarmFixture.IMAGE, Map.of("cpu", 0)));
        writeSpec("itjobok.yaml", job("itjobok", "K8sJobMode", "\"echo hello from a submitter\"",
                "  shutdownAfterJobFinishes: true\n  ttlSecondsAfterFinished: 20\n"));
        writeSpec("itjobfail.yaml", job("itjobfail", "\"echo boom; exit 3\"", "  shutdownAfterJobFinishes: true\n  backoffLimit: 1\n"));
        writeSpec("itjobpause.yaml", job("itjobpause", "\"echo started; sleep 600\"", "  shutdownAfterJobFinishes: true\n"));
        writeSpec("itjoblate.yaml", job("itjoblate", "\"sleep 600\"",
                "  shutdownAfterJobFinishes: true\n  backoffLimit: 1\n  activeDeadlineSeconds: 40\n"));
        SwarmFixture.awaitReady("itjobshared");
        writeSpec("itjobsel.yaml", """
                apiVersion: ray.io/v1
                kind: RayJob
                metadata: {name: itjobsel}
                spec:
                  submissionMode: HTTPMode
                  entrypoint: sleep 600
                  jobId: itjobsel-fixed
                  clusterSelector: {ray.io/cluster: itjobshared}
                """);

        // success in K8sJobMode: a replicated-job service ran KubeRay's submitter line and completed; Ray ran the job once;
        // then the cluster goes after the TTL (the submitter with it) while the outcome stays readable
        JsonPath ok = awaitJob("itjobok", "Complete", Duration.ofSeconds(120));
        assertTrue(
                SwarmFixture.cli("service", "inspect", "itjobok-submitter", "--format", "{{json .Spec.Mode}}").contains("ReplicatedJob"));
        assertEquals("complete\n", SwarmFixture.cli("service", "ps", "itjobok-submitter", "--format", "{{.CurrentState}}")
                .replaceAll("(?m) .*$", "").toLowerCase());
        assertEquals(ok.getString("status.jobId") + "=SUCCEEDED", rayJobs(ok.getString("status.rayClusterName")));
        assertEquals("SUCCEEDED", ok.getString("status.jobStatus"), ok.prettify());
        assertEquals(1, ok.getInt("status.succeeded"));
        String okCluster = ok.getString("status.rayClusterName");
        assertTrue(okCluster.matches("itjobok-raycluster-[bcdfghjklmnpqrstvwxz2456789]{5}"), okCluster);
        assertTrue(ok.getString("status.jobId").matches("itjobok-[bcdfghjklmnpqrstvwxz2456789]{5}"), ok.prettify());
        assertEquals(okCluster + "-head:8265", ok.getString("status.dashboardURL"));
        await(okCluster + " deleted after the TTL", Duration.ofSeconds(60), () -> SwarmFixture.services(docker, okCluster).size(),
                n -> n == 0);
        assertEquals("SUCCEEDED", jobStatus("itjobok").getString("status.jobStatus"));
        assertEquals(1, records("itjobok"), "one record of the job in Swarm");

        // suspend deletes the cluster; resume starts afresh on a new one. The CLI shows the job and Ray's log.
        JsonPath running = await("itjobpause RUNNING in Ray", Duration.ofSeconds(60), () -> jobStatus("itjobpause"),
                s -> "RUNNING".equals(s.getString("status.jobStatus")));
        String pausedCluster = running.getString("status.rayClusterName");
        String log = await("the driver log", Duration.ofSeconds(10), () -> cli("logs", "rayjob", "itjobpause"), l -> l.contains("started"));
        assertEquals("started\n", log);
        String table = cli("get", "rayjobs");
        assertTrue(table.matches("(?s)NAME +JOB STATUS +DEPLOYMENT STATUS +RAY CLUSTER NAME +START TIME +END TIME\n.*"
                + "itjobpause +RUNNING +Running +" + pausedCluster + " +20\\S+ +- *\n.*"), table);
        String described = cli("describe", "rayjob", "itjobok");
        assertTrue(described.contains("Status:       SUCCEEDED, deployment Complete\n"), described);
        assertTrue(described.contains("Attempts:     1 succeeded, 0 failed\n"), described);
        writeSpec("itjobpause.yaml",
                job("itjobpause", "\"echo started; sleep 600\"", "  shutdownAfterJobFinishes: true\n  suspend: true\n"));
        JsonPath suspended = awaitJob("itjobpause", "Suspended", Duration.ofSeconds(60));
        assertEquals("", suspended.getString("status.rayClusterName"), suspended.prettify());
        assertEquals(0, SwarmFixture.services(docker, pausedCluster).size());
        writeSpec("itjobpause.yaml", job("itjobpause", "\"echo started; sleep 600\"", "  shutdownAfterJobFinishes: true\n"));
        JsonPath resumed = await("itjobpause RUNNING again", Duration.ofSeconds(90), () -> jobStatus("itjobpause"),
                s -> "RUNNING".equals(s.getString("status.jobStatus")));
        assertTrue(!pausedCluster.equals(resumed.getString("status.rayClusterName")), resumed.prettify());

        // on the selected cluster: Ray runs it; deleting the file stops it and leaves the cluster running
        JsonPath sel = await("itjobsel RUNNING in Ray", Duration.ofSeconds(60), () -> jobStatus("itjobsel"),
                s -> "RUNNING".equals(s.getString("status.jobStatus")));
        assertEquals("itjobshared", sel.getString("status.rayClusterName"));
        assertEquals("itjobsel-fixed", sel.getString("status.jobId"));
        deleteSpec("itjobsel.yaml");
        await("itjobsel gone", Duration.ofSeconds(30), () -> given().get("/api/v1/rayjobs/itjobsel").statusCode(), c -> c == 404);
        assertEquals(0, records("itjobsel"));
        assertEquals("STOPPED", await("Ray's record of itjobsel STOPPED", Duration.ofSeconds(20),
                () -> rayJobStatus("itjobshared", "itjobsel-fixed"), "STOPPED"::equals));
        assertEquals("ready", SwarmFixture.status("itjobshared").getString("status.state"));

        // failure: AppFailed, retried once on a fresh cluster, then Failed for good
        JsonPath failed = await("itjobfail failed twice", Duration.ofSeconds(180), () -> jobStatus("itjobfail"),
                s -> s.getInt("status.failed") == 2 && "Failed".equals(s.getString("status.jobDeploymentStatus")));
        assertEquals("AppFailed", failed.getString("status.reason"), failed.prettify());
        assertTrue(failed.getString("status.message").contains("exit code 3"), failed.prettify());

        // the deadline: Failed with DeadlineExceeded, and not retried although backoffLimit is 1
        JsonPath late = awaitJob("itjoblate", "Failed", Duration.ofSeconds(120));
        assertEquals("DeadlineExceeded", late.getString("status.reason"), late.prettify());
        assertEquals(1, late.getInt("status.failed"));
        SwarmFixture.sleep(JOB_REQUEUE_MILLIS * 2);
        assertEquals("Failed", jobStatus("itjoblate").getString("status.jobDeploymentStatus"));
        String lateCluster = late.getString("status.rayClusterName");
        await(lateCluster + " deleted", Duration.ofSeconds(60), () -> SwarmFixture.services(docker, lateCluster).size(), n -> n == 0);

        Set<String> names = new TreeSet<>(given().get("/api/v1/rayjobs").then().extract().jsonPath().getList("items.metadata.name"));
        assertEquals(Set.of("itjobfail", "itjobok", "itjoblate", "itjobpause"), names);
        for (String f : new String[]{"itjobok", "itjobfail", "itjoblate", "itjobpause", "itjobshared"}) {
            deleteSpec(f + ".yaml");
        }
        await("every record removed", Duration.ofSeconds(60), () -> records(null), n -> n == 0);
        await("every cluster removed", Duration.ofSeconds(90),
                () -> SwarmFixture.services(docker, "itjobshared").size() + SwarmFixture.services(docker, failed.getString(
                        "status.rayClusterName")).size() + SwarmFixture.services(docker, resumed.getString("status.rayClusterName")).size(),
                n -> n == 0);
    }

    @TestHTTPResource("/")
    URL base;

    private String cli(String... args) {
        try {
            return SwarmFixture.swarmrayCli(base, args);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** KubeRay's 3 s requeue: a retry, were one coming, would have begun within two. */
    private static final long JOB_REQUEUE_MILLIS = 3000;

    /** This test operator's RayJob records in Swarm, of one job or of all. */
    private int records(String job) {
        return SwarmFixture.cli("config", "ls", "-q", "-f", "label=swarmray.io/instance=" + SwarmFixture.INSTANCE, "-f",
                job == null ? "label=swarmray.io/rayjob" : "label=swarmray.io/rayjob=" + job).lines().mapToInt(l -> l.isBlank() ? 0 : 1)
                .sum();
    }

    /** Ray's own status of a job, asked inside the head's container. */
    private static String rayJobStatus(String cluster, String jobId) {
        return askHead(cluster, "print(json.load(u.urlopen('http://127.0.0.1:8265/api/jobs/" + jobId + "'))['status'])");
    }

    /** Ray's list of jobs on the cluster, as {@code submission_id=STATUS} lines. */
    static String rayJobs(String cluster) {
        return askHead(cluster, "print('\\n'.join('%s=%s' % (j['submission_id'], j['status']) "
                + "for j in json.load(u.urlopen('http://127.0.0.1:8265/api/jobs/'))))");
    }

    private static String askHead(String cluster, String python) {
        String container = SwarmFixture.cli("ps", "-q", "-f", "label=com.docker.swarm.service.name=" + cluster + "-head").trim();
        return SwarmFixture.cli("exec", container, "python3", "-c", "import json, urllib.request as u\n" + python).trim();
    }
}

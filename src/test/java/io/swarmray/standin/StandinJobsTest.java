package io.swarmray.standin;

import static io.swarmray.standin.StandinServeTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's Job Submission API as ray-job-contract.md B3/B5 says: status codes and texts (400 tracebacks, 500 on a
 * duplicate id and on deleting a running job, 404 text), the entrypoint really run with /bin/sh -c (exit code to
 * SUCCEEDED or FAILED with Ray's message, its log), and stop as SIGTERM then SIGKILL after 3 s. A head as a local
 * process, no Docker.
 */
class StandinJobsTest {
    private LocalHead head;

    @BeforeEach
    void startHead() throws Exception {
        head = LocalHead.start(Map.of());
    }

    @AfterEach
    void stopHead() {
        head.close();
    }

    private HttpResponse<String> submit(String body) throws Exception {
        return head.send("POST", "/api/jobs/", body);
    }

    private JsonPath job(String id) throws Exception {
        HttpResponse<String> r = head.get(head.dashboard, "/api/jobs/" + id);
        assertEquals(200, r.statusCode(), r.body());
        return JsonPath.from(r.body());
    }

    private JsonPath awaitStatus(String id, String status) throws Exception {
        JsonPath j = await(() -> job(id), p -> status.equals(p.getString("status")));
        assertEquals(status, j.getString("status"), j.prettify());
        return j;
    }

    @Test
    void anEntrypointRunsToItsExitCodeWithRaysMessagesAndLogs() throws Exception {
        HttpResponse<String> ok = submit("{\"entrypoint\": \"echo hello from $RAY_ADDRESS\", \"submission_id\": \"j1\","
                + " \"metadata\": {\"team\": \"eval\"}, \"runtime_env\": null}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("{\"job_id\": \"j1\", \"submission_id\": \"j1\"}", ok.body());
        JsonPath done = awaitStatus("j1", "SUCCEEDED");
        assertEquals("SUBMISSION", done.getString("type"));
        assertEquals("Job finished successfully.", done.getString("message"));
        assertEquals(0, done.getInt("driver_exit_code"));
        assertEquals("eval", done.getString("metadata.team"));
        assertTrue(done.getLong("end_time") >= done.getLong("start_time"), done.prettify());
        String logs = JsonPath.from(head.get(head.dashboard, "/api/jobs/j1/logs").body()).getString("logs");
        assertTrue(logs.matches("hello from [0-9.]+:[0-9]+\n"), logs); // RAY_ADDRESS: the GCS, as the supervisor sets it

        HttpResponse<String> failing = submit("{\"entrypoint\": \"echo oops; exit 3\"}");
        String id = JsonPath.from(failing.body()).getString("submission_id");
        assertTrue(id.matches("raysubmit_[A-HJ-NP-Za-km-z1-9]{16}"), id);
        JsonPath failed = awaitStatus(id, "FAILED");
        assertEquals("Job entrypoint command failed with exit code 3, last available logs (truncated to 20,000 chars):\noops\n",
                failed.getString("message"));
        assertEquals(3, failed.getInt("driver_exit_code"));
        assertEquals("Job entrypoint command failed with exit code 4. No logs available.",
                awaitStatus(JsonPath.from(submit("{\"entrypoint\": \"exit 4\"}").body()).getString("job_id"), "FAILED")
                        .getString("message"));

        JsonPath all = JsonPath.from(head.get(head.dashboard, "/api/jobs/").body());
        assertEquals("j1", all.getString("[0].submission_id"));
        assertEquals(3, all.getList("$").size());
    }

    @Test
    void badBodiesDuplicatesAndUnknownIdsAreRefusedAsRayRefusesThem() throws Exception {
        HttpResponse<String> unknownKey = submit("{\"entrypoint\": \"true\", \"entrypoint_num_cpu\": 1}");
        assertEquals(400, unknownKey.statusCode());
        assertTrue(unknownKey.body().startsWith("Traceback (most recent call last):"), unknownKey.body());
        assertTrue(
                unknownKey.body()
                        .contains("TypeError: JobSubmitRequest.__init__() got an unexpected keyword argument 'entrypoint_num_cpu'"),
                unknownKey.body());
        HttpResponse<String> wrongType = submit("{\"entrypoint\": \"true\", \"metadata\": {\"n\": 1}}");
        assertEquals(400, wrongType.statusCode());
        assertTrue(wrongType.body().contains("TypeError: metadata values must be strings, got <class 'int'>"), wrongType.body());
        assertEquals(400, submit("{\"submission_id\": \"x\"}").statusCode());

        assertEquals(200, submit("{\"entrypoint\": \"sleep 30\", \"submission_id\": \"dup\"}").statusCode());
        HttpResponse<String> again = submit("{\"entrypoint\": \"true\", \"submission_id\": \"dup\"}");
        assertEquals(500, again.statusCode());
        assertTrue(again.body().contains("Job with submission_id dup already exists. Please use a different submission_id."), again.body());

        HttpResponse<String> missing = head.get(head.dashboard, "/api/jobs/nope");
        assertEquals(404, missing.statusCode());
        assertEquals("Job nope does not exist", missing.body());
        assertEquals(404, head.get(head.dashboard, "/api/jobs/nope/logs").statusCode());
        assertEquals(404, head.send("POST", "/api/jobs/nope/stop", null).statusCode());
        assertEquals(404, head.send("DELETE", "/api/jobs/nope", null).statusCode());
    }

    @Test
    void stopSendsSigtermThenSigkillAfterThreeSecondsAndARunningJobCannotBeDeleted() throws Exception {
        // the entrypoint ignores SIGTERM: only the SIGKILL 3 s later ends it
        submit("{\"entrypoint\": \"trap 'echo got TERM' TERM; while true; do sleep 0.1; done\", \"submission_id\": \"long\"}");
        awaitStatus("long", "RUNNING");
        HttpResponse<String> deleting = head.send("DELETE", "/api/jobs/long", null);
        assertEquals(500, deleting.statusCode());
        assertTrue(deleting.body().contains("RuntimeError: Attempted to delete job 'long', but it is in a non-terminal state RUNNING."),
                deleting.body());

        long asked = System.currentTimeMillis();
        assertEquals("{\"stopped\": true}", head.send("POST", "/api/jobs/long/stop", null).body());
        JsonPath stopped = awaitStatus("long", "STOPPED");
        assertTrue(stopped.getLong("end_time") - asked >= 2900, stopped.getLong("end_time") - asked + " ms after the stop");
        assertEquals("Job was intentionally stopped.", stopped.getString("message"));
        assertNull(stopped.get("driver_exit_code"));
        assertTrue(JsonPath.from(head.get(head.dashboard, "/api/jobs/long/logs").body()).getString("logs").contains("got TERM"));

        assertEquals("{\"stopped\": false}", head.send("POST", "/api/jobs/long/stop", null).body());
        assertEquals("{\"deleted\": true}", head.send("DELETE", "/api/jobs/long", null).body());
        assertEquals(404, head.get(head.dashboard, "/api/jobs/long").statusCode());
    }

    /** The stand-in's `ray` as a process, with its directory first on the PATH (as `ray` is in Ray's image). */
    private Run ray(String... command) throws Exception {
        Path dir = Path.of("deploy/ray-standin").toAbsolutePath();
        if (command[0].equals("ray")) {
            command[0] = dir.resolve("ray").toString();
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    record Run(int code, String out) {
    }

    @Test
    void kubeRaysSubmitterLineSubmitsOnceTailsTheLogAndExitsAsRaysCliDoes() throws Exception {
        String address = "http://127.0.0.1:" + head.dashboard;
        // KubeRay's K8sJobMode command ([K] common/job.go), run twice as a retried submitter would run it
        String line = "if ray job status --address " + address + " c1 >/dev/null 2>&1 ; then ray job logs --address " + address
                + " --follow c1 ; else ray job submit --address " + address + " --metadata-json '{\"a\":\"b\"}' --submission-id c1"
                + " --entrypoint-num-cpus 0.5 -- echo hi from c1 ; fi";
        Run first = ray("bash", "-c", line);
        assertEquals(0, first.code(), first.out());
        assertTrue(first.out().contains("Job 'c1' submitted successfully"), first.out());
        assertTrue(first.out().contains("hi from c1\n"), first.out());
        assertTrue(first.out().contains("Job 'c1' succeeded"), first.out());
        Run again = ray("bash", "-c", line);
        assertEquals(0, again.code(), again.out());
        assertEquals("hi from c1\n", again.out(), "the second run only follows the log");
        assertEquals(1, JsonPath.from(head.get(head.dashboard, "/api/jobs/").body()).getList("$").size());
        assertEquals("b", job("c1").getString("metadata.a"));
        assertEquals("echo hi from c1", job("c1").getString("entrypoint"));

        Run failed = ray("ray", "job", "submit", "--address", address, "--submission-id", "c2", "--", "sh", "-c", "'exit 3'");
        assertEquals(1, failed.code(), "submit exits 1 when the job FAILED (Ray >= 2.7): " + failed.out());
        assertTrue(failed.out().contains("Status message: Job entrypoint command failed with exit code 3"), failed.out());
        Run logs = ray("ray", "job", "logs", "--address", address, "c2");
        assertEquals(0, logs.code(), "ray job logs exits 0 whatever the job did");
        Run unknown = ray("ray", "job", "status", "--address", address, "nope");
        assertEquals(1, unknown.code(), unknown.out());
        assertTrue(unknown.out().contains("Job nope does not exist"), unknown.out());
        Run badOption = ray("ray", "job", "submit", "--address", address, "--follow", "--", "true");
        assertEquals(2, badOption.code());
        assertTrue(badOption.out().endsWith("Error: No such option: --follow\n"), badOption.out());
        Run badFloat = ray("ray", "job", "submit", "--address", address, "--entrypoint-num-cpus", "one", "--", "true");
        assertEquals(2, badFloat.code());
        assertTrue(badFloat.out().contains("Invalid value for '--entrypoint-num-cpus': 'one' is not a valid float."), badFloat.out());
    }
}

package io.swarmray.rayjob;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmray.head.HeadProbe;
import io.swarmray.rayjob.JobTransitions.RayJobInfo;
import io.swarmray.spec.FieldReader;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayJob;
import io.swarmray.swarm.ObservedTask;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ray's Job Submission API on the head's dashboard (ray-job-contract.md B3), the calls KubeRay's dashboard client
 * makes ([K] dashboard_httpclient.go): get a job, submit one, stop one. Throws IllegalStateException or SwarmException
 * when the head does not answer.
 */
@ApplicationScoped
public class RayJobApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String JOBS = "/api/jobs/";

    @Inject
    HeadProbe head;

    /** Ray's record of the job, or {@code unknown} when Ray answers 404. */
    public record Answer(RayJobInfo info, boolean unknown) {
    }

    public Answer get(RayCluster cluster, ObservedTask headTask, String jobId) {
        HeadProbe.Reply r = head.call(cluster, headTask, "GET", JOBS + jobId, null);
        if (r.code() == 404) {
            return new Answer(null, true);
        }
        if (r.code() != 200) {
            throw new IllegalStateException("GET " + JOBS + jobId + " answered HTTP " + r.code() + ": " + FieldReader.abbreviate(r.body()));
        }
        return new Answer(parse(r.body()), false);
    }

    /** Submits the job under {@code jobId}; null when Ray took it, else what it said. */
    public String submit(RayCluster cluster, ObservedTask headTask, RayJob job, String jobId) {
        HeadProbe.Reply r = head.call(cluster, headTask, "POST", JOBS, submitBody(job, jobId));
        return r.code() == 200
                ? null
                : "Ray refused job " + jobId + " (HTTP " + r.code() + "): " + FieldReader.abbreviate(r.body().trim());
    }

    /** Asks Ray to stop the job: SIGTERM, then SIGKILL after its grace time. */
    public void stop(RayCluster cluster, ObservedTask headTask, String jobId) {
        HeadProbe.Reply r = head.call(cluster, headTask, "POST", JOBS + jobId + "/stop", null);
        if (r.code() != 200 && r.code() != 404) {
            throw new IllegalStateException("stop answered HTTP " + r.code() + ": " + FieldReader.abbreviate(r.body()));
        }
    }

    /** The job's driver log as Ray keeps it ({@code GET /api/jobs/{id}/logs}). */
    public String logs(RayCluster cluster, ObservedTask headTask, String jobId) {
        HeadProbe.Reply r = head.call(cluster, headTask, "GET", JOBS + jobId + "/logs", null);
        if (r.code() != 200) {
            throw new IllegalStateException("Ray answered HTTP " + r.code() + ": " + FieldReader.abbreviate(r.body().trim()));
        }
        try {
            return JSON.readTree(r.body()).path("logs").asText("");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Ray's logs answer is not JSON: " + FieldReader.abbreviate(r.body()));
        }
    }

    /** KubeRay's submit body ([K] ConvertRayJobToReq): the fields it sends, none when empty. */
    static String submitBody(RayJob job, String jobId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entrypoint", job.entrypoint());
        body.put("submission_id", jobId);
        if (job.metadata() != null && !job.metadata().isEmpty()) {
            body.put("metadata", job.metadata());
        }
        if (job.runtimeEnv() != null && !job.runtimeEnv().isEmpty()) {
            body.put("runtime_env", job.runtimeEnv());
        }
        if (job.entrypointNumCpus() != null && job.entrypointNumCpus() != 0) {
            body.put("entrypoint_num_cpus", job.entrypointNumCpus());
        }
        if (job.entrypointNumGpus() != null && job.entrypointNumGpus() != 0) {
            body.put("entrypoint_num_gpus", job.entrypointNumGpus());
        }
        if (job.entrypointResources() != null && !job.entrypointResources().isEmpty()) {
            body.put("entrypoint_resources", job.entrypointResources());
        }
        return json(body);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static RayJobInfo parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return new RayJobInfo(n.path("status").asText(""), n.path("message").asText(""));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Ray's job record is not JSON: " + FieldReader.abbreviate(body));
        }
    }
}

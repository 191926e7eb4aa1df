package io.swarmray.rayjob;

import io.swarmray.render.SpecHash;
import io.swarmray.spec.Names;
import io.swarmray.spec.SpecIssue;
import io.swarmray.spec.SpecRegistry.JobSpec;
import java.time.Instant;
import java.util.List;

/** A RayJob's status, from its record and what was observed; pure. */
final class JobStatusReport {
    private JobStatusReport() {
    }

    /**
     * @param clusterState  the cluster's own state (ready, provisioning...), or null when it has none
     * @param dashboardPort the head's dashboard port, or null when the cluster's spec is not known
     */
    static RayJobStatus build(JobSpec spec, JobRecord rec, String clusterState, Integer dashboardPort, List<String> problems,
            Instant now) {
        String dashboard = rec.clusterName() == null || dashboardPort == null
                ? ""
                : Names.headService(rec.clusterName()) + ":" + dashboardPort;
        return new RayJobStatus(spec.name(), nullToEmpty(rec.jobId()), nullToEmpty(rec.clusterName()), dashboard, rec.jobStatus(),
                rec.deploymentStatus(), rec.reason(), rec.message(), time(rec.startTime()), time(rec.endTime()), rec.succeeded(),
                rec.failed(), clusterState, spec.spec() == null ? null : SpecHash.of(spec.spec().toString()), now.toString(), spec.file(),
                spec.errors().stream().map(SpecIssue::toString).toList(), spec.warnings().stream().map(SpecIssue::toString).toList(),
                List.copyOf(problems));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}

package io.swarmray.rayjob;

import io.swarmray.render.DesiredService;
import io.swarmray.render.DesiredService.HealthCheck;
import io.swarmray.render.DesiredService.Placement;
import io.swarmray.render.DesiredService.Resources;
import io.swarmray.render.DesiredService.Rollout;
import io.swarmray.render.DesiredService.RunOnce;
import io.swarmray.render.Labels;
import io.swarmray.spec.Names;
import io.swarmray.spec.RayJob;
import io.swarmray.status.Instants;
import io.swarmray.swarm.ObservedTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * K8sJobMode's submitter ([K] common/job.go, rayjob_controller.go:514-529) on Swarm: a {@code replicated-job} service
 * in the head's image, on the cluster network, running KubeRay's submitter line; its tasks tell how submission went.
 * Pure.
 */
public final class Submitter {
    /** The label naming the RayJob a submitter belongs to. */
    public static final String LABEL = "swarmray.io/rayjob-submitter";
    /** KubeRay's default submitter: 1 CPU, 1 GiB ([K] common/job.go:128-151). */
    static final long NANO_CPUS = 1_000_000_000L;
    static final long MEMORY = 1L << 30;
    /** Swarm restarts a failed task after 5 s; a failed submitter with no replacement this long after has given up. */
    static final Duration GAVE_UP_AFTER = Duration.ofSeconds(20);

    /** How the submitter went, from its tasks. */
    public enum State {
        NONE, ACTIVE, SUCCEEDED, FAILED
    }

    private Submitter() {
    }

    public static String name(String job) {
        return job + "-submitter";
    }

    /** The dashboard as the submitter reaches it: the head's service name on the cluster network. */
    static String address(String cluster, int dashboardPort) {
        return "http://" + Names.headService(cluster) + ":" + dashboardPort;
    }

    /**
     * KubeRay's line: follow the job's log when Ray knows its id (a retried submitter), else submit it, which tails the
     * log and exits 1 when the job FAILED. The entrypoint is pasted unquoted, so bash splits it as KubeRay's does.
     */
    static String line(RayJob job, String jobId, String address) {
        List<String> submit = new ArrayList<>(List.of("ray", "job", "submit", "--address", address));
        if (job.runtimeEnv() != null && !job.runtimeEnv().isEmpty()) {
            submit.addAll(List.of("--runtime-env-json", quoted(RayJobApi.json(job.runtimeEnv()))));
        }
        if (job.metadata() != null && !job.metadata().isEmpty()) {
            submit.addAll(List.of("--metadata-json", quoted(RayJobApi.json(job.metadata()))));
        }
        submit.addAll(List.of("--submission-id", jobId));
        if (job.entrypointNumCpus() != null && job.entrypointNumCpus() > 0) {
            submit.addAll(List.of("--entrypoint-num-cpus", String.format(Locale.ROOT, "%f", job.entrypointNumCpus())));
        }
        if (job.entrypointNumGpus() != null && job.entrypointNumGpus() > 0) {
            submit.addAll(List.of("--entrypoint-num-gpus", String.format(Locale.ROOT, "%f", job.entrypointNumGpus())));
        }
        if (job.entrypointResources() != null && !job.entrypointResources().isEmpty()) {
            submit.addAll(List.of("--entrypoint-resources", quoted(RayJobApi.json(job.entrypointResources()))));
        }
        submit.addAll(List.of("--", job.entrypoint()));
        return "if ray job status --address " + address + " " + jobId + " >/dev/null 2>&1 ; then ray job logs --address " + address
                + " --follow " + jobId + " ; else " + String.join(" ", submit) + " ; fi";
    }

    /** The submitter of {@code jobId} on {@code cluster}, whose head runs {@code image}. */
    static DesiredService desired(RayJob job, String jobId, String cluster, String image, int dashboardPort) {
        String address = address(cluster, dashboardPort);
        TreeMap<String, String> labels = new TreeMap<>(job.labels() == null ? Map.of() : job.labels());
        labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        labels.put(Labels.ORIGINATED_FROM_CRD, RayJob.KIND);
        labels.put(Labels.ORIGINATED_FROM_CR_NAME, job.name());
        labels.put(LABEL, job.name());
        List<String> env = List.of("PYTHONUNBUFFERED=1", "RAY_DASHBOARD_ADDRESS=" + Names.headService(cluster) + ":" + dashboardPort,
                "RAY_JOB_SUBMISSION_ID=" + jobId);
        return new DesiredService(name(job.name()), labels, image, List.of("/bin/bash", "-ce", line(job, jobId, address)), List.of(), env,
                List.of(), new Resources(NANO_CPUS, MEMORY, 0, 0, new TreeMap<>()), new Placement(List.of(), List.of(), 0), 1,
                Names.network(cluster), List.of(), List.of(), new HealthCheck(List.of("NONE"), 0, 0, 0, 0),
                Duration.ofSeconds(10).toNanos(), List.of(), List.of(), new Rollout(1, 0, "stop-first", "pause", 0), List.of(),
                new RunOnce(job.submitterBackoffLimit(), true), List.of(), List.of()).withHashLabel();
    }

    /**
     * From the submitter's tasks: SUCCEEDED once one completed; FAILED once {@code retries} + 1 failed, or when the last
     * failure is {@link #GAVE_UP_AFTER} old with nothing after it (Swarm gave up sooner than counted); else ACTIVE.
     * Only the tasks of {@code serviceId} count: Swarm keeps the completed tasks of a removed job service, and a job's
     * earlier submitter (a retry, or a run before the file was deleted and written again) carries the same label.
     *
     * @param serviceId the submitter service's id, null when there is none
     */
    static State state(String serviceId, List<ObservedTask> allTasks, int retries, Instant now) {
        if (serviceId == null) {
            return State.NONE;
        }
        List<ObservedTask> tasks = allTasks.stream().filter(t -> serviceId.equals(t.serviceId())).toList();
        if (tasks.stream().anyMatch(t -> "complete".equals(t.state()))) {
            return State.SUCCEEDED;
        }
        List<ObservedTask> failed = tasks.stream().filter(t -> "failed".equals(t.state()) || "rejected".equals(t.state())).toList();
        if (failed.size() > retries) {
            return State.FAILED;
        }
        boolean live = tasks.stream().anyMatch(t -> !t.ended());
        Instant lastFailure = failed.stream().map(t -> Instants.parseOrNull(t.timestamp())).filter(t -> t != null).max(Instant::compareTo)
                .orElse(null);
        return !live && lastFailure != null && !now.isBefore(lastFailure.plus(GAVE_UP_AFTER)) ? State.FAILED : State.ACTIVE;
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}

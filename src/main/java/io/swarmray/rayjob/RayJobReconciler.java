package io.swarmray.rayjob;

import io.swarmray.Config;
import io.swarmray.head.HeadProbe;
import io.swarmray.rayjob.JobTransitions.Action;
import io.swarmray.rayjob.JobTransitions.CreateSubmitter;
import io.swarmray.rayjob.JobTransitions.DeleteSubmitter;
import io.swarmray.rayjob.JobTransitions.Seen;
import io.swarmray.rayjob.JobTransitions.Step;
import io.swarmray.rayjob.JobTransitions.Submit;
import io.swarmray.render.Labels;
import io.swarmray.render.RayStartCommand;
import io.swarmray.spec.Lookup;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayJob;
import io.swarmray.spec.SpecRegistry;
import io.swarmray.spec.SpecRegistry.ClusterSpec;
import io.swarmray.spec.SpecRegistry.JobSpec;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.StatusStore;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import io.swarmray.swarm.SwarmClient;
import io.swarmray.swarm.SwarmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One level-triggered pass over one RayJob ([K] rayjob_controller.go): read its record from Swarm, observe its
 * cluster and Ray's job, step {@link JobTransitions}, store the new record before acting on it, act, publish the
 * cluster it wants through the registry (the RayCluster reconcile builds and removes it), report.
 */
@ApplicationScoped
public class RayJobReconciler {
    private static final Logger LOG = Logger.getLogger(RayJobReconciler.class);
    /** Transitions that need no new observation are followed within one pass, up to this many. */
    private static final int STEPS_PER_PASS = 8;
    private static final String READY = "ready";

    @Inject
    SwarmClient swarm;
    @Inject
    SpecRegistry registry;
    @Inject
    JobStore store;
    @Inject
    RayJobStatusStore statuses;
    @Inject
    StatusStore clusterStatuses;
    @Inject
    HeadProbe head;
    @Inject
    RayJobApi ray;
    @Inject
    Config config;

    Clock clock = Clock.systemUTC();
    /** Jobs known to have no submitter service since they stopped wanting a cluster. */
    private final Set<String> submitterGone = ConcurrentHashMap.newKeySet();

    /** Reconciles RayJob {@code name}; {@code enqueue} takes the clusters whose wanted spec changed. */
    public Duration reconcile(String name, Consumer<String> enqueue) {
        Lookup<JobSpec> declared = registry.lookup(r -> r.job(name));
        JobSpec spec = declared.found();
        JobRecord stored = store.read(name);
        if (spec == null) {
            return tearDown(name, declared.allFilesRead(), stored, enqueue);
        }
        JobRecord rec = stored == null ? JobRecord.fresh() : stored;
        if (spec.spec() == null) {
            statuses.put(JobStatusReport.build(spec, rec, null, null, List.of("the spec was never valid; nothing runs"), clock.instant()));
            return null;
        }
        RayJob job = spec.spec();
        List<String> problems = new ArrayList<>();
        Duration requeue = JobTransitions.REQUEUE;
        for (int i = 0; i < STEPS_PER_PASS; i++) {
            Step step = JobTransitions.next(job, rec, observe(job, rec, problems), clock.instant(), JobClusters::suffix);
            if (!step.next().equals(rec)) {
                // stored before anything is done on it: a restart finds the same job id and cluster, and never submits twice
                store.write(name, step.next());
                LOG.infof("rayjob %s: %s%s", name, step.next().deploymentStatus().isEmpty() ? "New" : step.next().deploymentStatus(),
                        step.next().jobStatus().isEmpty() ? "" : " (Ray: " + step.next().jobStatus() + ")");
            }
            rec = step.next();
            for (Action a : step.actions()) {
                act(job, a, problems);
            }
            requeue = step.requeue();
            if (!Duration.ZERO.equals(requeue)) {
                break;
            }
        }
        Map<String, RayCluster> wanted = JobClusters.wanted(job, rec, clock.instant());
        registry.publishDerived(SpecRegistry.jobKey(name), wanted).forEach(enqueue);
        if (wanted.isEmpty() && job.clusterSelector() == null) {
            // it sits on the cluster network, which cannot go while a service uses it (KubeRay keeps its Job for the logs)
            removeSubmitters(name);
        }
        String clusterState = rec.clusterName() == null
                ? null
                : clusterStatuses.get(rec.clusterName()).map(ClusterStatus::state).orElse(null);
        statuses.put(JobStatusReport.build(spec, rec, clusterState, dashboardPort(rec), problems, clock.instant()));
        return Duration.ZERO.equals(requeue) ? JobTransitions.REQUEUE : requeue; // ZERO: the pass ran out of steps
    }

    private Seen observe(RayJob job, JobRecord rec, List<String> problems) {
        if (rec.clusterName() == null) {
            return new Seen(false, false, null, false);
        }
        List<ObservedService> services = swarm.services(rec.clusterName());
        boolean exists = !services.isEmpty();
        boolean ready = clusterStatuses.get(rec.clusterName()).map(s -> READY.equals(s.state())).orElse(false);
        Submitter.State submitter = RayJob.K8S_JOB_MODE.equals(job.submissionMode())
                ? Submitter.state(submitters(job.name()).stream().map(ObservedService::id).findFirst().orElse(null),
                        swarm.tasksLabelled(Submitter.LABEL, job.name()),
                        job.submitterBackoffLimit(), clock.instant())
                : Submitter.State.NONE;
        if (!JobRecord.RUNNING.equals(rec.deploymentStatus()) || rec.jobId() == null || !ready) {
            return new Seen(exists, ready, null, false, submitter);
        }
        try {
            RayJobApi.Answer got = ray.get(cluster(rec), headTask(rec.clusterName(), services), rec.jobId());
            return new Seen(exists, ready, got.info(), got.unknown(), submitter);
        } catch (IllegalStateException | SwarmException e) {
            problems.add("cannot read job " + rec.jobId() + " from " + rec.clusterName() + ": " + e.getMessage());
            return new Seen(exists, ready, null, false, submitter);
        }
    }

    private void act(RayJob job, Action action, List<String> problems) {
        if (action instanceof CreateSubmitter create) {
            submitterGone.remove(job.name());
            RayCluster cluster = cluster(create.cluster(), job);
            swarm.createService(Submitter.desired(job, create.jobId(), create.cluster(),
                    config.renderOptions().images().apply(cluster.head().template().container().image()), dashboardPort(cluster)));
            LOG.infof("rayjob %s: created its submitter %s for %s", job.name(), Submitter.name(job.name()), create.jobId());
            return;
        }
        if (action instanceof DeleteSubmitter) {
            submitters(job.name()).forEach(swarm::removeService);
            return;
        }
        if (!(action instanceof Submit submit)) {
            return; // creating and deleting the cluster is what publishing the wanted clusters does
        }
        try {
            String refused = ray.submit(cluster(submit.cluster(), job), headTask(submit.cluster(), null), job, submit.jobId());
            if (refused == null) {
                LOG.infof("rayjob %s: submitted %s to %s", job.name(), submit.jobId(), submit.cluster());
            } else {
                problems.add(refused);
            }
        } catch (IllegalStateException | SwarmException e) {
            problems.add("cannot submit " + submit.jobId() + " to " + submit.cluster() + ": " + e.getMessage());
        }
    }

    /**
     * The file is gone ([K] :113-127): a job still running is stopped, the job's own cluster leaves through the
     * RayCluster reconcile, then the record goes.
     */
    private Duration tearDown(String name, boolean allFilesRead, JobRecord stored, Consumer<String> enqueue) {
        if (!allFilesRead) {
            return JobTransitions.REQUEUE;
        }
        String key = SpecRegistry.jobKey(name);
        if (stored != null && stored.jobId() != null && !stored.finished() && JobRecord.RUNNING.equals(stored.deploymentStatus())) {
            try {
                ray.stop(cluster(stored), headTask(stored.clusterName(), null), stored.jobId());
                LOG.infof("rayjob %s: its file is gone; stopped job %s", name, stored.jobId());
            } catch (IllegalStateException | SwarmException e) {
                LOG.infof("rayjob %s: its file is gone; job %s could not be stopped (%s), its cluster goes anyway", name,
                        stored.jobId(), e.getMessage());
            }
            store.write(name, new JobRecord(stored.jobId(), stored.clusterName(), JobRecord.SUSPENDING, stored.jobStatus(), "",
                    "the RayJob was deleted", stored.startTime(), stored.endTime(), stored.succeeded(), stored.failed()));
        }
        registry.publishDerived(key, Map.of()).forEach(enqueue);
        submitters(name).forEach(swarm::removeService);
        List<ObservedService> owned = swarm.services(null).stream()
                .filter(s -> name.equals(Labels.rayJobOwner(s.labels())) && s.label(Labels.CLUSTER) != null).toList();
        if (!owned.isEmpty()) {
            owned.stream().map(s -> s.label(Labels.CLUSTER)).distinct().forEach(enqueue);
            return JobTransitions.REQUEUE;
        }
        store.remove(name);
        if (stored != null || statuses.get(name).isPresent()) {
            LOG.infof("rayjob %s: removed", name);
        }
        statuses.remove(name);
        registry.forgetDerived(key);
        submitterGone.remove(name);
        return null;
    }

    /**
     * The driver log of the job's current attempt, read from Ray; null when no such RayJob is known. Throws
     * IllegalStateException (saying why) when Ray cannot be asked: not submitted yet, or its cluster is gone.
     */
    public String logs(String name) {
        if (registry.job(name) == null && statuses.get(name).isEmpty()) {
            return null;
        }
        JobRecord rec = store.read(name);
        if (rec == null || rec.jobId() == null || rec.clusterName() == null) {
            throw new IllegalStateException("rayjob " + name + " has not been submitted to Ray yet");
        }
        if (swarm.services(rec.clusterName()).isEmpty()) {
            throw new IllegalStateException("the cluster of rayjob " + name + " (" + rec.clusterName()
                    + ") is gone, and Ray's logs of job " + rec.jobId() + " with it");
        }
        return ray.logs(cluster(rec), headTask(rec.clusterName(), null), rec.jobId());
    }

    private RayCluster cluster(JobRecord rec) {
        return cluster(rec.clusterName(), null);
    }

    /** The spec of the job's cluster: its own (as published), or the one a file declares. */
    private RayCluster cluster(String name, RayJob job) {
        ClusterSpec c = registry.cluster(name);
        if (c != null && c.spec() != null) {
            return c.spec();
        }
        if (job != null && job.cluster() != null) {
            return JobClusters.derive(job, name);
        }
        throw new IllegalStateException("cluster " + name + " has no known spec");
    }

    /** The cluster's running head task; {@code services} are the cluster's when already listed, else null. */
    private ObservedTask headTask(String cluster, List<ObservedService> services) {
        ObservedTask t = HeadProbe.runningHead(cluster, services != null ? services : swarm.services(cluster), swarm.tasks(cluster));
        if (t == null) {
            throw new IllegalStateException("the head of " + cluster + " is not running");
        }
        return t;
    }

    private Integer dashboardPort(JobRecord rec) {
        if (rec.clusterName() == null) {
            return null;
        }
        ClusterSpec c = registry.cluster(rec.clusterName());
        return c == null || c.spec() == null ? null : dashboardPort(c.spec());
    }

    private static int dashboardPort(RayCluster cluster) {
        return RayStartCommand.intParam(cluster.head(), "dashboard-port", RayStartCommand.DEFAULT_DASHBOARD_PORT);
    }

    /**
     * Removes the job's submitter services once it wants no cluster. Once none is listed, the job's later passes (every
     * resync, for as long as its file stays) list nothing until a submitter is made again.
     */
    private void removeSubmitters(String job) {
        if (submitterGone.contains(job)) {
            return;
        }
        List<ObservedService> left = submitters(job);
        left.forEach(swarm::removeService);
        if (left.isEmpty()) {
            submitterGone.add(job);
        }
    }

    /** The job's submitter services (one, or none). */
    private List<ObservedService> submitters(String job) {
        return swarm.servicesLabelled(Submitter.LABEL, job);
    }
}

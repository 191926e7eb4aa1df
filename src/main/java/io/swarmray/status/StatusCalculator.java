package io.swarmray.status;

import io.swarmray.render.Autoscaler;
import io.swarmray.render.ClusterRenderer;
import io.swarmray.render.Labels;
import io.swarmray.render.RayStartCommand;
import io.swarmray.spec.Names;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.SpecIssue;
import io.swarmray.spec.SpecRegistry.ClusterSpec;
import io.swarmray.swarm.ObservedService;
import io.swarmray.swarm.ObservedTask;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Status from what was observed, never from what was asked: a pure function of the spec view, the
 * observed services and tasks, the previous status (for transition times) and the clock.
 */
public final class StatusCalculator {
    /** A task failure older than this no longer counts as a current ReplicaFailure. */
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(2);

    private StatusCalculator() {
    }

    /** What one reconcile saw and did. {@code problem} is a failure of the reconcile itself (Docker refused, ...). */
    public record Observation(ClusterSpec spec, List<ObservedService> services, List<ObservedTask> tasks,
            List<RayNode> rayNodes, String rayProblem, boolean deleting, String problem,
            List<String> unschedulable) {

        /** What Swarm alone shows, before (or without) asking the head. */
        public static Observation ofSwarm(ClusterSpec spec, List<ObservedService> services, List<ObservedTask> tasks,
                boolean deleting, String problem) {
            return new Observation(spec, services, tasks, null, null, deleting, problem, List.of());
        }
    }

    public static ClusterStatus compute(String name, Observation o, ClusterStatus previous, Instant now) {
        RayCluster spec = o.spec() == null ? null : o.spec().spec();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (o.spec() != null) {
            o.spec().errors().stream().map(SpecIssue::toString).forEach(errors::add);
            o.spec().warnings().stream().map(SpecIssue::toString).forEach(warnings::add);
        }
        if (o.problem() != null) {
            errors.add(o.problem());
        }
        List<Condition> conditions = new ArrayList<>();
        List<ClusterStatus.GroupStatus> groups = new ArrayList<>();
        String t = now.toString();
        if (spec == null) {
            String state = o.deleting() ? "deleting" : "failed";
            return new ClusterStatus(name, state, 0, 0, 0, 0, 0, "0", "0", "0", "0", Map.of(), null, null, t, conditions,
                    groups, o.spec() == null ? null : o.spec().file(), errors, warnings);
        }
        int desired = 0;
        int available = 0;
        int ready = 0;
        int min = 0;
        int max = 0;
        List<String> failures = new ArrayList<>();
        GroupCount head = count(svc -> svc.name().equals(Names.headService(name)), true, o, now);
        if (head.failure != null) {
            failures.add("head: " + head.failure);
        }
        for (GroupSpec g : spec.workerGroups()) {
            String svc = Names.workerService(name, g.groupName());
            // one replicated service, or one service per replica when Ray's autoscaler scales the group
            GroupCount c = count(x -> x.name().equals(svc) || g.groupName().equals(x.label(Labels.GROUP))
                    && x.label(Autoscaler.REPLICA_LABEL) != null, false, o, now);
            int want = spec.suspend() ? 0 : g.effectiveReplicas();
            groups.add(new ClusterStatus.GroupStatus(g.groupName(), svc, want, c.available, c.ready, c.failure));
            if (c.failure != null) {
                failures.add("group " + g.groupName() + ": " + c.failure);
            }
            desired += want;
            available += c.available;
            ready += Math.min(c.ready, want);
            min = saturatedAdd(min, g.minReplicas());
            max = saturatedAdd(max, g.maxReplicas());
        }
        boolean headReady = head.ready > 0;
        boolean allReady = headReady && groups.stream().allMatch(g -> g.readyReplicas() >= g.desiredReplicas());
        String state;
        if (spec.suspend()) {
            state = o.services().isEmpty() ? "suspended" : "suspending";
            conditions.add(cond(previous, Condition.SUSPENDED, o.services().isEmpty(), "Suspended",
                    o.services().isEmpty() ? "spec.suspend is true: Ray services removed, network kept" : "removing Ray services", t));
        } else {
            Condition prevProvisioned = previous == null ? null : previous.condition(Condition.PROVISIONED);
            boolean wasProvisioned = prevProvisioned != null && prevProvisioned.isTrue()
                    && Objects.equals(previous.observedGeneration(), generation(spec));
            state = allReady ? "ready" : wasProvisioned ? "recovering" : "provisioning";
            conditions.add(cond(previous, Condition.HEAD_READY, headReady, headReady ? "HeadTaskRunning" : "HeadTaskNotReady",
                    headReady ? "the head task runs and its GCS answers" : headProblem(head, o), t));
            boolean provisioned = allReady || wasProvisioned;
            conditions.add(cond(previous, Condition.PROVISIONED, provisioned, provisioned ? "AllServicesReady" : "ServicesNotReady",
                    provisioned ? "every service reached its desired ready replicas" : ready + "/" + desired + " workers ready", t));
            boolean observed = o.rayNodes() != null;
            conditions.add(cond(previous, Condition.RAY_NODES_OBSERVED, observed, observed ? "NodeTableRead" : "NodeTableUnavailable",
                    observed
                            ? o.rayNodes().stream().filter(RayNode::alive).count() + " nodes ALIVE in the head's table"
                            : o.rayProblem() == null ? "the head was not asked" : o.rayProblem(),
                    t));
            List<String> rollouts = o.services().stream().filter(svc -> svc.updateState() != null
                    && (svc.updateState().startsWith("rollback") || svc.updateState().equals("paused")))
                    .map(svc -> svc.name() + ": " + svc.updateState()
                            + (svc.updateMessage() == null ? "" : " (" + svc.updateMessage() + ")"))
                    .sorted().toList();
            conditions.add(cond(previous, Condition.ROLLOUT_FAILED, !rollouts.isEmpty(),
                    rollouts.isEmpty() ? "NoFailedRollout" : "SwarmRolledBack",
                    String.join("; ", rollouts), t));
            conditions.add(cond(previous, Condition.INSUFFICIENT_RESOURCES, !o.unschedulable().isEmpty(),
                    o.unschedulable().isEmpty() ? "NodesOfferEnough" : "NoNodeOffersEnough", String.join("; ", o.unschedulable()), t));
            boolean failing = !failures.isEmpty() && !allReady;
            conditions.add(cond(previous, Condition.REPLICA_FAILURE, failing, failing ? "TaskFailed" : "NoFailure",
                    failing ? String.join("; ", failures) : "", t));
        }
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("client", String.valueOf(RayStartCommand.intParam(spec.head(), "ray-client-server-port", 10001)));
        endpoints.put("dashboard",
                String.valueOf(RayStartCommand.intParam(spec.head(), "dashboard-port", RayStartCommand.DEFAULT_DASHBOARD_PORT)));
        endpoints.put("gcs-server", String.valueOf(RayStartCommand.gcsPort(spec)));
        endpoints.put("metrics",
                String.valueOf(RayStartCommand.intParam(spec.head(), "metrics-export-port", RayStartCommand.DEFAULT_METRICS_PORT)));
        return new ClusterStatus(name, state, desired, available, ready, min, max,
                total(spec, "cpu"), total(spec, "memory"), totalGpu(spec), String.valueOf(placedGpus(o)), endpoints,
                new ClusterStatus.Head(Names.headService(name), headReady, head.state), generation(spec), t,
                conditions, groups, o.spec().file(), errors, warnings);
    }

    public static String generation(RayCluster spec) {
        return ClusterRenderer.generation(spec);
    }

    private record GroupCount(int available, int ready, String state, String failure) {
    }

    /**
     * A task is ready when Swarm runs it (its container passes Ray's health check) and the head's node
     * table lists a node ALIVE at one of the task's addresses. Without the table, no worker is called ready.
     */
    private static boolean ready(ObservedTask task, Observation o, boolean head) {
        if (!task.running()) {
            return false;
        }
        if (head) {
            // Swarm's healthcheck tolerates a busy GCS for minutes (KubeRay's liveness), so readiness asks the
            // GCS itself: the head's node table was read through it and lists the head ALIVE.
            return o.rayNodes() != null && o.rayNodes().stream().anyMatch(n -> n.alive() && n.head());
        }
        return o.rayNodes() != null && o.rayNodes().stream()
                .anyMatch(n -> n.alive() && !n.head() && task.addresses().contains(n.nodeIp()));
    }

    private static String headProblem(GroupCount head, Observation o) {
        if (!head.state.startsWith("running")) {
            return "head task: " + head.state;
        }
        return "the head task runs but its GCS did not answer: "
                + (o.rayNodes() == null
                        ? (o.rayProblem() == null ? "the head was not asked" : o.rayProblem())
                        : "no ALIVE head in its node table");
    }

    private static GroupCount count(Predicate<ObservedService> ofGroup, boolean head, Observation o, Instant now) {
        Set<String> ids = o.services().stream().filter(ofGroup).map(ObservedService::id).collect(Collectors.toSet());
        if (ids.isEmpty()) {
            return new GroupCount(0, 0, "no service", null);
        }
        int available = 0;
        int ready = 0;
        String state = "no task";
        String failure = null;
        Instant latestFailure = Instant.MIN;
        for (ObservedTask task : o.tasks()) {
            if (!ids.contains(task.serviceId())) {
                continue;
            }
            if (task.wanted()) {
                state = task.state() + (task.error() == null ? "" : " (" + task.error() + ")");
                if (ready(task, o, head)) {
                    ready++;
                }
                if (task.running() || "starting".equals(task.state())) {
                    available++;
                }
            }
            if (task.wanted() && "pending".equals(task.state()) && task.error() != null) {
                // Swarm cannot place it: "no suitable node (scheduling constraints not satisfied on 3 nodes)"
                failure = head && pinnedToManagers(o) && task.error().contains("no suitable node")
                        ? "the head is pinned to managers (node.role==manager) and no manager can run it: " + task.error()
                        : task.error();
                latestFailure = Instant.MAX;
            }
            if (task.error() != null && ("failed".equals(task.state()) || "rejected".equals(task.state()))) {
                Instant at = parse(task.timestamp());
                if (at.isAfter(now.minus(FAILURE_WINDOW)) && at.isAfter(latestFailure)) {
                    latestFailure = at;
                    failure = task.error();
                }
            }
        }
        return new GroupCount(available, ready, state, failure);
    }

    private static long placedGpus(Observation o) {
        return o.tasks().stream().filter(ObservedTask::running).filter(ObservedTask::wanted)
                .flatMap(t -> t.assigned().stream()).filter(a -> a.toUpperCase().contains("GPU")).count();
    }

    private static boolean pinnedToManagers(Observation o) {
        return o.spec() != null && o.spec().spec() != null && o.spec().spec().head().placement().pinToManager();
    }

    private static Instant parse(String timestamp) {
        try {
            return timestamp == null ? Instant.MIN : Instant.parse(timestamp);
        } catch (RuntimeException e) {
            return Instant.MIN;
        }
    }

    private static Condition cond(ClusterStatus previous, String type, boolean value, String reason, String message, String now) {
        String status = value ? "True" : "False";
        Condition before = previous == null ? null : previous.condition(type);
        String since = before != null && before.status().equals(status) ? before.lastTransitionTime() : now;
        return new Condition(type, status, reason, message, since);
    }

    /** KubeRay's desiredCPU/desiredMemory: requests (else limits) times replicas, head included. */
    private static String total(RayCluster spec, String resource) {
        BigDecimal sum = BigDecimal.ZERO;
        for (GroupSpec g : groups(spec)) {
            var r = g.template().container().resources();
            BigDecimal each = r.requests().getOrDefault(resource, r.limits().getOrDefault(resource, BigDecimal.ZERO));
            sum = sum.add(each.multiply(BigDecimal.valueOf(replicas(spec, g))));
        }
        return sum.stripTrailingZeros().toPlainString();
    }

    private static String totalGpu(RayCluster spec) {
        BigDecimal sum = BigDecimal.ZERO;
        for (GroupSpec g : groups(spec)) {
            BigDecimal each = RayStartCommand.gpuLimit(g.template().container().resources().limits()).orElse(BigDecimal.ZERO);
            sum = sum.add(each.multiply(BigDecimal.valueOf(replicas(spec, g))));
        }
        return sum.stripTrailingZeros().toPlainString();
    }

    private static List<GroupSpec> groups(RayCluster spec) {
        List<GroupSpec> all = new ArrayList<>(spec.workerGroups());
        all.add(0, spec.head());
        return all;
    }

    private static int replicas(RayCluster spec, GroupSpec g) {
        return spec.suspend() ? 0 : g.type() == RayCluster.NodeType.HEAD ? 1 : g.effectiveReplicas();
    }

    private static int saturatedAdd(int a, int b) {
        long s = (long) a + b;
        return s > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) s;
    }
}

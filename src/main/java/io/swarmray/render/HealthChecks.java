package io.swarmray.render;

import io.swarmray.render.DesiredService.HealthCheck;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayCluster.NodeType;
import io.swarmray.spec.RayCluster.Probe;
import java.time.Duration;
import java.util.List;

/** Swarm's healthcheck of a group's tasks. */
final class HealthChecks {
    /** KubeRay's head liveness failureThreshold (utils/constant.go:306-322). */
    static final int HEAD_HEALTH_RETRIES = 120;
    /** A worker's healthcheck does not count while it may still be waiting for its head (F8: 5-35 s an attempt). */
    static final Duration WORKER_WAIT_FOR_HEAD = Duration.ofSeconds(300);

    private HealthChecks() {
    }

    /**
     * Ray's own health URLs (KubeRay's probes): the raylet on every node, and the GCS on the head. Swarm has one
     * healthcheck where Kubernetes has liveness and readiness, and it replaces a task that fails it. The head
     * gets KubeRay's liveness tolerance (120 x 5 s): gcs_healthz fails whenever the GCS takes over 0.1 s, and
     * restarting a merely busy head takes the whole cluster down without fault tolerance (F7); the operator's
     * readiness still asks the GCS (the head's node table). A worker's raylet check fails only once the GCS
     * has declared it dead, so it keeps Swarm's quick replacement; its start period covers waiting for the head,
     * where each attempt may take 5-35 s (F8). A livenessProbe in the Ray container replaces them, as it does in
     * KubeRay, with its own timings: a shorter period makes a new head resolvable sooner after a failover, since
     * its name resolves only once it passed its first check (spec's ProbeReader says how a probe maps). A worker's
     * probe starts counting after its wait for the head too, as KubeRay's starts after the init container's wait.
     */
    static HealthCheck of(GroupSpec g) {
        Probe probe = g.template().container().liveness();
        if (probe != null) {
            long startPeriod = seconds(probe.initialDelaySeconds()) + (g.type() == NodeType.HEAD ? 0 : WORKER_WAIT_FOR_HEAD.toNanos());
            return new HealthCheck(probe.test(), seconds(probe.periodSeconds()), seconds(probe.timeoutSeconds()), probe.failureThreshold(),
                    startPeriod);
        }
        int agent = RayStartCommand.intParam(g, "dashboard-agent-listen-port", RayStartCommand.DEFAULT_AGENT_PORT);
        String test = "wget --tries=1 -T 2 -q -O- http://localhost:" + agent + "/api/local_raylet_healthz | grep success";
        if (g.type() == NodeType.HEAD) {
            int dashboard = RayStartCommand.intParam(g, "dashboard-port", RayStartCommand.DEFAULT_DASHBOARD_PORT);
            test += " && wget --tries=1 -T 10 -q -O- http://localhost:" + dashboard + "/api/gcs_healthz | grep success";
            return new HealthCheck(List.of("CMD-SHELL", test), Duration.ofSeconds(5).toNanos(), Duration.ofSeconds(13).toNanos(),
                    HEAD_HEALTH_RETRIES, Duration.ofSeconds(60).toNanos());
        }
        return new HealthCheck(List.of("CMD-SHELL", test), Duration.ofSeconds(5).toNanos(), Duration.ofSeconds(3).toNanos(), 6,
                WORKER_WAIT_FOR_HEAD.toNanos());
    }

    private static long seconds(int s) {
        return Duration.ofSeconds(s).toNanos();
    }
}

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
    /**
     * How often a new head is checked until its first check passes (Docker 25+; older engines check it first one
     * interval after its start): the head's name resolves only once a check passed (dnsrr), and every worker waits
     * for that name, after a failover too. Workers keep the interval: one waiting for its head would be checked every
     * second for up to {@link #WORKER_WAIT_FOR_HEAD}.
     */
    static final Duration HEAD_START_INTERVAL = Duration.ofSeconds(1);
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
     * KubeRay, with its own timings: on engines older than Docker 25, a shorter period makes a new head resolvable
     * sooner after a failover, since its name resolves only once it passed its first check (newer ones check it every
     * {@link #HEAD_START_INTERVAL} until then); spec's ProbeReader says how a probe maps. A worker's
     * probe starts counting after its wait for the head too, as KubeRay's starts after the init container's wait.
     */
    static HealthCheck of(GroupSpec g) {
        Probe probe = g.template().container().liveness();
        boolean head = g.type() == NodeType.HEAD;
        if (probe != null) {
            long startPeriod = seconds(probe.initialDelaySeconds()) + (head ? 0 : WORKER_WAIT_FOR_HEAD.toNanos());
            long interval = seconds(probe.periodSeconds());
            return new HealthCheck(probe.test(), interval, seconds(probe.timeoutSeconds()), probe.failureThreshold(),
                    startPeriod, head && startPeriod > 0 ? Math.min(interval, HEAD_START_INTERVAL.toNanos()) : 0);
        }
        int agent = RayStartCommand.intParam(g, "dashboard-agent-listen-port", RayStartCommand.DEFAULT_AGENT_PORT);
        String test = "wget --tries=1 -T 2 -q -O- http://localhost:" + agent + "/api/local_raylet_healthz | grep success";
        if (head) {
            int dashboard = RayStartCommand.intParam(g, "dashboard-port", RayStartCommand.DEFAULT_DASHBOARD_PORT);
            test += " && wget --tries=1 -T 10 -q -O- http://localhost:" + dashboard + "/api/gcs_healthz | grep success";
            return new HealthCheck(List.of("CMD-SHELL", test), Duration.ofSeconds(5).toNanos(), Duration.ofSeconds(13).toNanos(),
                    HEAD_HEALTH_RETRIES, Duration.ofSeconds(60).toNanos(), HEAD_START_INTERVAL.toNanos());
        }
        return new HealthCheck(List.of("CMD-SHELL", test), Duration.ofSeconds(5).toNanos(), Duration.ofSeconds(3).toNanos(), 6,
                WORKER_WAIT_FOR_HEAD.toNanos());
    }

    private static long seconds(int s) {
        return Duration.ofSeconds(s).toNanos();
    }
}

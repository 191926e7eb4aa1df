package io.swarmray.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceSpec;
import io.swarmray.render.DesiredService;
import io.swarmray.render.DesiredService.HealthCheck;
import io.swarmray.render.DesiredService.RunOnce;
import io.swarmray.render.RedisCleanup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceSpecsTest {
    static final DesiredService ONE_SHOT = RedisCleanup.service("c1", Map.of("swarmray.io/image", "img"));

    static DesiredService runOnce(DesiredService s, RunOnce r) {
        return new DesiredService(s.name(), s.labels(), s.image(), s.command(), s.args(), s.env(), s.mounts(), s.resources(),
                s.placement(), s.replicas(), s.network(), s.networkAliases(), s.ports(), s.healthCheck(), s.stopGracePeriodNanos(),
                s.extraNetworks(), s.secrets(), s.rollout(), s.capabilities(), r, s.files(), s.hosts());
    }

    @Test
    void aSwarmJobHasNoUpdateOrRollbackConfigWhichSwarmRefusesForJobs() {
        ServiceSpec job = ServiceSpecs.toDocker(runOnce(ONE_SHOT, new RunOnce(2, true)), Map.of(), Map.of(), null);
        assertNull(job.getUpdateConfig());
        assertNull(job.getRollbackConfig());
        assertEquals(Map.of("MaxConcurrent", 1L, "TotalCompletions", 1L), ((ServiceSpecs.ServiceModeWithJobs) job.getMode()).replicatedJob);
        assertEquals(ServiceRestartCondition.ON_FAILURE, job.getTaskTemplate().getRestartPolicy().getCondition());
        assertEquals(2L, job.getTaskTemplate().getRestartPolicy().getMaxAttempts());
    }

    @Test
    void aReplicatedOneShotKeepsItsRolloutAndANodeIsAlwaysRestarted() {
        ServiceSpec oneShot = ServiceSpecs.toDocker(runOnce(ONE_SHOT, new RunOnce(0, false)), Map.of(), Map.of(), null);
        assertNotNull(oneShot.getUpdateConfig());
        assertEquals(1, oneShot.getMode().getReplicated().getReplicas());
        assertEquals(ServiceRestartCondition.NONE, oneShot.getTaskTemplate().getRestartPolicy().getCondition());
        ServiceSpec node = ServiceSpecs.toDocker(runOnce(ONE_SHOT, null), Map.of(), Map.of(), null);
        assertEquals(ServiceRestartCondition.ANY, node.getTaskTemplate().getRestartPolicy().getCondition());
    }

    @Test
    void aStartIntervalIsSentAndNoneIsLeftOutForTheEngineToTakeTheInterval() {
        DesiredService s = ONE_SHOT;
        DesiredService checked = new DesiredService(s.name(), s.labels(), s.image(), s.command(), s.args(), s.env(), s.mounts(),
                s.resources(),
                s.placement(), s.replicas(), s.network(), s.networkAliases(), s.ports(),
                new HealthCheck(List.of("CMD", "true"), 5_000_000_000L, 1, 1, 60_000_000_000L, 1_000_000_000L), s.stopGracePeriodNanos(),
                s.extraNetworks(), s.secrets(), s.rollout(), s.capabilities(), s.runOnce(), s.files(), s.hosts());
        assertEquals(1_000_000_000L, ServiceSpecs.toDocker(checked, Map.of(), Map.of(), null).getTaskTemplate().getContainerSpec()
                .getHealthCheck().getStartInterval());
        assertNull(ServiceSpecs.toDocker(ONE_SHOT, Map.of(), Map.of(), null).getTaskTemplate().getContainerSpec().getHealthCheck()
                .getStartInterval());
    }
}

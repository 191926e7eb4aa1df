package io.swarmray.api;

import io.swarmray.Config;
import io.swarmray.reconcile.SwarmWatcher;
import io.swarmray.swarm.EngineMonitor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when it can do its job: Docker answers, this engine is a swarm manager, the specs directory is readable. */
public final class OperatorReadiness {
    private OperatorReadiness() {
    }

    @Readiness
    @ApplicationScoped
    public static class Docker implements HealthCheck {
        @Inject
        EngineMonitor engine;

        @Override
        public HealthCheckResponse call() {
            var state = engine.state();
            String problem = state.problem();
            var b = HealthCheckResponse.named("docker-swarm-manager").status(problem == null);
            if (problem == null) {
                b.withData("message", "Docker " + state.info().serverVersion() + " (API " + state.info().apiVersion() + "), swarm manager");
            } else {
                b.withData("message", problem);
            }
            return b.build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class EventStream implements HealthCheck {
        @Inject
        SwarmWatcher watcher;

        @Override
        public HealthCheckResponse call() {
            String problem = watcher.streamProblem();
            return HealthCheckResponse.named("swarm-event-stream").status(problem == null)
                    .withData("message", problem == null ? "service and node events stream open" : problem).build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class SpecsDirectory implements HealthCheck {
        @Inject
        Config config;

        @Override
        public HealthCheckResponse call() {
            var dir = config.specsDir();
            boolean ok = Files.isDirectory(dir) && Files.isReadable(dir) && Files.isExecutable(dir);
            return HealthCheckResponse.named("specs-directory").status(ok)
                    .withData("message", ok
                            ? dir.toAbsolutePath() + " is readable"
                            : dir.toAbsolutePath() + " is not a readable directory")
                    .build();
        }
    }
}

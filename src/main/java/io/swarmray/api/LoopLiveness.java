package io.swarmray.api;

import io.swarmray.reconcile.ReconcileLoop;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while the control loop moves: no reconcile stuck, the periodic resync ticking. Docker's state does not matter here. */
@Liveness
@ApplicationScoped
public class LoopLiveness implements HealthCheck {
    @Inject
    ReconcileLoop loop;

    @Override
    public HealthCheckResponse call() {
        String problem = loop.stuckProblem();
        return HealthCheckResponse.named("control-loop").status(problem == null)
                .withData("message", problem == null ? "reconcile loop running" : problem)
                .withData("queueDepth", loop.queueDepth()).build();
    }
}

package io.swarmray.rayjob;

import io.swarmray.status.KindStatusStore;
import jakarta.enterprise.context.ApplicationScoped;

/** The last status of each RayJob, served by the API and written to {@code <name>.rayjob.yaml} files. */
@ApplicationScoped
public class RayJobStatusStore extends KindStatusStore<RayJobStatus> {
    public RayJobStatusStore() {
        super("RayJob", RayJobStatus::name, RayJobStatus::lastUpdateTime, RayJobStatus::withUpdateTime);
    }
}

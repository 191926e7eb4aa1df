package io.swarmray.rayservice;

import io.swarmray.status.KindStatusStore;
import jakarta.enterprise.context.ApplicationScoped;

/** The last status of each RayService, served by the API and written to {@code <name>.rayservice.yaml} files. */
@ApplicationScoped
public class RayServiceStatusStore extends KindStatusStore<RayServiceStatus> {
    public RayServiceStatusStore() {
        super("RayService", RayServiceStatus::name, RayServiceStatus::lastUpdateTime, RayServiceStatus::withUpdateTime);
    }
}

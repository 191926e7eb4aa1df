package io.swarmray.rayservice;

import io.swarmray.status.StatusStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The last status of each RayService, served by the API and written to {@code <name>.rayservice.yaml} files. */
@ApplicationScoped
public class RayServiceStatusStore {
    private final Map<String, RayServiceStatus> statuses = new ConcurrentHashMap<>();

    @Inject
    StatusStore files;

    public Optional<RayServiceStatus> get(String name) {
        return Optional.ofNullable(statuses.get(name));
    }

    public List<RayServiceStatus> all() {
        return statuses.values().stream().sorted(Comparator.comparing(RayServiceStatus::name)).toList();
    }

    /** Stores the status if it says something new (the update time alone is not news). */
    public RayServiceStatus put(RayServiceStatus status) {
        RayServiceStatus before = statuses.get(status.name());
        if (before != null && before.equals(status.withUpdateTime(before.lastUpdateTime()))) {
            return before;
        }
        statuses.put(status.name(), status);
        files.writeFile(fileName(status.name()), "RayService status, KubeRay vocabulary.", status);
        return status;
    }

    public void remove(String name) {
        if (statuses.remove(name) != null) {
            files.deleteFile(fileName(name));
        }
    }

    /** A dot is never in a cluster name, so this file never collides with a cluster's {@code <name>.yaml}. */
    static String fileName(String name) {
        return name + ".rayservice.yaml";
    }
}

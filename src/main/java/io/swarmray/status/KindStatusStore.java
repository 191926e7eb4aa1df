package io.swarmray.status;

import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The last status of each object of one kind (RayService, RayJob), served by the API and written to
 * {@code <name>.<kind>.yaml} files: a dot is never in a cluster name, so these never collide with a cluster's.
 */
public abstract class KindStatusStore<S> {
    private final Map<String, S> statuses = new ConcurrentHashMap<>();
    private final String kind;
    private final Function<S, String> name;
    private final Function<S, String> updateTime;
    private final BiFunction<S, String, S> withUpdateTime;

    @Inject
    StatusStore files;

    protected KindStatusStore(String kind, Function<S, String> name, Function<S, String> updateTime,
            BiFunction<S, String, S> withUpdateTime) {
        this.kind = kind;
        this.name = name;
        this.updateTime = updateTime;
        this.withUpdateTime = withUpdateTime;
    }

    public Optional<S> get(String key) {
        return Optional.ofNullable(statuses.get(key));
    }

    public List<S> all() {
        return statuses.values().stream().sorted(Comparator.comparing(name)).toList();
    }

    /** Stores the status if it says something new (the update time alone is not news). */
    public S put(S status) {
        S before = statuses.get(name.apply(status));
        if (before != null && before.equals(withUpdateTime.apply(status, updateTime.apply(before)))) {
            return before;
        }
        statuses.put(name.apply(status), status);
        files.writeFile(fileName(name.apply(status)), kind + " status, KubeRay vocabulary.", status);
        return status;
    }

    public void remove(String key) {
        if (statuses.remove(key) != null) {
            files.deleteFile(fileName(key));
        }
    }

    public String fileName(String key) {
        return key + "." + kind.toLowerCase() + ".yaml";
    }
}

package io.swarmray.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmray.Config;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The latest status of every cluster: served by the API and written as one YAML file per cluster
 * in the status directory (for people and scripts that read files). Holds nothing that Swarm and the
 * spec files cannot give back: a restarted operator recomputes it on its first reconcile.
 */
@ApplicationScoped
public class StatusStore {
    private static final Logger LOG = Logger.getLogger(StatusStore.class);
    private final Map<String, ClusterStatus> statuses = new ConcurrentHashMap<>();

    @Inject
    Config config;
    @Inject
    ObjectMapper json;
    @Inject
    Event<StatusChanged> changed;

    /** A cluster's status changed; {@code status} is null when the cluster is gone. */
    public record StatusChanged(String name, ClusterStatus status) {
    }

    @PostConstruct
    void init() {
        try {
            Files.createDirectories(config.statusDir());
        } catch (IOException e) {
            LOG.warnf("cannot create the status directory %s: %s", config.statusDir(), e.getMessage());
        }
    }

    public Optional<ClusterStatus> get(String name) {
        return Optional.ofNullable(statuses.get(name));
    }

    public List<ClusterStatus> all() {
        return statuses.values().stream().sorted(Comparator.comparing(ClusterStatus::name)).toList();
    }

    /** Stores the status if it says something new (the update time alone is not news); returns what is stored. */
    public ClusterStatus put(ClusterStatus status) {
        ClusterStatus before = statuses.get(status.name());
        if (before != null && before.equals(status.withUpdateTime(before.lastUpdateTime()))) {
            return before;
        }
        statuses.put(status.name(), status);
        write(status);
        changed.fire(new StatusChanged(status.name(), status));
        return status;
    }

    public void remove(String name) {
        if (statuses.remove(name) != null) {
            changed.fire(new StatusChanged(name, null));
            try {
                Files.deleteIfExists(file(name));
            } catch (IOException e) {
                LOG.warnf("cannot remove the status file of %s: %s", name, e.getMessage());
            }
        }
    }

    private void write(ClusterStatus status) {
        writeFile(status.name() + ".yaml", "Cluster status, KubeRay vocabulary.", status);
    }

    /** Writes {@code status} as YAML under {@code status:} to a file of the status directory, atomically. */
    public void writeFile(String fileName, String what, Object status) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setSplitLines(false);
        Map<?, ?> tree = json.convertValue(status, Map.class);
        String text = "# Written by SwarmRay; edits are overwritten. " + what + "\n" + new Yaml(options).dump(Map.of("status", tree));
        Path target = config.statusDir().resolve(fileName);
        try {
            Path tmp = Files.createTempFile(config.statusDir(), "." + fileName, ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warnf("cannot write the status file %s: %s", target, e.getMessage());
        }
    }

    public void deleteFile(String fileName) {
        try {
            Files.deleteIfExists(config.statusDir().resolve(fileName));
        } catch (IOException e) {
            LOG.warnf("cannot remove the status file %s: %s", fileName, e.getMessage());
        }
    }

    private Path file(String name) {
        return config.statusDir().resolve(name + ".yaml");
    }
}

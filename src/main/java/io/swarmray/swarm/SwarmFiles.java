package io.swarmray.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.SecretSpec;
import io.swarmray.render.DesiredService;
import io.swarmray.render.DesiredService.FileMount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Swarm secrets and configs: the ones users make (a Redis password) and the ones the operator makes (an
 * autoscaler's token and CA). Both are immutable in Swarm, so an operator-made one carries a digest of its content
 * in its name, and a name that exists already holds that content.
 */
@ApplicationScoped
public class SwarmFiles {
    @Inject
    DockerClient docker;
    @Inject
    SwarmClient swarm;

    /** Swarm wants ids; specs name secrets and configs. A missing user secret is an error the user can act on. */
    Map<String, String> ids(DesiredService s) {
        Map<String, String> ids = new HashMap<>();
        List<String> secrets = new ArrayList<>(s.secrets());
        s.files().stream().filter(FileMount::secret).forEach(f -> secrets.add(f.name()));
        if (!secrets.isEmpty()) {
            docker.listSecretsCmd().withNameFilter(secrets).exec().forEach(x -> ids.put(x.getSpec().getName(), x.getId()));
        }
        List<String> configs = s.files().stream().filter(f -> !f.secret()).map(FileMount::name).toList();
        if (!configs.isEmpty()) {
            docker.listConfigsCmd().withFilters(Map.of("name", configs)).exec().forEach(x -> ids.put(x.getSpec().getName(), x.getId()));
        }
        for (String name : s.secrets()) {
            if (!ids.containsKey(name)) {
                throw new IllegalStateException("Swarm secret '" + name
                        + "' does not exist; create it with: printf %s PASSWORD | docker secret create " + name + " -");
            }
        }
        for (FileMount f : s.files()) {
            if (!ids.containsKey(f.name())) {
                throw new IllegalStateException("Swarm " + (f.secret() ? "secret" : "config") + " '" + f.name() + "' vanished before "
                        + s.name() + " could mount it; it is made again at the next pass");
            }
        }
        return ids;
    }

    /** Makes an owned secret of that name with {@code data} (text) unless one exists (it then holds the same data). */
    public void ensureSecret(String name, Map<String, String> labels, byte[] data) {
        swarm.call("create secret " + name, () -> {
            if (!docker.listSecretsCmd().withNameFilter(List.of(name)).exec().stream().anyMatch(x -> name.equals(x.getSpec().getName()))) {
                try {
                    docker.createSecretCmd(new SecretSpec().withName(name).withLabels(swarm.stamped(labels))
                            .withData(new String(data, StandardCharsets.UTF_8))).exec(); // docker-java encodes it (base64) itself
                } catch (ConflictException raced) {
                    // made meanwhile, with the same name and so the same content
                }
            }
            return null;
        });
    }

    /** Makes an owned config of that name with {@code data} unless one exists (it then holds the same data). */
    public void ensureConfig(String name, Map<String, String> labels, byte[] data) {
        swarm.call("create config " + name, () -> {
            if (docker.listConfigsCmd().withFilters(Map.of("name", List.of(name))).exec().stream()
                    .noneMatch(x -> name.equals(x.getSpec().getName()))) {
                try {
                    docker.createConfigCmd().withName(name).withLabels(swarm.stamped(labels)).withData(data).exec();
                } catch (ConflictException raced) {
                    // made meanwhile, with the same name and so the same content
                }
            }
            return null;
        });
    }

    /** Removes this instance's configs named {@code prefix}... other than {@code keep}; one still in use stays. */
    public void removeConfigsExcept(String prefix, String keep) {
        swarm.call("remove configs " + prefix, () -> {
            List<String> owned = swarm.owned(null).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            for (var x : docker.listConfigsCmd().withFilters(Map.of("name", List.of(prefix), "label", owned)).exec()) {
                String name = x.getSpec().getName();
                if (name.startsWith(prefix) && !name.equals(keep)) {
                    try {
                        docker.removeConfigCmd(x.getId()).exec();
                    } catch (DockerException inUse) {
                        // a task still mounts it: a later start of the operator looks again
                    }
                }
            }
            return null;
        });
    }

    /** Removes the operator-made secrets of a cluster (its token); one still in use by a task stays for the next pass. */
    public int removeSecretsOf(String cluster) {
        return swarm.call("remove secrets of " + cluster, () -> {
            int removed = 0;
            for (var x : docker.listSecretsCmd().withLabelFilter(swarm.owned(cluster)).exec()) {
                try {
                    docker.removeSecretCmd(x.getId()).exec();
                    removed++;
                } catch (DockerException inUseOrGone) {
                    // a task still holds it (Swarm refuses), or it is gone: the next teardown pass looks again
                }
            }
            return removed;
        });
    }
}

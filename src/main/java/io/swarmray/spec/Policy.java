package io.swarmray.spec;

import java.math.BigDecimal;
import java.util.List;

/**
 * What specs may ask for (the operator's config, swarmray.policy.*). Whoever can write a spec file
 * steers a process that holds the Docker socket, so the defaults are safe: no bind mounts, published
 * ports only from 1024 up, any image, no resource ceiling. A spec that asks for more is rejected with
 * the rule it broke.
 *
 * @param bindPrefixes  hostPath sources must lie under one of these directories (none by default)
 * @param imagePrefixes allowed image prefixes (empty: any image)
 * @param maxCpus       per cluster, over all replicas' CPU limits (else requests); null: no ceiling
 * @param maxMemory     per cluster, bytes, likewise; null: no ceiling
 */
public record Policy(List<String> bindPrefixes, int minHostPort, int maxHostPort, List<String> imagePrefixes,
                     BigDecimal maxCpus, BigDecimal maxMemory) {

    public static final Policy DEFAULT = new Policy(List.of(), 1024, 65535, List.of(), null, null);

    boolean bindAllowed(String hostPath) {
        String normal = java.nio.file.Path.of(hostPath).normalize().toString();
        return !hostPath.contains("..") && bindPrefixes.stream().anyMatch(p -> normal.equals(p) || normal.startsWith(p.endsWith("/") ? p : p + "/"));
    }

    boolean imageAllowed(String image) {
        return imagePrefixes.isEmpty() || imagePrefixes.stream().anyMatch(image::startsWith);
    }
}

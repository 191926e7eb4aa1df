package io.swarmray.spec;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
 * @param capabilities  Linux capabilities a container may add (securityContext.capabilities.add), without
 *                      the CAP_ prefix, upper case; none by default
 */
public record Policy(List<String> bindPrefixes, int minHostPort, int maxHostPort, List<String> imagePrefixes,
        BigDecimal maxCpus, BigDecimal maxMemory, List<String> capabilities) {

    public static final Policy DEFAULT = new Policy(List.of(), 1024, 65535, List.of(), null, null, List.of());

    /** A capability as Kubernetes and Docker both accept it: upper case, without CAP_. */
    static String capability(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper.substring(4) : upper;
    }

    boolean capabilityAllowed(String name) {
        return capabilities.stream().anyMatch(c -> capability(c).equals(capability(name)));
    }

    boolean bindAllowed(String hostPath) {
        String normal = Path.of(hostPath).normalize().toString();
        return !hostPath.contains("..")
                && bindPrefixes.stream().anyMatch(p -> normal.equals(p) || normal.startsWith(p.endsWith("/") ? p : p + "/"));
    }

    boolean imageAllowed(String image) {
        return imagePrefixes.isEmpty() || imagePrefixes.stream().anyMatch(image::startsWith);
    }
}

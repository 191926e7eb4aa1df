package io.swarmray.render;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Operator-wide settings that rendering depends on.
 *
 * @param genericKinds spec resource name to Swarm generic-resource kind ("nvidia.com/gpu" -> "NVIDIA-GPU")
 * @param autoscaler   how this cluster's autoscaler reaches the operator's API, or null (no autoscaling rendered)
 * @param monitoring   the shared network every Ray node also joins so that Prometheus reaches its metrics port, or null
 */
public record RenderOptions(ImageRewrites images, Map<String, String> genericKinds, AutoscalerAccess autoscaler, String monitoring) {
    public static final Map<String, String> DEFAULT_KINDS = Map.of("nvidia.com/gpu", "NVIDIA-GPU", "amd.com/gpu", "AMD-GPU");
    public static final RenderOptions DEFAULT = new RenderOptions(ImageRewrites.NONE, new TreeMap<>(DEFAULT_KINDS));

    public RenderOptions(ImageRewrites images, Map<String, String> genericKinds) {
        this(images, genericKinds, null, null);
    }

    /** These options with every Ray node also on {@code network} (null: none). */
    public RenderOptions withMonitoring(String network) {
        return new RenderOptions(images, genericKinds, autoscaler, network);
    }

    /** These options for one cluster whose autoscaler reaches the operator as {@code access} says. */
    public RenderOptions withAutoscaler(AutoscalerAccess access) {
        return new RenderOptions(images, genericKinds, access, monitoring);
    }

    /** Parses "resource=KIND" entries; IllegalArgumentException names the bad one. */
    public static Map<String, String> parseKinds(List<String> entries) {
        Map<String, String> out = new TreeMap<>();
        for (String e : entries) {
            String[] kv = e.trim().split("=", -1);
            if (kv.length != 2 || !kv[1].trim().matches("[A-Za-z0-9_.-]+") || kv[0].isBlank()) {
                throw new IllegalArgumentException(
                        "swarmray.generic-resources: '" + e + "' is not resource=KIND (like nvidia.com/gpu=NVIDIA-GPU)");
            }
            out.put(kv[0].trim(), kv[1].trim());
        }
        return out;
    }
}

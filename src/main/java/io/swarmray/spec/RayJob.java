package io.swarmray.spec;

import java.util.Map;

/**
 * A validated RayJob (ray.io/v1, [K] rayjob_types.go:80-145): an entrypoint run on a cluster made for it
 * ({@code cluster}) or on a running one ({@code clusterSelector}).
 *
 * @param entrypoint             the command Ray's job supervisor runs; null only in {@link #INTERACTIVE_MODE}
 * @param runtimeEnv             {@code runtimeEnvYAML} read as a mapping, or null
 * @param jobId                  {@code spec.jobId}, or null for a generated {@code <name>-<5 characters>}
 * @param cluster                {@code rayClusterSpec} read as a RayCluster named {@code <name>-raycluster-xxxxx}, or null
 * @param clusterSelector        the name of a running SwarmRay cluster ({@code clusterSelector["ray.io/cluster"]}), or null
 * @param submissionMode         {@link #K8S_JOB_MODE} (KubeRay's default), {@link #HTTP_MODE} or {@link #INTERACTIVE_MODE}
 * @param entrypointResources    {@code entrypointResources} (a JSON string in the file) read as numbers, or null
 * @param activeDeadlineSeconds  0 for none
 * @param submitterBackoffLimit  {@code submitterConfig.backoffLimit}: retries of the submitter in K8sJobMode
 */
public record RayJob(String name, String file, Map<String, String> labels, Map<String, String> annotations, String entrypoint,
        Map<String, Object> runtimeEnv, String jobId, Map<String, String> metadata, RayCluster cluster, String clusterSelector,
        String submissionMode, Double entrypointNumCpus, Double entrypointNumGpus, Map<String, Double> entrypointResources,
        boolean shutdownAfterJobFinishes, int ttlSecondsAfterFinished, int activeDeadlineSeconds, int backoffLimit,
        int submitterBackoffLimit, boolean suspend) {

    public static final String KIND = "RayJob";
    public static final String K8S_JOB_MODE = "K8sJobMode";
    public static final String HTTP_MODE = "HTTPMode";
    public static final String INTERACTIVE_MODE = "InteractiveMode";
    /** The label of a cluster that {@code clusterSelector} names ([K] rayjob_controller.go:35). */
    public static final String CLUSTER_SELECTOR_KEY = "ray.io/cluster";
    /** A RayJob's clusters are named {@code <job>-raycluster-<5 characters>}, as KubeRay names them ([K] :698-736). */
    public static final String CLUSTER_INFIX = "-raycluster-";
    public static final int SUFFIX_LENGTH = 5;
    public static final int DEFAULT_SUBMITTER_BACKOFF_LIMIT = 2;
}

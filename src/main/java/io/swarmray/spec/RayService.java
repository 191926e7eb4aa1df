package io.swarmray.spec;

import java.util.Map;

/**
 * A validated RayService (ray.io/v1): Ray Serve applications on a RayCluster it owns, behind one endpoint.
 *
 * @param serveConfigV2     the YAML text as written (its digest decides when Serve is configured again)
 * @param serveConfigJson   the same as JSON: the body of {@code PUT /api/serve/applications/}
 * @param servePort         {@code http_options.port} of the serve config: where Ray's Serve proxies listen
 * @param clusterConfig     {@code spec.rayClusterConfig}, read as a RayCluster named after the service
 * @param upgradeStrategy   {@link #NEW_CLUSTER} or {@link #NO_UPGRADE}
 * @param proxyReplicas     tasks of the serve endpoint's load balancer ({@code swarmray.io/serve-proxy-replicas})
 * @param publishedPort     the endpoint's port published in host mode on the nodes that run it, 0 for none
 *                          ({@code swarmray.io/serve-published-port})
 */
public record RayService(String name, String file, Map<String, String> labels, Map<String, String> annotations,
        String serveConfigV2, String serveConfigJson, int servePort, RayCluster clusterConfig, String upgradeStrategy,
        boolean excludeHeadPodFromServeSvc, int proxyReplicas, int publishedPort) {

    public static final String KIND = "RayService";
    public static final String NEW_CLUSTER = "NewCluster";
    public static final String NO_UPGRADE = "None";
    public static final int DEFAULT_SERVE_PORT = 8000;
    /** A RayService's clusters are named {@code <service>-raycluster-<5 characters>}, as KubeRay names them. */
    public static final String CLUSTER_INFIX = "-raycluster-";
    public static final int CLUSTER_SUFFIX_LENGTH = 5;
}

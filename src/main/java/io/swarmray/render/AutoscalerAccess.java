package io.swarmray.render;

/**
 * How the autoscaler in a cluster's head task reaches the operator's Kubernetes API subset: the values KubeRay's
 * sidecar would find in a pod (ray-autoscaler-contract.md A4 (a)).
 *
 * @param host        the API's name in the head task, covered by the server certificate
 * @param port        its HTTPS port ({@code KUBERNETES_SERVICE_PORT_HTTPS})
 * @param tokenSecret the Swarm secret holding this cluster's token
 * @param caConfig    the Swarm config holding the CA certificate
 * @param hostsEntry  an /etc/hosts line ("IP NAME") for {@code host}: an address of the operator's host
 */
public record AutoscalerAccess(String host, int port, String tokenSecret, String caConfig, String hostsEntry) {
    /** The directory where Kubernetes mounts a pod's service-account credentials; Ray reads fixed paths in it. */
    public static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount/";
    /** {@code metadata.namespace} of every SwarmRay RayCluster, as the autoscaler sees it. */
    public static final String NAMESPACE = "default";
}

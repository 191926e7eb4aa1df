package io.swarmray.spec;

import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.RayCluster.NodeType;
import io.swarmray.spec.RayCluster.Placement;
import io.swarmray.spec.RayCluster.PodTemplate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reads a head group or worker group: its name and replicas here, the rest by {@link RayStartParams}, {@link PodReader} and {@link GroupAnnotations}. */
final class GroupReader {

    private final FieldReader r;
    private final String cluster;
    private final RayStartParams startParams;
    private final PodReader pods;
    private final GroupAnnotations annotations;
    private final boolean autoscaled;

    /** @param autoscaled Ray's autoscaler scales the groups: their idleTimeoutSeconds is Ray's to read */
    GroupReader(FieldReader r, String cluster, String rayVersion, Policy policy, boolean autoscaled) {
        this.r = r;
        this.autoscaled = autoscaled;
        this.cluster = cluster;
        this.startParams = new RayStartParams(r, rayVersion);
        this.pods = new PodReader(r, policy);
        this.annotations = new GroupAnnotations(r);
    }

    GroupSpec read(Map<String, Object> g, String path, NodeType type) {
        if (g == null) {
            return null;
        }
        int errorsBefore = r.errors.size();
        String groupName = Names.HEAD_GROUP;
        int replicas = 1;
        int min = 1;
        int max = 1;
        List<String> used = new ArrayList<>(List.of("rayStartParams", "template", "resources"));
        if (type == NodeType.WORKER) {
            used.addAll(List.of("groupName", "replicas", "minReplicas", "maxReplicas"));
            groupName = r.string(g.get("groupName"), path + ".groupName");
            String problem = Names.dnsLabelProblem(groupName);
            if (problem != null) {
                r.error(path + ".groupName", problem);
            } else if (cluster != null && Names.workerService(cluster, groupName).length() > Names.MAX_DNS_LABEL) {
                r.error(path + ".groupName",
                        "service name '" + Names.workerService(cluster, groupName)
                                + "' (cluster name + '-worker-' + group name) is longer than "
                                + Names.MAX_DNS_LABEL + " characters; shorten the cluster or group name");
            }
            replicas = r.integer(g.get("replicas"), path + ".replicas", 0, 0, RayCluster.MAX_REPLICAS);
            min = r.integer(g.get("minReplicas"), path + ".minReplicas", 0, 0, RayCluster.MAX_REPLICAS);
            max = r.integer(g.get("maxReplicas"), path + ".maxReplicas", Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
            if (min > max) {
                r.error(path + ".minReplicas", min + " is greater than maxReplicas " + max);
            }
            if (g.containsKey("numOfHosts") && !Integer.valueOf(1).equals(g.get("numOfHosts"))) {
                r.warn(path + ".numOfHosts", "multi-host groups are not supported on Swarm; each replica is one node");
            }
            if (autoscaled) {
                r.integer(g.get("idleTimeoutSeconds"), path + ".idleTimeoutSeconds", 0, 0, Integer.MAX_VALUE);
                if (g.containsKey("scaleStrategy")) {
                    r.warn(path + ".scaleStrategy", "is written by Ray's autoscaler through the operator's API; in a file it is ignored");
                }
                r.noSwarmMeaning(g, path, Set.of("suspend", "numOfHosts"));
            } else {
                r.noSwarmMeaning(g, path, Set.of("scaleStrategy", "idleTimeoutSeconds", "suspend", "numOfHosts"));
            }
            used.addAll(List.of("scaleStrategy", "idleTimeoutSeconds", "suspend", "numOfHosts"));
        } else {
            r.noSwarmMeaning(g, path, Set.of("serviceType", "headService", "enableIngress"));
            used.addAll(List.of("serviceType", "headService", "enableIngress"));
        }
        r.ignoreOthers(g, path, used, "unknown field; ignored");
        TreeMap<String, String> params = startParams.read(g.get("rayStartParams"), path + ".rayStartParams");
        TreeMap<String, BigDecimal> rayResources = startParams.resources(g.get("resources"), path + ".resources", params);
        Map<String, Object> template = r.map(g.get("template"), path + ".template");
        PodTemplate pod = null;
        if (g.get("template") == null) {
            r.error(path + ".template", "is required");
        } else if (template != null) {
            pod = pods.template(template, path + ".template");
        }
        String annotationsPath = path + ".template.metadata.annotations";
        Placement placement = pod == null ? null : annotations.placement(pod.annotations(), annotationsPath, type);
        RayCluster.Rollout rollout = pod == null ? null : annotations.rollout(pod.annotations(), annotationsPath, type);
        if (r.errors.size() > errorsBefore || params == null || rayResources == null || pod == null) {
            return null;
        }
        return new GroupSpec(type, groupName, replicas, min, max, params, rayResources, pod, placement, rollout);
    }

}

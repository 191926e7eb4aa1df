package io.swarmray.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayCluster.GroupSpec;
import io.swarmray.spec.Specs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A service's input hash covers all its rendering reads, and nothing that must not restart its tasks. */
class RenderInputsTest {
    private static final ClusterNetwork NET = ClusterRendererTest.NET;

    private static DesiredService svc(RayCluster c, String name, ClusterNetwork net, RenderOptions options) {
        return ClusterRenderer.render(c, net, options).services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static String input(String yaml, String service) {
        return svc(Specs.parse(yaml).clusters().get(0).cluster(), service, NET, RenderOptions.DEFAULT).labels().get(Labels.INPUT_HASH);
    }

    private static RayCluster withWorkerGroups(RayCluster c, String file, List<GroupSpec> groups) {
        return new RayCluster(c.name(), file, c.labels(), c.annotations(), c.rayVersion(), c.suspend(), c.head(), groups,
                c.gcsFaultTolerance(), c.extraNetworks(), c.upgradeStrategy(), c.serve(), c.autoscaling());
    }

    /** What RenderInputs leaves out must not be read: else equal inputs could hide a change the user made. */
    @Test
    void eachServiceRendersTheSameWhateverTheOtherGroupsAndTheFileAre() {
        RayCluster c = Specs.sample();
        List<GroupSpec> all = new ArrayList<>(c.workerGroups());
        all.add(0, c.head());
        for (GroupSpec g : all) {
            String name = ClusterRenderer.serviceName(c, g);
            List<GroupSpec> own = g == c.head() ? List.of() : List.of(g);
            assertEquals(svc(c, name, NET, RenderOptions.DEFAULT),
                    svc(withWorkerGroups(c, "elsewhere.yaml", own), name, NET, RenderOptions.DEFAULT),
                    name);
        }
    }

    @Test
    void aNewCountKeepsTheInputsAndAnEditOfTheGroupOrWhatItReadsChangesThem() {
        String gpu = "llm-worker-gpu";
        String base = input(Specs.SAMPLE, gpu);
        assertEquals(base, input(Specs.SAMPLE.replace("replicas: 3", "replicas: 1"), gpu), "replicas");
        assertEquals(base, input(Specs.SAMPLE.replace("maxReplicas: 2", "maxReplicas: 4"), gpu), "maxReplicas");
        assertEquals(base,
                input(Specs.SAMPLE.replace("{name: w, image: rayproject/ray:2.40.0}", "{name: w, image: rayproject/ray:2.41.0}"), gpu),
                "another group");
        assertNotEquals(base, input(Specs.SAMPLE.replace("value: llama", "value: mistral"), gpu), "its own template");
        assertNotEquals(base, input(Specs.SAMPLE.replace("swarmray.io/max-replicas-per-node: \"1\"",
                "swarmray.io/max-replicas-per-node: \"1\"\n            kubectl.kubernetes.io/restartedAt: \"2026-12-05T09:00:00Z\""), gpu),
                "a restartedAt annotation, as kubectl rollout restart writes");
        assertNotEquals(base, input(Specs.SAMPLE.replace("num-cpus: \"0\"", "num-cpus: \"0\"\n      port: \"6380\""), gpu),
                "the head's port, which workers dial");
        assertNotEquals(base, input(Specs.SAMPLE.replace("labels: {team: ml}", "labels: {team: ai}"), gpu), "the cluster's labels");

        RayCluster c = Specs.sample();
        assertNotEquals(base,
                svc(c, gpu, new ClusterNetwork(NET.id(), "10.0.6.0/24"), RenderOptions.DEFAULT).labels().get(Labels.INPUT_HASH),
                "the network's subnet");
        RenderOptions rewrites = new RenderOptions(ImageRewrites.parse(List.of("rayproject/ray=swarmray/ray-standin:test")),
                RenderOptions.DEFAULT.genericKinds());
        assertNotEquals(base, svc(c, gpu, NET, rewrites).labels().get(Labels.INPUT_HASH), "the operator's options");
    }
}

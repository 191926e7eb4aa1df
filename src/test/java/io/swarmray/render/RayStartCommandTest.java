package io.swarmray.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.spec.RayCluster;
import io.swarmray.spec.Specs;
import java.util.List;
import org.junit.jupiter.api.Test;

class RayStartCommandTest {
    private final RayCluster c = Specs.sample();

    @Test
    void headFlagsAreSortedWithKubeRayAdditions() {
        assertEquals(List.of("--head", "--dashboard-agent-listen-port=52365", "--dashboard-host=0.0.0.0", "--dashboard-port=8266",
                "--memory=4294967296", "--metrics-export-port=8080", "--num-cpus=0", "--block"), RayStartCommand.args(c, c.head()));
    }

    @Test
    void workersGetTheHeadAddressAndResourcesFromLimits() {
        var args = RayStartCommand.args(c, c.workerGroups().get(0));
        assertEquals(List.of("--address=llm-head:6379", "--dashboard-agent-listen-port=52365", "--memory=8589934592",
                "--metrics-export-port=8080", "--num-cpus=2", "--num-gpus=1", "--resources={\"TPU\": 1}", "--block"), args);
    }

    @Test
    void trueIsABareFlagAndFalseIsDroppedExceptForValueBooleans() {
        String yaml = Specs.SAMPLE.replace("num-cpus: \"0\"",
                "num-cpus: \"0\"\n      disable-usage-stats: \"true\"\n      no-monitor: \"false\"\n      include-dashboard: \"false\"\n      block: \"false\"");
        RayCluster x = Specs.parse(yaml).clusters().get(0).cluster();
        var args = RayStartCommand.args(x, x.head());
        assertTrue(args.contains("--disable-usage-stats"), args.toString());
        assertTrue(args.contains("--include-dashboard=false"), args.toString());
        assertTrue(args.stream().noneMatch(a -> a.startsWith("--no-monitor")), args.toString());
        assertEquals("--block", args.get(args.size() - 1));
        assertEquals(1, args.stream().filter(a -> a.startsWith("--block")).count());
    }

    @Test
    void explicitParamsWinOverResources() {
        String yaml = Specs.SAMPLE.replace("resources: '\"{\\\"TPU\\\": 1}\"'", "num-gpus: \"4\"\n        num-cpus: \"7\"");
        RayCluster x = Specs.parse(yaml).clusters().get(0).cluster();
        var args = RayStartCommand.args(x, x.workerGroups().get(0));
        assertTrue(args.contains("--num-gpus=4") && args.contains("--num-cpus=7"), args.toString());
    }

    @Test
    void groupResourcesMapToFlagsAndJson() {
        String yaml = Specs.SAMPLE.replace("- groupName: cpu\n",
                "- groupName: cpu\n      resources: {CPU: \"3\", custom_accel: \"2\", \"a\\\"b\": 1}\n");
        var f = Specs.parse(yaml);
        RayCluster x = f.clusters().get(0).cluster();
        var args = RayStartCommand.args(x, x.workerGroups().get(1));
        assertTrue(args.contains("--num-cpus=3"), args.toString());
        assertTrue(args.contains("--resources={\"a\\\"b\": 1, \"custom_accel\": 2}"), args.toString());
    }
}

package io.swarmray.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's replay of Ray 2.40's autoscaler decides as Ray does: the config it derives from the RayCluster
 * (and the errors on missing fields), the upscaling-speed cap (Conservative vs Default) and the idle choice.
 * Runs deploy/ray-standin's Python, no Docker.
 */
class StandinAutoscalerTest {
    static String python(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", "import sys; sys.path.insert(0, 'deploy/ray-standin')\n" + script)
                .redirectErrorStream(true).start();
        // without the stand-in's own log lines ("[ray-standin HH:MM:SS] ...")
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("[ray-standin"))
                .collect(Collectors.joining("\n")).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    static final String SETUP = """
            from standin import autoscaler, kuberay
            def cr(mode, group=None):
                g = group or {"groupName": "cpu", "minReplicas": 0, "maxReplicas": 20, "rayStartParams": {"num-cpus": "1"},
                              "template": {"spec": {"containers": [{}]}}}
                return {"metadata": {"name": "c", "namespace": "default"}, "spec": {
                    "autoscalerOptions": {"upscalingMode": mode, "idleTimeoutSeconds": 30},
                    "headGroupSpec": {"rayStartParams": {"num-cpus": "0"}, "template": {"spec": {"containers": [{}]}}},
                    "workerGroupSpecs": [g]}}
            def launch(mode, running, demand):
                a = autoscaler.Autoscaler(None, None)
                a.config = kuberay.autoscaling_config(cr(mode))
                workers = {"w%d" % i: {"kind": "worker", "type": "cpu", "ip": "10.0.0.%d" % i} for i in range(running)}
                alive = {"10.0.0.%d" % i: {"is_head_node": False, "resources_available": {"CPU": 0.0}} for i in range(running)}
                return a.nodes_to_launch(workers, alive, [{"CPU": 1}] * demand, a.config["available_node_types"])
            """;

    @Test
    void upscalingSpeedCapsConcurrentLaunches() throws Exception {
        // max(5, int(speed * max(running, 1))) pending at once (resource_demand_scheduler.py)
        // and max_workers (the sum of maxReplicas, 20 here) caps the total
        assertEquals("{'cpu': 7} {'cpu': 5} {'cpu': 5} {'cpu': 7} {'cpu': 6} {'cpu': 8} {'cpu': 4}", python(SETUP + """
                print(launch("Default", 0, 7), launch("Conservative", 0, 7), launch("Conservative", 2, 7), launch("Aggressive", 2, 7),
                      launch("Conservative", 6, 8), launch("Default", 6, 8), launch("Default", 16, 8))
                """));
    }

    @Test
    void theConfigComesFromTheRayClusterAsRayDerivesIt() throws Exception {
        assertEquals("0.5 1 1000 {'CPU': 1} 20", python(SETUP + """
                c = kuberay.autoscaling_config(cr("Conservative"))
                d = kuberay.autoscaling_config(cr("Default"))
                print(c["idle_timeout_minutes"], c["upscaling_speed"], d["upscaling_speed"], c["available_node_types"]["cpu"]["resources"],
                      c["max_workers"])
                """));
        // autoscaling_config.py's own errors on what is missing
        String errors = python(
                SETUP + """
                        def err(group):
                            try:
                                kuberay.autoscaling_config(cr("Default", group))
                                return "accepted"
                            except Exception as e:
                                return type(e).__name__ + ": " + str(e).splitlines()[0]
                        base = {"groupName": "g", "minReplicas": 0, "maxReplicas": 1, "rayStartParams": {}, "template": {"spec": {"containers": [{}]}}}
                        print(err(base))
                        print(err({k: v for k, v in base.items() if k != "maxReplicas"}))
                        print(err({k: v for k, v in base.items() if k != "rayStartParams"}))
                        print(err(dict(base, template={"spec": {"containers": [{"resources": {"limits": {"cpu": "1500m"}}}]}})))
                        print(kuberay.group_resources(dict(base, rayStartParams={"num-cpus": "2", "resources": '"{\\\\"A\\\\": 1}"'}), "g"))
                        """);
        assertEquals("""
                ValueError: Autoscaler failed to detect `CPU` resources for group g.
                KeyError: 'maxReplicas'
                KeyError: 'rayStartParams'
                accepted
                {'CPU': 2, 'A': 1}""", errors);
    }

    @Test
    void idleWorkersGoAboveMinimumLeastRecentlyUsedFirst() throws Exception {
        assertEquals("['w1', 'w0'] ['w0']", python(SETUP + """
                import time
                a = autoscaler.Autoscaler(None, None)
                group = {"groupName": "cpu", "minReplicas": 1, "maxReplicas": 10, "rayStartParams": {"num-cpus": "1"},
                         "template": {"spec": {"containers": [{}]}}}
                a.config = kuberay.autoscaling_config(cr("Default", group))
                now = time.time()
                workers = {"w%d" % i: {"kind": "worker", "type": "cpu", "ip": "ip%d" % i} for i in range(3)}
                a.last_used = {"ip0": now - 100, "ip1": now - 50, "ip2": now}
                first = a.idle_workers(workers, now)
                a.config["available_node_types"]["cpu"]["min_workers"] = 2  # the two most recently used stay
                print(first, a.idle_workers(workers, now))
                """));
    }
}

package io.swarmray.rayservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.render.DesiredService;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The endpoint's HAProxy: config, service spec, and the runtime API's answers as HAProxy 2.6 prints them. */
class ServeProxyTest {
    final RayService service = ServiceSpecs.service();

    @Test
    void bothSlotsResolveTheirAliasAndCheckServesHealthz() {
        String cfg = ServeProxy.config(service);
        assertTrue(cfg.contains("    server-template ray 1-64 chat-serve-blue:8001\n"), cfg);
        assertTrue(cfg.contains("    server-template ray 1-64 chat-serve-green:8001\n"), cfg);
        assertTrue(cfg.contains("    bind :8001\n"), cfg);
        assertTrue(cfg.contains("    http-check expect string success\n"), cfg);
        assertTrue(cfg.contains("stats socket ipv4@127.0.0.1:9999 level admin"), cfg);
        assertTrue(cfg.contains("use_backend %[var(txn.slot)]"), cfg);
    }

    @Test
    void aSilentDnsKeepsTheServersItGaveWhileItsAnswersActWithinASecond() {
        String cfg = ServeProxy.config(service);
        for (String status : List.of("timeout", "refused", "other")) {
            assertTrue(cfg.contains("    hold " + status + " 30s\n"), cfg);
        }
        for (String status : List.of("valid", "nx", "obsolete")) {
            assertTrue(cfg.contains("    hold " + status + " 1s\n"), cfg);
        }
        assertTrue(cfg.contains("    timeout check 2s\n"), cfg);
        assertTrue(cfg.contains("default-server check inter 1s fall 1 rise 1 resolvers swarm"), cfg);
    }

    @Test
    void aSwitchNeverChangesTheServicesHash() {
        DesiredService blue = ServeProxy.desired(service, "haproxy:2.6", ServiceClusters.BLUE);
        DesiredService green = ServeProxy.desired(service, "haproxy:2.6", ServiceClusters.GREEN);
        assertEquals(blue.labels().get(Labels.SPEC_HASH), green.labels().get(Labels.SPEC_HASH));
        assertTrue(green.env().contains("SWARMRAY_ACTIVE_SLOT=green"), green.env().toString());
        assertEquals("chat-serve", blue.name());
        assertEquals("chat-serve-net", blue.network());
        assertEquals(List.of(), blue.ports());
        assertEquals(2, blue.replicas());
        assertEquals("chat", blue.labels().get(ServeProxy.SERVICE_LABEL));
    }

    @Test
    void aPublishedPortIsHostModeWithOneTaskPerNode() {
        RayService published = ServiceSpecs.service(ServiceSpecs.yaml("rayproject/ray:2.40.0", "v1", "").replace("  name: chat\n",
                "  name: chat\n  annotations: {swarmray.io/serve-published-port: \"18001\"}\n"));
        DesiredService d = ServeProxy.desired(published, "haproxy:2.6", ServiceClusters.BLUE);
        assertEquals(List.of(new DesiredService.PublishedPort(8001, 18001, "tcp")), d.ports());
        assertEquals(1, d.placement().maxReplicasPerNode());
    }

    @Test
    void runtimeAnswersAreRead() {
        assertEquals("green", ProxyRuntime.parseActiveSlot("0x55f1c2a0e4f0 active green\n\n"));
        assertEquals(null, ProxyRuntime.parseActiveSlot("\n"));
        String stat = """
                # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
                serve,FRONTEND,,,0,1,4096,3,0,0,0,0,0,,,,,OPEN,
                blue,ray1,0,0,0,1,,2,0,0,,0,,0,0,0,0,UP,1
                blue,ray2,0,0,0,1,,2,0,0,,0,,0,0,0,0,UP,1
                blue,ray3,0,0,0,0,,0,0,0,,0,,0,0,0,0,MAINT (resolution),1
                blue,BACKEND,0,0,0,1,410,2,0,0,0,0,,0,0,0,0,UP,2
                green,ray1,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1
                """;
        assertEquals(2, ProxyRuntime.countUp(stat, "blue"));
        assertEquals(0, ProxyRuntime.countUp(stat, "green"));
    }

    @Test
    void serveAnswersAreReadAsKubeRayReadsThem() {
        var apps = ServeApplications.parse("""
                {"applications": {"llm": {"status": "RUNNING", "message": "", "deployments": {"LLM": {"status": "HEALTHY", "message": ""}}},
                 "emb": {"status": "DEPLOY_FAILED", "message": "ModuleNotFoundError"}}}""");
        assertEquals("HEALTHY", apps.get("llm").serveDeploymentStatuses().get("LLM").status());
        assertEquals("ModuleNotFoundError", apps.get("emb").message());
        assertEquals(false, ServeApplications.allRunning(apps));
        assertEquals(false, ServeApplications.allRunning(Map.of()));
        assertEquals(true, ServeApplications.allRunning(Map.of("llm", apps.get("llm"))));
    }
}

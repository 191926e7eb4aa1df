package io.swarmray.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmray.render.Labels;
import io.swarmray.spec.RayCluster;
import io.swarmray.status.ClusterStatus;
import io.swarmray.status.StatusStore.StatusChanged;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterViewsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClusterViews views = new ClusterViews();

    ClusterViewsTest() {
        views.json = JSON;
    }

    private static ClusterStatus status(String name, String updated) {
        return new ClusterStatus(name, "ready", 1, 1, 1, 0, 2, "0", "0", "0", "0", Map.of(), null, "g1", updated, List.of(), List.of(),
                name + ".yaml", List.of(), List.of());
    }

    private static RayCluster spec(String name, Map<String, String> labels) {
        return new RayCluster(name, name + ".yaml", labels, Map.of(), "2.40.0", false, null, List.of(), null, List.of(), null, null, null);
    }

    private static JsonNode read(byte[] json) throws IOException {
        return JSON.readTree(json);
    }

    @Test
    void theSameStoredStatusAndLabelsGiveTheJsonMadeBefore() {
        ClusterStatus s = status("a", "2026-12-06T05:00:00Z");
        byte[] first = views.of(s, spec("a", Map.of("team", "x")), null);
        assertSame(first, views.of(s, spec("a", Map.of("team", "x")), null));
    }

    @Test
    void aNewStatusOrOtherLabelsAreMadeAgain() throws IOException {
        ClusterStatus s = status("a", "2026-12-06T05:00:00Z");
        byte[] first = views.of(s, spec("a", Map.of("team", "x")), null);
        byte[] relabelled = views.of(s, spec("a", Map.of("team", "y")), null);
        assertNotSame(first, relabelled);
        assertEquals("y", read(relabelled).at("/metadata/labels/team").asText());
        byte[] updated = views.of(status("a", "2026-12-06T05:01:00Z"), spec("a", Map.of("team", "y")), null);
        assertEquals("2026-12-06T05:01:00Z", read(updated).at("/status/lastUpdateTime").asText());
    }

    @Test
    void aClusterGoneIsForgotten() {
        ClusterStatus s = status("a", "2026-12-06T05:00:00Z");
        byte[] first = views.of(s, null, null);
        views.onStatus(new StatusChanged("b", null));
        assertSame(first, views.of(s, null, null));
        views.onStatus(new StatusChanged("a", null));
        assertNotSame(first, views.of(s, null, null));
    }

    @Test
    void anAutoscalersStateIsReadAtEachCall() throws IOException {
        ClusterStatus s = status("a", "2026-12-06T05:00:00Z");
        byte[] before = views.of(s, spec("a", Map.of()), Map.of("demand", List.of()));
        byte[] after = views.of(s, spec("a", Map.of()), Map.of("demand", List.of(Map.of("CPU", 1))));
        assertEquals(0, read(before).at("/autoscaler/demand").size());
        assertEquals(1, read(after).at("/autoscaler/demand").size());
        assertFalse(read(views.of(s, spec("a", Map.of()), null)).has("autoscaler"));
    }

    @Test
    void theViewIsKubectlsShape() throws IOException {
        Map<String, String> owned = Map.of(Labels.ORIGINATED_FROM_CRD, Labels.RAY_SERVICE_KIND, Labels.ORIGINATED_FROM_CR_NAME, "svc");
        JsonNode view = read(views.of(status("svc-raycluster-1", "t"), spec("svc-raycluster-1", owned), null));
        assertEquals("ray.io/v1", view.get("apiVersion").asText());
        assertEquals("RayCluster", view.get("kind").asText());
        assertEquals("svc-raycluster-1", view.at("/metadata/name").asText());
        assertEquals("svc", view.at("/metadata/ownerReferences/0/name").asText());
        assertTrue(view.at("/metadata/ownerReferences/0/controller").asBoolean());
        assertEquals("ready", view.at("/status/state").asText());
        JsonNode bare = read(views.of(status("b", "t"), null, null));
        assertFalse(bare.get("metadata").has("labels"));
    }

    @Test
    void aListHoldsTheViewsInOrder() throws IOException {
        JsonNode list = read(ClusterViews.list(List.of(views.of(status("a", "t"), null, null), views.of(status("b", "t"), null, null))));
        assertEquals("RayClusterList", list.get("kind").asText());
        assertEquals("ray.io/v1", list.get("apiVersion").asText());
        assertEquals(List.of("a", "b"), List.of(list.at("/items/0/metadata/name").asText(), list.at("/items/1/metadata/name").asText()));
        assertEquals(0, read(ClusterViews.list(List.of())).get("items").size());
    }
}

package io.swarmray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The patches Ray 2.40's provider sends are accepted; anything else is refused whole (422). */
class JsonPatchTest {
    static Map<String, Object> replace(String path, Object value) {
        return Map.of("op", "replace", "path", path, "value", value);
    }

    @Test
    void raysScaleAndDeletePatches() throws Exception {
        // node_provider.py: replicas, then the whole scaleStrategy object
        var changes = JsonPatch.parse(List.of(replace("/spec/workerGroupSpecs/1/replicas", 3),
                replace("/spec/workerGroupSpecs/1/scaleStrategy", Map.of("workersToDelete", List.of("t1")))), 2);
        assertEquals(List.of(new JsonPatch.Change(1, 3, null), new JsonPatch.Change(1, null, List.of("t1"))), changes);
        assertEquals(List.of(new JsonPatch.Change(0, null, List.of())),
                JsonPatch.parse(List.of(replace("/spec/workerGroupSpecs/0/scaleStrategy", Map.of("workersToDelete", List.of()))), 1));
        assertEquals(List.of(), JsonPatch.parse(List.of(), 1), "an empty patch changes nothing");
    }

    @Test
    void everythingElseIsRefused() {
        refused("only \"replace\"", List.of(Map.of("op", "add", "path", "/spec/workerGroupSpecs/0/replicas", "value", 1)));
        refused("may not be changed", List.of(replace("/spec/rayVersion", "2.9.0")));
        refused("may not be changed", List.of(replace("/spec/workerGroupSpecs/0/scaleStrategy/workersToDelete", List.of())));
        refused("may not be changed", List.of(replace("/spec/workerGroupSpecs/0/template", Map.of())));
        refused("may not be changed", List.of(replace("/spec/workerGroupSpecs/01/replicas", 1)));
        refused("no worker group 2", List.of(replace("/spec/workerGroupSpecs/2/replicas", 1)));
        refused("integer from 0", List.of(replace("/spec/workerGroupSpecs/0/replicas", -1)));
        refused("integer from 0", List.of(replace("/spec/workerGroupSpecs/0/replicas", "3")));
        refused("workersToDelete", List.of(replace("/spec/workerGroupSpecs/0/scaleStrategy", Map.of("other", 1))));
        refused("list of pod names", List.of(replace("/spec/workerGroupSpecs/0/scaleStrategy", Map.of("workersToDelete", List.of(1)))));
        refused("needs a value", List.of(Map.of("op", "replace", "path", "/spec/workerGroupSpecs/0/replicas")));
        refused("array", Map.of("op", "replace"));
        // one bad operation refuses the good ones beside it
        refused("may not be changed", List.of(replace("/spec/workerGroupSpecs/0/replicas", 1), replace("/metadata/name", "x")));
    }

    static void refused(String message, Object patch) {
        var e = assertThrows(JsonPatch.Refused.class, () -> JsonPatch.parse(patch, 2));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}

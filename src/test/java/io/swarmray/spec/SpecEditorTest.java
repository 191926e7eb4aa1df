package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpecEditorTest {

    @Test
    void changesOnlyTheReplicasValueKeepingCommentsAndLayout() {
        String edited = SpecEditor.setReplicas(Specs.SAMPLE, "llm", "gpu", 7);
        assertEquals(Specs.SAMPLE.replace("replicas: 3", "replicas: 7"), edited);
        assertEquals(7, Specs.parse(edited).clusters().get(0).cluster().workerGroups().get(0).replicas());
    }

    @Test
    void addsReplicasWhereTheGroupHasNone() {
        String edited = SpecEditor.setReplicas(Specs.SAMPLE, "llm", "cpu", 2);
        assertTrue(edited.contains("- groupName: cpu\n      replicas: 2\n"), edited);
        assertEquals(2, Specs.parse(edited).clusters().get(0).cluster().workerGroups().get(1).replicas());
        String flow = "apiVersion: ray.io/v1\nkind: RayCluster  # comment\nmetadata: {name: x}\nspec:\n  workerGroupSpecs:\n    - {groupName: w, template: {}}\n";
        assertEquals(flow.replace("{groupName: w,", "{groupName: w, replicas: 4,"), SpecEditor.setReplicas(flow, "x", "w", 4));
    }

    @Test
    void findsTheRightDocumentAndSaysWhatIsMissing() {
        String two = "kind: ConfigMap\nmetadata: {name: llm}\n---\n" + Specs.SAMPLE;
        assertTrue(SpecEditor.setReplicas(two, "llm", "gpu", 1).startsWith("kind: ConfigMap"));
        assertEquals("cluster 'llm' has no worker group 'tpu'",
                assertThrows(IllegalArgumentException.class, () -> SpecEditor.setReplicas(two, "llm", "tpu", 1)).getMessage());
        assertEquals("no RayCluster named 'other' in the file",
                assertThrows(IllegalArgumentException.class, () -> SpecEditor.setReplicas(two, "other", "gpu", 1)).getMessage());
    }
}

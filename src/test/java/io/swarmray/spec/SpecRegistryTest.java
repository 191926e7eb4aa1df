package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpecRegistryTest {
    private final SpecParser parser = Specs.parser();
    private final SpecRegistry registry = new SpecRegistry();

    private Set<String> write(String file, String yaml) {
        return registry.update(parser.parse(file, yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anInvalidEditKeepsTheLastGoodSpecAndCarriesTheError() {
        assertEquals(Set.of("llm"), write("a.yaml", Specs.SAMPLE));
        RayCluster good = registry.cluster("llm").spec();
        assertEquals(Set.of("llm"), write("a.yaml", Specs.SAMPLE.replace("minReplicas: 1", "minReplicas: 9")));
        assertEquals(good, registry.cluster("llm").spec());
        assertTrue(registry.cluster("llm").errors().get(0).toString().contains("minReplicas: 9 is greater than maxReplicas 2"));
        write("a.yaml", "kind: RayCluster\nmetadata: [broken");
        assertEquals(good, registry.cluster("llm").spec());
        assertTrue(registry.cluster("llm").errors().get(0).message().startsWith("invalid YAML"));
        write("a.yaml", Specs.SAMPLE.replace("name: llm", "name: LLM"));
        assertEquals(good, registry.cluster("llm").spec(), "an unreadable name does not delete the cluster");
        write("a.yaml", Specs.SAMPLE);
        assertTrue(registry.cluster("llm").errors().isEmpty());
    }

    /** A missing spec means deleted only once every file was read; one lookup says both, so none can miss the order. */
    @Test
    void aLookupSaysWhetherEveryFileWasReadWhenItLooked() {
        write("a.yaml", Specs.SAMPLE);
        Lookup<SpecRegistry.ClusterSpec> unread = registry.lookup(r -> r.cluster("other"));
        assertNull(unread.found());
        assertFalse(unread.allFilesRead(), "its file may not have been read yet");
        assertFalse(registry.lookup(r -> r.service("chat")).allFilesRead());
        registry.markAllFilesRead();
        Lookup<SpecRegistry.ClusterSpec> gone = registry.lookup(r -> r.cluster("other"));
        assertNull(gone.found());
        assertTrue(gone.allFilesRead(), "no spec declares it, and every file was read: deleted");
        assertTrue(registry.lookup(r -> r.job("train")).allFilesRead());
        Lookup<SpecRegistry.ClusterSpec> declared = registry.lookup(r -> r.cluster("llm"));
        assertNotNull(declared.found());
        assertTrue(declared.allFilesRead());
    }

    @Test
    void onlyAValidFileOrDeletionRemovesACluster() {
        write("a.yaml", Specs.SAMPLE);
        RayCluster good = registry.cluster("llm").spec();
        // A file left with no RayCluster at all is a mistake (a kind typo, a pasted ConfigMap), not a deletion.
        write("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
        assertEquals(good, registry.cluster("llm").spec());
        assertTrue(registry.cluster("llm").errors().get(0).message().startsWith("declares no RayCluster"));
        assertEquals(Set.of("llm", "other"), write("a.yaml", Specs.SAMPLE.replace("name: llm", "name: other")));
        assertNull(registry.cluster("llm"));
        write("a.yaml", Specs.SAMPLE);
        assertEquals(Set.of("llm"), registry.remove("a.yaml"));
        assertNull(registry.cluster("llm"));
    }

    @Test
    void theFirstFileKeepsADuplicatedNameAndTheSecondIsTold() {
        write("specs/a.yaml", Specs.SAMPLE);
        RayCluster first = registry.cluster("llm").spec();
        assertEquals(Set.of(), write("specs/b.yaml", Specs.SAMPLE.replace("replicas: 3", "replicas: 1")));
        assertEquals(first, registry.cluster("llm").spec());
        var b = registry.files().stream().filter(f -> f.file().equals("specs/b.yaml")).findFirst().orElseThrow();
        assertEquals("specs/b.yaml[0] metadata.name: cluster 'llm' is already declared in specs/a.yaml; this declaration is ignored",
                b.errors().get(0).toString());
        // once the first file goes, the second takes over
        assertEquals(Set.of("llm"), registry.remove("specs/a.yaml"));
        assertEquals("specs/b.yaml", registry.cluster("llm").file());
        assertEquals(1, registry.cluster("llm").spec().workerGroups().get(0).replicas());
    }

    @Test
    void aClusterThatWasNeverValidHasNoSpecButItsErrors() {
        write("a.yaml", Specs.SAMPLE.replace("minReplicas: 1", "minReplicas: 9"));
        assertNotNull(registry.cluster("llm"));
        assertNull(registry.cluster("llm").spec());
        assertEquals(1, registry.cluster("llm").errors().size());
    }

    @Test
    void rewritingTheSameContentChangesNothing() {
        write("a.yaml", Specs.SAMPLE);
        assertEquals(Set.of(), write("a.yaml", Specs.SAMPLE));
    }
}

package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecDirectoryTest {
    @TempDir
    Path dir;

    private final SpecRegistry registry = new SpecRegistry();

    private SpecDirectory specs() {
        return new SpecDirectory(dir, Specs.parser(), registry);
    }

    private static void old(Path p) throws Exception {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 10_000));
    }

    @Test
    void aFreshlyWrittenFileWaitsUntilItSettles() throws Exception {
        SpecDirectory specs = specs();
        Path f = Files.writeString(dir.resolve("llm.yaml"), Specs.SAMPLE);
        var first = specs.scan(System.currentTimeMillis());
        assertTrue(first.unsettled());
        assertTrue(first.changedClusters().isEmpty());
        assertFalse(registry.allFilesRead(), "a file not read yet: its cluster must not look undeclared (OperatorCrashIT, CI 2026-12-04)");
        var later = specs.scan(System.currentTimeMillis() + 1000);
        assertEquals(Set.of("llm"), later.changedClusters());
        assertFalse(later.unsettled());
        assertTrue(registry.allFilesRead());
        Files.delete(f);
        assertEquals(Set.of("llm"), specs.scan(System.currentTimeMillis()).changedClusters());
        assertNull(registry.cluster("llm"));
    }

    @Test
    void hiddenEditorAndOtherFilesAreIgnored() throws Exception {
        for (String name : new String[]{".llm.yaml.swp", ".#llm.yaml", "llm.yaml~", "notes.txt", "#llm.yaml#"}) {
            old(Files.writeString(dir.resolve(name), Specs.SAMPLE));
        }
        Files.createDirectories(dir.resolve(".status"));
        assertTrue(specs().scan(System.currentTimeMillis()).changedClusters().isEmpty());
    }

    @Test
    void aSymlinkOutOfTheDirectoryIsRefused() throws Exception {
        Path outside = Files.createTempFile("outside", ".yaml");
        Files.writeString(outside, Specs.SAMPLE);
        old(outside);
        Files.createSymbolicLink(dir.resolve("link.yaml"), outside);
        specs().scan(System.currentTimeMillis());
        assertNull(registry.cluster("llm"));
        assertTrue(registry.files().get(0).errors().get(0).message().contains("outside the specs directory"));
        Files.delete(outside);
    }

    @Test
    void aRenamedFileKeepsItsClusterWithoutADuplicateError() throws Exception {
        SpecDirectory specs = specs();
        Path a = Files.writeString(dir.resolve("a.yaml"), Specs.SAMPLE);
        old(a);
        specs.scan(System.currentTimeMillis());
        Files.move(a, dir.resolve("b.yaml"));
        specs.scan(System.currentTimeMillis());
        assertEquals(dir.resolve("b.yaml").toString(), registry.cluster("llm").file());
        assertTrue(registry.files().stream().allMatch(f -> f.errors().isEmpty()), registry.files().toString());
    }
}

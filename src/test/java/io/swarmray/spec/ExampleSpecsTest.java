package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every example under specs/ is valid under the default policy, so users can start from any of them. */
class ExampleSpecsTest {

    @Test
    void everyExampleIsValid() throws Exception {
        List<Path> files;
        try (var walk = Files.walk(Path.of("specs"))) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") && !p.toString().contains("/.status/")).toList();
        }
        assertFalse(files.isEmpty());
        SpecParser parser = new SpecParser(1 << 20);
        for (Path f : files) {
            SpecFile parsed = parser.parse(f.toString(), Files.readAllBytes(f));
            assertEquals(List.of(), parsed.errors(), f.toString());
            parsed.clusters().forEach(c -> assertEquals(List.of(), c.errors(), f.toString()));
            assertEquals(List.of(), parsed.warnings(), f.toString());
            parsed.clusters().forEach(c -> assertEquals(List.of(), c.warnings(), f.toString()));
            assertEquals(List.of(), parsed.allErrors(), f.toString());
            assertEquals(List.of(), parsed.allWarnings(), f.toString());
            parsed.services().forEach(s -> assertNotNull(s.service(), f.toString()));
            parsed.jobs().forEach(j -> assertNotNull(j.job(), f.toString()));
        }
    }
}

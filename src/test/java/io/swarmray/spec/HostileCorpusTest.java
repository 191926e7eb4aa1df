package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hostile corpus through the directory scan and the registry (the live test repeats it on a real operator). */
class HostileCorpusTest {
    static final int MAX_BYTES = 1 << 20;

    @Test
    void everyHostileFileGetsItsErrorAndNoneYieldsACluster(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("calm.yaml"), HostileCorpus.calm());
        List<HostileCorpus.Case> cases = HostileCorpus.materialize(dir, MAX_BYTES);
        assertTrue(cases.size() >= 60, "corpus has " + cases.size() + " cases");
        SpecRegistry registry = new SpecRegistry();
        SpecDirectory specs = new SpecDirectory(dir, new SpecParser(MAX_BYTES, HostileCorpus.TEST_POLICY), registry);
        specs.scan(System.currentTimeMillis() + 60_000);

        Map<String, List<String>> errors = registry.files().stream().collect(Collectors.toMap(SpecRegistry.FileState::file,
                f -> f.errors().stream().map(Object::toString).toList()));
        assertEquals(List.of(), HostileCorpus.unmet(cases, specs::displayName, errors));
        // Only the healthy cluster has a spec to run; every hostile one is refused whole.
        assertEquals(List.of(HostileCorpus.CALM),
                registry.clusters().stream().filter(c -> c.spec() != null).map(SpecRegistry.ClusterSpec::name).toList());
        assertEquals(List.of(), registry.cluster(HostileCorpus.CALM).errors());
    }

    @Test
    void aRunningClustersFileTurningIntoEachHostileFileKeepsItsSpec(@TempDir Path dir) throws Exception {
        SpecRegistry registry = new SpecRegistry();
        SpecDirectory specs = new SpecDirectory(dir, new SpecParser(MAX_BYTES, HostileCorpus.TEST_POLICY), registry);
        Files.writeString(dir.resolve("calm.yaml"), HostileCorpus.calm());
        long now = System.currentTimeMillis() + 60_000;
        specs.scan(now);
        RayCluster good = registry.cluster(HostileCorpus.CALM).spec();
        for (HostileCorpus.Case c : HostileCorpus.cases()) {
            if (c.ignored() || c.file().equals("claims-calm.yaml")) {
                continue;
            }
            Files.write(dir.resolve("calm.yaml"), Files.readAllBytes(HostileCorpus.SOURCE.resolve(c.file())));
            specs.scan(now += 1000);
            var calm = registry.cluster(HostileCorpus.CALM);
            assertEquals(good, calm == null ? null : calm.spec(), c.file() + " as calm.yaml changed the running spec");
            assertTrue(!registry.files().get(0).errors().isEmpty(), c.file() + " as calm.yaml: no error");
        }
    }
}

package io.swarmray.it;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The artifact `mvn package` built, as @QuarkusIntegrationTest finds it (target/quarkus-artifact.properties):
 * the jar, or the native binary under -Dnative. The *IT tests that start the operator as a process run it.
 */
final class PackagedArtifact {
    static final Path TARGET = Path.of("target");

    private PackagedArtifact() {
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(TARGET.resolve("quarkus-artifact.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("no packaged artifact: run mvn package first", e);
        }
        return p;
    }

    static boolean isNative() {
        return "native".equals(properties().getProperty("type"));
    }

    /** The command that starts the operator. */
    static List<String> command() {
        String path = TARGET.resolve(properties().getProperty("path")).toString();
        return isNative() ? List.of(path) : List.of("java", "-jar", path);
    }
}

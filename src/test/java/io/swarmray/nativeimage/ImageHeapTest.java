package io.swarmray.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Native-image builds static fields' values into the image heap and refuses a random generator there (its seed
 * would be fixed at build time): the build fails after minutes of analysis. This finds such a field in our classes
 * in a second, before the native lane does.
 */
class ImageHeapTest {
    static final Path CLASSES = Path.of("target/classes");

    @Test
    void noClassKeepsARandomGeneratorInAStaticField() throws IOException, ClassNotFoundException {
        List<String> offenders = new ArrayList<>();
        for (String name : classNames()) {
            for (Field f : Class.forName(name, false, getClass().getClassLoader()).getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && (Random.class.isAssignableFrom(f.getType())
                        || SplittableRandom.class.isAssignableFrom(f.getType()))) {
                    offenders.add(name + "." + f.getName());
                }
            }
        }
        assertEquals(List.of(), offenders, "use ThreadLocalRandom.current() or a generator made per call");
    }

    static List<String> classNames() throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES.resolve("io/swarmray"))) {
            return files.map(f -> CLASSES.relativize(f).toString()).filter(f -> f.endsWith(".class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.')).sorted().toList();
        }
    }
}

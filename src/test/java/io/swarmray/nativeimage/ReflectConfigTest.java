package io.swarmray.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.dockerjava.api.command.CreateServiceCmd;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.core.command.CreateServiceCmdImpl;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Generates, and checks that the committed file is, the native-image reflection config for what
 * Jackson binds in docker-java: every concrete class of api.model and api.command, the core
 * *CmdImpl classes that carry Jackson annotations, and our own subclass of a docker-java model.
 * Without it, list calls fail and createService silently sends an empty spec (Docker answers 400).
 * Regenerate with: mvn test -Dtest=ReflectConfigTest -Dregenerate=true
 */
class ReflectConfigTest {
    static final Path FILE = Path.of("src/main/resources/META-INF/native-image/io.swarmray/swarmray/reflect-config.json");

    static List<Map<String, Object>> generate() throws Exception {
        TreeSet<String> names = new TreeSet<>();
        names.addAll(classesOf(Service.class, "com/github/dockerjava/api/model/", false));
        names.addAll(classesOf(CreateServiceCmd.class, "com/github/dockerjava/api/command/", false));
        names.addAll(classesOf(CreateServiceCmdImpl.class, "com/github/dockerjava/core/command/", true));
        names.add("io.swarmray.swarm.ServiceSpecs$ContainerSpecWithCapabilities");
        names.add("io.swarmray.swarm.ServiceSpecs$PlacementWithPreferences");
        names.add("io.swarmray.swarm.ServiceSpecs$ReservationsWithGeneric");
        List<Map<String, Object>> out = new ArrayList<>();
        for (String n : names) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", n);
            e.put("allDeclaredConstructors", true);
            e.put("allDeclaredMethods", true);
            e.put("allDeclaredFields", true);
            out.add(e);
        }
        // docker-java looks the JDK's Unix socket up by reflection (else it falls back to JNA)
        Map<String, Object> of = new LinkedHashMap<>();
        of.put("name", "of");
        of.put("parameterTypes", List.of("java.lang.String"));
        Map<String, Object> socket = new LinkedHashMap<>();
        socket.put("name", "java.net.UnixDomainSocketAddress");
        socket.put("methods", List.of(of));
        out.add(socket);
        return out;
    }

    private static List<String> classesOf(Class<?> anchor, String prefix, boolean onlyJacksonAnnotated)
            throws IOException, URISyntaxException {
        List<String> out = new ArrayList<>();
        Path jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (var entries = jf.entries(); entries.hasMoreElements();) {
                String n = entries.nextElement().getName();
                if (!n.startsWith(prefix) || !n.endsWith(".class") || n.substring(prefix.length()).contains("/")) {
                    continue;
                }
                String cls = n.substring(0, n.length() - ".class".length()).replace('/', '.');
                try {
                    Class<?> c = Class.forName(cls, false, anchor.getClassLoader());
                    if (c.isInterface() || c.isAnnotation() || c.isSynthetic() || c.isAnonymousClass()) {
                        continue;
                    }
                    if (!onlyJacksonAnnotated && Modifier.isAbstract(c.getModifiers()) && !c.isEnum()) {
                        continue;
                    }
                    if (onlyJacksonAnnotated && !jacksonAnnotated(c)) {
                        continue;
                    }
                    out.add(c.getName());
                } catch (ClassNotFoundException | LinkageError skipped) {
                    // optional dependency missing: not reachable at run time either
                }
            }
        }
        return out;
    }

    private static boolean jacksonAnnotated(Class<?> c) {
        return Stream.of(Stream.of((AnnotatedElement) c), Stream.of(c.getDeclaredFields()), Stream.of(c.getDeclaredMethods()))
                .flatMap(s -> s).flatMap(e -> Stream.of(e.getAnnotations())).map(Annotation::annotationType)
                .anyMatch(t -> t.getName().startsWith("com.fasterxml.jackson"));
    }

    static String render() throws Exception {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(generate()) + "\n";
    }

    @Test
    void theCommittedReflectionConfigIsCurrent() throws Exception {
        String expected = render();
        if (Boolean.getBoolean("regenerate")) {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, expected);
        }
        assertEquals(expected, Files.exists(FILE) ? Files.readString(FILE) : "",
                FILE + " is stale: run mvn test -Dtest=ReflectConfigTest -Dregenerate=true and commit it");
    }
}

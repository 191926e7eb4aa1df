package io.swarmray.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Generates, and checks that the committed file is, the native-image reflection config for what
 * Jackson binds in docker-java: only the classes the operator's Docker calls can reach. The roots are
 * the commands our main code calls ({@code docker.xyzCmd(}, found in the sources): each command's
 * implementation (Jackson serialises it as the request body) and its response type, plus docker-java's
 * Jackson-read config files and our own subclasses of its models. From there it follows field types
 * (with type arguments) and classes named in Jackson annotations. A new call makes the file stale,
 * and this test fails until it is regenerated. Without the registrations, list calls fail and
 * createService silently sends an empty spec (Docker answers 400).
 * Regenerate with: mvn test -Dtest=ReflectConfigTest -Dregenerate=true
 */
class ReflectConfigTest {
    static final Path FILE = Path.of("src/main/resources/META-INF/native-image/io.swarmray/swarmray/reflect-config.json");
    static final Path MAIN = Path.of("src/main/java");
    static final Pattern CALL = Pattern.compile("docker\\.(\\w+Cmd)\\(");
    static final List<String> OTHER_ROOTS = List.of("com.github.dockerjava.core.DockerConfigFile",
            "com.github.dockerjava.core.DockerContextMetaFile", "io.swarmray.swarm.ServiceSpecs$ContainerSpecWithCapabilities",
            "io.swarmray.swarm.ServiceSpecs$PlacementWithPreferences", "io.swarmray.swarm.ServiceSpecs$ReservationsWithGeneric",
            "io.swarmray.swarm.ServiceSpecs$ServiceModeWithJobs");

    /** The DockerClient methods our main code calls. */
    static TreeSet<String> calledCommands() throws IOException {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = CALL.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    static TreeSet<String> reachable() throws Exception {
        Deque<Class<?>> todo = new ArrayDeque<>();
        for (String call : calledCommands()) {
            Class<?> cmd = Stream.of(DockerClient.class.getMethods()).filter(m -> m.getName().equals(call)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("DockerClient has no " + call)).getReturnType();
            todo.add(Class.forName("com.github.dockerjava.core.command." + cmd.getSimpleName() + "Impl"));
            responseTypes(cmd, todo);
        }
        for (String n : OTHER_ROOTS) {
            todo.add(Class.forName(n));
        }
        TreeSet<String> seen = new TreeSet<>();
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (c.isArray()) {
                todo.add(c.getComponentType());
                continue;
            }
            if (!bound(c) || !seen.add(c.getName())) {
                continue;
            }
            for (Class<?> k = c; k != null && bound(k); k = k.getSuperclass()) {
                todo.add(k);
                for (Field f : k.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        classesIn(f.getGenericType(), todo);
                    }
                }
            }
            Stream.of(Stream.of((AnnotatedElement) c), Stream.of(c.getDeclaredFields()), Stream.of(c.getDeclaredMethods()),
                    Stream.of(c.getDeclaredConstructors())).flatMap(e -> e).forEach(e -> annotationClasses(e, todo));
        }
        seen.removeIf(n -> {
            try {
                Class<?> c = Class.forName(n);
                return c.isInterface() || c.isAnnotation();
            } catch (ClassNotFoundException e) {
                return true;
            }
        });
        return seen;
    }

    /** Jackson binds docker-java's classes and our subclasses of them; JDK and Jackson types need nothing from us. */
    private static boolean bound(Class<?> c) {
        return !c.isPrimitive() && (c.getName().startsWith("com.github.dockerjava.") || c.getName().startsWith("io.swarmray."));
    }

    /** R of SyncDockerCmd&lt;R&gt; or AsyncDockerCmd&lt;C, R&gt;, anywhere up the command interface's hierarchy. */
    private static void responseTypes(Class<?> cmd, Deque<Class<?>> out) {
        for (Type t : cmd.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p) {
                Type[] args = p.getActualTypeArguments();
                String raw = ((Class<?>) p.getRawType()).getSimpleName();
                if (raw.equals("SyncDockerCmd") || raw.equals("AsyncDockerCmd")) {
                    classesIn(args[args.length - 1], out);
                }
                responseTypes((Class<?>) p.getRawType(), out);
            } else if (t instanceof Class<?> c) {
                responseTypes(c, out);
            }
        }
    }

    private static void classesIn(Type t, Deque<Class<?>> out) {
        if (t instanceof Class<?> c) {
            out.add(c);
        } else if (t instanceof ParameterizedType p) {
            classesIn(p.getRawType(), out);
            for (Type a : p.getActualTypeArguments()) {
                classesIn(a, out);
            }
        } else if (t instanceof GenericArrayType g) {
            classesIn(g.getGenericComponentType(), out);
        } else if (t instanceof WildcardType w) {
            Stream.of(w.getUpperBounds()).forEach(b -> classesIn(b, out));
        }
    }

    /** Classes a Jackson annotation names (using, as, contentAs, builder, subtypes...): Jackson instantiates or binds them. */
    private static void annotationClasses(AnnotatedElement e, Deque<Class<?>> out) {
        for (Annotation a : e.getAnnotations()) {
            if (!a.annotationType().getName().startsWith("com.fasterxml.jackson")) {
                continue;
            }
            for (Method m : a.annotationType().getDeclaredMethods()) {
                try {
                    Object v = m.invoke(a);
                    if (v instanceof Class<?> c) {
                        out.add(c);
                    } else if (v instanceof Class<?>[] cs) {
                        out.addAll(List.of(cs));
                    } else if (v instanceof Annotation[] nested) { // @JsonSubTypes({@Type(X.class)})
                        for (Annotation n : nested) {
                            for (Method nm : n.annotationType().getDeclaredMethods()) {
                                if (nm.invoke(n) instanceof Class<?> c) {
                                    out.add(c);
                                }
                            }
                        }
                    }
                } catch (ReflectiveOperationException ignored) {
                    // not an attribute we can read: nothing to follow
                }
            }
        }
    }

    static List<Map<String, Object>> generate() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String n : reachable()) {
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

package io.swarmray.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Typed access to one parsed YAML document. Every wrong type becomes an error with the field path,
 * every field we do not use a warning; reading goes on, so one pass reports all problems.
 */
public final class FieldReader {
    static final int MAX_STRING = 4096;
    private final String file;
    private final int document;
    final List<SpecIssue> errors = new ArrayList<>();
    final List<SpecIssue> warnings = new ArrayList<>();

    public FieldReader(String file, int document) {
        this.file = file;
        this.document = document;
    }

    public String file() {
        return file;
    }

    public int document() {
        return document;
    }

    public List<SpecIssue> errors() {
        return List.copyOf(errors);
    }

    public List<SpecIssue> warnings() {
        return List.copyOf(warnings);
    }

    public void error(String path, String message) {
        errors.add(new SpecIssue(file, document, path, message));
    }

    public void warn(String path, String message) {
        warnings.add(new SpecIssue(file, document, path, message));
    }

    public static String typeName(Object v) {
        if (v instanceof Map) {
            return "a map";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Number) {
            return "a number";
        }
        return v == null ? "null" : "a " + v.getClass().getSimpleName();
    }

    /** The map at {@code path}, an empty map when absent, null (and an error) when of another type. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> map(Object v, String path) {
        if (v == null) {
            return Map.of();
        }
        if (v instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    error(path, "key " + k + " must be a string");
                    return null;
                }
            }
            return (Map<String, Object>) m;
        }
        error(path, "must be a map, got " + typeName(v));
        return null;
    }

    public List<Object> list(Object v, String path) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        error(path, "must be a list, got " + typeName(v));
        return null;
    }

    /**
     * Calls {@code each} with every map of the list at {@code path} and that map's own path
     * ("path[i]"); items of another type are errors. False when the value itself is not a list.
     */
    boolean forEachMap(Object v, String path, BiConsumer<Map<String, Object>, String> each) {
        List<Object> list = list(v, path);
        if (list == null) {
            return false;
        }
        for (int i = 0; i < list.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, Object> m = map(list.get(i), p);
            if (m != null) {
                each.accept(m, p);
            }
        }
        return true;
    }

    /**
     * A string; null when absent or too long. Numbers and booleans are taken as text, with a warning
     * (KubeRay wants strings). Every string is bounded: values end up in service specs, labels and logs.
     */
    public String string(Object v, String path) {
        if (v instanceof String s && s.length() > MAX_STRING) {
            error(path, "is " + s.length() + " characters long; the limit is " + MAX_STRING);
            return null;
        }
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof Number || v instanceof Boolean) {
            warn(path, "should be a quoted string for KubeRay (\"" + v + "\"); taken as text");
            return String.valueOf(v);
        }
        error(path, "must be a string, got " + typeName(v));
        return null;
    }

    /** An integer within [min, max]; {@code dflt} when absent. */
    public int integer(Object v, String path, int dflt, int min, int max) {
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            BigInteger n = new BigInteger(v.toString());
            if (n.compareTo(BigInteger.valueOf(min)) < 0) {
                error(path, n + " must be at least " + min);
            } else if (n.compareTo(BigInteger.valueOf(max)) > 0) {
                error(path, n + " must be at most " + max);
            } else {
                return n.intValue();
            }
            return dflt;
        }
        error(path, "must be an integer, got " + typeName(v) + " (" + abbreviate(v) + ")");
        return dflt;
    }

    public boolean bool(Object v, String path, boolean dflt) {
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        error(path, "must be true or false, got " + typeName(v));
        return dflt;
    }

    /** A Kubernetes quantity given as a number or a string. */
    BigDecimal quantity(Object v, String path) {
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger || v instanceof String
                || v instanceof Double) {
            try {
                return Quantity.parse(v instanceof Double d ? BigDecimal.valueOf(d).toPlainString() : v.toString());
            } catch (IllegalArgumentException e) {
                error(path, e.getMessage());
                return null;
            }
        }
        error(path, "must be a quantity (a number or a string like 500m or 4Gi), got " + typeName(v));
        return null;
    }

    /** Warns about every key of {@code m} outside {@code used}, with {@code why} as the reason. */
    public void ignoreOthers(Map<String, Object> m, String path, Collection<String> used, String why) {
        for (String k : m.keySet()) {
            if (!used.contains(k)) {
                warn(join(path, k), why);
            }
        }
    }

    /** Warns, for each of {@code known} present in {@code m}, that it has no meaning on Swarm. */
    void noSwarmMeaning(Map<String, Object> m, String path, Set<String> known) {
        for (String k : known) {
            if (m.containsKey(k)) {
                warn(join(path, k), "has no meaning on Docker Swarm; ignored");
            }
        }
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}

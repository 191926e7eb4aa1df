package io.swarmray.spec;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Reading string-to-string maps (labels, annotations, nodeSelector, rayStartParams) with key rules. */
final class Maps {
    /** Kubernetes qualified names: optional DNS prefix and '/', then a name of [A-Za-z0-9._-]. */
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern FLAG = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private Maps() {
    }

    /** A sorted map of strings; keys checked by {@code keyProblem} (null = fine). Null on a type error. */
    static TreeMap<String, String> stringMap(FieldReader r, Object v, String path, Function<String, String> keyProblem) {
        Map<String, Object> m = r.map(v, path);
        if (m == null) {
            return null;
        }
        TreeMap<String, String> out = new TreeMap<>();
        for (var e : m.entrySet()) {
            String p = path + "." + e.getKey();
            String problem = keyProblem.apply(e.getKey());
            if (problem != null) {
                r.error(p, problem);
                continue;
            }
            String value = e.getValue() == null ? "" : r.string(e.getValue(), p);
            if (value == null) {
                continue;
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    static String labelKeyProblem(String key) {
        if (key.length() > 253 || !LABEL_KEY.matcher(key).matches()) {
            return "'" + FieldReader.abbreviate(key) + "' is not a valid key (letters, digits, '-', '_', '.', optional 'prefix/')";
        }
        return null;
    }

    static String flagProblem(String key) {
        if (key.length() > 64 || !FLAG.matcher(key).matches()) {
            return "'" + FieldReader.abbreviate(key) + "' is not a ray start flag name (lowercase letters, digits and '-')";
        }
        return null;
    }
}

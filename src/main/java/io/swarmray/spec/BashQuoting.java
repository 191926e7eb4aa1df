package io.swarmray.spec;

/**
 * KubeRay pastes rayStartParams values into a bash command line, so its users quote values for
 * bash: {@code resources: '"{\"GPU\": 1}"'} means the JSON {@code {"GPU": 1}}. SwarmRay never runs
 * values through a shell; to keep such manifests meaning what they mean under KubeRay it removes one
 * layer of quoting the way bash does, and nothing else: no expansion of $, backticks, globs or ~,
 * no word splitting (a space stays part of the value).
 */
public final class BashQuoting {
    private BashQuoting() {
    }

    /** The value with one layer of bash quoting removed; IllegalArgumentException on an unclosed quote. */
    public static String unquote(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '\'') {
                int end = value.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("has an unclosed single quote");
                }
                out.append(value, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(value, i + 1, out);
            } else if (c == '\\' && i + 1 < value.length()) {
                if (value.charAt(i + 1) != '\n') { // backslash-newline is a line continuation
                    out.append(value.charAt(i + 1));
                }
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Inside "...": a backslash escapes only $ ` " \ and newline; returns the index after the closing quote. */
    private static int doubleQuoted(String value, int i, StringBuilder out) {
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < value.length() && "$`\"\\\n".indexOf(value.charAt(i + 1)) >= 0) {
                if (value.charAt(i + 1) != '\n') {
                    out.append(value.charAt(i + 1));
                }
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("has an unclosed double quote");
    }
}

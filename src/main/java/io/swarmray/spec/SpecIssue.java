package io.swarmray.spec;

/**
 * One error or warning about a spec file, pinned to the file, the YAML document (0-based, as
 * users count `---` separated documents in tools like yq) and the field path.
 * Rendered as {@code specs/llm.yaml[0] spec.workerGroupSpecs[1].minReplicas: 5 is greater than maxReplicas 2}.
 */
public record SpecIssue(String file, int document, String field, String message) {

    /**
     * Field paths and messages quote what the file says (keys, values); a newline or terminal escape
     * in them must not forge a line of the log or the status, so control characters become '?'.
     */
    public SpecIssue {
        file = printable(file);
        field = printable(field);
        message = printable(message);
    }

    private static String printable(String s) {
        return s == null ? null : s.replaceAll("[\\p{Cntrl}\u2028\u2029\u202e]", "?");
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file);
        if (document >= 0) {
            s.append('[').append(document).append(']');
        }
        if (field != null && !field.isEmpty()) {
            s.append(' ').append(field);
        }
        return s.append(": ").append(message).toString();
    }
}

package io.swarmray.spec;

import java.util.regex.Pattern;

/**
 * The Swarm object names derived from a cluster and its groups. Service names are also DNS names on
 * the cluster network, so every name must be a lowercase DNS label of at most 63 characters.
 */
public final class Names {
    public static final int MAX_DNS_LABEL = 63;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    /** The head's group name, as KubeRay labels head pods. */
    public static final String HEAD_GROUP = "headgroup";

    private Names() {
    }

    /** Null when {@code name} is a valid DNS label, else the reason. */
    public static String dnsLabelProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "is required";
        }
        if (name.length() > MAX_DNS_LABEL) {
            return "'" + FieldReader.abbreviate(name) + "' is longer than " + MAX_DNS_LABEL + " characters";
        }
        if (!DNS_LABEL.matcher(name).matches()) {
            return "'" + FieldReader.abbreviate(name) + "' is not a lowercase DNS label"
                    + " (a-z, 0-9 and '-', starting with a letter, ending with a letter or digit)";
        }
        return null;
    }

    public static String headService(String cluster) {
        return cluster + "-head";
    }

    public static String workerService(String cluster, String group) {
        return cluster + "-worker-" + group;
    }

    public static String network(String cluster) {
        return cluster + "-net";
    }
}

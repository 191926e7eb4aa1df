package io.swarmray.spec;

import java.io.StringReader;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Edits a spec file's text in place, so the file stays the single source of truth and keeps its
 * comments and layout: only the characters of the changed value are replaced.
 */
public final class SpecEditor {
    private SpecEditor() {
    }

    /** The text with the group's {@code replicas} set; IllegalArgumentException names what was not found. */
    public static String setReplicas(String text, String cluster, String group, int replicas) {
        for (Node doc : new Yaml(new LoaderOptions()).composeAll(new StringReader(text))) {
            if (!(doc instanceof MappingNode root) || !"RayCluster".equals(scalar(root, "kind").orElse(null))) {
                continue;
            }
            Node meta = value(root, "metadata");
            if (!(meta instanceof MappingNode m) || !cluster.equals(scalar(m, "name").orElse(null))) {
                continue;
            }
            Node spec = value(root, "spec");
            Node groups = spec instanceof MappingNode sm ? value(sm, "workerGroupSpecs") : null;
            if (!(groups instanceof SequenceNode seq)) {
                throw new IllegalArgumentException("cluster '" + cluster + "' has no workerGroupSpecs");
            }
            for (Node g : seq.getValue()) {
                if (g instanceof MappingNode gm && group.equals(scalar(gm, "groupName").orElse(null))) {
                    return edit(text, gm, replicas);
                }
            }
            throw new IllegalArgumentException("cluster '" + cluster + "' has no worker group '" + group + "'");
        }
        throw new IllegalArgumentException("no RayCluster named '" + cluster + "' in the file");
    }

    private static String edit(String text, MappingNode group, int replicas) {
        for (NodeTuple t : group.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("replicas")) {
                Node v = t.getValueNode();
                return splice(text, v.getStartMark().getIndex(), v.getEndMark().getIndex(), String.valueOf(replicas));
            }
        }
        // No replicas key yet: add one beside groupName, in the mapping's own style.
        for (NodeTuple t : group.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("groupName")) {
                int end = t.getValueNode().getEndMark().getIndex();
                String insert = group.getFlowStyle() == DumperOptions.FlowStyle.FLOW
                        ? ", replicas: " + replicas
                        : "\n" + " ".repeat(k.getStartMark().getColumn()) + "replicas: " + replicas;
                return splice(text, end, end, insert);
            }
        }
        throw new IllegalStateException("worker group without groupName");
    }

    /** Mark indexes count code points; String indexes count UTF-16 units. */
    private static String splice(String text, int fromCodePoint, int toCodePoint, String with) {
        int from = text.offsetByCodePoints(0, fromCodePoint);
        int to = text.offsetByCodePoints(0, toCodePoint);
        return text.substring(0, from) + with + text.substring(to);
    }

    private static Node value(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static Optional<String> scalar(MappingNode m, String key) {
        return value(m, key) instanceof ScalarNode s ? Optional.of(s.getValue()) : Optional.empty();
    }
}

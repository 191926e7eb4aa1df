package io.swarmray.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Operator-wide image rewriting, for swarms that cannot reach the spec's registry (air-gapped sites
 * with a mirror; test beds with a stand-in image). A rule {@code FROM=TO} applies to an image whose
 * repository is FROM: the repository becomes TO, and the tag stays unless TO names one.
 * Examples: {@code rayproject/ray=mirror.local:5000/rayproject/ray} keeps tags;
 * {@code rayproject/ray=swarmray/ray-standin:test} replaces them. Spec files stay untouched.
 */
public record ImageRewrites(List<Rule> rules) {
    public static final ImageRewrites NONE = new ImageRewrites(List.of());

    public record Rule(String from, String to) {
    }

    /** Parses "FROM=TO" entries; IllegalArgumentException names the bad entry. */
    public static ImageRewrites parse(List<String> entries) {
        List<Rule> rules = new ArrayList<>();
        for (String e : entries) {
            String[] parts = e.trim().split("=", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("swarmray.image-rewrites: '" + e + "' is not FROM=TO");
            }
            rules.add(new Rule(parts[0].trim(), parts[1].trim()));
        }
        return new ImageRewrites(List.copyOf(rules));
    }

    public String apply(String image) {
        String repository = repository(image);
        for (Rule r : rules) {
            if (repository.equals(r.from()) || image.equals(r.from())) {
                boolean toHasTag = !repository(r.to()).equals(r.to());
                return toHasTag || image.equals(r.from()) ? r.to() : r.to() + image.substring(repository.length());
            }
        }
        return image;
    }

    /** The image without its tag or digest ("host:5000/a/b:tag@sha256:..." gives "host:5000/a/b"). */
    static String repository(String image) {
        String s = image;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int colon = s.lastIndexOf(':');
        return colon > s.lastIndexOf('/') ? s.substring(0, colon) : s;
    }
}

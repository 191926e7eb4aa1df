package io.swarmray.status;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** ISO-8601 times as Docker and our conditions write them. */
public final class Instants {
    private Instants() {
    }

    /** The instant, or null for no time or one that does not parse (a missing time is not an error here). */
    public static Instant parseOrNull(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

package io.swarmray.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** JSON error bodies: {"error": "...", "status": 404}. */
final class ApiError {
    private ApiError() {
    }

    static Response notFound(String message) {
        return of(404, message);
    }

    static Response of(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message, "status", status)).build();
    }

    static Response of(int status, String message, List<String> errors) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message, "status", status, "errors", errors)).build();
    }

    /** A request value echoed in an error: bounded, control characters removed. */
    static String printable(String value) {
        String s = value.replaceAll("\\p{Cntrl}", "?");
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}

package io.swarmray.api;

import io.swarmray.Config;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;

/**
 * Bearer-token check of the write endpoints. The token file is read at each check, so a rotated
 * Swarm secret takes effect without a restart. The comparison takes the same time whatever matches.
 */
@ApplicationScoped
public class WriteAuth {
    @Inject
    Config config;

    /** Null when the request may write; else the error response (401 no or malformed token, 403 wrong token or writes off). */
    public Response check(String authorization) {
        var file = config.apiTokenFile();
        byte[] expected;
        try {
            expected = file.isEmpty() ? null : Files.readString(file.get(), StandardCharsets.UTF_8).trim().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            expected = null;
        }
        if (expected == null || expected.length == 0) {
            return ApiError.of(403, "write endpoints are off: no API token is configured (swarmray.api-token-file)");
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return ApiError.of(401, "missing bearer token: send Authorization: Bearer <token>");
        }
        byte[] given = authorization.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            return ApiError.of(403, "wrong token");
        }
        return null;
    }
}

package io.swarmray.it;

import static io.restassured.RestAssured.given;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a secret (the API token, a Redis password) must never show: the operator's log, every read
 * endpoint, the metrics, the health output, the status files, and `docker service inspect` of every
 * service this operator made.
 */
final class SecretsAudit {
    private SecretsAudit() {
    }

    /** The places the secret was found in; empty when it leaks nowhere. */
    static List<String> leaks(String secret) throws Exception {
        List<String> found = new ArrayList<>();
        check(found, secret, "the operator log", Files.readString(HostileSpecsSwarmTest.LOG));
        for (String path : List.of("/api/v1/rayclusters", "/api/v1/specfiles", "/q/metrics", "/q/health", "/q/health/ready")) {
            check(found, secret, "GET " + path, given().get(path).asString());
        }
        List<String> names = given().get("/api/v1/rayclusters").jsonPath().getList("items.metadata.name");
        for (String name : names) {
            check(found, secret, "GET /api/v1/rayclusters/" + name, given().get("/api/v1/rayclusters/" + name).asString());
        }
        Path statusDir = SwarmFixture.SPECS.resolve(".status");
        if (Files.isDirectory(statusDir)) {
            try (Stream<Path> files = Files.list(statusDir)) {
                for (Path f : files.toList()) {
                    check(found, secret, "status file " + f, Files.readString(f));
                }
            }
        }
        String ids = SwarmFixture.dockerCli("service", "ls", "-q", "--filter", "label=swarmray.io/instance=" + SwarmFixture.INSTANCE)
                .trim();
        if (!ids.isEmpty()) {
            List<String> inspect = new ArrayList<>(List.of("service", "inspect"));
            inspect.addAll(List.of(ids.split("\\s+")));
            check(found, secret, "docker service inspect", SwarmFixture.dockerCli(inspect.toArray(String[]::new)));
        }
        return found;
    }

    private static void check(List<String> found, String secret, String where, String text) {
        if (text.contains(secret)) {
            found.add(where);
        }
    }
}

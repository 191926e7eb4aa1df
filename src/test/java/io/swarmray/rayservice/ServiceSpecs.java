package io.swarmray.rayservice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swarmray.spec.RayService;
import io.swarmray.spec.SpecFile;
import io.swarmray.spec.SpecParser;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** RayService texts for unit tests. */
final class ServiceSpecs {
    private ServiceSpecs() {
    }

    static String yaml(String image, String version, String extraGroups) {
        return """
                apiVersion: ray.io/v1
                kind: RayService
                metadata:
                  name: chat
                spec:
                  serveConfigV2: |
                    http_options: {port: 8001}
                    applications:
                      - name: llm
                        route_prefix: /llm
                        import_path: model:app
                        args: {version: %s}
                  rayClusterConfig:
                    rayVersion: "2.40.0"
                    headGroupSpec:
                      rayStartParams: {num-cpus: "0"}
                      template:
                        spec:
                          containers:
                            - name: ray-head
                              image: %s
                    workerGroupSpecs:
                """.formatted(version, image) + group("cpu", 1, image) + extraGroups;
    }

    static String group(String name, int replicas) {
        return group(name, replicas, "rayproject/ray:2.40.0");
    }

    static String group(String name, int replicas, String image) {
        return """
                      - groupName: %s
                        replicas: %d
                        maxReplicas: 4
                        rayStartParams: {}
                        template:
                          spec:
                            containers:
                              - name: ray-worker
                                image: %s
                """.formatted(name, replicas, image);
    }

    static SpecFile parse(String yaml) {
        return new SpecParser(1 << 20).parse("specs/chat.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    static RayService service(String yaml) {
        SpecFile f = parse(yaml);
        assertEquals(List.of(), f.allErrors());
        return f.services().get(0).service();
    }

    static RayService service() {
        return service(yaml("rayproject/ray:2.40.0", "v1", ""));
    }
}

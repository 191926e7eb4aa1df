#!/usr/bin/env bash
# Head failover: the head's container is killed; time until the NEW head's node table lists every
# worker ALIVE. SwarmRay against the same cluster as a plain stack file with restart policies (the
# seed's way), side by side in one run; ROUNDS kills each (default 3), medians and their ratio.
# NGROUPS worker groups (default 1) of WORKERS workers each (default 2): e.g. NGROUPS=2 WORKERS=2, NGROUPS=1 WORKERS=10.
# HEAD_PROBE_PERIOD=N gives SwarmRay's head a livenessProbe with Ray's health URLs checked every N s (KubeRay's is 5 s)
# and KubeRay's 10 minutes of tolerance: a new head's name resolves once it passed its first check.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}; WORKERS=${WORKERS:-2}; NGROUPS=${NGROUPS:-1}; PORT=18193
TOTAL=$((NGROUPS * WORKERS))
start_operator $PORT

bench_spec bfo "$WORKERS" > "$WORK/.t"
for g in $(seq 2 "$NGROUPS"); do # the same group again under another name
  sed -n '/^    - groupName: w$/,$p' "$WORK/.t" | sed "s/groupName: w$/groupName: w$g/" >> "$WORK/.t"
done
if [[ -n "${HEAD_PROBE_PERIOD:-}" ]]; then
  check="wget --tries=1 -T 2 -q -O- http://localhost:52365/api/local_raylet_healthz | grep success && wget --tries=1 -T 10 -q -O- http://localhost:8265/api/gcs_healthz | grep success"
  probe="livenessProbe: {exec: {command: [bash, -c, \"$check\"]}, periodSeconds: $HEAD_PROBE_PERIOD, timeoutSeconds: 13, failureThreshold: $((600 / HEAD_PROBE_PERIOD)), initialDelaySeconds: 60}"
  sed -i "s#\[{name: head, image: $IMAGE}\]#[{name: head, image: $IMAGE, ${probe//&/\\&}}]#" "$WORK/.t"
  grep -q livenessProbe "$WORK/.t" || { echo "the head's probe was not placed" >&2; exit 1; }
fi
mv "$WORK/.t" "$WORK/specs/bfo.yaml"
WORKER_CMD=$(cat <<'CMD'
["bash", "-c", "exec ray start --address=head:6379 --node-ip-address=$$(hostname -i | cut -d' ' -f1) --block"]
CMD
)
WORKER_SERVICES=$(for g in $(seq 1 "$NGROUPS"); do
  printf '  worker%s:\n    image: %s\n    command: %s\n' "$g" "$IMAGE" "$WORKER_CMD"
  printf '    deploy: {replicas: %s, endpoint_mode: dnsrr, labels: {swarmray-bench: "true"}, restart_policy: {condition: any}}\n    networks: [ray]\n' "$WORKERS"
done)
cat > "$WORK/stack.yml" <<YAML
version: "3.8"
services:
  head:
    image: $IMAGE
    command: ["bash", "-c", "exec ray start --head --dashboard-host=0.0.0.0 --node-ip-address=\$\$(hostname -i | cut -d' ' -f1) --block"]
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {swarmray-bench: "true"}, restart_policy: {condition: any}}
    networks: [ray]
$WORKER_SERVICES
networks:
  ray: {driver: overlay, attachable: true, labels: {swarmray-bench: "true"}}
YAML
docker stack deploy --resolve-image never -c "$WORK/stack.yml" bstfo >/dev/null

alive_workers() { # $1 head service name
  local c; c=$(docker ps -q -f "label=com.docker.swarm.service.name=$1" | head -1)
  [[ -n "$c" ]] || { echo 0; return; }
  # from the head container's network namespace: a docker exec per poll would load this 2-core machine itself
  local pid; pid=$(docker inspect -f '{{.State.Pid}}' "$c" 2>/dev/null)
  [[ -n "$pid" && "$pid" != 0 ]] || { echo 0; return; }
  nsenter -t "$pid" -n curl -s -m 2 http://localhost:8265/api/v0/nodes 2>/dev/null \
    | python3 -c 'import json,sys; print(sum(1 for n in json.load(sys.stdin)["data"]["result"]["result"] if n["state"]=="ALIVE" and not n["is_head_node"]))' 2>/dev/null || echo 0
}
# wait_alive HEAD_SERVICE: until exactly TOTAL workers are ALIVE in its table; gives up after TIMEOUT s (default 180)
wait_alive() {
  local deadline=$(( $(date +%s) + ${TIMEOUT:-180} ))
  until [[ "$(alive_workers "$1")" == "$TOTAL" ]]; do
    (( $(date +%s) < deadline )) || { echo "$1: not $TOTAL workers ALIVE after ${TIMEOUT:-180} s" >&2; return 1; }
    sleep 0.2
  done
}
# most_restarts SERVICE_PREFIX SINCE_EPOCH: the most tasks Swarm made for one worker slot since then (1: each worker
# restarted once; 2: a double restart, e.g. Ray's own exit and then a forced restart of its replacement)
most_restarts() {
  local ids; ids=$(docker service ls -q -f "name=$1" | xargs -r -n1 docker service ps -q --no-trunc)
  [[ -n "$ids" ]] || { echo 0; return; }
  docker inspect --format '{{.ServiceID}}/{{.Slot}} {{.CreatedAt}}' $ids | python3 -c '
import sys, datetime, collections
since = float(sys.argv[1]); n = collections.Counter()
for line in sys.stdin:
    slot, day, clock = line.split()[:3]  # Go time: 2026-12-02 11:24:43.797241123 +0000 UTC
    t = datetime.datetime.strptime(day + " " + clock[:15], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
    n[slot] += t.timestamp() > since
print(max(n.values()) if n else 0)' "$2"
}
KILLED_AT=0
failover() { # $1 head service; prints seconds from kill to all workers ALIVE in the new head's table
  wait_alive "$1" || true # a round that did not converge: kill anyway
  local old; old=$(docker ps -q -f "label=com.docker.swarm.service.name=$1" | head -1)
  local t0; t0=$(now); KILLED_AT=$t0
  docker kill "$old" >/dev/null
  until [[ "$(docker ps -q -f "label=com.docker.swarm.service.name=$1" | head -1)" != "$old" && -n "$(docker ps -q -f "label=com.docker.swarm.service.name=$1")" ]]; do sleep 0.1; done
  wait_alive "$1" || { echo "${TIMEOUT:-180}"; return; } # counted as the timeout itself: a lower bound
  since "$t0"
}
wait_alive bfo-head; wait_alive bstfo_head
sleep 5
sr=(); st=()
for r in $(seq 1 "$ROUNDS"); do
  failover bfo-head > "$WORK/t"; sr+=("$(cat "$WORK/t")"); k1=$KILLED_AT
  failover bstfo_head > "$WORK/t"; st+=("$(cat "$WORK/t")"); k2=$KILLED_AT
  sleep 10 # restarts that come late count too
  echo "round $r: swarmray ${sr[-1]} s, plain stack ${st[-1]} s; most tasks per worker slot since the kill:" \
    "swarmray $(most_restarts bfo-worker "$k1"), plain stack $(most_restarts bstfo_worker "$k2")" >&2
done
a=$(printf '%s\n' "${sr[@]}" | median); b=$(printf '%s\n' "${st[@]}" | median)
printf '%-28s %10s %12s %8s\n' "head failover (${NGROUPS}x$WORKERS workers)" "swarmray" "plain stack" ratio
printf '%-28s %10.2f %12.2f %8.2f\n' "median of $ROUNDS (s)" "$a" "$b" "$(ratio "$a" "$b")"
{ grep -c "restarting them all at once" "$WORK/operator.log" || true; } | sed 's/^/worker restarts ordered by SwarmRay: /'

#!/usr/bin/env bash
# Head failover: the head's container is killed; time until the NEW head's node table lists every
# worker ALIVE. SwarmRay against the same cluster as a plain stack file with restart policies (the
# seed's way), side by side in one run; ROUNDS kills each (default 3), medians and their ratio.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}; WORKERS=${WORKERS:-2}; PORT=18193
start_operator $PORT

write_spec bfo "$WORKERS"
cat > "$WORK/stack.yml" <<YAML
version: "3.8"
services:
  head:
    image: $IMAGE
    command: ["bash", "-c", "exec ray start --head --dashboard-host=0.0.0.0 --node-ip-address=\$\$(hostname -i | cut -d' ' -f1) --block"]
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {swarmray-bench: "true"}, restart_policy: {condition: any}}
    networks: [ray]
  worker:
    image: $IMAGE
    command: ["bash", "-c", "exec ray start --address=head:6379 --node-ip-address=\$\$(hostname -i | cut -d' ' -f1) --block"]
    deploy: {replicas: $WORKERS, endpoint_mode: dnsrr, labels: {swarmray-bench: "true"}, restart_policy: {condition: any}}
    networks: [ray]
networks:
  ray: {driver: overlay, attachable: true, labels: {swarmray-bench: "true"}}
YAML
docker stack deploy --resolve-image never -c "$WORK/stack.yml" bstfo >/dev/null

alive_workers() { # $1 head service name
  local c; c=$(docker ps -q -f "label=com.docker.swarm.service.name=$1" | head -1)
  [[ -n "$c" ]] || { echo 0; return; }
  docker exec "$c" wget -q -T 2 -O- http://localhost:8265/api/v0/nodes 2>/dev/null \
    | python3 -c 'import json,sys; print(sum(1 for n in json.load(sys.stdin)["data"]["result"]["result"] if n["state"]=="ALIVE" and not n["is_head_node"]))' 2>/dev/null || echo 0
}
wait_alive() { until [[ "$(alive_workers "$1")" == "$WORKERS" ]]; do sleep 0.2; done; }
failover() { # $1 head service; prints seconds from kill to all workers ALIVE in the new head's table
  wait_alive "$1"
  local old; old=$(docker ps -q -f "label=com.docker.swarm.service.name=$1" | head -1)
  local t0; t0=$(now)
  docker kill "$old" >/dev/null
  until [[ "$(docker ps -q -f "label=com.docker.swarm.service.name=$1" | head -1)" != "$old" && -n "$(docker ps -q -f "label=com.docker.swarm.service.name=$1")" ]]; do sleep 0.1; done
  wait_alive "$1"
  since "$t0"
}
wait_alive bfo-head; wait_alive bstfo_head
sleep 5
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sr=(); st=()
for r in $(seq 1 "$ROUNDS"); do
  sr+=("$(failover bfo-head)"); st+=("$(failover bstfo_head)")
  echo "round $r: swarmray ${sr[-1]} s, plain stack ${st[-1]} s" >&2
done
a=$(printf '%s\n' "${sr[@]}" | median); b=$(printf '%s\n' "${st[@]}" | median)
printf '%-28s %10s %12s %8s\n' "head failover ($WORKERS workers)" "swarmray" "plain stack" ratio
printf '%-28s %10.2f %12.2f %8.2f\n' "median of $ROUNDS (s)" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN{print a/b}')"
grep -c "restarting" "$WORK/operator.log" | sed 's/^/worker restarts ordered by SwarmRay: /'

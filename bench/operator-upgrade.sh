#!/usr/bin/env bash
# An operator upgrade that renders the same specs otherwise (README, "Operator upgrades"), side by side:
#   FROM_JARS (space-separated quarkus-run.jar paths, each an earlier build kept aside) each make N clusters
#   (default 10; head + 1 worker each, the stand-in); then that operator is stopped and this one (OPERATOR_JAR, or
#   target's jar) started on the same specs, as `docker service update --image` does. Prints per earlier build:
#   Ray tasks restarted by the upgrade, the new operator's Docker writes until 10 s after all are ready again
#   (HTTP requests, counted by bench/docker-proxy.py), and seconds from its start until all are ready.
# E.g. a build from before input hashes (every service is brought to the new rendering once) beside one with them.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-10}; PORT=18199
: "${FROM_JARS:?FROM_JARS: quarkus-run.jar of one or more earlier builds}"
JAVA_OPTS=${JAVA_OPTS:-$(sed -n 's/.*JAVA_OPTS="\([^"]*\)".*/\1/p' "$ROOT/deploy/Dockerfile")}
export JAVA_OPTS
count_of() { awk -v k="$1" '$1 == k {print $2}' "$WORK/counts"; }
ready_count() {
  curl -s "localhost:$PORT/api/v1/rayclusters" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print(sum(1 for c in items if c["metadata"]["name"].startswith("bup") and (c.get("status") or {}).get("state") == "ready"))' 2>/dev/null || echo 0
}
wait_ready() { while [[ "$(ready_count)" -lt "$N" ]]; do sleep 1; done; }
running_tasks() { docker ps -q --no-trunc -f label=swarmray-bench=true -f label=com.docker.swarm.task.id | sort; }

python3 "$ROOT/bench/docker-proxy.py" "$WORK/docker.sock" "$WORK/counts" &
PROXY=$!
trap 'kill $PROXY 2>/dev/null; DOCKER_HOST=$ENGINE cleanup_bench' EXIT
for _ in $(seq 1 50); do [[ -S "$WORK/docker.sock" ]] && break; sleep 0.1; done
ENGINE=${DOCKER_HOST:-unix:///var/run/docker.sock}
export DOCKER_HOST=unix://$WORK/docker.sock
NEW_JAR=${OPERATOR_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}

results=()
for from in $FROM_JARS; do
  OPERATOR_JAR=$from start_operator $PORT
  for i in $(seq 1 "$N"); do write_spec "bup$i" 1; done
  wait_ready
  sleep 10 # nothing left in flight
  kill "$OP"; wait "$OP" 2>/dev/null || true
  before_tasks=$(running_tasks)
  before_w=$(count_of writes)
  OPERATOR_JAR=$NEW_JAR start_operator $PORT
  t1=$(now); wait_ready; again=$(awk -v a="$(since "$t1")" -v b="$READY_S" 'BEGIN{printf "%.2f", a+b}')
  sleep 10 # a rolling update in progress shows in the tasks; late writes count too
  wait_ready
  writes=$(( $(count_of writes) - before_w ))
  restarted=$(comm -23 <(echo "$before_tasks") <(running_tasks) | grep -c . || true)
  results+=("$from|$(echo "$before_tasks" | grep -c .)|$restarted|$writes|$again")
  rm -f "$WORK"/specs/bup*.yaml
  while [[ -n "$(docker service ls -q -f label=swarmray-bench=true)$(docker network ls -q -f label=swarmray-bench=true)" ]]; do sleep 1; done
  kill "$OP"; wait "$OP" 2>/dev/null || true
done
printf '%-60s %8s %10s %7s %14s\n' "upgrade from" "tasks" "restarted" "writes" "all ready (s)"
for r in "${results[@]}"; do
  IFS='|' read -r from tasks restarted writes again <<< "$r"
  printf '%-60s %8s %10s %7s %14s\n' "$from" "$tasks" "$restarted" "$writes" "$again"
done

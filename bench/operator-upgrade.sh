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
image_java_opts
running_tasks() { docker ps -q --no-trunc -f label=swarmray-bench=true -f label=com.docker.swarm.task.id | sort; }
count_requests
NEW_JAR=${OPERATOR_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}

results=()
for from in $FROM_JARS; do
  OPERATOR_JAR=$from start_operator $PORT
  for i in $(seq 1 "$N"); do write_spec "bup$i" 1; done
  wait_ready $PORT bup "$N"
  sleep 10 # nothing left in flight
  kill "$OP"; wait "$OP" 2>/dev/null || true
  before_tasks=$(running_tasks)
  before_w=$(count_of writes)
  OPERATOR_JAR=$NEW_JAR start_operator $PORT
  wait_ready $PORT bup "$N"; again=$(since "$LAUNCHED")
  sleep 10 # a rolling update in progress shows in the tasks; late writes count too
  wait_ready $PORT bup "$N"
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

#!/usr/bin/env bash
# The operator's own engine dies and comes back (the lab's manager: deploy/testbed/lab.sh kill n1, then revive n1; the
# lab must be up), jars side by side: JARS (space-separated quarkus-run.jar paths, default this build's) take turns,
# ROUNDS times each (default 3), on one cluster (head + 1 worker, the stand-in). Each round starts that jar's operator
# on the lab's manager, waits for the cluster ready, kills the engine, leaves it down OUTAGE s (default 35), and starts
# it again. Prints per jar the median seconds from the engine answering again until the operator has passed over the
# cluster (its status.errors empty: only a pass that succeeded clears the failed call; one has failed meanwhile), and
# the ratio to the first jar.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}; OUTAGE=${OUTAGE:-35}; PORT=18193
JARS=${JARS:-$ROOT/target/quarkus-app/quarkus-run.jar}
LAB=/run/swarmray-lab/n1/docker.sock
[[ -S $LAB ]] || { echo "the lab is not up: deploy/testbed/lab.sh up" >&2; exit 1; }
export DOCKER_HOST=unix://$LAB
export SWARMRAY_IMAGE_REWRITES=swarmray/ray-standin=10.78.0.1:5000/swarmray/ray-standin
export SWARMRAY_AUTOSCALER_API_PORT=16447
IMAGE=swarmray/ray-standin:test
image_java_opts
read -r -a jars <<< "$JARS"
lab() { "$ROOT/deploy/testbed/lab.sh" "$@"; }
# errors PORT NAME: how many failed calls the cluster's status lists (nothing when the operator does not answer)
errors() {
  curl -s "localhost:$1/api/v1/rayclusters/$2" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["status"]["errors"]))' 2>/dev/null
}
# failed: a failed call is listed; cleared: none is (the engine's restart also ended the head's task, pinned to the
# manager: the cluster is ready again only later, and that is not what is measured here); passed: ready, and cleared
failed() { [[ "$(errors "$@")" =~ ^[1-9] ]]; }
cleared() { [[ "$(errors "$@")" == 0 ]]; }
passed() { [[ "$(state "$@")" == ready ]] && cleared "$@"; }
nodes_ready() { [[ $(docker node ls --format '{{.Status}}' 2>/dev/null | grep -c Ready) -ge 3 ]]; }

mkdir -p "$WORK/specs"; write_spec beo1 1
declare -A after
for round in $(seq 1 "$ROUNDS"); do
  for j in "${!jars[@]}"; do
    until nodes_ready; do sleep 1; done
    OPERATOR_JAR=${jars[$j]} start_operator $PORT
    until passed $PORT beo1; do sleep 0.5; done
    lab kill n1; t_kill=$(now)
    # a pass must have failed meanwhile (the resync's, at the latest), or there is nothing to wait for afterwards
    until failed $PORT beo1; do sleep 0.5; done
    sleep "$(awk -v o="$OUTAGE" -v s="$(since "$t_kill")" 'BEGIN{print (o > s) ? o - s : 0}')"
    lab revive n1 # returns once the engine answers
    t0=$(now)
    until cleared $PORT beo1; do sleep 0.1; done
    s=$(since "$t0"); after[$j]+="$s "
    echo "round $round, ${jars[$j]}: a pass succeeded $s s after the engine answered again"
    kill "$OP"; wait "$OP" 2>/dev/null || true
  done
done
printf '%-64s %22s %8s\n' "jar" "engine back -> pass (s)" "ratio"
first=$(median <<< "${after[0]}")
for j in "${!jars[@]}"; do
  m=$(median <<< "${after[$j]}")
  printf '%-64s %22s %8s\n' "${jars[$j]}" "$m" "$(ratio "$m" "$first")"
done

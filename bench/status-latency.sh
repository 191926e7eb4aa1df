#!/usr/bin/env bash
# The status API's latency under CPU contention, builds side by side: JARS (space-separated, default this build's
# quarkus-run.jar; the JVM settings the image ships, and a class archive beside a jar as bench/lib.sh uses it) take
# turns, ROUNDS times each (default 3), each on an empty specs directory with BUSY processes spinning on the CPU
# (default 8, at the operator's priority: the 2-core machine about as busy as with 50 clusters' healthchecks).
# Prints per entry the medians of p50 and p99 (ms) of REQUESTS GETs of /api/v1/rayclusters (default 2000), and the
# p99's ratio to the first entry's, and the p99 of a trivial server asked in turn (bench/floor-server.py: what any
# process answering a socket gets from the scheduler then). The requests come one after the other (PACE seconds apart,
# default 0), as a dashboard or script polls.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}; BUSY=${BUSY:-8}; REQUESTS=${REQUESTS:-2000}; PORT=18197
JARS=${JARS:-$ROOT/target/quarkus-app/quarkus-run.jar}
image_java_opts
read -r -a jars <<< "$JARS"
spinners=()
stop_spinners() { if ((${#spinners[@]})); then kill "${spinners[@]}" 2>/dev/null || true; fi; spinners=(); }
trap 'stop_spinners; cleanup_bench' EXIT

declare -A p50s p99s floors
for round in $(seq 1 "$ROUNDS"); do
  for j in "${!jars[@]}"; do
    OPERATOR_JAR=${jars[$j]} start_operator $PORT
    status_latency $PORT "$REQUESTS" /api/v1/rayclusters > /dev/null # the first requests compile the path: not counted
    for _ in $(seq 1 "$BUSY"); do (while :; do :; done) & spinners+=($!); done
    read -r p50 p99 _ floor99 <<< "$(status_latency $PORT "$REQUESTS" /api/v1/rayclusters)"
    stop_spinners
    kill "$OP"; wait "$OP" 2>/dev/null || true
    p50s[$j]+="$p50 "; p99s[$j]+="$p99 "; floors[$j]+="$floor99 "
    echo "round $round, ${jars[$j]}: p50 $p50 ms, p99 $p99 ms (a trivial server's p99 $floor99 ms)"
  done
done
printf '%-64s %10s %10s %8s %16s\n' "entry" "p50 (ms)" "p99 (ms)" "ratio" "floor p99 (ms)"
first=$(median <<< "${p99s[0]}")
for j in "${!jars[@]}"; do
  m=$(median <<< "${p99s[$j]}")
  printf '%-64s %10s %10s %8s %16s\n' "${jars[$j]}" "$(median <<< "${p50s[$j]}")" "$m" "$(ratio "$m" "$first")" \
    "$(median <<< "${floors[$j]}")"
done

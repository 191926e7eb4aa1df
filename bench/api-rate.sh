#!/usr/bin/env bash
# Docker API requests per minute made by the operator at steady state with N clusters (default 10),
# read from its own counter swarmray_docker_calls_total (/q/metrics) over WINDOW seconds (default 60).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-10}; WINDOW=${WINDOW:-60}; PORT=18192
start_operator $PORT
for i in $(seq 1 "$N"); do write_spec "brate$i" 1; done
t0=$(now)
for i in $(seq 1 "$N"); do until [[ "$(state $PORT brate$i)" == ready ]]; do sleep 1; done; done
echo "all $N clusters ready after $(since "$t0") s; letting them settle 15 s"
sleep 15
calls() { curl -s "localhost:$PORT/q/metrics" | awk '/^swarmray_docker_calls_total/ {s+=$NF} END {printf "%d", s}'; }
a=$(calls); sleep "$WINDOW"; b=$(calls)
curl -s "localhost:$PORT/q/metrics" | grep '^swarmray_docker_calls_total' | sort > "$WORK/calls.txt"
echo "steady state, $N clusters: $((b - a)) Docker API requests in $WINDOW s = $(awk -v c=$((b - a)) -v w="$WINDOW" 'BEGIN{printf "%.1f", c*60/w}') per minute"
echo "by operation (totals since start):"; sed 's/^/  /' "$WORK/calls.txt"

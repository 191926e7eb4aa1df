#!/usr/bin/env bash
# N clusters (default 50; head + 1 worker each, the stand-in) on one operator, the jar with the JVM settings the
# image ships (deploy/Dockerfile's JAVA_OPTS; JAVA_OPTS overrides) or the native binary OPERATOR_BIN (e.g.
# target/*-runner after mvn package -Dnative), its Docker API requests counted by a proxy in
# front of the engine's socket (bench/docker-proxy.py: HTTP requests, not calls). Prints:
#   - RSS idle, and with N clusters ready;
#   - seconds from the N files written until all N are ready;
#   - Docker API requests per minute at steady state (reads, writes, execs) over WINDOW seconds (default 60), SETTLE
#     seconds (default 450) after all are ready: a steady cluster's probes back off from the resync interval (30 s)
#     to their maximum (5 min) in 30 + 60 + 120 + 240 s;
#   - the status API's latency (p50, p99 of 500 GETs of one cluster each; PACE seconds apart, default 0), beside a
#     trivial server's asked in turn (bench/floor-server.py: the machine's floor at that moment);
#   - the steady requests per minute by kind (method and path without ids), after the figures;
#   - an operator restart with N clusters running: seconds until all N are ready again, and its writes (must be 0).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-50}; WINDOW=${WINDOW:-60}; SETTLE=${SETTLE:-450}; PORT=18198
image_java_opts
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$OP/status"; }
count_requests

echo "operator: ${OPERATOR_BIN:-the jar, JAVA_OPTS: $JAVA_OPTS}"
start_operator $PORT
sleep 15; idle=$(rss)
t0=$(now)
for i in $(seq 1 "$N"); do write_spec "bff$i" 1; done
wait_ready $PORT bff "$N"; up=$(since "$t0")
echo "all $N ready $up s after the files were written; settling $SETTLE s"
sleep "$SETTLE"
a_r=$(count_of reads); a_w=$(count_of writes); a_e=$(count_of execs); cp "$WORK/counts" "$WORK/counts.a"
sleep "$WINDOW"
b_r=$(count_of reads); b_w=$(count_of writes); b_e=$(count_of execs); cp "$WORK/counts" "$WORK/counts.b"
per_min() { awk -v c="$1" -v w="$WINDOW" 'BEGIN{printf "%.1f", c*60/w}'; }
busy=$(rss)
latency=$(status_latency $PORT 500 $(cluster_paths bff "$N"))
kill "$OP"; wait "$OP" 2>/dev/null || true
before_w=$(count_of writes)
start_operator $PORT
restart_ready=$READY_S
wait_ready $PORT bff "$N"; again_total=$(since "$LAUNCHED")
sleep 10 # writes that come late count too
restart_w=$(( $(count_of writes) - before_w ))

printf '%-52s %s\n' "clusters" "$N" \
  "RSS idle (MB)" "$idle" \
  "RSS with $N ready (MB)" "$busy" \
  "files written -> all ready (s)" "$up" \
  "Docker API requests/min at steady state: reads" "$(per_min $((b_r - a_r)))" \
  "  writes" "$(per_min $((b_w - a_w)))" \
  "  execs (create, start, inspect)" "$(per_min $((b_e - a_e)))" \
  "  all" "$(per_min $((b_r - a_r + b_w - a_w + b_e - a_e)))" \
  "status API GET p50 / p99 (ms)" "$(cut -d' ' -f1,2 <<< "$latency" | tr ' ' /)" \
  "  a trivial server asked in turn: p50 / p99 (ms)" "$(cut -d' ' -f3,4 <<< "$latency" | tr ' ' /)" \
  "restart: operator start -> its ready endpoint (s)" "$restart_ready" \
  "restart: operator start -> all ready again (s)" "$again_total" \
  "restart: Docker writes until 10 s after" "$restart_w"
echo "steady requests per minute by kind:"
awk -v w="$WINDOW" 'NF == 3 { k = $1 " " $2 } NR == FNR && NF == 3 { a[k] = $3; next }
  NF == 3 && $3 > a[k] { printf "  %-44s %.1f\n", k, ($3 - a[k]) * 60 / w }' "$WORK/counts.a" "$WORK/counts.b"

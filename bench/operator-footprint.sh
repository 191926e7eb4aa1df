#!/usr/bin/env bash
# The operator's start-up time to ready (process start -> /q/health/ready answers 200) and its
# resident memory (VmRSS) idle and with N clusters (default 10) ready. JVM mode; JAVA_OPTS passes through.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-10}; PORT=18197
[[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] || (cd "$ROOT" && mvn -B -ntp -q package -DskipTests)
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$OP/status"; }
t0=$(now)
start_operator $PORT
echo "start-up to ready: $(since "$t0") s (JVM, including the first Docker probe)"
sleep 5; echo "RSS idle: $(rss) MB"
for i in $(seq 1 "$N"); do write_spec "bfp$i" 1; done
for i in $(seq 1 "$N"); do until [[ "$(state $PORT bfp$i)" == ready ]]; do sleep 1; done; done
sleep 20; echo "RSS with $N clusters ready: $(rss) MB"

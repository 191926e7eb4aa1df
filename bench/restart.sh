#!/usr/bin/env bash
# Operator restarts with N running clusters (default 50; head + 1 worker each, the stand-in), side by side: JARS
# (space-separated quarkus-run.jar paths, default this build's; a path not ending in .jar is a native binary, e.g.
# target/swarmray-0.1.0-SNAPSHOT-runner) take turns, ROUNDS times each (default 3), on the same running clusters,
# jars with the JVM settings the image ships. Each restart is a SIGTERM'd operator followed by the next
# one, as `docker service update` or a crash and Swarm's restart do. Prints per jar the medians of:
#   - seconds from the operator's launch until its ready endpoint answers 200;
#   - seconds from its launch until all N clusters are ready again (their status from a pass of this process);
#   - its Docker writes until 10 s after that (HTTP requests, bench/docker-proxy.py; must be 0);
# and each later jar's ratio to the first. The clusters are made once, by the first jar, and left to settle SETTLE s.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-50}; ROUNDS=${ROUNDS:-3}; SETTLE=${SETTLE:-20}; PORT=18195
JARS=${JARS:-$ROOT/target/quarkus-app/quarkus-run.jar}
image_java_opts
count_requests
read -r -a jars <<< "$JARS"

# start_build I: the I-th of JARS
start_build() {
  if [[ ${jars[$1]} == *.jar ]]; then OPERATOR_JAR=${jars[$1]} start_operator $PORT; else start_operator $PORT "${jars[$1]}"; fi
}

start_build 0
for i in $(seq 1 "$N"); do write_spec "brs$i" 1; done
wait_ready $PORT brs "$N"
echo "all $N ready; settling $SETTLE s"
sleep "$SETTLE"

declare -A ready_s all_s writes
for round in $(seq 1 "$ROUNDS"); do
  for j in "${!jars[@]}"; do
    kill "$OP"; wait "$OP" 2>/dev/null || true
    before_w=$(count_of writes)
    start_build "$j"
    wait_ready $PORT brs "$N" # a status is this process's: none is read back from an earlier one
    all=$(since "$LAUNCHED")
    sleep 10 # writes that come late count too
    ready_s[$j]+="$READY_S "; all_s[$j]+="$all "; writes[$j]+="$(( $(count_of writes) - before_w )) "
    echo "round $round, ${jars[$j]}: ready endpoint $READY_S s, all $N ready $all s"
  done
done
printf '%-64s %16s %16s %12s %8s\n' "jar" "ready endpoint" "all $N ready" "max writes" "ratio"
first=$(median <<< "${all_s[0]}")
for j in "${!jars[@]}"; do
  m=$(median <<< "${all_s[$j]}")
  printf '%-64s %16s %16s %12s %8s\n' "${jars[$j]}" "$(median <<< "${ready_s[$j]}")" "$m" \
    "$(tr ' ' '\n' <<< "${writes[$j]}" | sort -g | tail -1)" "$(ratio "$m" "$first")"
done

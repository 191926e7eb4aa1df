#!/usr/bin/env bash
# Operator restarts with N running clusters (default 50; head + 1 worker each, the stand-in), side by side: JARS
# (space-separated, default this build's quarkus-run.jar) take turns, ROUNDS times each (default 3), on the same
# running clusters. An entry is
#   - a quarkus-run.jar, run on this host with the JVM settings the image ships;
#   - a native binary (a path not ending in .jar, e.g. target/swarmray-0.1.0-SNAPSHOT-runner), run on this host;
#   - image:NAME, the operator's image as it ships: a Swarm stack of deploy/swarmray-stack.yml, e.g.
#     image:swarmray/operator:bench after
#     `docker build -f deploy/Dockerfile --build-arg BASE=swarmray/debian-jre:12 -t swarmray/operator:bench .`
# Each restart is a SIGTERM'd operator followed by the next one, as `docker service update` or a crash and Swarm's
# restart do; an image's launch is its service scaled from 0 to 1 (Swarm starts a new container). Prints per entry
# the medians of:
#   - seconds from the operator's launch until its ready endpoint answers 200;
#   - seconds from its launch until all N clusters are ready again (their status from a pass of this process), and the
#     CPU seconds the operator used until then (its process, or its container's cgroup): on a saturated machine the
#     CPU a restart needs is what it waits for, and a steadier figure than the seconds (each round also prints the
#     exec requests until then: create and start, 2 an exec);
#   - its Docker writes until 10 s after that (HTTP requests, bench/docker-proxy.py; must be 0), with what they were;
#   - then the status API's p50 and p99 (ms; 500 GETs of one cluster each) with the N running, and the p99 of a trivial
#     server asked in turn (bench/floor-server.py: the machine's floor at that moment); then the p50 and p99 of 200 GETs
#     of the list of all N (/api/v1/rayclusters, what `swarmray get` and dashboards read);
# and each later entry's ratio to the first (of all ready). A jar with a swarmray.jsa beside it runs with that class
# archive, as deploy/run.sh makes and uses it (bench/lib.sh). The clusters are made once, by the first entry, and left to settle SETTLE s.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-50}; ROUNDS=${ROUNDS:-3}; SETTLE=${SETTLE:-20}; PORT=18195
JARS=${JARS:-$ROOT/target/quarkus-app/quarkus-run.jar}
image_java_opts
count_requests
read -r -a jars <<< "$JARS"

# start_build I: the I-th of JARS started, and ready
start_build() {
  case ${jars[$1]} in
    image:*) start_service "${jars[$1]#image:}" ;;
    *.jar) OPERATOR_JAR=${jars[$1]} start_operator $PORT ;;
    *) start_operator $PORT "${jars[$1]}" ;;
  esac
}

# start_service IMAGE: the stack bstop with IMAGE, its engine socket the counting proxy's; once it exists, its service
# given IMAGE while scaled to 0, and scaled to 1.
# Sets LAUNCHED and READY_S as start_operator does, and OP=service. The bench's own docker commands go to the engine
# itself (ENGINE), so that only the operator's requests are counted.
start_service() {
  mkdir -p "$WORK/specs"
  LAUNCHED=$(now)
  if DOCKER_HOST=$ENGINE docker service inspect bstop_operator > /dev/null 2>&1; then
    DOCKER_HOST=$ENGINE docker service update -d --no-resolve-image --image "$1" --replicas 1 bstop_operator > /dev/null
  else
    DOCKER_HOST=$ENGINE SWARMRAY_IMAGE=$1 SWARMRAY_SPECS_PATH=$WORK/specs SWARMRAY_PORT=$PORT SWARMRAY_INSTANCE=bench \
      SWARMRAY_DOCKER_SOCKET=$WORK/docker.sock docker stack deploy --resolve-image never \
      -c "$ROOT/deploy/swarmray-stack.yml" bstop > /dev/null
  fi
  OP=service
  until curl -sf -o /dev/null "localhost:$PORT/q/health/ready"; do sleep 0.01; done
  READY_S=$(since "$LAUNCHED")
}

# operator_cpu: CPU seconds the running operator used so far (its process on the host; its container's cgroup, v1 or v2)
operator_cpu() {
  if [[ $OP != service ]]; then
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$OP/stat"; return
  fi
  local id; id=$(DOCKER_HOST=$ENGINE docker ps -q --no-trunc -f label=com.docker.swarm.service.name=bstop_operator | head -1)
  if [[ -f /sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage ]]; then
    awk '{printf "%.2f", $1 / 1e9}' "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage"
  else
    awk '$1 == "usage_usec" {printf "%.2f", $2 / 1e6}' /sys/fs/cgroup/system.slice/docker-"$id".scope/cpu.stat 2>/dev/null || echo -
  fi
}

# stop_build: the running operator stopped and gone (an image's container too, so that its port is free)
stop_build() {
  if [[ $OP == service ]]; then
    DOCKER_HOST=$ENGINE docker service scale -d bstop_operator=0 > /dev/null
    while [[ -n "$(DOCKER_HOST=$ENGINE docker ps -q -f label=com.docker.swarm.service.name=bstop_operator)" ]]; do
      sleep 0.1
    done
  else
    kill "$OP"; wait "$OP" 2>/dev/null || true
  fi
}

start_build 0
for i in $(seq 1 "$N"); do write_spec "brs$i" 1; done
wait_ready $PORT brs "$N"
echo "all $N ready; settling $SETTLE s"
sleep "$SETTLE"

declare -A ready_s all_s cpu_s writes p50s p99s floors list50s list99s
for round in $(seq 1 "$ROUNDS"); do
  for j in "${!jars[@]}"; do
    stop_build
    sleep 1.1 # the proxy rewrites its counts every second: the stopped operator's last requests are in them
    before_w=$(count_of writes); before_x=$(count_of execs); cp "$WORK/counts" "$WORK/counts.before"
    start_build "$j"
    wait_ready $PORT brs "$N" # a status is this process's: none is read back from an earlier one
    all=$(since "$LAUNCHED"); cpu=$(operator_cpu); execs=$(( $(count_of execs) - before_x ))
    sleep 10 # writes that come late count too
    ready_s[$j]+="$READY_S "; all_s[$j]+="$all "; cpu_s[$j]+="$cpu "; writes[$j]+="$(( $(count_of writes) - before_w )) "
    read -r p50 p99 _ floor99 <<< "$(status_latency $PORT 500 $(cluster_paths brs "$N"))"
    p50s[$j]+="$p50 "; p99s[$j]+="$p99 "; floors[$j]+="$floor99 "
    read -r list50 list99 _ <<< "$(status_latency $PORT 200 /api/v1/rayclusters)"
    list50s[$j]+="$list50 "; list99s[$j]+="$list99 "
    echo "round $round, ${jars[$j]}: ready endpoint $READY_S s, all $N ready $all s (CPU $cpu s, $execs exec requests)," \
      "status API p50/p99 $p50/$p99 ms (a trivial server's p99 $floor99 ms), the list's $list50/$list99 ms"
    write_kinds "$WORK/counts.before" "$WORK/counts"
  done
done
stop_build
printf '%-64s %16s %16s %12s %12s %8s %16s %12s %16s\n' "entry" "ready endpoint" "all $N ready" "CPU s" "max writes" \
  "ratio" "status p50/p99" "floor p99" "list p50/p99"
first=$(median <<< "${all_s[0]}")
for j in "${!jars[@]}"; do
  m=$(median <<< "${all_s[$j]}")
  printf '%-64s %16s %16s %12s %12s %8s %16s %12s %16s\n' "${jars[$j]}" "$(median <<< "${ready_s[$j]}")" "$m" "$(median <<< "${cpu_s[$j]}")" \
    "$(tr ' ' '\n' <<< "${writes[$j]}" | sort -g | tail -1)" "$(ratio "$m" "$first")" \
    "$(median <<< "${p50s[$j]}")/$(median <<< "${p99s[$j]}")" "$(median <<< "${floors[$j]}")" \
    "$(median <<< "${list50s[$j]}")/$(median <<< "${list99s[$j]}")"
done

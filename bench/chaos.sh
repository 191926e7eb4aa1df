#!/usr/bin/env bash
# A bounded chaos soak: N clusters (default 5; head + WORKERS workers, default 2) on one operator (the jar) for
# DURATION seconds (default 600). Every 10-30 s (random; SEED replays a run) one of: a head's container killed, a
# worker's container killed, the operator SIGKILLed and started again 3 s later. Every 2 s each cluster's head is
# asked for its node table. Prints per cluster its availability (the fraction of samples in which all its running
# workers were ALIVE in its head's table), its recoveries (unavailable -> available), the longest outage, and the
# fraction of samples with a ghost (an ALIVE entry of a worker that no longer runs); then, after the
# chaos and a wait until all are ready, checks that Swarm holds exactly the services the specs want: no orphan, no
# duplicate, every service at its replicas. Exits 1 if that check fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-5}; WORKERS=${WORKERS:-2}; DURATION=${DURATION:-600}; SEED=${SEED:-$RANDOM}; PORT=18199
RANDOM=$SEED
echo "chaos: $N clusters of 1 head + $WORKERS workers, $DURATION s, SEED=$SEED"
start_operator $PORT
for i in $(seq 1 "$N"); do write_spec "bch$i" "$WORKERS"; done
for i in $(seq 1 "$N"); do until [[ "$(state $PORT bch$i)" == ready ]]; do sleep 1; done; done

container_of() { # $1 service: one of its containers, chosen with $RANDOM (SEED replays the choice)
  local ids; mapfile -t ids < <(docker ps -q -f "label=com.docker.swarm.service.name=$1")
  (( ${#ids[@]} )) && echo "${ids[RANDOM % ${#ids[@]}]}"
}
alive_ips() { # $1 cluster: the addresses of the workers ALIVE in its head's table, read from the head's network namespace
  local c pid; c=$(docker ps -q -f "label=com.docker.swarm.service.name=$1-head" | head -1)
  [[ -n "$c" ]] || return 0
  pid=$(docker inspect -f '{{.State.Pid}}' "$c" 2>/dev/null) || return 0
  nsenter -t "$pid" -n curl -s -m 2 http://localhost:8265/api/v0/nodes 2>/dev/null | python3 -c '
import json, sys
for n in json.load(sys.stdin)["data"]["result"]["result"]:
    if n["state"] == "ALIVE" and not n["is_head_node"]:
        print(n["node_ip"])' 2>/dev/null || true
}
running_ips() { # $1 cluster: the addresses of its running worker containers
  docker ps -q -f "label=com.docker.swarm.service.name=$1-worker-w" | xargs -r docker inspect \
    -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{"\n"}}{{end}}' 2>/dev/null | grep . || true
}

# the sampler: one line per sample, "T CLUSTER UP GHOSTS": UP 1 when WORKERS running workers are ALIVE in the head's
# table; GHOSTS the ALIVE entries of no running worker (a killed raylet Ray has not declared DEAD yet)
(
  while :; do
    t=$(now)
    for i in $(seq 1 "$N"); do
      alive=$(alive_ips "bch$i" | sort -u); running=$(running_ips "bch$i" | sort -u)
      live=$(comm -12 <(echo "$alive") <(echo "$running") | grep -c . || true)
      ghosts=$(comm -23 <(echo "$alive") <(echo "$running") | grep -c . || true)
      echo "$t bch$i $([[ "$live" == "$WORKERS" ]] && echo 1 || echo 0) $ghosts"
    done
    sleep 2
  done
) > "$WORK/samples" &
SAMPLER=$!

end=$(( $(date +%s) + DURATION )); kills=0; heads=0; workers=0; operators=0
while (( $(date +%s) < end )); do
  sleep $(( 10 + RANDOM % 21 ))
  c="bch$(( 1 + RANDOM % N ))"
  case $(( RANDOM % 3 )) in
    0) id=$(container_of "$c-head"); [[ -n "$id" ]] && docker kill "$id" >/dev/null 2>&1 && heads=$((heads + 1)) && echo "$(date +%T) killed $c's head" ;;
    1) id=$(container_of "$c-worker-w"); [[ -n "$id" ]] && docker kill "$id" >/dev/null 2>&1 && workers=$((workers + 1)) && echo "$(date +%T) killed a worker of $c" ;;
    2) kill -9 "$OP"; wait "$OP" 2>/dev/null || true; sleep 3; start_operator $PORT; operators=$((operators + 1)); echo "$(date +%T) operator SIGKILLed and started again" ;;
  esac
done
kill "$SAMPLER"
echo "chaos over: $heads heads, $workers workers, $operators operator kills; waiting until all are ready"
t0=$(now)
for i in $(seq 1 "$N"); do
  for _ in $(seq 1 180); do [[ "$(state $PORT bch$i)" == ready ]] && break; sleep 1; done
done
echo "all ready again $(since "$t0") s after the chaos"

python3 - "$WORK/samples" <<'PY'
import collections, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    t, c, up, ghosts = line.split()
    rows[c].append((float(t), up == "1", int(ghosts) > 0))
print("%-8s %12s %11s %18s %14s" % ("cluster", "availability", "recoveries", "longest outage (s)", "ghost samples"))
for c in sorted(rows):
    s = rows[c]
    down_since, longest, recoveries = None, 0.0, 0
    for t, up, _ in s:
        if not up and down_since is None:
            down_since = t
        elif up and down_since is not None:
            recoveries += 1
            longest = max(longest, t - down_since)
            down_since = None
    print("%-8s %12.3f %11d %18.1f %14.3f" % (c, sum(u for _, u, _ in s) / len(s), recoveries, longest,
                                              sum(g for _, _, g in s) / len(s)))
PY

# what Swarm holds against what the specs want: head and one worker service per cluster, nothing else of the bench
bad=0
for i in $(seq 1 "$N"); do
  for svc in "bch$i-head:1" "bch$i-worker-w:$WORKERS"; do
    name=${svc%%:*}; want=${svc##*:}
    n=$(docker service ls -q -f "name=$name" -f label=swarmray-bench=true | while read -r id; do
      [[ "$(docker service inspect -f '{{.Spec.Name}}' "$id")" == "$name" ]] && echo "$id"; done | wc -l)
    running=$(docker service ps -q -f desired-state=running "$name" 2>/dev/null | wc -l)
    if [[ "$n" != 1 || "$running" != "$want" ]]; then echo "WRONG: $name: $n services, $running tasks wanted running (want 1, $want)"; bad=1; fi
  done
done
extra=$(docker service ls --format '{{.Name}}' -f label=swarmray-bench=true | grep -vE '^bch[0-9]+-(head|worker-w)$' || true)
[[ -z "$extra" ]] || { echo "WRONG: orphaned services: $extra"; bad=1; }
total=$(docker service ls -q -f label=swarmray-bench=true | wc -l)
echo "services at the end: $total (want $((2 * N))); orphaned or duplicated: $([[ $bad == 0 ]] && echo none || echo SOME)"
exit $bad

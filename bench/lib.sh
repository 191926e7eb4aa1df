# Shared by the bench scripts: run the packaged operator on a scratch specs directory (WORK), which
# is removed on exit with everything the bench made (cleanup_bench).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=${IMAGE:-swarmray/ray-standin:test}
WORK=$(mktemp -d /tmp/swarmray-bench.XXXX)
trap cleanup_bench EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
# median: of the numbers on stdin, apart by spaces or lines (of an even count, the lower middle one)
median() { tr -s ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# ratio A B: A/B, two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

# start_operator PORT [COMMAND...]: starts the operator (COMMAND, default the native binary OPERATOR_BIN if set, else the
# packaged jar, or OPERATOR_JAR, e.g. an earlier build kept aside for a before/after comparison; builds it if needed)
# on WORK/specs and waits until ready. Sets OP, LAUNCHED (its launch time, for since), and LISTEN_S and READY_S: seconds
# from launch until /q/health/live first answers (any status) and until /q/health/ready answers 200.
start_operator() {
  local port=$1; shift
  local cmd=("$@")
  if ((${#cmd[@]} == 0)) && [[ -n "${OPERATOR_BIN:-}" ]]; then cmd=("$OPERATOR_BIN"); fi
  if ((${#cmd[@]} == 0)); then
    [[ -n "${OPERATOR_JAR:-}" || -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] || (cd "$ROOT" && mvn -B -ntp -q package -DskipTests)
    local jar=${OPERATOR_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}
    cmd=(java ${JAVA_OPTS:-} $(class_archive "$jar") -jar "$jar")
  fi
  mkdir -p "$WORK/specs"
  local t0; t0=$(now); LISTEN_S=""; LAUNCHED=$t0
  SWARMRAY_INSTANCE=bench SWARMRAY_SPECS_DIR="$WORK/specs" QUARKUS_HTTP_PORT=$port "${cmd[@]}" >> "$WORK/operator.log" 2>&1 &
  OP=$!
  for _ in $(seq 1 3000); do
    if [[ -z "$LISTEN_S" ]] && curl -s -o /dev/null "localhost:$port/q/health/live"; then LISTEN_S=$(since "$t0"); fi
    if curl -sf -o /dev/null "localhost:$port/q/health/ready"; then
      READY_S=$(since "$t0"); LISTEN_S=${LISTEN_S:-$READY_S}; return 0 # it began to listen already ready
    fi
    sleep 0.01
  done
  echo "operator did not become ready; see $WORK/operator.log" >&2; return 1
}

# class_archive JAR: the JVM options that use the class-data archive beside JAR (swarmray.jsa, as deploy/run.sh and the
# image make it), if there is one: a build is measured as it would run
class_archive() {
  local jsa; jsa="$(dirname "$1")/swarmray.jsa"
  if [[ -f "$jsa" ]]; then echo "-XX:SharedArchiveFile=$jsa -Xlog:cds=error"; fi
}

# status_latency PORT REQUESTS PATH...: "p50 p99 floor_p50 floor_p99" in ms: REQUESTS GETs one after the other (PACE
# seconds apart, default 0), each of one of the PATHs chosen at random (e.g. /api/v1/rayclusters/NAME of each running
# cluster), taking turns with as many GETs of bench/floor-server.py: on a busy machine the floor is what any process
# answering a socket gets from the scheduler at that moment, the operator's figures beside it what it takes itself
status_latency() {
  python3 - "$ROOT/bench/floor-server.py" "${PACE:-0}" "$@" <<'PY'
import http.client, random, subprocess, sys, time
floor_server, pace, port, n, paths = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
floor = subprocess.Popen([sys.executable, floor_server, "0"], stdout=subprocess.PIPE)
try:
    targets = [(http.client.HTTPConnection("localhost", port), paths, []),
               (http.client.HTTPConnection("localhost", int(floor.stdout.readline())), ["/"], [])]
    for i in range(n):
        for conn, choices, times in targets:
            t = time.perf_counter()
            conn.request("GET", random.choice(choices))
            r = conn.getresponse(); r.read()
            assert r.status == 200, r.status
            times.append((time.perf_counter() - t) * 1000)
            time.sleep(pace)
finally:
    floor.kill()
figures = []
for _, _, times in targets:
    times.sort()
    figures += [times[len(times) // 2], times[int(len(times) * 0.99) - 1]]
print(" ".join("%.2f" % f for f in figures))
PY
}

# cluster_paths PREFIX N: the status API's paths of the clusters PREFIX1..N
cluster_paths() { for i in $(seq 1 "$2"); do echo "/api/v1/rayclusters/$1$i"; done; }

# bench_spec NAME WORKERS [ANNOTATIONS]: a RayCluster labelled for cleanup; ANNOTATIONS (a YAML flow map)
# go on the worker group's template, e.g. '{swarmray.io/placement-spread: node.id}'
bench_spec() { cat <<YAML
apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: $1, labels: {swarmray-bench: "true", bench-kind: swarmray}}
spec:
  headGroupSpec:
    rayStartParams: {}
    template: {spec: {containers: [{name: head, image: $IMAGE}]}}
  workerGroupSpecs:
    - groupName: w
      replicas: $2
      template: {metadata: {annotations: ${3:-{\}}}, spec: {containers: [{name: w, image: $IMAGE}]}}
YAML
}

# write_spec NAME WORKERS [ANNOTATIONS]: bench_spec into the specs directory, atomically (as editors do)
write_spec() { bench_spec "$@" > "$WORK/.t"; mv "$WORK/.t" "$WORK/specs/$1.yaml"; }

# state PORT NAME
state() { curl -s "localhost:$1/api/v1/rayclusters/$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["state"])' 2>/dev/null; }

# image_java_opts: JAVA_OPTS as deploy/Dockerfile ships them, unless set
image_java_opts() {
  JAVA_OPTS=${JAVA_OPTS:-$(sed -n 's/.*JAVA_OPTS="\([^"]*\)".*/\1/p' "$ROOT/deploy/Dockerfile")}
  export JAVA_OPTS
}

# count_requests: from here on, Docker API requests go through bench/docker-proxy.py, which counts them (count_of);
# the clean-up on exit talks to the engine itself, as the proxy is gone by then
count_requests() {
  python3 "$ROOT/bench/docker-proxy.py" "$WORK/docker.sock" "$WORK/counts" &
  PROXY=$!
  ENGINE=${DOCKER_HOST:-unix:///var/run/docker.sock}
  trap 'kill $PROXY 2>/dev/null; DOCKER_HOST=$ENGINE cleanup_bench' EXIT
  for _ in $(seq 1 50); do [[ -S "$WORK/docker.sock" ]] && break; sleep 0.1; done
  export DOCKER_HOST=unix://$WORK/docker.sock
}

# count_of reads|writes|execs: the requests counted so far
count_of() { awk -v k="$1" '$1 == k {print $2}' "$WORK/counts"; }

# write_kinds BEFORE AFTER: the writes between two copies of the counts, by kind ("  POST /networks/connect 50")
write_kinds() {
  awk 'NF == 3 && $1 != "GET" && $1 != "HEAD" && $2 !~ /exec/ { k = $1 " " $2 }
    NR == FNR && k { a[k] = $3 } NR > FNR && k && $3 > a[k] { printf "  %s %d\n", k, $3 - a[k] } { k = "" }' "$1" "$2"
}

# ready_count PORT PREFIX: the operator's clusters named PREFIX* that are ready
ready_count() {
  curl -s "localhost:$1/api/v1/rayclusters" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print(sum(1 for c in items if c["metadata"]["name"].startswith(sys.argv[1]) and (c.get("status") or {}).get("state") == "ready"))' "$2" 2>/dev/null || echo 0
}

# wait_ready PORT PREFIX N: until N clusters named PREFIX* are ready
wait_ready() { while [[ "$(ready_count "$1" "$2")" -lt "$3" ]]; do sleep 1; done; }

cleanup_bench() {
  if [[ -n "${OP:-}" ]]; then kill "$OP" 2>/dev/null || true; fi # set -e: an operator the bench stopped already
  docker stack rm $(docker stack ls --format '{{.Name}}' | grep '^bst') >/dev/null 2>&1 || true
  docker service rm $(docker service ls -q -f label=swarmray-bench=true) >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do [[ -z "$(docker ps -q -f label=swarmray-bench=true)" ]] && break; sleep 1; done
  docker network rm $(docker network ls -q -f label=swarmray-bench=true) >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

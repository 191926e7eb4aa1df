#!/usr/bin/env bash
# The test command (README): on a Debian machine, as root, from nothing.
#   installs what is missing (JDK 17, Maven, docker.io, debootstrap), starts dockerd and a
#   single-node swarm if needed, builds the test images (cached), removes what an earlier test run
#   left on the swarm, brings up the three-node lab (deploy/testbed/lab.sh), packages the jar, then runs four
#   lanes at once: the unit tests and *SwarmTest in two halves (two operator instances on this engine), the
#   jar's *IT, and the native build (a GraalVM 25 toolchain assembled once per machine if none is installed),
#   whose *IT follow (README, "Tests": which run where, and why).
# Extra arguments go to Maven (e.g. deploy/test.sh -Dtest=SpecParserTest).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
log() { echo "[test] $*" >&2; }

missing=()
command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v python3 >/dev/null 2>&1 || missing+=(python3)     # the swarmray CLI and its tests
command -v gcc >/dev/null 2>&1 || missing+=(gcc)             # native-image links with the system C toolchain
[[ -e /usr/include/zlib.h ]] || missing+=(zlib1g-dev)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)         # the three-node lab
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
fi

# Which *IT runs against which artefact (README, "Tests"): the operator as a process and as a Swarm service
# on the native binary; the lab's node-loss and engine-outage tests, and the service again, on the jar.
JVM_ITS=${JVM_ITS:-NodeLossIT,ManagerEngineOutageIT,OperatorServiceIT}
NATIVE_ITS=${NATIVE_ITS:-PackagedOperatorIT,OperatorCrashIT,OperatorServiceIT}

deploy/testbed/ensure-swarm.sh
deploy/testbed/build-images.sh
deploy/testbed/clean-test-objects.sh
# the three-node lab for node-loss tests (NodeLossIT): three dockerd in network namespaces, ~15 s
deploy/testbed/lab.sh up

# GraalVM 25 for the native build: GRAALVM_HOME, native-image on PATH, or assembled offline (~2.5 min, cached)
GRAALVM=$(deploy/testbed/ensure-native-toolchain.sh)

# Four lanes at once after one packaging build (README, "Tests"). The swarm tests mostly wait for Swarm and Ray, so
# two of them share this engine as two operator instances ("it" and "it2"); the lab's tests use the lab's engines;
# the native build is CPU only and niced, so the tests' own processes get the CPU first.
log "mvn package: format check, compile, the jar (tests compiled here, run in the lanes)"
# -Dvalidate-format: unformatted code or unsorted imports fail the build (`mvn process-sources` fixes both)
mvn -B -ntp clean package -Dvalidate-format -DskipTests "$@"

# copy_tree DIR: the sources in DIR, for a lane with its own target/ (paths the tests use stay apart)
copy_tree() { mkdir -p "$1"; git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$1"; }
# lane NAME COMMAND...: runs in the background, output in target/lane-NAME.log
declare -A LANE_PID
lane() { local name=$1; shift; log "lane $name: $* (target/lane-$name.log)"; ("$@") > "target/lane-$name.log" 2>&1 & LANE_PID[$name]=$!; }
finish() { # finish NAME: waits for the lane and prints its log
  local rc=0; wait "${LANE_PID[$1]}" || rc=$?
  log "lane $1 ended with status $rc"; cat "target/lane-$1.log"; return $rc
}

SWARM_B_TESTS=RayServiceSwarmTest,ClusterLifecycleSwarmTest,FaultToleranceSwarmTest,CliAndWriteApiSwarmTest,RolloutSwarmTest,HostileSpecsSwarmTest
copy_tree target/native-lane
copy_tree target/swarm-lane-b
lane native bash -c 'cd target/native-lane && nice -n 10 mvn -B -ntp package -Dnative -Dquarkus.native.graalvm-home="$0" -DskipTests "$@"' "$GRAALVM" "$@"
lane jvm-it mvn -B -ntp failsafe:integration-test failsafe:verify -Dit.test="$JVM_ITS" "$@"
lane swarm-a mvn -B -ntp surefire:test -Dtest="*Test,!${SWARM_B_TESTS//,/,!}" "$@"
lane swarm-b bash -c 'cd target/swarm-lane-b && SWARMRAY_TEST_INSTANCE=it2 SWARMRAY_TEST_PORT=18098 SWARMRAY_AUTOSCALER_API_PORT=16447 \
  mvn -B -ntp test -Dtest="$0" "$@"' "$SWARM_B_TESTS" "$@"

status=0
finish jvm-it || status=1
finish native || status=1
if (( status == 0 )); then
  # the native binary's *IT once the jar's are done (both deploy the operator's image as instance "svc"), beside
  # the swarm lanes' operators: another instance, port and autoscaler API port
  log "native *IT: $NATIVE_ITS against $(ls target/native-lane/target/*-runner)"
  (cd target/native-lane && SWARMRAY_TEST_INSTANCE=itnative SWARMRAY_TEST_PORT=18097 SWARMRAY_AUTOSCALER_API_PORT=16446 \
    mvn -B -ntp failsafe:integration-test failsafe:verify -Dit.test="$NATIVE_ITS" "$@") || status=1
fi
finish swarm-a || status=1
finish swarm-b || status=1
ls -l target/native-lane/target/*-runner 2>/dev/null || true
# one closing line over every test report (unit, *SwarmTest and *IT): "N passed, N failed"
cat target/surefire-reports/TEST-*.xml target/swarm-lane-b/target/surefire-reports/TEST-*.xml target/failsafe-reports/TEST-*.xml \
  target/native-lane/target/failsafe-reports/TEST-*.xml 2>/dev/null | grep -o '<testsuite [^>]*>' \
  | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/[">]/, "", kv[2]); v[kv[1]] += kv[2] } }
         END { printf "%d passed, %d failed, %d skipped\n", v["tests"] - v["failures"] - v["errors"] - v["skipped"], v["failures"] + v["errors"], v["skipped"] }' || true
exit $status

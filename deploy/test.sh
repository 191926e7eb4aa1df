#!/usr/bin/env bash
# The test command (README): on a Debian machine, as root, from nothing.
#   installs what is missing (JDK 17, Maven, docker.io, debootstrap, prometheus), starts dockerd and a
#   single-node swarm if needed, builds the test images (cached), removes what an earlier test run
#   left on the swarm, brings up the three-node lab (deploy/testbed/lab.sh), packages the operator as a jar
#   (and, beside the tests, at idle priority, as a native binary: a GraalVM 25 toolchain assembled once per machine
#   if none is installed), and runs two streams of tests at once: the unit tests and *SwarmTest (surefire), and the
#   *IT (failsafe) that start the packaged operator, against the jar and then the native binary (README, "Tests":
#   which run where, and why).
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
command -v promtool >/dev/null 2>&1 || missing+=(prometheus) # promtool checks deploy/prometheus (PrometheusFilesTest)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
fi

# Which *IT runs against which artefact (README, "Tests"): the operator as a process and as a Swarm service
# on the native binary; the lab's node-loss and engine-outage tests, and the service again, on the jar.
JVM_ITS=${JVM_ITS:-NodeLossIT,ManagerEngineOutageIT,OperatorServiceIT,MonitoringIT,Docker26IT}
NATIVE_ITS=${NATIVE_ITS:-PackagedOperatorIT,OperatorCrashIT,OperatorCrashServeJobIT,OperatorServiceIT}

deploy/testbed/ensure-swarm.sh
deploy/testbed/build-images.sh
deploy/testbed/clean-test-objects.sh
# the three-node lab for node-loss tests (NodeLossIT): three dockerd in network namespaces, ~15 s
deploy/testbed/lab.sh up
# and what an interrupted run left on the lab's swarm (its manager's engine)
DOCKER_HOST=unix:///run/swarmray-lab/n1/docker.sock deploy/testbed/clean-test-objects.sh
# n9: Debian 13's Docker 26 as a swarm of its own, for Docker26IT (every other test runs on Debian 12's 20.10)
deploy/testbed/lab.sh trixie
DOCKER_HOST=unix:///run/swarmray-lab/n9/docker.sock deploy/testbed/clean-test-objects.sh

# GraalVM 25 for the native build: GRAALVM_HOME, native-image on PATH, or assembled offline (~2.5 min, cached)
GRAALVM=$(deploy/testbed/ensure-native-toolchain.sh)

log "mvn package: the jar; the native binary ($GRAALVM) is built beside the tests, below"
# -Dvalidate-format: unformatted code or unsorted imports fail the build (`mvn process-sources` fixes both)
mvn -B -ntp clean package -Dvalidate-format -DskipTests "$@"
cp target/quarkus-artifact.properties target/quarkus-artifact-jar.properties

# The native binary is built from a copy of the sources (pom.xml and src/ are all the build reads) in
# target/native-build, so that it writes nothing the running tests read (target/classes, the jar,
# quarkus-artifact.properties), and at the idle scheduling class (chrt -i): native-image takes both cores
# for 3.5 to 5 minutes when alone, and must not take them from the tests' Swarm and Ray timings. At SCHED_IDLE
# it runs only on CPU time nothing else wants, which the tests leave most of (README, "Tests").
NATIVE_BUILD=target/native-build
native_build() {
  rm -rf "$NATIVE_BUILD" && mkdir -p "$NATIVE_BUILD" && cp -r pom.xml src "$NATIVE_BUILD"/
  chrt -i 0 mvn -B -ntp -f "$NATIVE_BUILD/pom.xml" package -Dnative -Dquarkus.native.graalvm-home="$GRAALVM" \
    -Dquarkus.native.native-image-xmx=8g -DskipTests "$@"
  cp "$NATIVE_BUILD"/target/*-runner target/
  cp "$NATIVE_BUILD/target/quarkus-artifact.properties" target/quarkus-artifact-native.properties
  ls -l target/*-runner
}

# Then two streams at once (README, "Tests"): the tests mostly wait on Swarm's and Ray's timings, and one stream
# leaves this 2-core machine's CPU idle 60-80 % of the time. Each stream's operators have their own instance,
# specs directory and ports, and each test looks only at its own clusters.
#  - tests: the unit tests and the *SwarmTest (surefire), with the operator in the test JVM;
#  - its: the native build starts; the *IT (failsafe) run against the jar, then, once the build is done,
#    against the native binary. Which artefact an *IT starts is the one target/quarkus-artifact.properties
#    names, as for Quarkus's own @QuarkusIntegrationTest.
exec 3>&1
tests() {
  mvn -B -ntp surefire:test "$@"
}
its() {
  local rc=0 native_rc=0
  (set -o pipefail; native_build "$@" 2>&1 | sed -u 's/^/[native] /' >&3) &
  local native_pid=$!
  cp target/quarkus-artifact-jar.properties target/quarkus-artifact.properties
  mvn -B -ntp failsafe:integration-test failsafe:verify -Dit.test="$JVM_ITS" "$@" || rc=$?
  rm -rf target/failsafe-reports-jvm
  if [[ -d target/failsafe-reports ]]; then mv target/failsafe-reports target/failsafe-reports-jvm; fi
  wait $native_pid || native_rc=$?
  if ((native_rc != 0)); then
    echo "the native build failed (exit $native_rc): $NATIVE_ITS not run"
    return 1
  fi
  cp target/quarkus-artifact-native.properties target/quarkus-artifact.properties
  mvn -B -ntp failsafe:integration-test failsafe:verify -Dit.test="$NATIVE_ITS" "$@" || rc=$?
  return $rc
}
log "tests (unit, *SwarmTest) beside its ($JVM_ITS on the jar, then $NATIVE_ITS on the native binary)"
(set -o pipefail; tests "$@" 2>&1 | sed -u 's/^/[tests] /') &
tests_pid=$!
(set -o pipefail; its "$@" 2>&1 | sed -u 's/^/[its] /') &
its_pid=$!
tests_rc=0 its_rc=0
wait $tests_pid || tests_rc=$?
wait $its_pid || its_rc=$?
log "tests: exit $tests_rc; its: exit $its_rc"

# last, as CI keeps only the tail of the output: each failed test with its message, and one closing line over every
# test report (unit, *SwarmTest and *IT): "N passed, N failed, N skipped"
shopt -s nullglob
python3 deploy/testbed/test-report.py target/surefire-reports/TEST-*.xml target/failsafe-reports-jvm/TEST-*.xml \
  target/failsafe-reports/TEST-*.xml || true
((tests_rc == 0 && its_rc == 0))

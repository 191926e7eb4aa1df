#!/usr/bin/env bash
# The run command (README): the operator on this machine's Docker engine, watching specs/.
# Makes the engine a single-node swarm manager if it is not one yet, builds the operator if needed,
# then runs it in the foreground (Ctrl-C stops the operator; the Ray clusters keep running; the first stop after a build
# writes its class-data archive, below).
# Env: SWARMRAY_SPECS_DIR (default specs), QUARKUS_HTTP_PORT (default 8090),
#      SWARMRAY_IMAGE_REWRITES, e.g. rayproject/ray=swarmray/ray-standin:test to run the examples
#      on the test stand-in where rayproject/ray cannot be pulled.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null && apt-get install -y -q openjdk-17-jdk-headless maven >/dev/null
fi
deploy/testbed/ensure-swarm.sh
if [[ ! -f target/quarkus-app/quarkus-run.jar || -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]]; then
  mvn -B -ntp -q package -DskipTests
fi
# The class-data archive of a start (JDK 17's dynamic AppCDS; deploy/Dockerfile makes the image's): written when the
# operator exits the first time after a build, used from then on; about a fifth less CPU to start (bench/restart.sh).
# The JVM skips an archive that does not match it or its options, silently (-Xlog:cds=error).
JSA=target/quarkus-app/swarmray.jsa
if [[ -f $JSA && $JSA -nt target/quarkus-app/quarkus-run.jar ]]; then
  cds=(-XX:SharedArchiveFile=$JSA)
else
  rm -f $JSA
  cds=(-XX:ArchiveClassesAtExit=$JSA)
fi
exec java ${JAVA_OPTS:-} "${cds[@]}" -Xlog:cds=error -jar target/quarkus-app/quarkus-run.jar

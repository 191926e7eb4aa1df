#!/usr/bin/env bash
# The operator's footprint, every artefact side by side in one run: seconds from launch until it listens
# (/q/health/live answers) and until it is ready (/q/health/ready 200, i.e. after Docker's first answer), and
# its resident memory (VmRSS) idle and with N clusters (default 10) ready. Each artefact's clusters are
# removed before the next one starts.
# Artefacts: each jar in JARS (space-separated quarkus-run.jar paths, default target/quarkus-app's; JAVA_OPTS passes
# through, IMAGE_OPTS=1 takes deploy/Dockerfile's), then each native binary in NATIVE
# (space-separated paths, default target/*-runner), run with NATIVE_OPTS (default -Xmx48m, as native/Dockerfile
# and native/swarmray.service ship it). E.g. NATIVE="/tmp/runner-before target/swarmray-0.1.0-SNAPSHOT-runner".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-10}; PORT=18197
NATIVE=${NATIVE:-$(ls "$ROOT"/target/*-runner 2>/dev/null || true)}
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$OP/status"; }

# measure LABEL COMMAND...: one row of the table
measure() {
  local label=$1; shift
  start_operator $PORT "$@"
  sleep 5; local idle; idle=$(rss)
  for i in $(seq 1 "$N"); do write_spec "bfp$i" 1; done
  for i in $(seq 1 "$N"); do until [[ "$(state $PORT bfp$i)" == ready ]]; do sleep 1; done; done
  sleep 20; local busy; busy=$(rss)
  rm -f "$WORK"/specs/bfp*.yaml
  for i in $(seq 1 "$N"); do until [[ -z "$(state $PORT bfp$i)" ]]; do sleep 1; done; done
  kill "$OP"; wait "$OP" 2>/dev/null || true; OP=""
  printf '%-44s %9s %9s %9s %12s\n' "$label" "$LISTEN_S" "$READY_S" "$idle" "$busy"
}

if [[ -n "${IMAGE_OPTS:-}" ]]; then image_java_opts; fi
echo "jars run with JVM options: ${JAVA_OPTS:-none (the JVM defaults)}"
printf '%-44s %9s %9s %9s %12s\n' artefact "listen s" "ready s" "RSS idle" "RSS $N ready"
for jar in ${JARS:-$ROOT/target/quarkus-app/quarkus-run.jar}; do
  [[ -f "$jar" ]] || (cd "$ROOT" && mvn -B -ntp -q package -DskipTests)
  OPERATOR_JAR=$jar measure "$jar"
done
for bin in $NATIVE; do
  measure "$(basename "$bin") ${NATIVE_OPTS--Xmx48m}" "$bin" ${NATIVE_OPTS--Xmx48m}
done

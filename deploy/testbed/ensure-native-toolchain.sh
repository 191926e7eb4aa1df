#!/usr/bin/env bash
# Prints a GraalVM/Mandrel home with native-image: GRAALVM_HOME if it has one, else the one on PATH, else
# the test bed's toolchain in $CACHE/graalvm, assembled by ../shared/native-toolchain/build-toolchain.sh
# (~2.5 min, once per machine; its directory may be read-only, so everything goes under $CACHE).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${SWARMRAY_CACHE:-/var/cache/swarmray}
log() { echo "[native-toolchain] $*" >&2; }
if [[ -n "${GRAALVM_HOME:-}" && -x "$GRAALVM_HOME/bin/native-image" ]]; then
  echo "$GRAALVM_HOME"; exit 0
fi
if command -v native-image >/dev/null; then
  dirname "$(dirname "$(readlink -f "$(command -v native-image)")")"; exit 0
fi
if [[ ! -x "$CACHE/graalvm/bin/native-image" ]]; then
  script=${NATIVE_TOOLCHAIN_SCRIPT:-$ROOT/../shared/native-toolchain/build-toolchain.sh}
  [[ -x "$script" ]] || { log "no GraalVM/Mandrel and no $script"; exit 1; }
  log "assembling a GraalVM 25 native-image toolchain into $CACHE/graalvm (~2.5 min)"
  DEST="$CACHE/graalvm" WORK="$CACHE/graalvm-build" "$script" >"$CACHE/native-toolchain.log" 2>&1 \
    || { tail -20 "$CACHE/native-toolchain.log" >&2; exit 1; }
fi
echo "$CACHE/graalvm"

#!/usr/bin/env bash
# Builds the images the tests need, from nothing (no registry is reachable):
#   swarmray/debian-base:12      debootstrap'd Debian bookworm (python3, wget, sudo, redis-server) -> `docker import`
#   swarmray/ray-standin:test    FROM the base: a `ray` command as strict as Ray 2.40, run as uid 1000:100 (deploy/ray-standin)
#   swarmray/ray-standin:test-gpu  the same with a CUDA image's NVIDIA_VISIBLE_DEVICES=all, on a node of 2 (fake) GPUs
#   swarmray/redis:test          FROM the base: Debian's redis-server (GCS fault tolerance tests)
#   swarmray/debian-jre:12       debootstrap'd Debian with a JRE: the base of the operator's test image
#   swarmray/haproxy:test        debootstrap'd Debian with its haproxy (2.6): a RayService's serve endpoint, as haproxy:2.6 would be
#   swarmray/prometheus:test     debootstrap'd Debian with its prometheus (2.42), entrypoint as prom/prometheus's (MonitoringIT)
# The debootstrap rootfs tarball is cached (it costs ~40 s; the rest costs seconds).
# Env: SWARMRAY_CACHE (default /var/cache/swarmray), MIRROR, FORCE=1 rebuilds the rootfs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${SWARMRAY_CACHE:-/var/cache/swarmray}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
# CLI 28 without buildx cannot use BuildKit; the legacy builder works offline FROM a local image.
export DOCKER_BUILDKIT=0
log() { echo "[build-images] $*" >&2; }
mkdir -p "$CACHE"

source "$HERE/rootfs.sh"

rootfs debian-base python3,wget,ca-certificates,netbase,procps,iproute2,redis-server,sudo
# the operator's own test image runs on this one (deploy/Dockerfile, BASE=swarmray/debian-jre:12)
rootfs debian-jre openjdk-17-jre-headless,wget,ca-certificates,netbase
rootfs debian-haproxy haproxy,netbase
# The serve proxy runs as Debian's haproxy user, as the official image runs as its haproxy user.
printf 'FROM swarmray/debian-haproxy:12\nUSER haproxy\nCMD ["haproxy", "-v"]\n' \
  | docker build -q -t swarmray/haproxy:test - >/dev/null
rootfs debian-prometheus prometheus,netbase
printf 'FROM swarmray/debian-prometheus:12\nWORKDIR /prometheus\nENTRYPOINT ["/usr/bin/prometheus"]\nCMD ["--config.file=/etc/prometheus/prometheus.yml"]\n' \
  | docker build -q -t swarmray/prometheus:test - >/dev/null

log "docker build swarmray/ray-standin:test"
docker build -q -t swarmray/ray-standin:test "$ROOT/deploy/ray-standin" >/dev/null 2>"$CACHE/build-standin.log" \
  || { cat "$CACHE/build-standin.log" >&2; exit 1; }
log "docker build swarmray/redis:test"
docker build -q -t swarmray/redis:test "$HERE/redis" >/dev/null 2>"$CACHE/build-redis.log" \
  || { cat "$CACHE/build-redis.log" >&2; exit 1; }
# A second tag of the same image, for tests that change a cluster's image.
docker tag swarmray/ray-standin:test swarmray/ray-standin:test2
# Like rayproject/ray:*-gpu (FROM nvidia/cuda, NVIDIA_VISIBLE_DEVICES=all) on a node with two GPUs: a
# container that Swarm gave no GPU sees them all unless SwarmRay says NVIDIA_VISIBLE_DEVICES=void.
printf 'FROM swarmray/ray-standin:test\nENV NVIDIA_VISIBLE_DEVICES=all STANDIN_ALL_GPUS=2\n' \
  | docker build -q -t swarmray/ray-standin:test-gpu - >/dev/null
docker image prune -f >/dev/null 2>&1 || true
log "images ready: $(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^swarmray/' | tr '\n' ' ')"

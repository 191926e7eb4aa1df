#!/usr/bin/env bash
# Makes this machine a single-node Docker Swarm manager, from whatever state it is in:
# installs Debian's docker.io when missing, starts dockerd when none answers, and runs
# `docker swarm init` when the engine is not in a swarm. Idempotent; needs root.
#
# No image registry is reachable on our test machines, so a dockerd we start ourselves
# gets DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1: without it the swarm executor tries to
# pull every task's image before it starts (see shared swarm-lab notes, P1).
set -euo pipefail
log() { echo "[ensure-swarm] $*" >&2; }

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q docker.io >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log/swarmray
  # setsid: the daemon must outlive the shell (and the CI step) that started it.
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid dockerd >/var/log/swarmray/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -20 /var/log/swarmray/dockerd.log >&2; log "dockerd did not start"; exit 1; }
fi

state=$(docker info -f '{{.Swarm.LocalNodeState}}')
case "$state" in
  active)
    [[ "$(docker info -f '{{.Swarm.ControlAvailable}}')" == true ]] \
      || { log "this engine is a swarm worker, not a manager: run the operator on a manager"; exit 1; } ;;
  inactive)
    log "docker swarm init (advertising 127.0.0.1)"
    docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null ;;
  *) log "swarm state '$state': fix it by hand (docker swarm leave --force) and run again"; exit 1 ;;
esac
log "swarm manager ready (docker $(docker version -f '{{.Server.Version}}'), API $(docker version -f '{{.Server.APIVersion}}'))"

#!/usr/bin/env bash
# join-worker.sh MANAGER_IP [TOKEN]   (replaces the seed's join-worker.sh)
# Joins this machine's Docker engine to the swarm of MANAGER_IP as a worker. Without TOKEN, the
# worker join token is fetched from the manager over SSH (root@MANAGER_IP, or SSH_USER@), as the seed did.
# Label the node afterwards so specs can target it (spec: template.spec.nodeSelector {gpu: "true"}):
#   docker node update --label-add gpu=true <this node>      # on a manager
set -euo pipefail
manager=${1:?usage: join-worker.sh MANAGER_IP [TOKEN]}
token=${2:-}
command -v docker >/dev/null || { echo "join-worker: install docker first (apt-get install docker.io)" >&2; exit 1; }
state=$(docker info -f '{{.Swarm.LocalNodeState}}')
if [[ "$state" == active ]]; then
  echo "join-worker: this engine is already in a swarm (node $(docker info -f '{{.Swarm.NodeID}}')); leave it first: docker swarm leave" >&2
  exit 1
fi
if [[ -z "$token" ]]; then
  token=$(ssh -o BatchMode=yes "${SSH_USER:-root}@$manager" docker swarm join-token -q worker) \
    || { echo "join-worker: cannot get the join token over SSH; run 'docker swarm join-token -q worker' on the manager and pass it" >&2; exit 1; }
fi
docker swarm join --token "$token" "$manager:2377"
echo "joined; on a manager: docker node ls   (and label this node: docker node update --label-add KEY=VALUE $(hostname))"

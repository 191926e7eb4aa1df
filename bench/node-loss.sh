#!/usr/bin/env bash
# Node loss in the three-node lab (deploy/testbed/lab.sh up first): a cluster of a head and 4 workers
# spread over the nodes; n3's dockerd is killed (then revived), then n2's link is cut (then mended).
# Prints, for each fault, the seconds until the operator reports the cluster ready on the remaining
# nodes, beside the seconds until Swarm itself reports the node Down (Swarm's own detection bounds ours).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PORT=18195; LAB="$ROOT/deploy/testbed/lab.sh"
export DOCKER_HOST=unix:///run/swarmray-lab/n1/docker.sock
[[ -S /run/swarmray-lab/n1/docker.sock ]] || { echo "lab not up: $LAB up" >&2; exit 1; }
SWARMRAY_IMAGE_REWRITES=swarmray/ray-standin=10.78.0.1:5000/swarmray/ray-standin start_operator $PORT
write_spec bnl 4 '{swarmray.io/placement-spread: node.id}'
until [[ "$(state $PORT bnl)" == ready ]]; do sleep 1; done
node_down() { docker node ls --format '{{.Hostname}} {{.Status}}' | grep -q "^srl-$1 Down"; }
fault() { # $1 verb, $2 node, $3 repair verb
  local t0; t0=$(now); "$LAB" "$1" "$2"
  local down=""
  until [[ "$(state $PORT bnl)" != ready ]]; do sleep 0.2; [[ -z "$down" ]] && node_down "$2" && down=$(since "$t0"); done
  until [[ "$(state $PORT bnl)" == ready ]]; do sleep 0.2; [[ -z "$down" ]] && node_down "$2" && down=$(since "$t0"); done
  local ready; ready=$(since "$t0")
  printf '%-22s %14s %18s\n' "$1 $2" "${down:-n/a}" "$ready"
  "$LAB" "$3" "$2"; until docker node ls --format '{{.Hostname}} {{.Status}}' | grep -q "^srl-$2 Ready"; do sleep 0.5; done
  until [[ "$(state $PORT bnl)" == ready ]]; do sleep 0.5; done
}
printf '%-22s %14s %18s\n' fault "node Down (s)" "cluster ready (s)"
fault kill n3 revive
fault cut n2 mend

#!/usr/bin/env bash
# lab.sh up|trixie|down|kill NODE|revive NODE|cut NODE|mend NODE
# A three-node swarm on one machine: three dockerd in network namespaces (srl-n1 manager,
# srl-n2 and srl-n3 workers; n3 advertises two fake GPUs) on a bridge in a hub namespace, and a local registry (Debian's
# docker-registry, 10.78.0.1:5000) from which every node pulls the test images.
# `trixie` (after `up`) adds srl-n9, a swarm of its own on Debian 13's docker.io (Docker 26, API 1.45), whose package is
# fetched once into $TRIXIE and unpacked there, beside Debian 12's: every other engine here is Docker 20.10.
# Facts behind each step: shared/docs/swarm-lab.md (P1 pulls, P3 cgroups, P4 hostnames, P5 flags, P7 registry).
# Node sockets: unix:///run/swarmray-lab/nX/docker.sock. Needs root, iproute2, docker.io, docker-registry.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=/run/swarmray-lab
DATA=/var/lib/swarmray-lab
NET=10.78.0
REG=$NET.1:5000
HUB=srl-hub
IMAGES=(swarmray/ray-standin:test swarmray/ray-standin:test-gpu)
TRIXIE=/var/cache/swarmray/docker-trixie
log() { echo "[lab] $*" >&2; }
sock() { echo "unix://$RUN/$1/docker.sock"; }
dk() { local n=$1; shift; DOCKER_HOST=$(sock "$n") docker "$@"; }
ip_of() { echo "$NET.$((10 + ${1#n}))"; }
wait_for() { local s=$1; shift; for _ in $(seq 1 $((s * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }

node_start() { # $1 node: dockerd in its netns, private mount and UTS namespaces (P3, P4)
  local n=$1 dir=$RUN/$1
  mkdir -p "$dir" "$DATA/$n"
  echo '{}' > "$dir/daemon.json"
  # a killed dockerd leaves its pid file; wait until that process is really gone, then drop the file
  if [[ -s "$dir/dockerd.pid" ]]; then
    local old; old=$(cat "$dir/dockerd.pid")
    for _ in $(seq 1 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.2; done
    rm -f "$dir/dockerd.pid"
  fi
  # n3 advertises two made-up GPUs (Swarm generic resources): GPU scheduling needs no real GPU
  local gpus=()
  [[ $n == n3 ]] && gpus=(--node-generic-resource NVIDIA-GPU=GPU-fake-0 --node-generic-resource NVIDIA-GPU=GPU-fake-1)
  # n9's dockerd finds docker-proxy and docker-init of its own package first; containerd and runc are Debian 12's
  local path=$PATH
  [[ $n == n9 ]] && path=$TRIXIE/usr/sbin:$TRIXIE/usr/bin:$PATH
  PATH=$path setsid nsenter --net=/run/netns/srl-$n -- unshare --mount --uts --propagation slave -- bash -c '
    set -e; n=$1; dir=$2; shift 2
    hostname "srl-$n"
    mkdir -p "$dir/cg"; mount --rbind /sys/fs/cgroup "$dir/cg"
    mount -t sysfs sysfs /sys; mount --rbind "$dir/cg" /sys/fs/cgroup; umount -l "$dir/cg"
    echo "nameserver 127.0.0.1" > "$dir/resolv.conf"; mount --bind "$dir/resolv.conf" /etc/resolv.conf
    exec dockerd "$@"' lab "$n" "$dir" \
      --config-file "$dir/daemon.json" --data-root "$DATA/$n" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
      -H "$(sock "$n")" --bip "172.30.${n#n}.1/24" --insecure-registry "$REG" "${gpus[@]}" \
      >>"$RUN/dockerd-$n.log" 2>&1 </dev/null &
  wait_for 60 dk "$n" info || { tail -20 "$RUN/dockerd-$n.log" >&2; log "dockerd $n did not start"; exit 1; }
}

node_link() { # $1 node: its namespace, on the hub's bridge at ip_of
  local n=$1
  [[ -e /run/netns/srl-$n ]] || ip netns add srl-$n
  ip -n srl-$n link set lo up
  if ! ip -n srl-$n link show eth0 >/dev/null 2>&1; then
    ip link add srl${n}h type veth peer name srl${n}c
    ip link set srl${n}h netns $HUB; ip link set srl${n}c netns srl-$n
    ip -n srl-$n link set srl${n}c name eth0
    ip -n srl-$n addr add "$(ip_of $n)/24" dev eth0
  fi
  ip -n $HUB link set srl${n}h master srlbr0 up
  ip -n srl-$n link set eth0 up
}

up() {
  command -v docker-registry >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -q >/dev/null; apt-get install -y -q docker-registry >/dev/null; }
  mkdir -p "$RUN" "$DATA"
  [[ -e /run/netns/$HUB ]] || ip netns add $HUB
  ip -n $HUB link set lo up
  ip -n $HUB link show srlbr0 >/dev/null 2>&1 || { ip -n $HUB link add srlbr0 type bridge; ip -n $HUB addr add $NET.1/24 dev srlbr0; }
  ip -n $HUB link set srlbr0 up
  for n in n1 n2 n3; do node_link $n; done
  if ! [[ -s $RUN/registry.pid ]] || ! kill -0 "$(cat $RUN/registry.pid)" 2>/dev/null; then
    mkdir -p "$DATA/registry"
    # our own config: the package's default enables htpasswd auth without a password file (P7)
    printf 'version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: "%s"}\n' "$DATA/registry" "$REG" > "$RUN/registry.yml"
    setsid nsenter --net=/run/netns/$HUB docker-registry serve "$RUN/registry.yml" >>"$RUN/registry.log" 2>&1 </dev/null &
    echo $! > "$RUN/registry.pid"
  fi
  for n in n1 n2 n3; do dk $n info >/dev/null 2>&1 || node_start $n; done
  if [[ "$(dk n1 info -f '{{.Swarm.LocalNodeState}}')" != active ]]; then
    dk n1 swarm init --advertise-addr "$(ip_of n1)" --listen-addr "$(ip_of n1):2377" \
      --default-addr-pool 10.112.0.0/12 --default-addr-pool-mask-length 24 --dispatcher-heartbeat 1s >/dev/null
  fi
  local token; token=$(dk n1 swarm join-token -q worker)
  for n in n2 n3; do
    [[ "$(dk $n info -f '{{.Swarm.LocalNodeState}}')" == active ]] || \
      dk $n swarm join --token "$token" --advertise-addr "$(ip_of $n)" --listen-addr "$(ip_of $n):2377" "$(ip_of n1):2377" >/dev/null
  done
  wait_for 60 bash -c "[ \$(DOCKER_HOST=$(sock n1) docker node ls --format '{{.Status}}' | grep -c Ready) -ge 3 ]" || { log "not all nodes Ready"; exit 1; }
  # images: root engine -> n1 -> registry; the nodes pull on demand (the manager pins digests)
  for img in "${IMAGES[@]}"; do
    if ! dk n1 image inspect "$REG/$img" >/dev/null 2>&1 || [[ "$(docker image inspect -f '{{.Id}}' "$img")" != "$(dk n1 image inspect -f '{{.Id}}' "$REG/$img")" ]]; then
      docker save "$img" | dk n1 load -q >/dev/null
      dk n1 tag "$img" "$REG/$img"
    fi
    wait_for 20 nsenter --net=/run/netns/$HUB bash -c "exec 3<>/dev/tcp/$NET.1/5000"
    dk n1 push -q "$REG/$img" >/dev/null
  done
  log "lab up: $(dk n1 node ls --format '{{.Hostname}}:{{.Status}}:{{.ManagerStatus}}' | tr '\n' ' ')"
}

# the docker.io package of Debian 13, unpacked into $TRIXIE (not installed); apt's lists for it are kept apart
trixie_fetch() {
  [[ -x $TRIXIE/usr/sbin/dockerd ]] && return 0
  local apt=$TRIXIE.apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" > "$apt/sources.list"
  local o=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$apt/lists"
    -o "Dir::Cache=$apt/cache" -o Acquire::Retries=3)
  if ! apt-get "${o[@]}" update -q >/dev/null 2>"$apt/apt.log" \
    || ! (cd "$apt" && rm -f docker.io_*.deb && apt-get "${o[@]}" download docker.io >/dev/null 2>>"$apt/apt.log"); then
    cat "$apt/apt.log" >&2; log "cannot fetch docker.io from Debian 13 (deb.debian.org, trixie): n9 needs it"; exit 1
  fi
  rm -rf "$TRIXIE.new" && dpkg-deb -x "$apt"/docker.io_*.deb "$TRIXIE.new"
  mv "$TRIXIE.new" "$TRIXIE"
  log "fetched $("$TRIXIE/usr/sbin/dockerd" --version)"
}

trixie() {
  trixie_fetch
  local n=n9
  node_link $n
  dk $n info >/dev/null 2>&1 || node_start $n
  if [[ "$(dk $n info -f '{{.Swarm.LocalNodeState}}')" != active ]]; then
    dk $n swarm init --advertise-addr "$(ip_of $n)" --listen-addr "$(ip_of $n):2377" \
      --default-addr-pool 10.160.0.0/12 --default-addr-pool-mask-length 24 --dispatcher-heartbeat 1s >/dev/null
  fi
  log "trixie up: $(dk $n version -f '{{.Server.Version}} (API {{.Server.APIVersion}})'), $(sock $n), its images from $REG"
}

down() {
  for n in n9 n3 n2 n1; do
    if dk $n info >/dev/null 2>&1; then
      [[ $n == n1 ]] && { dk n1 service rm $(dk n1 service ls -q) >/dev/null 2>&1 || true; }
      dk $n swarm leave --force >/dev/null 2>&1 || true
    fi
  done
  for f in $RUN/n*/dockerd.pid $RUN/registry.pid; do
    [[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null || true
  done
  sleep 2
  # leftovers whose command line names the lab (containerd, shims of a SIGKILLed dockerd)
  for p in $(pgrep -f "$RUN/" || true); do kill -9 "$p" 2>/dev/null || true; done
  for ns in $(ip netns list | awk '{print $1}' | grep '^srl-' || true); do ip netns del "$ns"; done
  rm -rf "$RUN"
  [[ "${KEEP_DATA:-1}" == 1 ]] || rm -rf "$DATA"
  log "lab down"
}

case "${1:-up}" in
  up) up ;;
  trixie) trixie ;;
  down) down ;;
  kill) kill -9 "$(cat $RUN/$2/dockerd.pid)" ;;                  # crash a node's engine
  revive) node_start "$2" ;;
  cut) ip -n $HUB link set "srl${2}h" down ;;                     # partition a node
  mend) ip -n $HUB link set "srl${2}h" up ;;
  *) echo "usage: $0 up|trixie|down|kill N|revive N|cut N|mend N" >&2; exit 2 ;;
esac

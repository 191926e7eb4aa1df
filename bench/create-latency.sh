#!/usr/bin/env bash
# Benchmark: "spec file written -> all services created" with SwarmRay, against `docker stack deploy`
# of an equivalent stack file (head + one worker service + overlay network per cluster), side by side
# in one run, for 1 and for 10 clusters. Prints each time and the ratio SwarmRay / stack deploy.
# Needs: a swarm manager (deploy/testbed/ensure-swarm.sh) and the stand-in image (deploy/testbed/build-images.sh).
# Env: ROUNDS (default 3; the median is reported), COUNTS (default "1 10").
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}
COUNTS=${COUNTS:-"1 10"}
PORT=18190
start_operator $PORT

count_services() { docker service ls -q -f "label=swarmray-bench=true" -f "label=$1" | wc -l; }
wait_services() { # $1 label filter, $2 expected count
  while [[ $(count_services "$1") -lt $2 ]]; do sleep 0.05; done
}
wait_gone() {
  while [[ -n "$(docker service ls -q -f label=swarmray-bench=true)" ]]; do sleep 0.2; done
  sleep 2
  docker network rm $(docker network ls -q -f label=swarmray-bench=true) >/dev/null 2>&1 || true
}

stackfile() { cat <<YAML
version: "3.8"
services:
  head:
    image: $IMAGE
    command: ["ray", "start", "--head", "--dashboard-host=0.0.0.0", "--block"]
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {swarmray-bench: "true", bench-kind: stack}, restart_policy: {condition: any, delay: 0s}}
    networks: [ray]
  worker:
    image: $IMAGE
    command: ["ray", "start", "--address=head:6379", "--block"]
    deploy: {replicas: 1, endpoint_mode: dnsrr, labels: {swarmray-bench: "true", bench-kind: stack}, restart_policy: {condition: any, delay: 0s}}
    networks: [ray]
networks:
  ray: {driver: overlay, attachable: true, labels: {swarmray-bench: "true"}}
YAML
}

printf '%-9s %-8s %14s %14s %8s\n' clusters rounds "swarmray (s)" "stack (s)" ratio
for n in $COUNTS; do
  sr=(); st=()
  for r in $(seq 1 "$ROUNDS"); do
    # SwarmRay: write n spec files (atomically, as editors do), wait until all 2n services exist
    t0=$(now)
    for i in $(seq 1 "$n"); do write_spec "bsr$i" 1; done
    wait_services bench-kind=swarmray $((2 * n))
    sr+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print b-a}')")
    rm -f "$WORK"/specs/*.yaml; wait_gone
    # docker stack deploy: n stacks, one CLI call each, wait until all 2n services exist
    for i in $(seq 1 "$n"); do stackfile > "$WORK/stack$i.yml"; done
    t0=$(now)
    for i in $(seq 1 "$n"); do docker stack deploy --resolve-image never -c "$WORK/stack$i.yml" "bst$i" >/dev/null; done
    wait_services bench-kind=stack $((2 * n))
    st+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print b-a}')")
    for i in $(seq 1 "$n"); do docker stack rm "bst$i" >/dev/null; done; wait_gone
  done
  a=$(printf '%s\n' "${sr[@]}" | median); b=$(printf '%s\n' "${st[@]}" | median)
  printf '%-9s %-8s %14.2f %14.2f %8.2f\n' "$n" "$ROUNDS" "$a" "$b" "$(ratio "$a" "$b")"
done

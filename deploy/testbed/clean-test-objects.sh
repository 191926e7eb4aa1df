#!/usr/bin/env bash
# Removes what an earlier (interrupted) test run left on the swarm: only objects labelled
# swarmray-it=true, which every test spec carries. Real clusters are never touched.
set -uo pipefail
# the stacks of MonitoringIT (an operator of instance mon, and Prometheus)
for stack in swarmraymon swarmraymonprom; do docker stack rm "$stack" >/dev/null 2>&1; done
for _ in $(seq 1 30); do [[ -z "$(docker ps -q -f label=com.docker.stack.namespace=swarmraymonprom)" ]] && break; sleep 1; done
docker volume rm swarmraymonprom_prometheus-data >/dev/null 2>&1
svcs=$(docker service ls -q -f label=swarmray-it=true)
if [[ -n "$svcs" ]]; then
  docker service rm $svcs >/dev/null
  for _ in $(seq 1 30); do [[ -z "$(docker ps -q -f label=swarmray-it=true)" ]] && break; sleep 1; done
fi
nets=$(docker network ls -q -f label=swarmray-it=true)
[[ -n "$nets" ]] && docker network rm $nets >/dev/null 2>&1
docker network rm swarmray-monitoring >/dev/null 2>&1
secrets=$(docker secret ls -q -f label=swarmray-it=true)
[[ -n "$secrets" ]] && docker secret rm $secrets >/dev/null 2>&1
# the autoscaler API's CA configs of test operators (one per fresh credentials directory); in-use ones stay
configs=$(docker config ls -q -f name=swarmray-k8s-ca-)
[[ -n "$configs" ]] && docker config rm $configs >/dev/null 2>&1
# RayJob records of the test operators, whose jobs' files are gone with the test run
for instance in it crash; do
  records=$(docker config ls -q -f label=swarmray.io/instance=$instance -f label=swarmray.io/rayjob)
  [[ -n "$records" ]] && docker config rm $records >/dev/null 2>&1
done
exit 0

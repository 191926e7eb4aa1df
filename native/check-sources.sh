#!/usr/bin/env bash
# CI gate for the native build on machines without GraalVM/Mandrel: runs every Quarkus build step up
# to the compiler (mvn package -Dnative -Dquarkus.native.sources-only=true) and checks that what the
# native compile needs is in target/native-sources: the run-time initialisation, our reflection
# registrations of docker-java's Jackson-bound classes, and the status classes the API serialises.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q package -Dnative -Dquarkus.native.sources-only=true -DskipTests
src=target/native-sources
jar=$(ls $src/*-runner.jar)
fail() { echo "native sources check: $*" >&2; exit 1; }
# (no `producer | grep -q` pipes: with pipefail, grep -q closing early fails the producer with SIGPIPE)
grep -q -- '--initialize-at-run-time=com.github.dockerjava.transport.NamedPipeSocket$Kernel32' $src/native-image.args \
  || fail "NamedPipeSocket\$Kernel32 is not initialised at run time"
ours=$(unzip -p "$jar" META-INF/native-image/io.swarmray/swarmray/reflect-config.json)
quarkus=$(unzip -p "$jar" META-INF/native-image/reflect-config.json)
[[ "$ours" == *'"com.github.dockerjava.api.model.ServiceSpec"'* ]] || fail "docker-java model classes are not registered for reflection"
[[ "$ours" == *'"java.net.UnixDomainSocketAddress"'* ]] || fail "UnixDomainSocketAddress.of is not registered"
[[ "$quarkus" == *'"io.swarmray.status.ClusterStatus"'* ]] || fail "ClusterStatus is not registered for reflection"
compgen -G "$src/lib/org.brotli.dec-*.jar" >/dev/null || fail "org.brotli:dec is missing"
echo "native sources: $(du -sh $src | cut -f1) in $src; GraalVM $(cat $src/graalvm.version) expected; checks passed"

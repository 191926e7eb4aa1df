#!/usr/bin/env bash
# swarmray/native-builder:25, a builder image for native/Dockerfile made without a registry: Debian bookworm
# with gcc and the C headers native-image links against (debootstrap, cached), the test bed's GraalVM 25
# toolchain as its JDK (ensure-native-toolchain.sh), and Maven from Maven Central. Then, from a clean checkout:
#   docker build --network host -f native/Dockerfile --build-arg BUILDER=swarmray/native-builder:25 \
#     --build-arg RUNTIME=swarmray/debian-base:12 -t swarmray/operator:native .
# (--network host: Maven in the build stage fetches the project's dependencies.)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${SWARMRAY_CACHE:-/var/cache/swarmray}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
MAVEN_VERSION=${MAVEN_VERSION:-3.9.16}
export DOCKER_BUILDKIT=0
log() { echo "[native-builder] $*" >&2; }
mkdir -p "$CACHE"
source "$HERE/rootfs.sh"

graal=$("$HERE/ensure-native-toolchain.sh")
rootfs debian-cc gcc,libc6-dev,zlib1g-dev,ca-certificates,netbase,curl
tarball="$CACHE/apache-maven-$MAVEN_VERSION-bin.tar.gz"
if [[ ! -s "$tarball" ]]; then
  url="https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/$MAVEN_VERSION/apache-maven-$MAVEN_VERSION-bin.tar.gz"
  log "fetching $url"
  curl -fsSL -o "$tarball.tmp" "$url"
  echo "$(curl -fsSL "$url.sha512" | cut -d' ' -f1)  $tarball.tmp" | sha512sum -c --quiet
  mv "$tarball.tmp" "$tarball"
fi
ctx=$(mktemp -d "$CACHE/native-builder.XXXX")
trap 'rm -rf "$ctx"' EXIT
cp -a "$graal" "$ctx/graalvm"
# the toolchain's JDK links its trust store to the host's (/etc/ssl/certs/java/cacerts): Maven needs the file itself
cp --remove-destination "$(readlink -f "$graal/lib/security/cacerts")" "$ctx/graalvm/lib/security/cacerts"
tar -xzf "$tarball" -C "$ctx" && mv "$ctx/apache-maven-$MAVEN_VERSION" "$ctx/maven"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM swarmray/debian-cc:12
COPY graalvm /opt/graalvm
COPY maven /opt/maven
ENV JAVA_HOME=/opt/graalvm GRAALVM_HOME=/opt/graalvm PATH=/opt/graalvm/bin:/opt/maven/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DOCKERFILE
log "docker build swarmray/native-builder:25"
docker build -q -t swarmray/native-builder:25 "$ctx" >/dev/null
log "builder ready: swarmray/native-builder:25 ($(docker run --rm swarmray/native-builder:25 native-image --version | sed -n 1p))"

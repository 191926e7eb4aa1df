# rootfs NAME PACKAGES (sourced by build-images.sh and native-builder.sh; needs CACHE, MIRROR, log):
# a debootstrap'd bookworm with PACKAGES, imported as swarmray/NAME:12.
# The tarball is cached and rebuilt only when the package list changes (or FORCE=1).
rootfs() {
  local name=$1 packages=$2 tarball="$CACHE/$1-rootfs.tar" stamp="$CACHE/$1-rootfs.packages"
  if [[ ! -s "$tarball" || "$(cat "$stamp" 2>/dev/null)" != "$packages" || "${FORCE:-0}" == 1 ]]; then
    command -v debootstrap >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -q >/dev/null; apt-get install -y -q debootstrap >/dev/null; }
    local root; root=$(mktemp -d "$CACHE/rootfs.XXXX")
    log "debootstrap bookworm for $name ($packages); ~40 s, cached afterwards"
    debootstrap --variant=minbase --cache-dir="$CACHE" --include="$packages" bookworm "$root" "$MIRROR" \
      > "$CACHE/debootstrap-$name.log" 2>&1 || { tail -20 "$CACHE/debootstrap-$name.log" >&2; rm -rf "$root"; exit 1; }
    chroot "$root" apt-get clean >/dev/null 2>&1 || true
    rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/tmp/*
    tar --numeric-owner --one-file-system -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    echo "$packages" > "$stamp"
    rm -rf "$root"
  fi
  # Re-import only when the tarball changed: an import always makes a new image id.
  local sum; sum=$(stat -c '%s-%Y' "$tarball")
  if [[ "$(docker image inspect -f '{{index .Config.Labels "swarmray.rootfs"}}' "swarmray/$name:12" 2>/dev/null)" != "$sum" ]]; then
    log "docker import swarmray/$name:12"
    docker import -c 'CMD ["/bin/bash"]' -c 'ENV LANG=C.UTF-8' -c "LABEL swarmray.rootfs=$sum" "$tarball" "swarmray/$name:12" >/dev/null
  fi
}


#!/usr/bin/env bash
# Makes a local stand-in for the official node:24-slim image, for machines that reach Debian's
# mirror and the npm registry but no container registry: Debian bookworm from debootstrap
# (minbase, trimmed as debian:bookworm-slim is), the Node binary of this repository's node@24
# devDependency and the npm that runs this script. Made once per Node version, then reused.
#
#   scripts/container-base.sh            prints the image name, e.g. localhost/fleetmon-node-base:24.21.0-bookworm
#   scripts/image-build.sh --base "$(scripts/container-base.sh)"
#
# Needs root (debootstrap) and CONTAINER_ENGINE (default podman) able to import images.
set -euo pipefail

engine=${CONTAINER_ENGINE:-podman}
root=$(cd "$(dirname "$0")/.." && pwd)
node_bin="$root/node_modules/node/bin/node"
if [ ! -x "$node_bin" ]; then
  echo "container-base: $node_bin missing: run npm ci first" >&2
  exit 2
fi
node_version=$("$node_bin" --version)
image="localhost/fleetmon-node-base:${node_version#v}-bookworm"

# shellcheck disable=SC2086 # CONTAINER_ENGINE may carry options ("podman --runtime runc").
if $engine image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

# npm as the official image has it: the package directory, linked from /usr/local/bin.
npm_cli=${npm_execpath:-$(readlink -f "$(command -v npm)")}
npm_dir=$(dirname "$(dirname "$npm_cli")")
if [ ! -f "$npm_dir/bin/npm-cli.js" ]; then
  echo "container-base: no npm found (looked in $npm_dir)" >&2
  exit 2
fi

mirror=http://deb.debian.org/debian
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
echo "container-base: debootstrap bookworm from $mirror (about a minute, once)" >&2
if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -20 "$work/debootstrap.log" >&2
  exit 3
fi
# What debian:bookworm-slim leaves out: package caches and lists, docs, man pages, locales.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log
install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

# shellcheck disable=SC2086
if ! tar -C "$rootfs" -c . | $engine import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$image" >"$work/import.log" 2>&1; then
  cat "$work/import.log" >&2
  exit 3
fi
echo "$image"

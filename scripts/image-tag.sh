#!/usr/bin/env bash
# Prints the image tag of this checkout and build: the version (scripts/version.ts) with `+`,
# which tags cannot hold, as `-`: 0.2.0-build.57.g1a2b3c4.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PATH="$root/node_modules/.bin:$PATH"
version=$(node "$root/scripts/version.ts")
echo "${version//+/-}"

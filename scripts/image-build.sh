#!/usr/bin/env bash
# Builds fleetmon's image with its version in the bundle and the labels:
#   scripts/image-build.sh [--base IMAGE] [--tag NAME:TAG]...
# tags IMAGE_NAME:<version> (default IMAGE_NAME=fleetmon; `+` becomes `-`, as tags cannot hold
# it) and any --tag, and prints the version tag. The build number comes from CI (FLEETMON_BUILD,
# GITHUB_RUN_NUMBER, BUILD_NUMBER or CI_PIPELINE_IID), else `dev`.
# CONTAINER_ENGINE picks docker or podman (default: docker when its daemon answers, else podman);
# CONTAINER_BUILD_FLAGS adds flags (e.g. --network host). NODE_EXTRA_CA_CERTS, when set, reaches
# npm inside the build as the secret npm-ca (for a TLS-intercepting proxy).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PATH="$root/node_modules/.bin:$PATH"

base=
tags=()
while [ $# -gt 0 ]; do
  case $1 in
    --base) base=$2; shift 2 ;;
    --tag) tags+=("$2"); shift 2 ;;
    *) echo "image-build: unknown argument $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done

if [ -z "${CONTAINER_ENGINE:-}" ]; then
  if docker info >/dev/null 2>&1; then CONTAINER_ENGINE=docker; else CONTAINER_ENGINE=podman; fi
fi
read -r -a engine <<<"$CONTAINER_ENGINE"
read -r -a extra <<<"${CONTAINER_BUILD_FLAGS:-}"

stamp=$(node scripts/version.ts --json)
field() { node -e 'process.stdout.write(JSON.parse(process.argv[1])[process.argv[2]])' "$stamp" "$1"; }
version=$(field version)
build=$(field build)
commit=$(field commit)
revision=$(git rev-parse HEAD 2>/dev/null || echo "${GITHUB_SHA:-}")
source_url=${FLEETMON_SOURCE:-}
if [ -z "$source_url" ] && [ -n "${GITHUB_REPOSITORY:-}" ]; then
  source_url="${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_REPOSITORY"
fi
version_tag="${IMAGE_NAME:-fleetmon}:$(scripts/image-tag.sh)"

args=(build -f Dockerfile -t "$version_tag"
  --build-arg "FLEETMON_VERSION=$version"
  --build-arg "FLEETMON_BUILD=$build"
  --build-arg "FLEETMON_COMMIT=$commit"
  --build-arg "FLEETMON_REVISION=$revision"
  --build-arg "FLEETMON_CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  --build-arg "FLEETMON_SOURCE=$source_url")
for tag in "${tags[@]}"; do args+=(-t "$tag"); done
[ -n "$base" ] && args+=(--build-arg "BASE=$base")
# The OCI format has no HEALTHCHECK; podman writes Docker's format when asked.
[ "$(basename "${engine[0]}")" = podman ] && args+=(--format docker)
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  args+=(--secret "id=npm-ca,src=$NODE_EXTRA_CA_CERTS")
fi

echo "image-build: $version_tag ($version)" >&2
"${engine[@]}" "${args[@]}" "${extra[@]}" . >&2
echo "$version_tag"

#!/usr/bin/env bash
# Pushes an image built by scripts/image-build.sh to IMAGE_REPOSITORY (e.g. ghcr.io/acme/fleetmon):
#   scripts/image-push.sh [IMAGE:TAG]     default: IMAGE_NAME (fleetmon) : scripts/image-tag.sh
# always as its version tag; for a release (RELEASE_TAG, or GITHUB_REF_NAME on a tag push, of the
# form vX.Y.Z, which must be package.json's version) also as X.Y.Z, X.Y and latest.
# Logs in first when REGISTRY_PASSWORD is set (REGISTRY_USER, default: GITHUB_ACTOR).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
image=${1:-${IMAGE_NAME:-fleetmon}:$("$root/scripts/image-tag.sh")}
repository=${IMAGE_REPOSITORY:-}
if [ -z "$repository" ]; then
  echo "usage: IMAGE_REPOSITORY=registry/name scripts/image-push.sh [IMAGE:TAG]" >&2
  exit 2
fi
if [ -z "${CONTAINER_ENGINE:-}" ]; then
  if docker info >/dev/null 2>&1; then CONTAINER_ENGINE=docker; else CONTAINER_ENGINE=podman; fi
fi
read -r -a engine <<<"$CONTAINER_ENGINE"

tags=("${image##*:}")
release=${RELEASE_TAG:-}
if [ -z "$release" ] && [ "${GITHUB_REF_TYPE:-}" = tag ]; then release=${GITHUB_REF_NAME:-}; fi
if [ -n "$release" ]; then
  version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
  if [ "$release" != "v$version" ]; then
    echo "image-push: release tag $release is not v$version, the version in package.json" >&2
    exit 2
  fi
  tags+=("$version" "${version%.*}" latest)
fi

if [ -n "${REGISTRY_PASSWORD:-}" ]; then
  printf '%s' "$REGISTRY_PASSWORD" | "${engine[@]}" login "${repository%%/*}" \
    --username "${REGISTRY_USER:-${GITHUB_ACTOR:-}}" --password-stdin
fi
for tag in "${tags[@]}"; do
  "${engine[@]}" tag "$image" "$repository:$tag"
  "${engine[@]}" push "$repository:$tag"
  echo "image-push: $repository:$tag" >&2
done

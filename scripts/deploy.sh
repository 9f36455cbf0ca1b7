#!/usr/bin/env bash
# Deploys an overlay to the cluster kubectl points at:
#   IMAGE_REPOSITORY=ghcr.io/acme/fleetmon scripts/deploy.sh stage 0.2.0-build.57.g1a2b3c4
# 1. renders deploy/k8s/overlays/OVERLAY with that image (the repository is left untouched);
# 2. creates the namespace and stops, saying what to create, if a secret the pods need is missing;
# 3. checks every object with the API server (apply --dry-run=server): a bad one changes nothing;
# 4. applies: each new pod runs the schema migrations (init container `migrate`) before it
#    serves, while the old pods go on serving;
# 5. waits for the rollout; when it fails (migrations, readiness), rolls back and exits 1.
# Without TAG the overlay's tag is used; without IMAGE_REPOSITORY, the image name `fleetmon`.
# KUBECONFIG_DATA, when set, is the kubeconfig to use (CI keeps it as a secret).
set -euo pipefail

overlay=${1:-}
tag=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/deploy/k8s/overlays/$overlay"
if [ -z "$overlay" ] || [ ! -f "$dir/kustomization.yaml" ]; then
  echo "usage: scripts/deploy.sh dev|stage|prod [TAG]" >&2
  exit 2
fi
namespace=$(awk '/^namespace:/ {print $2; exit}' "$dir/kustomization.yaml")
kubectl=(kubectl --namespace "$namespace")

# Next to the overlays: kustomize takes a base by relative path only.
work=$(mktemp -d "$root/deploy/k8s/.deploy-XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -n "${KUBECONFIG_DATA:-}" ]; then
  (umask 077 && printf '%s\n' "$KUBECONFIG_DATA" >"$work/kubeconfig")
  export KUBECONFIG="$work/kubeconfig"
fi
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources:"
  echo "  - ../overlays/$overlay"
  if [ -n "${IMAGE_REPOSITORY:-}$tag" ]; then
    echo "images:"
    echo "  - name: fleetmon"
    [ -n "${IMAGE_REPOSITORY:-}" ] && echo "    newName: $IMAGE_REPOSITORY"
    [ -n "$tag" ] && echo "    newTag: \"$tag\""
  fi
} >"$work/kustomization.yaml"
kubectl kustomize "$work" >"$work/rendered.yaml"
echo "deploy: $overlay into namespace $namespace, image $(awk '/image: .*fleetmon/ {print $2; exit}' "$work/rendered.yaml")" >&2

kubectl create namespace "$namespace" --dry-run=client --output yaml | kubectl apply --filename - >/dev/null
required=(fleetmon-auth)
[ "$overlay" = dev ] || required+=(fleetmon-database)
for secret in "${required[@]}"; do
  if ! "${kubectl[@]}" get secret "$secret" >/dev/null 2>&1; then
    echo "deploy: secret $secret missing in namespace $namespace: create it first (docs/deploy.md, Secrets)" >&2
    exit 2
  fi
done

"${kubectl[@]}" apply --dry-run=server --filename "$work/rendered.yaml" >/dev/null
"${kubectl[@]}" apply --filename "$work/rendered.yaml"
if ! "${kubectl[@]}" rollout status deployment/fleetmon --timeout="${ROLLOUT_TIMEOUT:-10m}"; then
  echo "deploy: the rollout failed; the migrate init container said:" >&2
  "${kubectl[@]}" logs --selector app.kubernetes.io/name=fleetmon,app.kubernetes.io/component=server \
    --container migrate --tail 30 --prefix >&2 || true
  echo "deploy: rolling back" >&2
  "${kubectl[@]}" rollout undo deployment/fleetmon
  "${kubectl[@]}" rollout status deployment/fleetmon --timeout=5m || true
  exit 1
fi

#!/usr/bin/env bash
# Installs, as root, from the distribution's packages, the tools the tests drive that are missing:
#   scripts/install-ci-tools.sh browser   Chromium for the dashboard's browser tests
#   scripts/install-ci-tools.sh alerting  Alertmanager, which the alerting tests push to
#   scripts/install-ci-tools.sh deploy    podman, runc, debootstrap, promtool, amtool, shellcheck,
#                                         yamllint for npm run test:deploy
# The browser and Alertmanager are required (this fails without them); a deployment tool that cannot be installed
# only makes npm run test:deploy skip the checks that need it, which it says.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

updated=
install() {
  if [ -z "$updated" ]; then apt-get update -qq >/dev/null; updated=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

for group in "$@"; do
  case $group in
    browser)
      if [ ! -x /usr/bin/chromium ]; then
        echo "installing chromium for the browser tests (apt-get)" >&2
        install chromium fonts-liberation fonts-dejavu-core
      fi
      ;;
    alerting)
      if [ ! -x /usr/bin/prometheus-alertmanager ]; then
        echo "installing prometheus-alertmanager for the alerting tests (apt-get)" >&2
        install prometheus-alertmanager
      fi
      ;;
    deploy)
      # kubectl is not here: Debian's is too old for kustomize components (the Kubernetes
      # checks need kubectl 1.27 or newer, and skip without it).
      missing=()
      for pair in podman:podman runc:runc debootstrap:debootstrap promtool:prometheus \
        amtool:prometheus-alertmanager shellcheck:shellcheck yamllint:yamllint; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
      done
      if [ ${#missing[@]} -gt 0 ]; then
        echo "installing ${missing[*]} for the deployment checks (apt-get)" >&2
        install "${missing[@]}" ||
          echo "could not install ${missing[*]}: npm run test:deploy skips the checks that need them" >&2
      fi
      ;;
    *)
      echo "usage: scripts/install-ci-tools.sh browser|alerting|deploy..." >&2
      exit 2
      ;;
  esac
done

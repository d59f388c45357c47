#!/usr/bin/env bash
# Installs the Debian packages vrrpsim needs, only those that are missing.
# Idempotent: a second run installs nothing and takes well under a second.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache clang
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost-graph-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libpcap-dev
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev fonts-dejavu-core xvfb xauth
  # Test-only: tests/gui opens the HTML report in headless Chromium;
  # tests/capture/live_watch.sh captures real keepalived with tcpdump.
  chromium
  iproute2 keepalived tcpdump
  # Test-only: tests/explore/slurm_shards.sh runs its own single-node Slurm
  # cluster (private munged, slurmctld, slurmd under a temporary directory).
  slurm-wlm munge
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  # keepalived is only used as a reference in conformance tests, slurm-wlm and
  # munge only by tests/explore/slurm_shards.sh (its own daemons, config and
  # key): never start any of them as a service.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

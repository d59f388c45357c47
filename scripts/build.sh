#!/usr/bin/env bash
# Configures and builds one flavour of vrrpsim.
#   scripts/build.sh [release|asan] [extra cmake args...]
# Build trees: build/release, build/asan.
set -euo pipefail
cd "$(dirname "$0")/.."

flavour=${1:-release}
shift || true
case "$flavour" in
  release) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) args=(-DCMAKE_BUILD_TYPE=Debug -DVRRPSIM_SANITIZE=ON -DVRRPSIM_BUILD_BENCH=OFF) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release|asan)" >&2; exit 2 ;;
esac

dir=build/$flavour
cmake -S . -B "$dir" -G Ninja -DVRRPSIM_WERROR=ON "${args[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"

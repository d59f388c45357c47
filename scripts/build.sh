#!/usr/bin/env bash
# Configures and builds one flavour of vrrpsim.
#   scripts/build.sh [release|asan|clang] [extra cmake args...]
# Build trees: build/release (g++), build/asan (g++ + ASan/UBSan), build/clang.
set -euo pipefail
cd "$(dirname "$0")/.."

flavour=${1:-release}
shift || true
case "$flavour" in
  # -O3 with debug information: the build the benchmarks quote (bench/README.md;
  # -O3 runs the random two-node scenarios ~10 % faster than RelWithDebInfo's -O2).
  release) args=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O3 -DNDEBUG -g") ;;
  asan) args=(-DCMAKE_BUILD_TYPE=Debug -DVRRPSIM_SANITIZE=ON -DVRRPSIM_BUILD_BENCH=OFF) ;;
  clang) args=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ -DVRRPSIM_BUILD_BENCH=OFF) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release|asan|clang)" >&2; exit 2 ;;
esac

dir=build/$flavour
cmake -S . -B "$dir" -G Ninja -DVRRPSIM_WERROR=ON "${args[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"

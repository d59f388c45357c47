#!/usr/bin/env bash
# The whole test suite: install what is missing, build warnings-clean, run
# every test, then build and run them again under ASan+UBSan, and once more
# built with clang (the determinism tests pin golden hashes that both
# compilers must reproduce).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== release build (-Wall -Wextra -Werror)"
bash scripts/build.sh release
echo "== tests (release)"
ctest --test-dir build/release --output-on-failure -j "$(nproc)"

echo "== explore: shards on 4 local processes and on a real single-node Slurm cluster"
# Merging `vrrpsim explore --shard i/4` outputs must give the unsharded run's
# --out directory byte for byte (docs/explore-cluster.md). The Slurm test skips
# (exit 0, with a message) without root or without slurm-wlm/munge.
bash tests/explore/local_shards.sh build/release
bash tests/explore/slurm_shards.sh build/release

echo "== benchmarks (short mode: proves they run, measures nothing)"
if [ -x build/release/bench/vrrpsim_bench ]; then
  # BM_C (100 hosts x 100 instances, one simulated hour) takes seconds per
  # iteration and exercises the same code as BM_B; so does BM_F (10,000
  # hosts, one simulated hour); BM_Explore_Memory runs 200k schedules in its
  # one iteration: all three left out here.
  build/release/bench/vrrpsim_bench --benchmark_min_time=0.001 \
    --benchmark_filter='-BM_C_|BM_F_|BM_Explore_Memory' >/dev/null
fi

echo "== ASan+UBSan build"
bash scripts/build.sh asan
echo "== tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j "$(nproc)"

echo "== clang build (-Werror)"
bash scripts/build.sh clang
echo "== tests (clang)"
ctest --test-dir build/clang --output-on-failure -j "$(nproc)"

echo "== conformance live mode (real keepalived 2.2.7 in network namespaces)"
# Skips (exit 0, with a message) without root or `ip netns`; fails on a
# divergence between the simulator and the real daemon.
bash tests/conformance/record/live.sh build/release

echo "== capture and watch against real keepalived 2.2.7 in network namespaces"
# Skips (exit 0, with a message) without root, `ip netns`, keepalived or
# tcpdump; fails when `vrrpsim watch`/`capture` disagree with the daemons.
bash tests/capture/live_watch.sh build/release

echo "== g++ and clang give identical traces (every shipped scenario x seeds)"
# Written by tests/robustness (Determinism.*) in each build tree.
if ! cmp build/release/tests/trace_hashes.txt build/clang/tests/trace_hashes.txt; then
  echo "trace hashes differ between g++ (build/release) and clang (build/clang):" >&2
  diff build/release/tests/trace_hashes.txt build/clang/tests/trace_hashes.txt | head -20 >&2 || true
  exit 1
fi

echo "== fuzzing, short mode (clang libFuzzer + ASan/UBSan; docs/robustness.md)"
# Each target for a fixed short time; a crash, leak, UB or timeout fails CI.
bash scripts/fuzz.sh short

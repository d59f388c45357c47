#!/usr/bin/env bash
# libFuzzer runs of vrrpsim's readers and engine (docs/robustness.md).
#
#   scripts/fuzz.sh build                  configure + build build/fuzz (clang,
#                                          ASan+UBSan) and build/fuzz-fast (UBSan only)
#   scripts/fuzz.sh short [TARGET...]      each target for $VRRPSIM_FUZZ_SHORT_SECONDS
#                                          (default 12) under ASan+UBSan - what CI runs
#   scripts/fuzz.sh long [SECONDS|-runs=N|-libfuzzer_flag...] [TARGET...]
#                                          each target for SECONDS (default 3600) or
#                                          N executions, one after the other, e.g.
#                                          scripts/fuzz.sh long -runs=10000000 fuzz_packet
#                                          UBSan-only build without comparison
#                                          tracing (ASan and trace-cmp would cost
#                                          4-5x of the executions), then replays
#                                          the corpus it grew under ASan+UBSan
#   scripts/fuzz.sh replay [TARGET...]     every input of the grown corpora once,
#                                          under ASan+UBSan
#
# Targets: fuzz_config fuzz_scenario fuzz_packet fuzz_trace fuzz_engine.
# The committed seed corpora (tests/fuzz/corpus/<target>) are never written:
# each run works on a copy in build/fuzz/corpus/<target>, which keeps
# growing between long runs. Crashes, leaks, UB, timeouts and out-of-memory
# land in build/fuzz/artifacts/<target>/ and make this script exit 1;
# libFuzzer's output is in build/fuzz/logs/<target>.log. Reproduce one with
#   build/fuzz/tests/fuzz/<target> build/fuzz/artifacts/<target>/crash-...
# and turn it into a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(fuzz_config fuzz_scenario fuzz_packet fuzz_trace fuzz_engine)
dir=build/fuzz          # ASan+UBSan build; corpora, artifacts and logs live here
fast_dir=build/fuzz-fast  # UBSan-only build without trace-cmp, for long runs

# build DIR SANITIZERS [CMAKE_FLAG...]
build() {
  if ! command -v clang++ >/dev/null; then
    echo "fuzz.sh: clang++ is needed (libFuzzer)" >&2
    exit 2
  fi
  local bdir=$1 san=$2
  shift 2
  cmake -S . -B "$bdir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DVRRPSIM_WERROR=ON -DVRRPSIM_FUZZ=ON -DVRRPSIM_FUZZ_SANITIZERS="$san" \
    -DVRRPSIM_BUILD_TESTS=OFF -DVRRPSIM_BUILD_BENCH=OFF -DVRRPSIM_BUILD_GUI=OFF "$@" >/dev/null
  cmake --build "$bdir" --target fuzz_all -j "$(nproc)"
}

# The largest input worth mutating per target: bigger inputs only make each
# execution slower (an engine input of 100 steps is well under 1 KiB, the seed
# configs are about 2 KiB, scenarios worth running are under 8 KiB). A flag
# given on the command line wins.
max_len() {
  case "$1" in
    fuzz_packet) echo 1024 ;;
    fuzz_engine) echo 1024 ;;
    fuzz_config) echo 2048 ;;
    fuzz_scenario) echo 8192 ;;
    *) echo 32768 ;;
  esac
}

# run BINDIR TARGET LIBFUZZER_FLAG...: one libFuzzer run; returns 1 on a finding.
run() {
  local bin=$1 t=$2
  shift 2
  local work=$dir/corpus/$t art=$dir/artifacts/$t log=$dir/logs/$t${log_suffix:-}.log
  mkdir -p "$work" "$art" "$dir/logs"
  local rc=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin/tests/fuzz/$t" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" "$@" \
    -print_final_stats=1 -artifact_prefix="$art/" "$work" "tests/fuzz/corpus/$t" \
    >"$log" 2>&1 || rc=$?
  local runs speed
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ "$rc" -ne 0 ]; then
    echo "FAIL  $t: libFuzzer exit $rc after ${runs:-?} executions; see $log and $art/"
    grep -E "ERROR|runtime error|invariant violated|Test unit written" "$log" | head -5 || true
    return 1
  fi
  printf 'ok    %-14s %-7s %12s executions  %8s exec/s\n' "$t" "${log_suffix:+replay}" "${runs:-?}" "${speed:-?}"
}

mode=${1:-short}
shift || true
case "$mode" in
  build)
    build "$dir" address,undefined
    build "$fast_dir" undefined -DVRRPSIM_FUZZ_NO_TRACE_CMP=ON
    ;;
  short)
    build "$dir" address,undefined
    secs=${VRRPSIM_FUZZ_SHORT_SECONDS:-12}
    targets=("$@")
    [ $# -gt 0 ] || targets=("${all_targets[@]}")
    failed=0
    for t in "${targets[@]}"; do run "$dir" "$t" "-max_total_time=$secs" || failed=1; done
    exit $failed
    ;;
  long)
    flags=()
    targets=()
    for a in "$@"; do
      case "$a" in
        -*) flags+=("$a") ;;
        [0-9]*) flags+=("-max_total_time=$a") ;;
        *) targets+=("$a") ;;
      esac
    done
    [ ${#flags[@]} -gt 0 ] || flags=(-max_total_time=3600)
    [ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
    # Several long runs can share one build: build once, then run them with
    # VRRPSIM_FUZZ_NO_BUILD=1.
    if [ -z "${VRRPSIM_FUZZ_NO_BUILD:-}" ]; then
      build "$fast_dir" undefined -DVRRPSIM_FUZZ_NO_TRACE_CMP=ON
      build "$dir" address,undefined
    fi
    failed=0
    for t in "${targets[@]}"; do
      run "$fast_dir" "$t" "${flags[@]}" || failed=1
      log_suffix=.replay run "$dir" "$t" -runs=0 -max_len=1048576 || failed=1 # under ASan
    done
    exit $failed
    ;;
  replay)
    [ -n "${VRRPSIM_FUZZ_NO_BUILD:-}" ] || build "$dir" address,undefined
    targets=("$@")
    [ $# -gt 0 ] || targets=("${all_targets[@]}")
    failed=0
    for t in "${targets[@]}"; do log_suffix=.replay run "$dir" "$t" -runs=0 -max_len=1048576 || failed=1; done
    exit $failed
    ;;
  *)
    echo "usage: scripts/fuzz.sh build | replay [TARGET...] | short [TARGET...] | long [SECONDS|-runs=N|-flag...] [TARGET...]" >&2
    exit 2
    ;;
esac

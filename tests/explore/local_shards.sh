#!/usr/bin/env bash
# `vrrpsim explore` sharded over 4 local processes started in parallel (no
# scheduler): `explore --merge` of the shard files (in either order) must give
# exactly the --out directory of the unsharded run (diff -r), and the
# unsharded run must give the same directory with -j 1 and -j 2.
# tests/explore/slurm_shards.sh does the same on a real Slurm cluster.
#
# Usage: tests/explore/local_shards.sh BUILD_DIR
# Exit status: 0 pass, 1 failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/explore/search.sh
source tests/explore/search.sh "${1:-build/release}"

say() { echo "local shards: $*"; }
fail() { say "FAIL: $*"; exit 1; }

[[ -x "${VRRPSIM}" ]] || fail "${VRRPSIM} is missing"
# (`vrrpsim explore --help` without the subcommand prints the main help, exit 0.)
"${VRRPSIM}" --help 2>/dev/null | grep -Eq '^ +explore( |$)' ||
  fail "${VRRPSIM} has no explore subcommand"

T="$(mktemp -d /tmp/vsim-local-shards.XXXXXX)"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "${p}" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "${p}" 2>/dev/null || true; done
  rm -rf "${T}"
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Runs explore with the given arguments; its status must be 0 or 1 (no
# violation / violations found). Prints the status.
explore() {
  local log="$1" rc=0
  shift
  "${VRRPSIM}" explore "$@" >"${log}" 2>&1 || rc=$?
  if ((rc > 1)); then
    say "vrrpsim explore $* exited ${rc}:" >&2
    head -n 40 "${log}" >&2
    return 2
  fi
  echo "${rc}"
}

# Every --out directory has the summary and the findings file.
check_out() {
  [[ -s "$1/summary.json" ]] || fail "$1 has no summary.json: $(ls "$1" 2>&1 | head)"
  [[ -f "$1/findings.jsonl" ]] || fail "$1 has no findings.jsonl: $(ls "$1" 2>&1 | head)"
}

same() {
  diff -r "$1" "$2" >"${T}/diff.txt" 2>&1 || {
    say "FAIL: $3: ${1#"${T}"/} and ${2#"${T}"/} differ:"
    head -n 40 "${T}/diff.txt"
    exit 1
  }
}

t0="$(now)"
for ((k = 1; k <= SHARDS; k++)); do
  "${VRRPSIM}" explore "${SCENARIO}" --runs "${RUNS}" --seed "${SEED}" "${DURATION[@]}" --shard "${k}/${SHARDS}" \
    --out "${T}/shard-${k}.json" >"${T}/shard-${k}.log" 2>&1 &
  PIDS+=("$!")
done
shard_rcs=""
for ((k = 1; k <= SHARDS; k++)); do
  rc=0
  wait "${PIDS[k - 1]}" || rc=$?
  ((rc <= 1)) || { head -n 40 "${T}/shard-${k}.log"; fail "shard ${k}/${SHARDS} exited ${rc}"; }
  [[ -s "${T}/shard-${k}.json" ]] || fail "shard ${k}/${SHARDS} wrote no ${T}/shard-${k}.json"
  shard_rcs+=" ${rc}"
done
PIDS=()
t_shards="$(now)"

shards=()
for ((k = 1; k <= SHARDS; k++)); do shards+=("${T}/shard-${k}.json"); done
reversed=()
for ((k = SHARDS; k >= 1; k--)); do reversed+=("${T}/shard-${k}.json"); done

merge_rc="$(explore "${T}/merge.log" --merge "${shards[@]}" --out "${T}/merged")" || exit 1
rev_rc="$(explore "${T}/merge-rev.log" --merge "${reversed[@]}" --out "${T}/merged-reversed")" || exit 1
t1="$(now)"
j1_rc="$(explore "${T}/j1.log" "${SCENARIO}" --runs "${RUNS}" --seed "${SEED}" "${DURATION[@]}" -j 1 --out "${T}/unsharded-j1")" ||
  exit 1
t_j1="$(now)"
j2_rc="$(explore "${T}/j2.log" "${SCENARIO}" --runs "${RUNS}" --seed "${SEED}" "${DURATION[@]}" -j 2 --out "${T}/unsharded-j2")" ||
  exit 1
t_j2="$(now)"

for d in merged merged-reversed unsharded-j1 unsharded-j2; do check_out "${T}/${d}"; done
[[ "${merge_rc}" == "${j1_rc}" && "${rev_rc}" == "${j1_rc}" && "${j2_rc}" == "${j1_rc}" ]] ||
  fail "exit statuses differ: merge ${merge_rc}, merge reversed ${rev_rc}, -j 1 ${j1_rc}, -j 2 ${j2_rc}"
same "${T}/unsharded-j1" "${T}/merged" "merge of ${SHARDS} shards != unsharded run"
same "${T}/unsharded-j1" "${T}/merged-reversed" "merge of the shards in reverse order != unsharded run"
same "${T}/unsharded-j1" "${T}/unsharded-j2" "-j 1 != -j 2"

say "pass: ${SCENARIO}, ${RUNS} runs, seed ${SEED}: ${SHARDS} parallel shards" \
  "(exit statuses${shard_rcs}) in $(secs "${t0}" "${t_shards}") s, merged (either order) ==" \
  "unsharded -j 1 ($(secs "${t1}" "${t_j1}") s) == -j 2 ($(secs "${t_j1}" "${t_j2}") s);" \
  "$(find "${T}/merged" -type f | wc -l) files, exit status ${j1_rc}"

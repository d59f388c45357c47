#!/usr/bin/env bash
# The main job: install what is missing, build, run every shipped scenario and
# show the result, then compare the seed's failover policies side by side.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "== building (release)"
bash scripts/build.sh release >/dev/null

bin=build/release/sim/vrrpsim
shopt -s globstar nullglob
scenarios=(scenarios/**/*.yaml)

status=0
out=$(mktemp)
errors=$(mktemp)
trap 'rm -f "$out" "$errors"' EXIT
echo "== vrrpsim run: ${#scenarios[@]} shipped scenarios, every matrix variant (full timelines: vrrpsim run FILE)"
run_status=0
"$bin" run -q "${scenarios[@]}" >"$out" 2>"$errors" || run_status=$?
# The verdict of each run, and each failed expectation with its evidence.
awk '/^scenario |^result: /{print; next} /^  FAIL /{print; if ((getline line) > 0) print line}' "$out"
if [ "$run_status" -ne 0 ]; then
  status=$run_status
  # Bad input (exit 2) says why on stderr; configuration warnings are not repeated here.
  if [ "$run_status" -eq 2 ]; then cat "$errors" >&2; fi
fi
if [ -f scenarios/seed/modes.yaml ]; then
  echo
  echo "== vrrpsim compare: the seed's three modes under the same faults"
  "$bin" compare scenarios/seed/modes.yaml 2>/dev/null || status=$?
fi
if [ -f scenarios/explore/master-backup.yaml ]; then
  echo
  echo "== vrrpsim explore: random fault schedules for the seed's three modes (docs/explore.md)"
  for f in scenarios/explore/*.yaml; do
    # Exit 1 means violations found: that is the report, not a failure of this job.
    explore_status=0
    "$bin" explore "$f" --runs 2000 -q >"$out" 2>"$errors" || explore_status=$?
    awk '/^scenario /{print} /finding class|no property violated/{print} /^  [0-9]+ +[0-9]+ /{print}' "$out"
    if [ "$explore_status" -eq 2 ]; then
      cat "$errors" >&2
      status=2
    fi
  done
  echo "(minimal scenarios per class: vrrpsim explore FILE --out DIR)"
fi
exit "$status"

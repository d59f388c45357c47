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
echo "== vrrpsim run: ${#scenarios[@]} shipped scenarios (full timelines: vrrpsim run FILE)"
"$bin" run -q "${scenarios[@]}" 2>/dev/null | grep -E '^(scenario |result: |[0-9]+ scenarios: )' || status=$?
if [ -f scenarios/seed/modes.yaml ]; then
  echo
  echo "== vrrpsim compare: the seed's three modes under the same faults"
  "$bin" compare scenarios/seed/modes.yaml 2>/dev/null || status=$?
fi
exit "$status"

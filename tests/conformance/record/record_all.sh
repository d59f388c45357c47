#!/usr/bin/env bash
# Re-records the golden real traces of every shipped scenario that can be
# mapped (tests/conformance/golden/DIR-NAME.json, --runs 3 each), JOBS at a
# time (default 3; each on its own subnet). Scenarios the recorder reports as
# unsupported (exit 3) are listed at the end. As root. Roughly
#   sum(durations) * 3 / JOBS of wall time (about 12 minutes with 3 jobs).
# Usage: tests/conformance/record/record_all.sh [JOBS] [SCENARIO...]
set -euo pipefail
cd "$(dirname "$0")/../../.."
JOBS="${1:-3}"
shift || true
if [[ $# -gt 0 ]]; then SCENARIOS=("$@"); else SCENARIOS=(scenarios/seed/*.yaml scenarios/edges/*.yaml); fi
LOGS="$(mktemp -d /tmp/vsim-conf-all.XXXXXX)"
declare -A PID_OF=()
subnet=100
unsupported=()
failed=()
reap() {  # waits for one finished recording
  local sc
  while :; do
    for sc in "${!PID_OF[@]}"; do
      if ! kill -0 "${PID_OF[$sc]}" 2>/dev/null; then
        local rc=0
        wait "${PID_OF[$sc]}" || rc=$?
        unset "PID_OF[$sc]"
        case "${rc}" in
          0) echo "recorded ${sc}" ;;
          3) unsupported+=("${sc}"); echo "unsupported ${sc}: $(grep unsupported "${LOGS}/$(basename "${sc}").log" | head -3 | tr '\n' ' ')" ;;
          *) failed+=("${sc}"); echo "FAILED ${sc}:"; cat "${LOGS}/$(basename "${sc}").log" ;;
        esac
        return 0
      fi
    done
    sleep 1
  done
}
for sc in "${SCENARIOS[@]}"; do
  while [[ ${#PID_OF[@]} -ge ${JOBS} ]]; do reap; done
  dir="$(basename "$(dirname "${sc}")")"
  out="tests/conformance/golden/${dir}-$(basename "${sc}" .yaml).json"
  bash tests/conformance/record/record.sh --runs 3 --subnet "${subnet}" "${sc}" "${out}" \
    >"${LOGS}/$(basename "${sc}").log" 2>&1 &
  PID_OF[$sc]=$!
  subnet=$((subnet + 1))
  sleep 2
done
while [[ ${#PID_OF[@]} -gt 0 ]]; do reap; done
rm -rf "${LOGS}"
echo "unsupported: ${unsupported[*]:-none}"
[[ ${#failed[@]} -eq 0 ]]

#!/usr/bin/env bash
# Re-records the golden real traces of every shipped scenario that can be
# mapped (tests/conformance/golden/DIR-NAME.json, --runs 3 each), JOBS at a
# time (default 3; each on its own subnet). Scenarios the recorder reports as
# unsupported (exit 3) are listed at the end. As root. Roughly
#   sum(durations) * 3 / JOBS of wall time (about 12 minutes with 3 jobs,
#   as much again for the variants).
# Matrix variants that change the configuration are recorded too, as
# SCENARIO@VARIANT (record.sh --variant) into
# tests/conformance/golden/DIR-NAME@VARIANT.json (characters other than
# letters, digits, '.', '_' and '-' in VARIANT written as '_'; golden_test.cpp
# reads the same names).
# Usage: tests/conformance/record/record_all.sh [JOBS] [SCENARIO[@VARIANT]...]
set -euo pipefail
cd "$(dirname "$0")/../../.."
JOBS="${1:-3}"
shift || true
# The variants whose configuration differs from the base run (the others
# are compared with the base recording: kVariantSameAsBase in golden_test.cpp).
VARIANTS=(
  scenarios/seed/modes.yaml@backup-backup
  scenarios/seed/modes.yaml@nopreempt
  scenarios/edges/preempt-delay.yaml@preempt_delay=0s
  scenarios/edges/weights-cannot-fail-over.yaml@weight.chk=-20
  scenarios/seed/nopreempt-backup-backup.yaml@nopreempt=off
  scenarios/seed/nopreempt-master-backup.yaml@node2-preempts
  scenarios/seed/nopreempt-master-backup.yaml@nopreempt-on-node1
)
if [[ $# -gt 0 ]]; then SCENARIOS=("$@"); else
  SCENARIOS=(scenarios/seed/*.yaml scenarios/edges/*.yaml scenarios/ipv6/*.yaml "${VARIANTS[@]}"); fi
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
  file="${sc%%@*}"
  variant_args=()
  suffix=""
  if [[ "${sc}" == *@* ]]; then
    variant="${sc#*@}"
    variant_args=(--variant "${variant}")
    suffix="@$(printf '%s' "${variant}" | tr -c 'A-Za-z0-9._-' '_')"
  fi
  dir="$(basename "$(dirname "${file}")")"
  out="tests/conformance/golden/${dir}-$(basename "${file}" .yaml)${suffix}.json"
  bash tests/conformance/record/record.sh --runs 3 --subnet "${subnet}" "${variant_args[@]}" \
    "${file}" "${out}" >"${LOGS}/$(basename "${sc}").log" 2>&1 &
  PID_OF[$sc]=$!
  subnet=$((subnet + 1))
  sleep 2
done
while [[ ${#PID_OF[@]} -gt 0 ]]; do reap; done
rm -rf "${LOGS}"
echo "unsupported: ${unsupported[*]:-none}"
[[ ${#failed[@]} -eq 0 ]]

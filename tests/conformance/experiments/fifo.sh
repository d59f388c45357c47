#!/usr/bin/env bash
# Experiment 1 (continued): what keepalived 2.2.7 writes to its notify FIFO
# around reloads and at shutdown (spec §19 Q3 DELETED notifications,
# fifo_write_vrrp_states_on_reload; §19 Q6 STOP lines to an external reader).
#
# Usage (as root):  bash tests/conformance/experiments/fifo.sh [CASE...]
#   CASE in plain states vstates (default: all); RUNS=N repeats (default 2).
#
# `notify_fifo` only: keepalived writes lines into a FIFO that this script
# created and reads with ts.py (reopened after every EOF); no notify script,
# nothing is executed by keepalived.
# h1 (10.250.0.1): VI_A and VI_B, prio 100; h2 (10.250.0.2): both prio 90.
# Steps on h1, T0 = first SIGHUP:
#   T0      SIGHUP, config unchanged
#   T0+4    SIGHUP, VI_B removed from h1's file
#   T0+8    SIGHUP, VI_B added back
#   T0+13   SIGTERM (graceful stop)
#   plain   h1 without extra options
#   states  h1 with `fifo_write_vrrp_states_on_reload` in global_defs
#   vstates as states, but h1 uses `vrrp_notify_fifo` instead of `notify_fifo`
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

setup_topology 2

# fifo_gdefs HOST EXTRA [KEYWORD]: global_defs with KEYWORD (default notify_fifo).
fifo_gdefs() {
  printf 'global_defs {\n    router_id vsim_exp_%s\n    %s %s\n%s}\n' "$1" "${3:-notify_fifo}" "${CASE_DIR}/$1.nfifo" "$2"
}

run_fifo() {
  local va="$1" vb="$2" extra="$3" kw="${4:-notify_fifo}" h
  for h in h1 h2; do
    mkfifo "${CASE_DIR}/$h.nfifo"
    "${PY}" "${EXP_DIR}/ts.py" "${CASE_DIR}/$h.notify.log" "${CASE_DIR}/$h.nready" \
      "${CASE_DIR}/$h.nfifo" reopen &
    PIDS+=("$!")
  done
  write_conf h1 "$(fifo_gdefs h1 "${extra}" "${kw}")$(inst VI_A $va 100)
$(inst VI_B $vb 100)"
  write_conf h2 "$(fifo_gdefs h2 "")$(inst VI_A $va 90)
$(inst VI_B $vb 90)"
  start_capture
  start_ka h1
  start_ka h2
  wait_log h1 'Entering MASTER STATE'
  sleep 6
  wait_adv 10.250.0.1; sleep 0.4
  mark T0; kill -HUP "${KA_PID[h1]}"
  sleep 4
  write_conf h1 "$(fifo_gdefs h1 "${extra}" "${kw}")$(inst VI_A $va 100)"
  mark hup_remove_VI_B; kill -HUP "${KA_PID[h1]}"
  sleep 4
  write_conf h1 "$(fifo_gdefs h1 "${extra}" "${kw}")$(inst VI_A $va 100)
$(inst VI_B $vb 100)"
  mark hup_add_VI_B; kill -HUP "${KA_PID[h1]}"
  sleep 5
  mark term_h1; stop_ka h1
  sleep 1
  finish_case; report -1 16
}

case_plain() { new_case "plain-run${RUN}"; run_fifo $((160 + RUN)) $((170 + RUN)) ""; }
case_vstates() { new_case "vstates-run${RUN}"; run_fifo $((200 + RUN)) $((210 + RUN)) "    fifo_write_vrrp_states_on_reload
" vrrp_notify_fifo; }
case_states() { new_case "states-run${RUN}"; run_fifo $((180 + RUN)) $((190 + RUN)) "    fifo_write_vrrp_states_on_reload
"; }

CASES=("$@")
[[ ${#CASES[@]} -gt 0 ]] || CASES=(plain states vstates)
for RUN in $(seq 1 "${RUNS}"); do
  for c in "${CASES[@]}"; do
    echo "===== case ${c} run ${RUN} ($(date -u +%H:%M:%S))"
    "case_${c}"
  done
done

#!/usr/bin/env bash
# Experiment 4: SIGSTOP/SIGCONT of a MASTER's keepalived (parent + VRRP child)
# for 10 s (keepalived issue #166 shape).
#
# Usage (as root):  bash tests/conformance/experiments/pause.sh [CASE...]
#   CASE in lower equal (default: both); RUNS=N repeats (default 2).
#   PAUSE=S changes the pause length (default 10).
#
# h1 (10.250.0.1, prio 100) is MASTER; h2 (10.250.0.2) is BACKUP with
#   lower  prio 90  (the paused master outranks the new master)
#   equal  prio 100 (equal priority, h2 has the higher address so it wins ties;
#          h2 is started only after h1 is MASTER)
# v2 multicast, advert_int 1, VIP 10.250.<vrid>.100/16.
# Marks: pause (0.4 s after an h1 advert), T0 = resume (SIGCONT).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PAUSE="${PAUSE:-10}"
setup_topology 2

run_pause() {
  local v="$1" p2="$2"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v $p2)"
  start_capture
  start_ka h1
  wait_log h1 'Entering MASTER STATE'
  start_ka h2
  sleep 6.5
  wait_adv 10.250.0.1; sleep 0.4
  mark pause; pause_both h1
  sleep "${PAUSE}"
  obs "h1 VIPs during pause: $(vips h1); h2 VIPs: $(vips h2)"
  mark T0; resume_both h1
  sleep 0.5
  obs "h1 VIPs at T0+0.5: $(vips h1); h2 VIPs: $(vips h2)"
  sleep 7.5
  obs "h1 VIPs at T0+8: $(vips h1); h2 VIPs: $(vips h2)"
  finish_case; report "-$((PAUSE + 2))" 8
}

case_lower() { new_case "lower-run${RUN}"; run_pause $((100 + RUN)) 90; }
case_equal() { new_case "equal-run${RUN}"; run_pause $((110 + RUN)) 100; }

CASES=("$@")
[[ ${#CASES[@]} -gt 0 ]] || CASES=(lower equal)
for RUN in $(seq 1 "${RUNS}"); do
  for c in "${CASES[@]}"; do
    echo "===== case ${c} run ${RUN} ($(date -u +%H:%M:%S))"
    "case_${c}"
  done
done

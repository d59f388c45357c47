#!/usr/bin/env bash
# Experiments 2 and 3: SIGKILL of keepalived 2.2.7 processes (spec §19 Q5, R46).
#
# Usage (as root):  bash tests/conformance/experiments/kill.sh [CASE...]
#   CASE in parent crash child (default: all); RUNS=N repeats (default 2).
#
# h1 (10.250.0.1, prio 100) is MASTER, h2 (10.250.0.2, prio 90) BACKUP;
# v2 multicast, advert_int 1, VIP 10.250.<vrid>.100/16. T0 = the kill,
# 0.4 s after an h1 advert was seen on the wire.
#   parent  SIGKILL of h1's parent process only (the VRRP child is not
#           signalled by us): graceful stop via the parent-death signal?
#   crash   SIGSTOP parent+child, SIGKILL child, SIGKILL parent: nothing can
#           run; does the VIP stay on h1, when does h2 take over?
#   child   SIGKILL of the VRRP child only (parent respawns it; R46 check).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

setup_topology 2

prepare() {
  local v="$1"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 90)"
  start_capture
  start_ka h1
  start_ka h2
  wait_log h1 'Entering MASTER STATE'
  sleep 6
  wait_adv 10.250.0.1; sleep 0.4
}

case_parent() {
  new_case "parent-run${RUN}"
  prepare $((70 + RUN))
  local c; c="$(child_of h1)"
  obs "h1 VIPs before: $(vips h1)"
  mark T0; kill -KILL "${KA_PID[h1]}"
  wait "${KA_PID[h1]}" 2>/dev/null || true
  sleep 2
  obs "h1 VRRP child $c at T0+2: state $(awk '{print $3}' "/proc/$c/stat" 2>/dev/null || echo gone) (Z = exited, not yet reaped by its new parent)"
  obs "h1 VIPs at T0+2: $(vips h1); h2 VIPs: $(vips h2)"
  sleep 3
  finish_case; report -3 6
}

case_crash() {
  new_case "crash-run${RUN}"
  prepare $((80 + RUN))
  obs "h1 VIPs before: $(vips h1)"
  mark T0; crash h1
  sleep 6
  obs "h1 VIPs at T0+6 (both processes dead): $(vips h1); h2 VIPs: $(vips h2)"
  finish_case; report -3 7
}

case_child() {
  new_case "child-run${RUN}"
  prepare $((90 + RUN))
  local c; c="$(child_of h1)"
  mark T0; kill -KILL "$c"
  sleep 0.3
  obs "h1 VIPs at T0+0.3: $(vips h1)"
  sleep 7
  obs "h1 VIPs at T0+7.3: $(vips h1); h2 VIPs: $(vips h2)"
  finish_case; report -3 8
}

CASES=("$@")
[[ ${#CASES[@]} -gt 0 ]] || CASES=(parent crash child)
for RUN in $(seq 1 "${RUNS}"); do
  for c in "${CASES[@]}"; do
    echo "===== case ${c} run ${RUN} ($(date -u +%H:%M:%S))"
    "case_${c}"
  done
done

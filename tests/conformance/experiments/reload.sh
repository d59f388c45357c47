#!/usr/bin/env bash
# Experiment 1: reload (SIGHUP) semantics of keepalived 2.2.7 (spec §19 Q3).
#
# Usage (as root):  bash tests/conformance/experiments/reload.sh [CASE...]
#   CASE in a b c d e f g h (default: all); RUNS=N repeats every case (default 2).
#   KEEP_WORK=1 keeps the raw logs/captures (path printed at exit).
#
# Hosts: h1 = 10.250.0.1, h2 = 10.250.0.2 on one bridge; v2 multicast,
# advert_int 1, VIP 10.250.<vrid>.100/16. T0 = the moment of the SIGHUP
# (the mark is taken immediately before kill(2), ≤ 2 ms early).
#   a  SIGHUP to the MASTER (h1, prio 100), config unchanged; h2 BACKUP prio 90.
#   b  SIGHUP to the BACKUP (h2, prio 90) 0.4 s after a master advert, then
#      h1 crashes 0.1 s later: does h2 time out from the last advert or from
#      the reload?
#   c  SIGHUP to the BACKUP with its priority changed 90 -> 110 in the file.
#   d  SIGHUP to the MASTER with VI_B removed from its file (VI_A stays).
#   e  SIGHUP to the MASTER with a new VI_B added to its file.
#   f  SIGHUP to h1 1.5 s after start, i.e. in BACKUP(init) before its first
#      MASTER transition (h1 100 and h2 90 started together).
#   g  SIGHUP to the MASTER 2 s after it became MASTER, i.e. while its
#      delayed GARP batch (garp_master_delay 5 s) is still pending.
#   h  SIGHUP to the MASTER with its priority lowered 100 -> 80 in the file
#      (h2 BACKUP prio 90): immediate change of role, or only via adverts?
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

setup_topology 2

# stable_pair VRID: h1 (100) and h2 (90) started together; returns when h1 is
# MASTER and its delayed GARP batch (+5 s) is over.
stable_pair() {
  start_capture
  start_ka h1
  start_ka h2
  wait_log h1 'Entering MASTER STATE'
  sleep 6
}

case_a() {
  local v=$((10 + RUN))
  new_case "a-run${RUN}"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 90)"
  stable_pair
  wait_adv 10.250.0.1; sleep 0.3
  obs "h1 VIPs before: $(vips h1)"
  mark T0; kill -HUP "${KA_PID[h1]}"
  sleep 0.3; obs "h1 VIPs at T0+0.3: $(vips h1)"
  sleep 6.7; obs "h1 VIPs at T0+7: $(vips h1)"
  finish_case; report -3 7
}

case_b() {
  local v=$((20 + RUN))
  new_case "b-run${RUN}"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 90)"
  stable_pair
  wait_adv 10.250.0.1; mark last_h1_advert_seen; sleep 0.4
  mark T0; kill -HUP "${KA_PID[h2]}"
  sleep 0.1
  mark crash_h1; crash h1
  sleep 6
  obs "h2 VIPs at T0+6: $(vips h2)"
  finish_case; report -3 7
}

case_c() {
  local v=$((30 + RUN))
  new_case "c-run${RUN}"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 90)"
  stable_pair
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 110)"
  wait_adv 10.250.0.1; sleep 0.4
  mark T0; kill -HUP "${KA_PID[h2]}"
  sleep 7
  obs "h1 VIPs at T0+7: $(vips h1); h2 VIPs: $(vips h2)"
  finish_case; report -3 8
}

case_d() {
  local va=$((40 + RUN)) vb=$((140 + RUN))
  new_case "d-run${RUN}"
  write_conf h1 "$(gdefs h1)$(inst VI_A $va 100)
$(inst VI_B $vb 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $va 90)
$(inst VI_B $vb 90)"
  stable_pair
  write_conf h1 "$(gdefs h1)$(inst VI_A $va 100)"
  obs "h1 VIPs before: $(vips h1)"
  wait_adv 10.250.0.1; sleep 0.4
  mark T0; kill -HUP "${KA_PID[h1]}"
  sleep 0.5; obs "h1 VIPs at T0+0.5: $(vips h1); h2: $(vips h2)"
  sleep 6.5
  obs "h1 VIPs at T0+7: $(vips h1); h2 VIPs: $(vips h2)"
  finish_case; report -3 8
}

case_e() {
  local va=$((50 + RUN)) vb=$((150 + RUN))
  new_case "e-run${RUN}"
  write_conf h1 "$(gdefs h1)$(inst VI_A $va 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $va 90)"
  stable_pair
  write_conf h1 "$(gdefs h1)$(inst VI_A $va 100)
$(inst VI_B $vb 100)"
  wait_adv 10.250.0.1; sleep 0.4
  mark T0; kill -HUP "${KA_PID[h1]}"
  sleep 7
  obs "h1 VIPs at T0+7: $(vips h1)"
  finish_case; report -3 8
}

case_f() {
  local v=$((60 + RUN))
  new_case "f-run${RUN}"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 90)"
  start_capture
  start_ka h1
  start_ka h2
  sleep 1.5
  mark T0; kill -HUP "${KA_PID[h1]}"
  sleep 9
  obs "h1 VIPs at T0+9: $(vips h1); h2 VIPs: $(vips h2)"
  finish_case; report -3 9
}

case_g() {
  local v=$((70 + RUN))
  new_case "g-run${RUN}"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 90)"
  start_capture
  start_ka h1
  start_ka h2
  wait_log h1 'Entering MASTER STATE'
  sleep 2
  mark T0; kill -HUP "${KA_PID[h1]}"
  sleep 7
  finish_case; report -3 7
}

case_h() {
  local v=$((80 + RUN))
  new_case "h-run${RUN}"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 90)"
  stable_pair
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 80)"
  wait_adv 10.250.0.1; sleep 0.4
  mark T0; kill -HUP "${KA_PID[h1]}"
  sleep 7
  obs "h1 VIPs at T0+7: $(vips h1); h2 VIPs: $(vips h2)"
  finish_case; report -3 8
}

CASES=("$@")
[[ ${#CASES[@]} -gt 0 ]] || CASES=(a b c d e f g h)
for RUN in $(seq 1 "${RUNS}"); do
  for c in "${CASES[@]}"; do
    echo "===== case ${c} run ${RUN} ($(date -u +%H:%M:%S))"
    "case_${c}"
  done
done

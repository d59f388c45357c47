#!/usr/bin/env bash
# Experiment 5: simultaneous start of two equal-priority nodes (spec R19).
#
# Usage (as root):  bash tests/conformance/experiments/simstart.sh [CASE...]
#   CASE in h1first h2first split (default: all); RUNS=N repeats (default 3).
#
# h1 (10.250.0.1) and h2 (10.250.0.2), both priority 100, state BACKUP,
# v2 multicast, advert_int 1, VIP 10.250.<vrid>.100/16. Both log
# timestampers are started first; the two keepalived processes are then
# launched back to back (≈ 1-3 ms apart) in the given order. T0 = the
# first launch.
# split: the two bridge ports are isolated (`bridge link set ... isolated on`,
# carrier stays up) while both start, so both become MASTER; T0 = the moment
# isolation is removed (5 s after start): time until one MASTER remains.
set -euo pipefail
RUNS="${RUNS:-3}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

setup_topology 2

run_sim() {
  local v="$1" first="$2" second="$3"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 100)"
  start_capture
  prep_ka h1
  prep_ka h2
  mark T0
  launch_ka "$first"
  launch_ka "$second"
  sleep 10
  obs "h1 VIPs at T0+10: $(vips h1); h2 VIPs: $(vips h2)"
  finish_case; report -1 10
}

case_split() {
  local v=$((140 + RUN))
  new_case "split-run${RUN}"
  write_conf h1 "$(gdefs h1)$(inst VI_A $v 100)"
  write_conf h2 "$(gdefs h2)$(inst VI_A $v 100)"
  ip netns exec "${PREFIX}br" bridge link set dev p-h1 isolated on
  ip netns exec "${PREFIX}br" bridge link set dev p-h2 isolated on
  start_capture
  start_ka h1
  start_ka h2
  wait_log h1 'Entering MASTER STATE'
  wait_log h2 'Entering MASTER STATE'
  sleep 1.3
  obs "both isolated: h1 VIPs $(vips h1); h2 VIPs $(vips h2)"
  mark T0
  ip netns exec "${PREFIX}br" bridge link set dev p-h1 isolated off
  ip netns exec "${PREFIX}br" bridge link set dev p-h2 isolated off
  sleep 8
  obs "h1 VIPs at T0+8: $(vips h1); h2 VIPs: $(vips h2)"
  finish_case; report -6 8
}

case_h1first() { new_case "h1first-run${RUN}"; run_sim $((120 + RUN)) h1 h2; }
case_h2first() { new_case "h2first-run${RUN}"; run_sim $((130 + RUN)) h2 h1; }

CASES=("$@")
[[ ${#CASES[@]} -gt 0 ]] || CASES=(h1first h2first split)
for RUN in $(seq 1 "${RUNS}"); do
  for c in "${CASES[@]}"; do
    echo "===== case ${c} run ${RUN} ($(date -u +%H:%M:%S))"
    "case_${c}"
  done
done

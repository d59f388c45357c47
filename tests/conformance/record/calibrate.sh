#!/usr/bin/env bash
# Measures the timing profile of real keepalived on this machine (issue 21,
# docs/scenario-format.md "Timing"): how late keepalived reaches its first
# state and arms its first timer after exec, how late its vrrp_script runs
# start after their schedule, and how late a MASTER acts on its advert timer
# (the per-advert delay that accumulates, R9). Writes a profile file that a
# scenario uses with `timing: {profile: FILE}`.
#
# Usage (as root):
#   tests/conformance/record/calibrate.sh [--samples N] [--subnet N] [--load idle|cpu|both]
#                                         OUT.json
#   (environment: CALIBRATE_RAW=PREFIX also writes each condition's raw
#   samples to PREFIX.idle.json / PREFIX.cpu.json; CALIBRATE_KEEP=1 keeps
#   the work directory)
#
#   --samples N  samples per distribution and load condition (default 300)
#   --subnet N   1..254: addresses 10.250.N.0/24, namespaces vsim-cal-N-* (default 200)
#   --load       idle: as the machine is; cpu: with one busy-looping process
#                per CPU (started and stopped by PID); both (default): pooled,
#                and each condition's figures in `recorded`.
#
# Network rule: only namespaces named vsim-cal-N-* (deleted by the EXIT trap,
# also on failure), only 10.250.N.0/24 inside them, nothing routed to the
# host; every process is stopped by PID.
set -euo pipefail

readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SAMPLES=300
SUBNET=200
LOAD=both
while [[ $# -gt 0 ]]; do
  case "$1" in
    --samples) SAMPLES="$2"; shift 2 ;;
    --subnet) SUBNET="$2"; shift 2 ;;
    --load) LOAD="$2"; shift 2 ;;
    -h|--help) sed -n 2,25p "$0"; exit 0 ;;
    -*) echo "calibrate.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[[ $# -eq 1 ]] || { echo "usage: calibrate.sh [--samples N] [--subnet N] [--load idle|cpu|both] OUT.json" >&2; exit 2; }
OUT="$1"
[[ "${SUBNET}" =~ ^[0-9]+$ ]] && ((SUBNET >= 1 && SUBNET <= 254)) || { echo "calibrate.sh: --subnet must be 1..254" >&2; exit 2; }
[[ "${SAMPLES}" =~ ^[0-9]+$ ]] && ((SAMPLES >= 10 && SAMPLES <= 100000)) || { echo "calibrate.sh: --samples must be 10..100000" >&2; exit 2; }
case "${LOAD}" in idle|cpu|both) ;; *) echo "calibrate.sh: --load must be idle, cpu or both" >&2; exit 2 ;; esac

PREFIX="vsim-cal-${SUBNET}-"
NETNS_TAG=calibrate.sh
NETNS_FAIL=2
NETNS_HINT="a calibration still running with --subnet ${SUBNET}, or a stale one"
# shellcheck source=../netns_lib.sh
source "${SCRIPT_DIR}/../netns_lib.sh"
netns_require_root ip python3 "${KEEPALIVED:-/usr/sbin/keepalived}"

WORK="$(mktemp -d /tmp/vsim-calibrate.XXXXXX)"
cleanup() {
  # The measuring script stops what it started by PID; this catches what a
  # signal left behind: its CPU hogs (pid file) and anything in our namespaces.
  if [[ -f "${WORK}/hogs.pid" ]]; then
    while read -r p; do kill "${p}" 2>/dev/null || true; done <"${WORK}/hogs.pid"
  fi
  netns_delete_all
  [[ -n "${CALIBRATE_KEEP:-}" ]] && echo "calibrate.sh: kept ${WORK}" >&2 || rm -rf "${WORK}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

netns_bridge
netns_host h1 "10.250.${SUBNET}.1"
netns_host h2 "10.250.${SUBNET}.2"

renice -n -10 -p $$ >/dev/null 2>&1 || true  # as record.sh: keepalived's timers are the measurement
python3 "${SCRIPT_DIR}/calibrate.py" --work "${WORK}" --prefix "${PREFIX}" --subnet "${SUBNET}" \
  --samples "${SAMPLES}" --load "${LOAD}" --keepalived "${KEEPALIVED:-/usr/sbin/keepalived}" \
  --out "${WORK}/profile.json"
# Written atomically (rename), never over an input.
tmp="$(dirname "${OUT}")/.$(basename "${OUT}").tmp.$$"
cp "${WORK}/profile.json" "${tmp}" && mv -f "${tmp}" "${OUT}"
echo "calibrate.sh: wrote ${OUT}"

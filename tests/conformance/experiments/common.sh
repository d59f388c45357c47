# Shared helpers for the keepalived 2.2.7 experiments (sourced, not run).
#
# Topology (same pattern as tests/conformance/capture/capture_adverts.sh):
#   vsim-exp-br   bridge namespace, br0 (no STP, no multicast snooping)
#   vsim-exp-hN   one namespace per host, eth0 = 10.250.0.N/16, veth into br0
# EXP_NET=N (1..255) moves everything onto its own names and subnet, so that
# two experiments can run at once: namespaces vsim-expN-*, hosts
# 10.250.N.1..9, MACs 02:00:0a:fa:NN:0I (default: vsim-exp-*, 10.250.0.I).
# Only namespaces named vsim-exp* and addresses in 10.250.0.0/16 are used;
# nothing is connected to, or routed from, the host's own namespace.
#
# Every keepalived runs as `keepalived -n -l -D -P -G` with private pid files.
# Its console output goes through ts.py, which prefixes every line with the
# wall-clock time it was read (keepalived's own console stamp has 1 s
# resolution). No vrrp_script and no notify: nothing executes scripts.
#
# All processes are started by this file and stopped by PID; the EXIT trap
# kills whatever is left (by PID) and deletes the namespaces.

readonly EXP_NET="${EXP_NET:-0}"
if [[ "${EXP_NET}" == 0 ]]; then readonly PREFIX="vsim-exp-"; else readonly PREFIX="vsim-exp${EXP_NET}-"; fi
EXP_MACNET="$(printf '%02x' "${EXP_NET}")"
readonly EXP_MACNET
readonly KEEPALIVED="${KEEPALIVED:-/usr/sbin/keepalived}"
readonly EXP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi
readonly PY
RUNS="${RUNS:-2}"

NETNS_TAG="$(basename "$0")"
NETNS_FAIL=1
# shellcheck source=../netns_lib.sh
source "${EXP_DIR}/../netns_lib.sh"
netns_require_root ip tcpdump "${PY}" "${KEEPALIVED}"

WORK="$(mktemp -d /tmp/vsim-exp.XXXXXX)"
PIDS=()          # every background process we started (keepalived parents, tcpdump, ts.py, ip monitor)

# ours PID: true if PID is still a child of this script (all our background
# processes are direct children), so a recycled PID is never signalled.
ours() { [[ "$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')" == "$$" ]]; }

cleanup() {
  local rc=$?
  set +e
  for pid in "${PIDS[@]}"; do
    ours "${pid}" && kill -CONT "${pid}" 2>/dev/null
    ours "${pid}" && kill -TERM "${pid}" 2>/dev/null
  done
  sleep 1.5
  for pid in "${PIDS[@]}"; do
    ours "${pid}" && kill -KILL "${pid}" 2>/dev/null
  done
  netns_delete_all
  if [[ -n "${KEEP_WORK:-}" ]]; then
    echo "work dir kept: ${WORK}" >&2
  else
    rm -rf "${WORK}"
  fi
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# setup_topology N: bridge + hosts h1..hN (10.250.EXP_NET.1..N), N <= 9.
setup_topology() {
  local n="$1" i
  netns_bridge
  for i in $(seq 1 "${n}"); do
    netns_host "h${i}" "10.250.${EXP_NET}.${i}" "02:00:0a:fa:${EXP_MACNET}:0${i}"
  done
  sleep 1   # let the veths settle (IPv6 DAD etc.) before anything runs
}

now() { date +%s.%N; }

# mark NAME: record the wall-clock time of an operation in the case's marks file.
mark() { printf '%s %s\n' "$(now)" "$1" >>"${CASE_DIR}/marks"; }

# new_case NAME: fresh directory for one run of one case.
new_case() {
  CASE_NAME="$1"
  CASE_DIR="${WORK}/${CASE_NAME}"
  mkdir -p "${CASE_DIR}"
  : >"${CASE_DIR}/marks"
  declare -gA KA_PID=() KA_CHILD=()
  # Remove VIPs a crashed daemon of an earlier case left behind.
  local ns a
  for ns in "${NAMESPACES[@]}"; do
    [[ "${ns}" == "${PREFIX}br" ]] && continue
    for a in $(ip -n "${ns}" -4 -o addr show dev eth0 | awk '{print $4}' | grep -v "^10\.250\.${EXP_NET}\.[1-9]/16\$" || true); do
      ip -n "${ns}" addr del "$a" dev eth0
    done
  done
}

# start_capture: tcpdump on br0 (text, line-buffered) + `ip monitor address`
# in every host namespace.
start_capture() {
  ip netns exec "${PREFIX}br" tcpdump -i br0 -l -n -e -tt 'ip proto 112 or arp' \
    >"${CASE_DIR}/wire.txt" 2>"${CASE_DIR}/tcpdump.err" &
  CAP_PID=$!
  PIDS+=("${CAP_PID}")
  local i
  MON_PIDS=()
  for ns in "${NAMESPACES[@]}"; do
    [[ "${ns}" == "${PREFIX}br" ]] && continue
    ip -n "${ns}" -ts monitor address dev eth0 >"${CASE_DIR}/addr-${ns#${PREFIX}}.txt" 2>&1 &
    MON_PIDS+=("$!")
    PIDS+=("$!")
  done
  for i in $(seq 50); do
    grep -q "listening on" "${CASE_DIR}/tcpdump.err" 2>/dev/null && break
    sleep 0.1
  done
  grep -q "listening on" "${CASE_DIR}/tcpdump.err" || { cat "${CASE_DIR}/tcpdump.err" >&2; exit 1; }
}

stop_capture() {
  sleep 0.3
  kill -INT "${CAP_PID}" 2>/dev/null || true
  wait "${CAP_PID}" 2>/dev/null || true
  local p
  for p in "${MON_PIDS[@]}"; do kill -TERM "${p}" 2>/dev/null || true; wait "${p}" 2>/dev/null || true; done
}

# write_conf HOST TEXT: the config file keepalived will read for HOST in this case.
write_conf() { printf '%s\n' "$2" >"${CASE_DIR}/$1.conf"; }

# start_ka HOST: start keepalived in vsim-exp-HOST with ${CASE_DIR}/HOST.conf.
# Sets KA_PID[HOST] (parent) and, once it has forked, KA_CHILD[HOST].
start_ka() { prep_ka "$1"; launch_ka "$1"; }
# prep_ka HOST: start the log timestamper for HOST and wait until it runs,
# so no line sits in the pipe.
prep_ka() {
  local h="$1" fifo="${CASE_DIR}/$1.fifo" i
  mkfifo "${fifo}"
  "${PY}" "${EXP_DIR}/ts.py" "${CASE_DIR}/$h.log" "${CASE_DIR}/$h.ready" "${fifo}" &
  PIDS+=("$!")
  for i in $(seq 100); do [[ -e "${CASE_DIR}/$h.ready" ]] && break; sleep 0.01; done
}
# launch_ka HOST: start keepalived (after prep_ka).
launch_ka() {
  local h="$1"
  mark "start_${h}"
  ip netns exec "${PREFIX}${h}" "${KEEPALIVED}" -n -l -D -P -G \
    -f "${CASE_DIR}/$h.conf" -p "${CASE_DIR}/$h.pid" -r "${CASE_DIR}/$h.vrrp.pid" >"${CASE_DIR}/$h.fifo" 2>&1 &
  KA_PID[$h]=$!
  PIDS+=("$!")
}

# child_of HOST: PID of the current VRRP child (from its pid file).
child_of() {
  local h="$1" i c
  for i in $(seq 100); do
    c="$(cat "${CASE_DIR}/$h.vrrp.pid" 2>/dev/null || true)"
    if [[ -n "$c" ]] && kill -0 "$c" 2>/dev/null; then echo "$c"; return 0; fi
    sleep 0.02
  done
  echo "no VRRP child for $h" >&2
  return 1
}

# stop_ka HOST: graceful stop of a keepalived we started (SIGTERM to parent, wait).
stop_ka() {
  local h="$1" p="${KA_PID[$1]}" i
  ours "$p" || return 0
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  wait "$p" 2>/dev/null || true
}

# wait_adv SRC [N]: return after the N-th (default 1) VRRP advert from SRC
# seen on the wire after this call.
wait_adv() {
  "${PY}" "${EXP_DIR}/expctl.py" wait "${CASE_DIR}/wire.txt" "$1" "${2:-1}"
}

# wait_log HOST REGEX [TIMEOUT]: wait until HOST's log has a line matching REGEX.
wait_log() {
  "${PY}" "${EXP_DIR}/expctl.py" waitlog "${CASE_DIR}/$1.log" "$2" "${3:-15}"
}

# vips HOST: the addresses on HOST's eth0 other than its own (the VIPs).
vips() {
  ip -n "${PREFIX}$1" -4 -o addr show dev eth0 | awk '{print $4}' | grep -v "^10\.250\.${EXP_NET}\.[1-9]/16\$" | tr '\n' ' '
}

# report [FROM TO]: print the merged timeline of the case relative to mark T0.
report() {
  "${PY}" "${EXP_DIR}/expctl.py" report "${CASE_DIR}" --from "${1:--4}" --to "${2:-8}"
}

# finish_case: stop every keepalived of the case, then the capture, then report.
finish_case() {
  local h c i
  for h in "${!KA_PID[@]}"; do
    stop_ka "$h"
    # A VRRP child that outlived its parent (parent-only kill) is stopped too.
    c="$(cat "${CASE_DIR}/$h.vrrp.pid" 2>/dev/null || true)"
    if [[ -n "$c" ]] && kill -0 "$c" 2>/dev/null && [[ "$(ip netns identify "$c" 2>/dev/null)" == "${PREFIX}$h" ]]; then
      kill -CONT "$c" 2>/dev/null || true
      kill -TERM "$c" 2>/dev/null || true
      for i in $(seq 30); do kill -0 "$c" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$c" 2>/dev/null || true
    fi
  done
  stop_capture
}

# crash HOST: SIGKILL of the parent and the VRRP child with no chance to run
# anything: both are stopped first (so the parent cannot respawn the child and
# the child's parent-death SIGTERM is never acted upon), then killed.
crash() {
  local h="$1" p="${KA_PID[$1]}" c
  c="$(child_of "$h")"
  kill -STOP "$p" "$c"
  kill -KILL "$c"
  kill -KILL "$p"
  wait "$p" 2>/dev/null || true
}

# pause_both HOST / resume_both HOST: SIGSTOP / SIGCONT parent and child.
pause_both() { local c; c="$(child_of "$1")"; KA_CHILD[$1]="$c"; kill -STOP "${KA_PID[$1]}" "$c"; }
resume_both() { kill -CONT "${KA_PID[$1]}" "${KA_CHILD[$1]}"; }

# Config text helpers.
gdefs() { printf 'global_defs {\n    router_id vsim_exp_%s\n}\n' "$1"; }
# inst NAME VRID PRIO [STATE]: one v2 multicast instance, advert_int 1,
# VIP 10.250.VRID.100/16. Starts with an empty line so that "$(gdefs h)$(inst ..)"
# puts the block on its own line (command substitution strips trailing newlines).
inst() {
  cat <<EOF

vrrp_instance $1 {
    state ${4:-BACKUP}
    interface eth0
    version 2
    virtual_router_id $2
    priority $3
    advert_int 1
    virtual_ipaddress {
        10.250.$2.100/16
    }
}
EOF
}

obs() { echo "OBS ${CASE_NAME}: $*"; }

# A CPU hog per core (the experiments' "under load" cases); their PIDs are
# also in PIDS, so the EXIT trap stops them.
HOGS=()
start_hogs() {
  local i
  for i in $(seq "$(nproc)"); do
    (while :; do :; done) &
    HOGS+=("$!")
    PIDS+=("$!")
  done
}
stop_hogs() {
  local p
  for p in "${HOGS[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  HOGS=()
}

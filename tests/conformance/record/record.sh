#!/usr/bin/env bash
# Plays a vrrpsim scenario against real keepalived 2.2.7 in network namespaces
# and writes what happened as a vrrpsim trace file (docs/trace-format.md).
#
# Usage (as root):
#   tests/conformance/record/record.sh [--runs K] [--subnet N] [--variant NAME] [--keep]
#                                      SCENARIO OUT.json
#
#   --runs K    record K times (default 1); OUT.json then holds K runs, whose
#               spread is the real jitter (docs/conformance.md).
#   --subnet N  1..254: addresses 10.250.N.0/24 (IPv6: fd00:250:N::/64, N's
#               digits read as hex) and namespaces vsim-conf-N-*;
#               recordings running in parallel need different N (default 1).
#   --variant NAME  record the scenario's matrix variant NAME: its config
#               overrides are written into the node configs (vrrpsim-record
#               plan checks the result parses to the variant's configuration).
#   --keep      keep the work directory (configs, plan, keepalived logs).
# Exit status: 0 recorded, 2 error, 3 the scenario cannot be mapped (the
# "unsupported: ..." lines say why; nothing is faked).
#
# Per run: vrrpsim-record plan writes the node configs and plan.txt; this
# script builds the topology - a bridge namespace vsim-conf-N-br (one bridge
# per segment, no STP, no multicast snooping), one namespace per node
# vsim-conf-N-hI with its interfaces as veth pairs into the bridges - starts
# `ip -ts monitor address` per node, then executes the timeline at its
# scenario times (keepalived -n -l -D -P -G per node, PIDs recorded), writes
# every operation's wall-clock time to `marks`, and at the end stops every
# process it started (by PID) and deletes its namespaces (also on failure,
# EXIT trap). vrrpsim-record trace turns marks, notify logs and address logs
# into the trace.
#
# Operations: start = launch keepalived; stop = SIGTERM; crash = SIGSTOP then
# SIGKILL of the parent and the VRRP child (no respawn, nothing sent); restart
# = SIGTERM, wait for the exit, start; power-off = crash + flush addresses +
# links down; power-on = links up + addresses + start; pause = SIGSTOP of
# parent and child, SIGCONT after `for`; reload = new config + SIGHUP; check =
# create/remove the flag file the rewritten vrrp_script tests; track-file =
# write the value; link-down/up = `ip link set` in the node's namespace.
# partition/heal/block/unblock/link-params: this kernel has no netem, no tc
# classifiers or actions and no bridge VLAN filtering, so reachability is
# built from bridges alone: a partition moves each group's bridge ports onto a
# bridge of its own; a node that may hear nobody (a one-way block of its only
# peer, loss 1 towards it) gets flooding off on its port (learning is off on
# every port, so all delivery is flooding). What bridges cannot express -
# latency, jitter, partial loss, hearing some peers but not others - is
# reported as unsupported by vrrpsim-record plan.
#
# IPv6 (a scenario with an IPv6 instance or address; the plan says `ipv6`):
# the node namespaces get IPv6 without DAD, autoconfiguration or router
# solicitations; each interface gets the scenario's link-local address
# (default fe80::<host number>) and its global addresses mapped into
# fd00:250:N::/64, all `nodad`. IPv4-only scenarios keep IPv6 disabled.
#
# Network rule: only namespaces named vsim-conf-N-*, only 10.250.N.0/24 and
# fd00:250:N::/64 (and link-local addresses on their own links) inside
# them, nothing connected to or routed from the host's namespace.
set -euo pipefail

readonly KEEPALIVED="${KEEPALIVED:-/usr/sbin/keepalived}"
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SRC_DIR="$(cd "${SCRIPT_DIR}/../../.." && pwd)"
RECORD="${VRRPSIM_RECORD:-${SRC_DIR}/build/release/tests/conformance/vrrpsim-record}"

RUNS=1
SUBNET=1
KEEP=""
VARIANT_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --subnet) SUBNET="$2"; shift 2 ;;
    --variant) [[ -n "${2:-}" ]] || { echo "record.sh: --variant needs a name" >&2; exit 2; }
      VARIANT_ARGS=(--variant "$2"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "record.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [[ $# -ne 2 ]]; then
  echo "usage: record.sh [--runs K] [--subnet N] [--variant NAME] [--keep] SCENARIO OUT.json" >&2
  exit 2
fi
SCENARIO="$1"
OUT="$2"
[[ "${SUBNET}" =~ ^[0-9]+$ ]] && ((SUBNET >= 1 && SUBNET <= 254)) || {
  echo "record.sh: --subnet must be 1..254" >&2; exit 2; }
[[ "${RUNS}" =~ ^[0-9]+$ ]] && ((RUNS >= 1)) || { echo "record.sh: bad --runs" >&2; exit 2; }
readonly PREFIX="vsim-conf-${SUBNET}-"
# Higher CPU priority for this process tree (keepalived, readers, monitors):
# the machine may be busy, and scheduling latency shifts every real timer.
renice -n -10 -p $$ >/dev/null 2>&1 || true

NETNS_TAG=record.sh
NETNS_FAIL=2
NETNS_HINT="stale run, or --subnet in use"
# shellcheck source=../netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../netns_lib.sh"
netns_require_root ip bridge "${KEEPALIVED}" "${RECORD}"

WORK="$(mktemp -d /tmp/vsim-conf.XXXXXX)"
PIDS=()       # every background process started (keepalived parents, monitors)

# ours PID: the process is one this script started - its child, or a
# keepalived reading a config from our work directory (a PID in a stale pid
# file may have been reused by someone else's process: never signal those).
ours() {
  [[ -n "$1" && -e "/proc/$1" ]] || return 1
  local ppid
  ppid="$(awk '/^PPid:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)"
  [[ "${ppid}" == "$$" ]] && return 0
  { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null | grep -qF "${WORK}/"
}

stop_all() {
  local pid ns c
  for c in "${WORK}"/run*/*.vrrp.pid; do
    [[ -e "$c" ]] || continue
    c="$(cat "$c" 2>/dev/null || true)"
    [[ -n "$c" ]] && PIDS+=("$c")
  done
  local mine=()
  for pid in "${PIDS[@]}"; do ours "${pid}" && mine+=("${pid}"); done
  for pid in "${mine[@]}"; do
    kill -CONT "${pid}" 2>/dev/null
    kill -TERM "${pid}" 2>/dev/null
  done
  for _ in $(seq 30); do
    local alive=0
    for pid in "${mine[@]}"; do ours "${pid}" && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${mine[@]}"; do
    ours "${pid}" && kill -KILL "${pid}" 2>/dev/null
  done
  PIDS=()
  netns_delete_all
}

cleanup() {
  local rc=$?
  set +e
  stop_all
  wait 2>/dev/null
  if [[ -n "${KEEP}" ]]; then
    echo "record.sh: work dir kept: ${WORK}" >&2
  else
    rm -rf "${WORK}"
  fi
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# IPv6 is disabled in the namespaces unless the scenario uses it (the plan's
# `ipv6` line; IPV6 is set per run): the bridge namespace never needs it
# (bridging is layer 2 and multicast snooping is off).
IPV6=""
add_ns() {
  if [[ -n "${IPV6}" && "$1" != br ]]; then netns_add "$1" --ipv6; else netns_add "$1" --no-ipv6; fi
}

# add_addr6 H IFACE ADDR/LEN: an IPv6 address, usable at once (nodad); an
# address that is already there (re-added after a link-up) is no error.
add_addr6() {
  local out
  out="$(ip -n "${PREFIX}h$1" addr add "$3" dev "$2" nodad 2>&1)" && return 0
  [[ "${out}" == *"File exists"* ]] && return 0
  echo "record.sh: cannot add $3 to $2 of host $1: ${out}" >&2
  exit 2
}

# readd_addr6 H [IFACE]: the host's IPv6 addresses (of IFACE only if given)
# added again - the kernel removes link-local addresses with the link, and
# power-off flushes them all.
readd_addr6() {
  local x
  for x in ${ADDRS6_OF[$1]:-}; do
    [[ -z "${2:-}" || "${x%%=*}" == "$2" ]] && add_addr6 "$1" "${x%%=*}" "${x#*=}"
  done
  return 0
}

# Reachability (see vrrpsim-record plan): every port of node H sits on the
# bridge "b<segment>g<group>" of its partition group; a port whose node may
# hear nobody has flooding off. Learning is off on every port, so every frame
# is flooded and the flood flags decide alone. Arguments: gH=GROUP, dH.I=0|1.
apply_net() {
  local BR="${PREFIX}br" tok h i port br flag
  declare -A group=()
  for tok in "$@"; do
    case "${tok}" in g*) h="${tok%%=*}"; group[${h#g}]="${tok#*=}" ;; esac
  done
  for tok in "$@"; do
    case "${tok}" in
      d*)
        h="${tok%%.*}"; h="${h#d}"; i="${tok#*.}"; i="${i%%=*}"
        port="p${h}i${i}"
        br="b${SEG_OF[${port}]}g${group[$h]}"
        if ! ip -n "${BR}" link show "${br}" >/dev/null 2>&1; then
          ip -n "${BR}" link add "${br}" type bridge
          ip -n "${BR}" link set "${br}" type bridge mcast_snooping 0 stp_state 0
          ip -n "${BR}" link set "${br}" up
        fi
        if [[ "$(ip -n "${BR}" -o link show "${port}" | grep -o 'master [^ ]*')" != "master ${br}" ]]; then
          ip -n "${BR}" link set "${port}" nomaster
          ip -n "${BR}" link set "${port}" master "${br}"
        fi
        flag=on
        [[ "${tok#*=}" == 1 ]] && flag=off
        bridge -n "${BR}" link set dev "${port}" learning off flood "${flag}" \
          mcast_flood "${flag}" bcast_flood "${flag}"
        ;;
    esac
  done
}

fifo_reader() {
  local line
  while IFS= read -r line; do
    printf '%s %s\n' "${EPOCHREALTIME/./}" "${line}"
  done <>"$1" >>"$2"
}

now_us() { local t="${EPOCHREALTIME}"; echo "${t/./}"; }

# --- one run ------------------------------------------------------------------
run_one() {
  local rundir="$1" rc=0
  mkdir -p "${rundir}"
  "${RECORD}" plan "${SCENARIO}" "${rundir}" --subnet "${SUBNET}" "${VARIANT_ARGS[@]}" || rc=$?
  if ((rc == 3)); then
    echo "record.sh: ${SCENARIO} cannot be mapped onto real keepalived" >&2
    exit 3
  elif ((rc != 0)); then
    exit 2
  fi
  chmod 755 "${rundir}/notify.sh"
  local BR="${PREFIX}br"
  declare -gA HOSTNAME_OF=() PORTS_OF=() MACS_OF=() IFACES_OF=() SEG_OF=() ADDRS6_OF=()
  declare -ga HOSTS=()
  local kind a b c d e f g h i j k l x
  IPV6=""
  grep -qx ipv6 "${rundir}/plan.txt" && IPV6=1
  add_ns br
  while read -r kind a b c d e f g h i j k l; do
    case "${kind}" in
      segment) ;;   # bridges are made by apply_net
      net) apply_net ${a} ${b} ${c} ${d} ${e} ${f} ${g} ${h} ${i} ${j} ${k} ${l} ;;
      host)
        HOSTS+=("${a}")
        HOSTNAME_OF[$a]="${b}"
        add_ns "h${a}"
        ;;
      iface)  # iface H I NAME ADDR/LEN SEG MAC UPLAT UPJIT UPLOSS DOWNLAT DOWNJIT DOWNLOSS
        local ns="${PREFIX}h${a}" port="p${a}i${b}"
        # Retried: concurrent `ip netns add` of parallel recordings can make
        # the fresh namespace briefly unresolvable ("Peer netns reference").
        for x in 1 2 3 4 5 6 7 8 9 10; do
          ip -n "${BR}" link add "${port}" type veth peer name "${c}" netns "${ns}" 2>/dev/null && break
          ((x < 10)) || { echo "record.sh: cannot create ${port}" >&2; exit 2; }
          sleep 0.3
        done
        ip -n "${ns}" link set "${c}" address "${f}"
        # IPv6: only the plan's addresses (no link-local made from the MAC).
        [[ -z "${IPV6}" ]] || ip -n "${ns}" link set "${c}" addrgenmode none
        ip -n "${BR}" link set "${port}" up
        ip -n "${ns}" addr add "${d}" dev "${c}"
        ip -n "${ns}" link set "${c}" up
        SEG_OF[${port}]="${e}"
        PORTS_OF[$a]="${PORTS_OF[$a]:-} ${port}"
        MACS_OF[$a]="${MACS_OF[$a]:-} ${f}"
        IFACES_OF[$a]="${IFACES_OF[$a]:-} ${c}=${d}"
        ;;
      addr6)  # addr6 H NAME ADDR/LEN (after the interface's iface line)
        add_addr6 "${a}" "${b}" "${c}"
        ADDRS6_OF[$a]="${ADDRS6_OF[$a]:-} ${b}=${c}"
        ;;
      flag) : >"${a}" ;;
      trackfile) echo "${b}" >"${a}" ;;
    esac
  done <"${rundir}/plan.txt"
  local duration
  duration="$(awk '$1 == "duration" {print $2}' "${rundir}/plan.txt")"

  for a in "${HOSTS[@]}"; do
    TZ=UTC ip -n "${PREFIX}h${a}" -ts monitor address >"${rundir}/${HOSTNAME_OF[$a]}.addr" 2>&1 &
    PIDS+=("$!")
    # The notify FIFO reader: opened read-write so that it never sees EOF when
    # a keepalived exits; every line gets the wall-clock time it arrived.
    mkfifo "${rundir}/${HOSTNAME_OF[$a]}.fifo"
    fifo_reader "${rundir}/${HOSTNAME_OF[$a]}.fifo" "${rundir}/${HOSTNAME_OF[$a]}.fifolog" &
    PIDS+=("$!")
  done
  sleep 1   # let the links and monitors settle

  local t0
  t0="$(now_us)"
  echo "T0 ${t0}" >"${rundir}/marks"
  local t idx op rest
  while read -r _ t idx op rest; do
    sleep_until $((t0 + t))
    if [[ "${op}" == linkup ]]; then
      # The input is the moment the kernel reports the carrier (keepalived
      # acts on netlink), which can lag `ip link set up`: mark after it.
      do_op "${rundir}" "${op}" ${rest}
      echo "$(now_us) ${idx}" >>"${rundir}/marks"
    else
      echo "$(now_us) ${idx}" >>"${rundir}/marks"
      do_op "${rundir}" "${op}" ${rest}
    fi
  done < <(grep '^op ' "${rundir}/plan.txt" | sort -s -n -k2,2)
  sleep_until $((t0 + duration + 200000))
  stop_all
}

sleep_until() {
  local now d
  now="$(now_us)"
  d=$(($1 - now))
  # In the background + wait, so that a signal (trap) interrupts it at once.
  if ((d > 0)); then
    sleep "$(printf '%d.%06d' $((d / 1000000)) $((d % 1000000)))" &
    wait $! || true
  fi
}

ka_parent() { cat "$1/${HOSTNAME_OF[$2]}.kapid" 2>/dev/null || true; }
ka_child() { cat "$1/${HOSTNAME_OF[$2]}.vrrp.pid" 2>/dev/null || true; }
running() {
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null && ours "$1" &&
    ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

ka_start() {
  local rundir="$1" hi="$2" name="${HOSTNAME_OF[$2]}" p
  p="$(ka_parent "${rundir}" "${hi}")"
  running "$p" && return 0   # start of a running daemon: nothing (as in vrrpsim)
  # `ip netns exec` execs keepalived (-n: no fork), so $! is its parent PID.
  ip netns exec "${PREFIX}h${hi}" "${KEEPALIVED}" -n -l -D -P -G \
    -f "${rundir}/${name}.conf" -p "${rundir}/${name}.pid" -r "${rundir}/${name}.vrrp.pid" \
    >>"${rundir}/${name}.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"${rundir}/${name}.kapid"
  disown "$!"   # no "Killed" job report when it is crashed on purpose
}

# SIGSTOP first so that the parent cannot respawn the child and the child never
# acts on its parent-death signal; then SIGKILL both.
ka_crash() {
  local p c
  p="$(ka_parent "$1" "$2")"
  c="$(ka_child "$1" "$2")"
  running "$p" || p=""
  running "$c" || c=""
  [[ -n "$p$c" ]] || return 0
  kill -STOP $p $c 2>/dev/null || true
  [[ -n "$c" ]] && kill -KILL "$c" 2>/dev/null
  [[ -n "$p" ]] && kill -KILL "$p" 2>/dev/null
  return 0
}

ka_stop() {
  local p
  p="$(ka_parent "$1" "$2")"
  running "$p" && kill -TERM "$p"
  return 0
}

ka_wait_exit() {
  local p
  p="$(ka_parent "$1" "$2")"
  for _ in $(seq 100); do running "$p" || return 0; sleep 0.02; done
  running "$p" && kill -KILL "$p" 2>/dev/null
  return 0
}


do_op() {
  local rundir="$1" op="$2"
  shift 2
  local ns x p c
  case "${op}" in
    start) ka_start "${rundir}" "$1" ;;
    stop) ka_stop "${rundir}" "$1" ;;
    crash) ka_crash "${rundir}" "$1" ;;
    restart)
      ka_stop "${rundir}" "$1"
      ka_wait_exit "${rundir}" "$1"
      ka_start "${rundir}" "$1"
      ;;
    poweroff)
      ka_crash "${rundir}" "$1"
      ns="${PREFIX}h$1"
      for x in ${IFACES_OF[$1]}; do
        ip -n "${ns}" addr flush dev "${x%%=*}"
        ip -n "${ns}" link set "${x%%=*}" down
      done
      ;;
    poweron)
      ns="${PREFIX}h$1"
      for x in ${IFACES_OF[$1]}; do
        ip -n "${ns}" link set "${x%%=*}" up
        ip -n "${ns}" addr add "${x#*=}" dev "${x%%=*}" 2>/dev/null || true
      done
      readd_addr6 "$1"
      ka_start "${rundir}" "$1"
      ;;
    pause|resume)
      p="$(ka_parent "${rundir}" "$1")"
      c="$(ka_child "${rundir}" "$1")"
      running "$p" || p=""
      running "$c" || c=""
      if [[ -n "$p$c" ]]; then
        if [[ "${op}" == pause ]]; then kill -STOP $p $c; else kill -CONT $p $c; fi
      fi
      ;;
    reload)
      cp "$2" "${rundir}/${HOSTNAME_OF[$1]}.conf"
      p="$(ka_parent "${rundir}" "$1")"
      running "$p" && kill -HUP "$p"
      ;;
    touch) : >"$1" ;;
    rm) rm -f "$1" ;;
    write) echo "$2" >"$1" ;;
    linkdown) ip -n "${PREFIX}h$1" link set "$2" down ;;
    linkup)
      ip -n "${PREFIX}h$1" link set "$2" up
      for x in $(seq 300); do
        ip -n "${PREFIX}h$1" -o link show dev "$2" | grep -q LOWER_UP && break
        sleep 0.01
      done
      readd_addr6 "$1" "$2"
      ;;
    net) apply_net "$@" ;;
    noop) ;;
    *) echo "record.sh: unknown operation ${op}" >&2; exit 2 ;;
  esac
}

# --- main -----------------------------------------------------------------------
dirs=()
for run in $(seq 1 "${RUNS}"); do
  echo "record.sh: ${SCENARIO}: run ${run}/${RUNS} (subnet ${SUBNET})" >&2
  run_one "${WORK}/run${run}"
  dirs+=("${WORK}/run${run}")
done
"${RECORD}" trace "${VARIANT_ARGS[@]}" "${SCENARIO}" "${OUT}" "${dirs[@]}"
echo "record.sh: wrote ${OUT}" >&2

#!/usr/bin/env bash
# Records real keepalived 2.2.7 VRRPv3-over-IPv6 adverts and the unsolicited
# Neighbour Advertisements it sends on becoming MASTER, and stores them under
# tests/data/captures/ipv6/ (see README.md there). The IPv6 sibling of
# capture_adverts.sh.
#
# Usage (as root):  tests/conformance/capture/capture_adverts6.sh [OUTDIR]
#   OUTDIR defaults to tests/data/captures/ipv6 in the source tree.
#
# What it does:
#   * creates network namespaces with the fixed prefix `vsim-cap6-`: one bridge
#     namespace (bridge br0, no multicast snooping), one namespace per case
#     (eth0 with a fixed MAC 02:00:00:fa:00:NN, hence the link-local address
#     fe80::ff:fefa:NN, plus fd00:250::NN/64 and 10.250.0.NN/16), and two silent
#     unicast peers (fd00:250::2, fd00:250::3). Only fd00:250::/48 and
#     10.250.0.0/16 are used; nothing is connected to, or routed from, the host's
#     own namespace.
#   * waits until no address is tentative (duplicate address detection done),
#     then runs one keepalived per case (VRRP process only, console logging,
#     private pid files in a temp dir), each with its own VRID.
#   * captures VRRP (next header 112) and ICMPv6 on br0 with tcpdump, sends
#     SIGTERM to every keepalived (by PID), stops tcpdump (by PID).
#   * converts the pcap into NAME.hex (adverts) and na_NAME.hex (neighbour
#     advertisements) with pcap6_to_hex.py, and keeps the pcap and each case's
#     keepalived log.
#   * always deletes every namespace and temp file it created (EXIT trap).
#
# The configs contain no vrrp_script and no notify entries: nothing is
# executed besides keepalived and tcpdump.
set -euo pipefail

readonly PREFIX="vsim-cap6-"
readonly KEEPALIVED="${KEEPALIVED:-/usr/sbin/keepalived}"
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SRC_DIR="$(cd "${SCRIPT_DIR}/../../.." && pwd)"
readonly OUT_DIR="${1:-${SRC_DIR}/tests/data/captures/ipv6}"
# Long enough for the delayed NA batch (garp_master_delay 5 s) after the
# slowest takeover (3.6 s), and a few periodic adverts after it.
readonly RUN_SECONDS="${RUN_SECONDS:-12}"

NETNS_TAG=capture_adverts6.sh
NETNS_FAIL=1
# shellcheck source=../netns_lib.sh
source "${SCRIPT_DIR}/../netns_lib.sh"
netns_require_root ip tcpdump python3 "${KEEPALIVED}"

WORK="$(mktemp -d /tmp/vsim-cap6.XXXXXX)"
PIDS=()

cleanup() {
  local rc=$?
  set +e
  for pid in "${PIDS[@]}"; do
    if kill -0 "${pid}" 2>/dev/null; then kill -TERM "${pid}" 2>/dev/null; fi
  done
  sleep 0.5
  for pid in "${PIDS[@]}"; do
    if kill -0 "${pid}" 2>/dev/null; then kill -KILL "${pid}" 2>/dev/null; fi
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
trap 'echo "capture_adverts6.sh: command failed at line ${LINENO}" >&2' ERR

# --- topology --------------------------------------------------------------
netns_bridge

# add_host6 SUFFIX NUM: eth0 with MAC 02:00:00:fa:00:NUM (link-local
# fe80::ff:fefa:NUM), fd00:250::NUM/64 and 10.250.0.NUM/16.
add_host6() {
  local suffix="$1" num="$2"
  netns_host "${suffix}" "10.250.0.${num}" "02:00:00:fa:00:${num}"
  ip -n "${PREFIX}${suffix}" -6 addr add "fd00:250::${num}/64" dev eth0
}

add_host6 peer 2
add_host6 peer2 3

CASES=()
declare -A CASE_NUM CASE_CONF
# add_case NAME NUM BODY [GLOBAL]: node NUM running `vrrp_instance VI_NUM
# { BODY }`, with the GLOBAL lines added to global_defs.
add_case() {
  local name="$1" num="$2"
  CASES+=("${name}")
  CASE_NUM["${name}"]="${num}"
  CASE_CONF["${name}"]="global_defs {
    router_id vsim_cap6_${num}${4:+
$4}
}
vrrp_instance VI_${num} {
$3
}"
}

# Multicast from the link-local address to ff02::12, one VIP.
add_case v3_ip6_mcast 41 "    state BACKUP
    interface eth0
    virtual_router_id 41
    priority 100
    advert_int 1
    virtual_ipaddress {
        fd00:250:1::41/64
    }"

# Three VIPs, in config order on the wire; NAs for each.
add_case v3_ip6_3vips 42 "    state BACKUP
    interface eth0
    virtual_router_id 42
    priority 150
    advert_int 1
    virtual_ipaddress {
        fd00:250:1::42/64
        fd00:250:1::142/64
        fd00:250:2::42/64
    }"

# Unicast: source and peer IPv6, checksum pseudo-header with the peer.
add_case v3_ip6_unicast 43 "    state BACKUP
    interface eth0
    virtual_router_id 43
    priority 100
    advert_int 1
    unicast_src_ip fd00:250::43
    unicast_peer {
        fd00:250::2
    }
    virtual_ipaddress {
        fd00:250:1::43/64
    }"

add_case v3_ip6_unicast_2peers 44 "    state BACKUP
    interface eth0
    virtual_router_id 44
    priority 100
    advert_int 1
    unicast_src_ip fd00:250::44
    unicast_peer {
        fd00:250::2
        fd00:250::3
    }
    virtual_ipaddress {
        fd00:250:1::44/64
    }"

# MASTER at once (not the owner), then SIGTERM: priority-0 advert.
add_case v3_ip6_prio0_sigterm 45 "    state MASTER
    interface eth0
    virtual_router_id 45
    priority 254
    advert_int 1
    virtual_ipaddress {
        fd00:250:1::45/64
    }"

add_case v3_ip6_adv050 46 "    state BACKUP
    interface eth0
    virtual_router_id 46
    priority 200
    advert_int 0.5
    virtual_ipaddress {
        fd00:250:1::46/64
        fd00:250:1::146/64
    }"

# Asks for VRRPv2 (before the VIPs give the family) and PASS authentication:
# keepalived's messages, and what it really sends.
add_case v3_ip6_asked_v2_pass 47 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 47
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass abc
    }
    virtual_ipaddress {
        fd00:250:1::47/64
    }"

add_case v3_ip6_asked_ah 48 "    state BACKUP
    interface eth0
    virtual_router_id 48
    priority 100
    advert_int 1
    authentication {
        auth_type AH
        auth_pass s3cr3t
    }
    virtual_ipaddress {
        fd00:250:1::48/64
    }"

# NA counts and timing with non-default garp settings (repeat 2, delay 1 s).
add_case v3_ip6_garp_2x1 49 "    state BACKUP
    interface eth0
    virtual_router_id 49
    priority 100
    advert_int 1
    garp_master_repeat 2
    garp_master_delay 1
    virtual_ipaddress {
        fd00:250:1::49/64
    }"

# native_ipv6 without VIPs: the family comes from the keyword alone. (keepalived
# refuses it: a v3 instance needs a VIP; only its log is kept.)
add_case v3_ip6_native_novip 50 "    state BACKUP
    interface eth0
    native_ipv6
    virtual_router_id 50
    priority 100
    advert_int 1"

# A link-local VIP first (what strict mode would demand), then a global one.
add_case v3_ip6_linklocal_vip 51 "    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        fe80::51/64
        fd00:250:1::51/64
    }"

# `version 2` after the family is known (from the VIPs): refused with a message.
add_case v3_ip6_version2_after_vips 52 "    state BACKUP
    interface eth0
    virtual_router_id 52
    priority 100
    advert_int 1
    virtual_ipaddress {
        fd00:250:1::52/64
    }
    version 2"

# The global vrrp_version 2 does not apply to an IPv6 instance.
add_case v3_ip6_global_v2 53 "    state BACKUP
    interface eth0
    virtual_router_id 53
    priority 100
    advert_int 1
    virtual_ipaddress {
        fd00:250:1::53/64
    }" "    vrrp_version 2"

# An IPv4 instance with an IPv6 excluded address: which announcements does
# the eVIP get? (No IPv6 advert: only na_ and the log are written.)
add_case v2_ip4_with_ip6_evip 54 "    state BACKUP
    interface eth0
    virtual_router_id 54
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.250.1.54/16
    }
    virtual_ipaddress_excluded {
        fd00:250:1::54/64
    }"

for name in "${CASES[@]}"; do
  num="${CASE_NUM[${name}]}"
  add_host6 "h${num}" "${num}"
  mkdir -p "${WORK}/${name}"
  printf '%s\n' "${CASE_CONF[${name}]}" >"${WORK}/${name}/keepalived.conf"
done

# Wait for duplicate address detection on every namespace's addresses:
# keepalived needs a usable link-local source address.
for _ in $(seq 100); do
  tentative=0
  for ns in "${NAMESPACES[@]}"; do
    if [[ -n "$(ip -n "${ns}" -6 addr show tentative)" ]]; then tentative=1; fi
  done
  [[ "${tentative}" == 0 ]] && break
  sleep 0.1
done

# --- capture -----------------------------------------------------------------
PCAP="${WORK}/ipv6.pcap"
ip netns exec "${PREFIX}br" tcpdump -i br0 -n -U -s 256 -w "${PCAP}" 'ip6' \
  2>"${WORK}/tcpdump.log" &
TCPDUMP_PID=$!
PIDS+=("${TCPDUMP_PID}")
for _ in $(seq 50); do
  grep -q "listening on" "${WORK}/tcpdump.log" 2>/dev/null && break
  sleep 0.1
done
grep -q "listening on" "${WORK}/tcpdump.log" || { cat "${WORK}/tcpdump.log" >&2; exit 1; }

CAPTURE_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
declare -A KA_PID
for name in "${CASES[@]}"; do
  num="${CASE_NUM[${name}]}"
  dir="${WORK}/${name}"
  ip netns exec "${PREFIX}h${num}" "${KEEPALIVED}" -n -l -D -P \
    -f "${dir}/keepalived.conf" -p "${dir}/keepalived.pid" -r "${dir}/vrrp.pid" \
    >"${dir}/keepalived.log" 2>&1 &
  KA_PID["${name}"]=$!
  PIDS+=("$!")
done

sleep "${RUN_SECONDS}"
for name in "${CASES[@]}"; do
  state="$({ grep -o 'Entering [A-Z]* STATE' "${WORK}/${name}/keepalived.log" || true; } |
    tail -n1 | awk '{print $2}')"
  echo "${state:-UNKNOWN}" >"${WORK}/${name}/state"
done
for name in "${CASES[@]}"; do
  kill -TERM "${KA_PID[${name}]}" 2>/dev/null || true
done
for name in "${CASES[@]}"; do
  for _ in $(seq 50); do
    kill -0 "${KA_PID[${name}]}" 2>/dev/null || break
    sleep 0.1
  done
done
sleep 0.5
kill -INT "${TCPDUMP_PID}" 2>/dev/null || true
wait "${TCPDUMP_PID}" 2>/dev/null || true

KA_VERSION="$("${KEEPALIVED}" --version 2>&1 | sed -n 1p)"
KERNEL="$(uname -r)"
mkdir -p "${OUT_DIR}"
args=()
for name in "${CASES[@]}"; do
  num="${CASE_NUM[${name}]}"
  args+=("${name}=${num}:${WORK}/${name}")
  # The log without its timestamps' dates (they are kept: timing matters).
  cp "${WORK}/${name}/keepalived.log" "${OUT_DIR}/${name}.log"
done
cp "${PCAP}" "${OUT_DIR}/ipv6.pcap"
python3 "${SCRIPT_DIR}/pcap6_to_hex.py" --pcap "${PCAP}" --out "${OUT_DIR}" \
  --date "${CAPTURE_DATE}" --version "${KA_VERSION}" --kernel "${KERNEL}" "${args[@]}"
echo "captures written to ${OUT_DIR}"

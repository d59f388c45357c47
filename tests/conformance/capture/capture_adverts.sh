#!/usr/bin/env bash
# Records real VRRP advertisements sent by the packaged keepalived 2.2.7 and
# stores them as hex text under tests/data/captures/ (see README.md there).
#
# Usage (as root):  tests/conformance/capture/capture_adverts.sh [OUTDIR]
#   OUTDIR defaults to tests/data/captures in the source tree.
#
# What it does:
#   * creates network namespaces with the fixed prefix `vsim-cap-`: one bridge
#     namespace (vsim-cap-br, bridge br0), one namespace per capture case
#     (vsim-cap-hNN, eth0 = 10.250.0.NN+...), and a silent unicast peer
#     (vsim-cap-peer, 10.250.0.2). Only 10.250.0.0/16 is used; nothing is
#     connected to, or routed from, the host's own namespace.
#   * runs one keepalived 2.2.7 per case namespace (VRRP process only, console
#     logging, private pid files in a temp dir), each with its own VRID.
#   * captures `ip proto 112 or 51` (VRRP, AH) on br0 with tcpdump, sends SIGTERM to every
#     keepalived (by PID) to get the priority-0 adverts, stops tcpdump (by PID).
#   * converts the pcap into NAME.hex files (Ethernet header stripped) with
#     pcap_to_hex.py.
#   * always deletes every namespace and temp file it created (EXIT trap).
#
# The configs contain no vrrp_script and no notify entries: nothing is
# executed besides keepalived and tcpdump.
set -euo pipefail

readonly PREFIX="vsim-cap-"
readonly KEEPALIVED="${KEEPALIVED:-/usr/sbin/keepalived}"
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SRC_DIR="$(cd "${SCRIPT_DIR}/../../.." && pwd)"
readonly OUT_DIR="${1:-${SRC_DIR}/tests/data/captures}"
# How long every daemon runs before SIGTERM. The slowest case (priority 1,
# advert_int 3) becomes MASTER after 3 * 3 s + 0.996 s = 9.996 s.
readonly RUN_SECONDS="${RUN_SECONDS:-17}"

NETNS_TAG=capture_adverts.sh
NETNS_FAIL=1
# shellcheck source=../netns_lib.sh
source "${SCRIPT_DIR}/../netns_lib.sh"
netns_require_root ip tcpdump python3 "${KEEPALIVED}"

WORK="$(mktemp -d /tmp/vsim-cap.XXXXXX)"
PIDS=()

cleanup() {
  local rc=$?
  set +e
  # Stop only the processes this script started, by PID.
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
trap 'echo "capture_adverts.sh: command failed at line ${LINENO}" >&2' ERR

# --- topology --------------------------------------------------------------
netns_bridge

# add_host SUFFIX ADDR: namespace with eth0 = ADDR/16 plugged into br0.
add_host() { netns_host "$1" "$2"; }

add_host peer 10.250.0.2
add_host peer2 10.250.0.3

# --- cases -----------------------------------------------------------------
# add_case NAME HOSTNUM BODY: one node 10.250.0.HOSTNUM running keepalived
# with `vrrp_instance VI_HOSTNUM { BODY }`. Writes NAME.hex.
# add_case_conf NAME HOSTNUM CONF: same with the instance block(s) given whole.
# add_output OUTNAME NAME VRID: an extra NAME-node file with one VRID only.
CASES=()
OUTPUTS=()
declare -A CASE_ADDR CASE_CONF
add_case_conf() {
  local name="$1" num="$2" conf="$3"
  CASES+=("${name}")
  CASE_ADDR["${name}"]="10.250.0.${num}"
  CASE_CONF["${name}"]="global_defs {
    router_id vsim_cap_${num}
}
${conf}"
  OUTPUTS+=("${name}=10.250.0.${num}:${name}")
}
add_case() {
  add_case_conf "$1" "$2" "vrrp_instance VI_$2 {
$3
}"
}
add_output() {
  OUTPUTS+=("$1=${CASE_ADDR[$2]}/$3:$2")
}

add_case v2_mcast_noauth 11 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 11
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.250.1.11/16
    }"

add_case v2_mcast_pass_short 12 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 12
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass abc
    }
    virtual_ipaddress {
        10.250.1.12/16
    }"

add_case v2_mcast_pass8 13 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 13
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass Pa55w0rd
    }
    virtual_ipaddress {
        10.250.1.13/16
    }"

add_case v2_mcast_3vips 14 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 14
    priority 150
    advert_int 1
    virtual_ipaddress {
        10.250.1.141/16
        10.250.1.142/16
        10.250.2.143/16
    }"

add_case v3_mcast_adv1 15 "    state BACKUP
    interface eth0
    version 3
    virtual_router_id 15
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.250.1.15/16
    }"

add_case v3_mcast_adv050 16 "    state BACKUP
    interface eth0
    version 3
    virtual_router_id 16
    priority 200
    advert_int 0.5
    virtual_ipaddress {
        10.250.1.16/16
        10.250.1.161/16
    }"

add_case v2_unicast 17 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 17
    priority 100
    advert_int 1
    unicast_src_ip 10.250.0.17
    unicast_peer {
        10.250.0.2
    }
    virtual_ipaddress {
        10.250.1.17/16
    }"

add_case v3_unicast 18 "    state BACKUP
    interface eth0
    version 3
    virtual_router_id 18
    priority 100
    advert_int 1
    unicast_src_ip 10.250.0.18
    unicast_peer {
        10.250.0.2
    }
    virtual_ipaddress {
        10.250.1.18/16
    }"

add_case v2_prio0_sigterm 19 "    state MASTER
    interface eth0
    version 2
    virtual_router_id 19
    priority 120
    advert_int 1
    virtual_ipaddress {
        10.250.1.19/16
    }"

add_case v2_owner255 20 "    state MASTER
    interface eth0
    version 2
    virtual_router_id 20
    priority 255
    advert_int 1
    virtual_ipaddress {
        10.250.1.20/16
    }"

add_case v2_mcast_adv3_prio1 21 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 21
    priority 1
    advert_int 3
    virtual_ipaddress {
        10.250.1.21/16
    }"

add_case v3_prio0_sigterm 22 "    state MASTER
    interface eth0
    version 3
    virtual_router_id 22
    priority 254
    advert_int 1
    virtual_ipaddress {
        10.250.1.22/16
    }"

add_case v2_unicast_2peers 25 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 25
    priority 100
    advert_int 1
    unicast_src_ip 10.250.0.25
    unicast_peer {
        10.250.0.2
        10.250.0.3
    }
    virtual_ipaddress {
        10.250.1.25/16
    }"

add_case v2_mcast_ah 28 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 28
    priority 100
    advert_int 1
    authentication {
        auth_type AH
        auth_pass s3cr3t
    }
    virtual_ipaddress {
        10.250.1.28/16
    }"

# VRRPv3 unicast with the pre-1.3.6 checksum (keepalived's OLD_CHKSUM_COMPAT).
add_case v3_unicast_old_checksum 29 "    state BACKUP
    interface eth0
    version 3
    virtual_router_id 29
    priority 100
    advert_int 1
    unicast_src_ip 10.250.0.29
    unicast_peer {
        10.250.0.2
    }
    old_unicast_checksum
    virtual_ipaddress {
        10.250.1.29/16
    }"

add_case v2_unicast_ttl64 30 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 30
    priority 100
    advert_int 1
    unicast_src_ip 10.250.0.30
    unicast_ttl 64
    unicast_peer {
        10.250.0.2
    }
    virtual_ipaddress {
        10.250.1.30/16
    }"

# v2 allows an instance without VIPs (warning only): count 0.
add_case v2_mcast_novip 31 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 31
    priority 100
    advert_int 1"

# A MASTER whose tracked interface (eth1) goes down: FAULT, which
# sends priority-0 adverts (R40 says two). eth1 is taken down FAULT_AT seconds
# after start.
add_case v2_prio0_fault 32 "    state BACKUP
    interface eth0
    version 2
    virtual_router_id 32
    priority 100
    advert_int 1
    track_interface {
        eth1
    }
    virtual_ipaddress {
        10.250.1.32/16
    }"

# Two instances in one daemon: is the IP ID counter per instance?
add_case_conf v2_two_instances 26 "vrrp_instance VI_26 {
    state BACKUP
    interface eth0
    version 2
    virtual_router_id 26
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.250.1.26/16
    }
}
vrrp_instance VI_27 {
    state BACKUP
    interface eth0
    version 2
    virtual_router_id 27
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.250.1.27/16
    }
}"
add_output v2_two_instances_vrid26 v2_two_instances 26
add_output v2_two_instances_vrid27 v2_two_instances 27

for name in "${CASES[@]}"; do
  num="${CASE_ADDR[${name}]##*.}"
  add_host "h${num}" "${CASE_ADDR[${name}]}"
  if [[ "${name}" == v2_prio0_fault ]]; then
    # A veth pair wholly inside the namespace stands in for a second NIC.
    ip -n "${PREFIX}h${num}" link add eth1 type veth peer name eth1p
    ip -n "${PREFIX}h${num}" link set eth1p up
    ip -n "${PREFIX}h${num}" link set eth1 up
  fi
  mkdir -p "${WORK}/${name}"
  printf '%s\n' "${CASE_CONF[${name}]}" >"${WORK}/${name}/keepalived.conf"
done

# --- capture -----------------------------------------------------------------
PCAP="${WORK}/adverts.pcap"
ip netns exec "${PREFIX}br" tcpdump -i br0 -n -U -s 256 -w "${PCAP}" 'ip proto 112 or ip proto 51' \
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
  num="${CASE_ADDR[${name}]##*.}"
  dir="${WORK}/${name}"
  # `ip netns exec` execs keepalived, so $! is keepalived's own PID.
  ip netns exec "${PREFIX}h${num}" "${KEEPALIVED}" -n -l -D -P \
    -f "${dir}/keepalived.conf" -p "${dir}/keepalived.pid" -r "${dir}/vrrp.pid" \
    >"${dir}/keepalived.log" 2>&1 &
  KA_PID["${name}"]=$!
  PIDS+=("$!")
done

readonly FAULT_AT=$((RUN_SECONDS - 4))
sleep "${FAULT_AT}"
ip -n "${PREFIX}h32" link set eth1 down
sleep $((RUN_SECONDS - FAULT_AT))
# Record each node's state as keepalived logged it, before stopping.
for name in "${CASES[@]}"; do
  state="$(grep -o 'Entering [A-Z]* STATE' "${WORK}/${name}/keepalived.log" | tail -n1 |
    awk '{print $2}')"
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

# sed, not head: head would exit early and SIGPIPE keepalived (pipefail).
KA_VERSION="$("${KEEPALIVED}" --version 2>&1 | sed -n 1p)"
KERNEL="$(uname -r)"
mkdir -p "${OUT_DIR}"
args=()
for out in "${OUTPUTS[@]}"; do
  args+=("${out%:*}:${WORK}/${out##*:}")
done
python3 "${SCRIPT_DIR}/pcap_to_hex.py" --pcap "${PCAP}" --out "${OUT_DIR}" \
  --date "${CAPTURE_DATE}" --version "${KA_VERSION}" --kernel "${KERNEL}" "${args[@]}"
echo "captures written to ${OUT_DIR}"

#!/usr/bin/env bash
# Experiment (not a capture): does keepalived 2.2.7 accept a VRRPv3 unicast
# advert whose checksum was computed the pre-1.3.6 way (pseudo-header
# destination 224.0.0.18, `old_unicast_checksum`), and what does it send back?
#
# Two nodes, v3 unicast peers of each other, in throwaway `vsim-cap-x*`
# namespaces on 10.250.0.0/16 (nothing routed to the host):
#   x41 10.250.0.41 priority 200, old_unicast_checksum  (becomes MASTER)
#   x42 10.250.0.42 priority 100, default checksum
# After RUN_SECONDS x41 gets SIGTERM so that x42 takes over. Prints both logs
# (VRRP lines) and every advert on the bridge with its checksum flavour. Cleans up everything in an EXIT trap. Run as root.
set -euo pipefail

readonly PREFIX="vsim-cap-x"
readonly KEEPALIVED="${KEEPALIVED:-/usr/sbin/keepalived}"
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly RUN_SECONDS="${RUN_SECONDS:-9}"
[[ "$(id -u)" == 0 ]] || { echo "must run as root" >&2; exit 1; }

WORK="$(mktemp -d /tmp/vsim-capx.XXXXXX)"
NAMESPACES=()
PIDS=()
cleanup() {
  local rc=$?
  set +e
  for pid in "${PIDS[@]}"; do kill -TERM "${pid}" 2>/dev/null; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -KILL "${pid}" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do
    # Only processes inside namespaces this script created (keepalived children).
    ip netns pids "${ns}" 2>/dev/null | while read -r p; do kill -KILL "${p}" 2>/dev/null; done
    ip netns del "${ns}" 2>/dev/null
  done
  rm -rf "${WORK}"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

add_ns() {
  ip netns add "${PREFIX}$1"
  NAMESPACES+=("${PREFIX}$1")
  ip -n "${PREFIX}$1" link set lo up
}
add_ns br
ip -n "${PREFIX}br" link add br0 type bridge
ip -n "${PREFIX}br" link set br0 up
for n in 41 42; do
  add_ns "${n}"
  ip -n "${PREFIX}br" link add "p${n}" type veth peer name eth0 netns "${PREFIX}${n}"
  ip -n "${PREFIX}br" link set "p${n}" master br0 up
  ip -n "${PREFIX}${n}" addr add "10.250.0.${n}/16" dev eth0
  ip -n "${PREFIX}${n}" link set eth0 up
done

conf() {  # conf SELF PEER PRIO EXTRA
  cat <<EOF
global_defs {
    router_id vsim_capx_$1
}
vrrp_instance VI_X {
    state BACKUP
    interface eth0
    version 3
    virtual_router_id 40
    priority $3
    advert_int 1
    unicast_src_ip 10.250.0.$1
    unicast_peer {
        10.250.0.$2
    }
$4
    virtual_ipaddress {
        10.250.4.40/16
    }
}
EOF
}
conf 41 42 200 "    old_unicast_checksum" >"${WORK}/41.conf"
conf 42 41 100 "" >"${WORK}/42.conf"

ip netns exec "${PREFIX}br" tcpdump -i br0 -n -U -w "${WORK}/x.pcap" 'ip proto 112' \
  2>"${WORK}/tcpdump.log" &
PIDS+=("$!")
TCPDUMP_PID=$!
for _ in $(seq 50); do grep -q "listening on" "${WORK}/tcpdump.log" && break; sleep 0.1; done

declare -A KA
for n in 41 42; do
  ip netns exec "${PREFIX}${n}" "${KEEPALIVED}" -n -l -D -P -f "${WORK}/${n}.conf" \
    -p "${WORK}/${n}.pid" -r "${WORK}/${n}.vrrp.pid" >"${WORK}/${n}.log" 2>&1 &
  PIDS+=("$!")
  KA[${n}]=$!
done
sleep "${RUN_SECONDS}"
# Stop the old-checksum master: x42 takes over; which checksum does it send?
kill -TERM "${KA[41]}"
sleep 3
kill -TERM "${KA[42]}"
for n in 41 42; do
  for _ in $(seq 50); do kill -0 "${KA[${n}]}" 2>/dev/null || break; sleep 0.1; done
done
kill -INT "${TCPDUMP_PID}"
wait "${TCPDUMP_PID}" || true

for n in 41 42; do
  echo "=== node ${n} log (VRRP lines)"
  grep -E "VI_X|checksum" "${WORK}/${n}.log" | sed 's/^[A-Za-z]* [A-Za-z]* *[0-9]* //'
done
echo "=== adverts on the bridge"
python3 - "${WORK}/x.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
off, t0 = 24, None
def csum(b, s=0):
    if len(b) % 2: b += b"\0"
    for i in range(0, len(b), 2): s += (b[i] << 8) | b[i + 1]
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
while off + 16 <= len(data):
    sec, usec, incl, _ = struct.unpack("<IIII", data[off:off + 16]); off += 16
    frame = data[off:off + incl]; off += incl
    ip = frame[14:]; ip = ip[:struct.unpack("!H", ip[2:4])[0]]
    v = ip[20:]
    t = sec + usec / 1e6; t0 = t0 or t
    def ok(dst):
        return csum(ip[12:16] + dst + bytes([0, 112]) + len(v).to_bytes(2, "big") + v) == 0
    kind = "rfc5798" if ok(ip[16:20]) else "old(224.0.0.18)" if ok(bytes([224, 0, 0, 18])) else "bad"
    print("+%6.3f %s>%s prio=%d checksum=%s" % (t - t0, ".".join(map(str, ip[12:16])),
          ".".join(map(str, ip[16:20])), v[2], kind))
PY

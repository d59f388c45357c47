#!/usr/bin/env bash
# `vrrpsim watch` and `vrrpsim capture` against real keepalived 2.2.7 (issue
# 19): a pair in network namespaces fails over (crash, restart with
# preemption, a split brain, a graceful stop) while `vrrpsim watch` listens on
# the bridge and tcpdump writes a capture of it; then every MASTER entry and
# exit the daemons notified (notify_fifo) must be reported by both, for the
# same source, within TOLERANCE_MS (default 15), and the split brain too.
# About 45 s of wall time.
#
# Usage (as root): tests/capture/live_watch.sh BUILD_DIR
# Exit status: 0 pass (or skipped: not root, no `ip netns`, no keepalived or
# tcpdump - it says why), 1 a mismatch, 2 setup failed.
#
# Rules (README "Network rule", tests/conformance/netns_lib.sh): only the
# namespaces made here (prefix vsim-w19-), only 10.250.219.0/24, nothing
# connected to the host's namespace; processes stopped by PID; namespaces
# deleted in the EXIT trap. keepalived runs its VRRP process only, with a
# notify FIFO and no scripts.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD="${1:-build/release}"
VRRPSIM="${PWD}/${BUILD}/sim/vrrpsim"
readonly KEEPALIVED="${KEEPALIVED:-/usr/sbin/keepalived}"
readonly TOL_MS="${TOLERANCE_MS:-15}"
readonly PREFIX="vsim-w19-"

skip() { echo "capture live test: skipped ($1)"; exit 0; }
[[ "$(id -u)" == 0 ]] || skip "needs root for network namespaces"
probe="vsim-w19-probe-$$"
ip netns add "${probe}" 2>/dev/null || skip "ip netns does not work here"
ip netns del "${probe}"
[[ -x "${KEEPALIVED}" ]] || skip "${KEEPALIVED} is not installed"
command -v tcpdump >/dev/null || skip "tcpdump is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
[[ -x "${VRRPSIM}" ]] || { echo "capture live test: no ${VRRPSIM}" >&2; exit 2; }

NETNS_TAG=live_watch.sh
NETNS_FAIL=2
# shellcheck source=../conformance/netns_lib.sh
source tests/conformance/netns_lib.sh

WORK="$(mktemp -d /tmp/vsim-w19.XXXXXX)"
PIDS=()
cleanup() {
  local rc=$? p
  set +e
  for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  netns_delete_all
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "work dir kept: ${WORK}" >&2; else rm -rf "${WORK}"; fi
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_us() { local t="${EPOCHREALTIME}"; echo "${t/./}"; }
fifo_reader() {
  local line
  while IFS= read -r line; do printf '%s %s\n' "${EPOCHREALTIME/./}" "${line}"; done <>"$1" >>"$2"
}

# --- topology: a bridge and two nodes ----------------------------------------
netns_bridge
netns_host n1 10.250.219.1 02:19:00:00:00:01
netns_host n2 10.250.219.2 02:19:00:00:00:02

for n in 1 2; do
  cat >"${WORK}/n${n}.conf" <<CONF
global_defs {
    notify_fifo ${WORK}/n${n}.fifo
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 219
    priority $((110 - 10 * n))
    advert_int 1
    virtual_ipaddress {
        10.250.219.100/16
    }
}
CONF
  mkfifo "${WORK}/n${n}.fifo"
  fifo_reader "${WORK}/n${n}.fifo" "${WORK}/n${n}.notify" &
  PIDS+=("$!")
done

ka_start() {
  ip netns exec "${PREFIX}n$1" "${KEEPALIVED}" -n -l -D -P -G -f "${WORK}/n$1.conf" \
    -p "${WORK}/n$1.pid" -r "${WORK}/n$1.vrrp.pid" >>"${WORK}/n$1.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"${WORK}/n$1.kapid"
  disown "$!"
}
ka_pids() { cat "${WORK}/n$1.kapid" "${WORK}/n$1.vrrp.pid" 2>/dev/null || true; }
ka_crash() {
  local p
  for p in $(ka_pids "$1"); do kill -STOP "$p" 2>/dev/null || true; done
  for p in $(ka_pids "$1"); do kill -KILL "$p" 2>/dev/null || true; done
  rm -f "${WORK}/n$1.vrrp.pid" "${WORK}/n$1.pid"
}
ka_stop() { kill -TERM "$(cat "${WORK}/n$1.kapid")" 2>/dev/null || true; }
isolate() { # on|off: the two ports cannot hear each other; br0 still sees both
  ip -n "${PREFIX}br" link set p-n1 type bridge_slave isolated "$1"
  ip -n "${PREFIX}br" link set p-n2 type bridge_slave isolated "$1"
}
mark() { echo "$(now_us) $*" >>"${WORK}/marks"; }
at() { # at SECONDS: sleep until T0 + SECONDS
  local d=$(( T0 + $1 * 1000000 - $(now_us) ))
  if ((d > 0)); then sleep "$(printf '%d.%06d' $((d / 1000000)) $((d % 1000000)))"; fi
}

ip netns exec "${PREFIX}br" tcpdump -i br0 -U -w "${WORK}/cap.pcap" 'vrrp or arp' \
  >"${WORK}/tcpdump.log" 2>&1 &
PIDS+=("$!")
TCPDUMP=$!
ip netns exec "${PREFIX}br" "${VRRPSIM}" watch br0 --for 44s --format json --expect-one-master \
  >"${WORK}/watch.jsonl" 2>"${WORK}/watch.err" &
PIDS+=("$!")
WATCH=$!
sleep 1
T0="$(now_us)"
mark start
ka_start 1; ka_start 2
at 8;  mark crash n1; ka_crash 1          # n2 takes over after the master-down interval
at 14; mark restart n1; ka_start 1       # n1 preempts n2
at 24; mark partition; isolate on        # n2 hears nobody: split brain
at 32; mark heal; isolate off            # n2 hears n1 again: BACKUP
at 38; mark stop n1; ka_stop 1           # priority 0: n2 takes over at once
at 43
mark end
set +e
wait "${WATCH}"
watch_rc=$?
set -e
kill -TERM "${TCPDUMP}" 2>/dev/null || true
wait "${TCPDUMP}" 2>/dev/null || true
ka_stop 2
sleep 0.5

"${VRRPSIM}" capture "${WORK}/cap.pcap" --format json >"${WORK}/capture.json" 2>"${WORK}/capture.err" || true
"${VRRPSIM}" capture "${WORK}/cap.pcap" >"${WORK}/capture.txt" 2>&1 || true
# --expect-one-master: n2 alone is MASTER at the end, but the split brain
# during the watch fails it (exit 1, saying so).
echo "watch --expect-one-master: exit status ${watch_rc}: $(tail -1 "${WORK}/watch.jsonl")"

rc=0
python3 - "${WORK}" "${TOL_MS}" <<'PY' || rc=1
import json, sys
work, tol = sys.argv[1], int(sys.argv[2]) * 1000
addr = {"n1": "10.250.219.1", "n2": "10.250.219.2"}
# The daemons' notifications: (µs, source, "up"|"down").
marks = [l.split() for l in open(f"{work}/marks")]
end_t = next(int(m[0]) for m in marks if m[1] == "end")
truth = []
for n in ("n1", "n2"):
    state = None
    restarts = [int(m[0]) for m in marks if m[1] == "restart" and m[2] == n]
    for line in open(f"{work}/{n}.notify"):
        parts = line.split()
        if len(parts) < 4 or parts[1] != "INSTANCE":
            continue
        t, new = int(parts[0]), parts[3]
        if new not in ("MASTER", "BACKUP", "FAULT", "STOP") or t > end_t:
            continue  # e.g. MASTER_RX_LOWER_PRI: no change of state
        while restarts and t > restarts[0]:
            state = None  # a crashed daemon notified nothing; it starts afresh
            restarts.pop(0)
        if new == "MASTER" and state != "MASTER":
            truth.append((t, addr[n], "up"))
        elif state == "MASTER" and new != "MASTER":
            truth.append((t, addr[n], "down"))
        state = new
truth.sort()
crash_t = next(int(m[0]) for m in marks if m[1] == "crash")

def observed(events, start):
    out = []
    for e in events:
        k = e["kind"]
        if k == "master":
            out.append((start + e["t"], e["source"], "up", e["packet"]))
        elif k == "master-end" and e.get("detail") not in ("end-of-capture",):
            out.append((start + e["t"], e["source"], "down" if e["detail"] != "silent" else "silent", e["packet"]))
    return sorted(out)

cap = json.load(open(f"{work}/capture.json"))
watch_lines = [json.loads(l) for l in open(f"{work}/watch.jsonl") if l.strip()]
wstart = next(l["start_us"] for l in watch_lines if "watch" in l)
wevents = [l for l in watch_lines if "kind" in l]
ok = True
for name, obs in (("capture", observed(cap["events"], cap["start_us"])),
                  ("watch", observed(wevents, wstart))):
    silent = [o for o in obs if o[2] == "silent"]
    rest = [o for o in obs if o[2] != "silent"]
    print(f"{name}: {len(rest)} MASTER entries/exits, daemons notified {len(truth)}")
    worst = 0
    for key in sorted({(src, k) for _, src, k in truth}):
        want = [t for t, src, k in truth if (src, k) == key]
        got = [(t, p) for t, src, k, p in rest if (src, k) == key]
        if len(want) != len(got):
            ok = False
            print(f"  MISMATCH {key}: daemons {want}, {name} {got}")
            continue
        for tt, (ot, pkt) in zip(want, got):
            d = ot - tt
            worst = max(worst, abs(d))
            flag = "" if abs(d) <= tol else "  <-- MISMATCH"
            if flag:
                ok = False
            print(f"  {key[0]} {key[1]:4} daemon {tt} {name} {ot} (packet {pkt}) {d/1000:+.3f} ms{flag}")
    print(f"  largest difference {worst/1000:.3f} ms (tolerance {tol/1000:.0f} ms)")
    # The crash: no notification; the master falls silent within an interval.
    if len(silent) != 1 or silent[0][1] != addr["n1"] or not (crash_t - 1_100_000 <= silent[0][0] <= crash_t):
        ok = False
        print(f"  MISMATCH: the crash of n1 at {crash_t}: silent ends {silent}")
    else:
        print(f"  crash: n1 silent at its last advert, {(crash_t - silent[0][0])/1000:.3f} ms before the SIGKILL")
# The split brain: from n2's MASTER during the partition to its BACKUP after the heal.
part = next(int(m[0]) for m in marks if m[1] == "partition")
heal = next(int(m[0]) for m in marks if m[1] == "heal")
n2_up = [t for t, s, k in truth if s == addr["n2"] and k == "up" and part < t < heal]
n2_down = [t for t, s, k in truth if s == addr["n2"] and k == "down" and t > heal]
sb = cap["split_brain"]
if len(sb) != 1 or not n2_up or not n2_down:
    ok = False
    print(f"split brain: MISMATCH: capture {sb}, n2 up {n2_up} down {n2_down}")
else:
    d1 = cap["start_us"] + sb[0]["from"] - n2_up[0]
    d2 = cap["start_us"] + sb[0]["to"] - n2_down[0]
    good = abs(d1) <= tol and abs(d2) <= tol
    ok = ok and good
    print(f"split brain: from packet {sb[0]['from_packet']} {d1/1000:+.3f} ms, to packet {sb[0]['to_packet']} {d2/1000:+.3f} ms{'' if good else '  <-- MISMATCH'}")
sys.exit(0 if ok else 1)
PY
if ((watch_rc != 1)) || ! tail -1 "${WORK}/watch.jsonl" | grep -q '"reason": "1 split brain(s) during the watch"'; then
  echo "capture live test: watch --expect-one-master: expected exit 1 for the split brain, got ${watch_rc}:"
  tail -5 "${WORK}/watch.jsonl"
  rc=1
fi
if ((rc != 0)); then
  echo "--- vrrpsim capture:"; cat "${WORK}/capture.txt"
  for n in 1 2; do echo "--- n${n} notifications:"; cat "${WORK}/n${n}.notify"; done
  cat "${WORK}/marks"
fi
((rc == 0)) && echo "capture live test: PASS"
exit "${rc}"

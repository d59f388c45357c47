#!/usr/bin/env bash
# Experiment E21: how long keepalived 2.2.7 takes to act on SIGTERM (a `stop`).
#
# Usage (as root):  bash tests/conformance/experiments/sigterm.sh [CASE...]
#   CASE in idle hog (default: both); SAMPLES=N SIGTERMs per case (default
#   150); EXP_NET=N own namespaces/subnet (common.sh); DATA_OUT=DIR copies
#   the per-sample table there (CASE.tsv).
#
# HOSTS hosts (default 3: h1..h3) sampled in parallel, each in its own loop:
# one keepalived with one instance alone on its VRID (MASTER 3.6 s after its
# start), a notify FIFO read by ts.py (as record.sh reads it). Per sample:
# start keepalived, wait for `Entering MASTER STATE`, wait 0.6-1.6 s (a random phase against the
# advert timer), take T0 from bash's $EPOCHREALTIME (no fork) and send
# SIGTERM to the parent (as record.sh's `stop` does), then wait for the
# parent to exit. Measured, relative to T0:
#   prio0  the priority-0 advert on the wire (tcpdump on the bridge)
#   vipdel the VIP's deletion (`ip -ts monitor address` in h1)
#   stopn  `INSTANCE "VI_A" STOP` read from the notify FIFO
#   sent0  the log line `(VI_A) sent 0 priority`
#   stopping the parent's `Stopping` line
#   exit   `Stopped Keepalived` (the parent's last line)
# Case `hog` adds one busy-looping process per CPU for the whole case. The
# load average (/proc/loadavg) is stored with every sample.
set -euo pipefail
SAMPLES="${SAMPLES:-150}"
HOSTS="${HOSTS:-3}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

setup_topology "${HOSTS}"

# conf HOST VRID
conf() {
  cat <<EOF
global_defs {
    router_id vsim_exp_$1
    notify_fifo ${CASE_DIR}/$1.nfifo
}
vrrp_instance VI_A {
    state MASTER
    interface eth0
    version 2
    virtual_router_id $2
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.250.${EXP_NET}.$((100 + $2 % 100))/16
    }
}
EOF
}

# one_sample HOST I: start, wait for MASTER, SIGTERM, wait for the exit.
one_sample() {
  local h="$1" d="${CASE_DIR}/$1-s$2" p t0 j
  mkdir -p "$d"
  mkfifo "$d/log.fifo"
  "${PY}" "${EXP_DIR}/ts.py" "$d/log" "$d/ready" "$d/log.fifo" &
  PIDS+=("$!")
  for j in $(seq 100); do [[ -e "$d/ready" ]] && break; sleep 0.01; done
  ip netns exec "${PREFIX}$h" "${KEEPALIVED}" -n -l -D -P -G \
    -f "${CASE_DIR}/$h.conf" -p "$d/pid" -r "$d/vrrp.pid" >"$d/log.fifo" 2>&1 &
  p=$!
  PIDS+=("$p")
  "${PY}" "${EXP_DIR}/expctl.py" waitlog "$d/log" 'Entering MASTER STATE' 15
  j=$((600 + RANDOM % 1000))
  sleep "$((j / 1000)).$(printf '%03d' $((j % 1000)))"
  cut -d' ' -f1-3 /proc/loadavg >"$d/load"
  t0="${EPOCHREALTIME}"
  kill -TERM "$p"
  echo "${t0}" >"$d/t0"
  for j in $(seq 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.01; done
  wait "$p" 2>/dev/null || true
  sleep 0.1
}

analyze() {
  "${PY}" - "${CASE_DIR}" "${EXP_MACNET}" "$1" "${HOSTS}" <<'EOF'
import datetime, glob, os, re, statistics as st, sys
d, macnet, name, hosts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ADV = re.compile(r"^(\d+\.\d+) (\S+) > .*VRRPv\d, Advertisement, vrid \d+, prio (\d+)")
MON = re.compile(r"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)\] Deleted \d+: eth0\s+inet (\S+)")
wire = [m for m in map(ADV.match, open(os.path.join(d, "wire.txt"))) if m and m.group(3) == "0"]
def first_after(xs, t, limit=3.0):
    c = [x for x in xs if t <= x < t + limit]
    return (min(c) - t) * 1e3 if c else None
def log_at(lines, pat, t):
    for l in lines:
        if pat in l:
            return (float(l.split()[0]) - t) * 1e3
    return None
rows = []
keys = ("prio0", "vipdel", "stopn", "sent0", "stopping", "exit")
samples = []
for hi in range(1, hosts + 1):
    h = "h%d" % hi
    mac = "02:00:0a:fa:%s:0%d" % (macnet, hi)
    prio0 = [float(m.group(1)) for m in wire if m.group(2) == mac]
    vipdel = []
    for line in open(os.path.join(d, "addr-%s.txt" % h)):
        m = MON.match(line)
        if m:
            vipdel.append(datetime.datetime.fromisoformat(m.group(1)).timestamp())
    stopn = [float(l.split()[0]) for l in open(os.path.join(d, h + ".notify.log")) if '"VI_A" STOP' in l]
    for sd in glob.glob(os.path.join(d, h + "-s*")):
        if os.path.exists(os.path.join(sd, "t0")):
            samples.append((float(open(os.path.join(sd, "t0")).read()), sd, prio0, vipdel, stopn))
for t, sd, prio0, vipdel, stopn in sorted(samples):
    lines = open(os.path.join(sd, "log")).read().splitlines()
    r = {"sample": os.path.basename(sd), "load": open(os.path.join(sd, "load")).read().split()[0],
         "prio0": first_after(prio0, t), "vipdel": first_after(vipdel, t), "stopn": first_after(stopn, t),
         "sent0": log_at(lines, "sent 0 priority", t), "stopping": log_at(lines, "Stopping", t),
         "exit": log_at(lines, "Stopped Keepalived", t)}
    rows.append(r)
with open(os.path.join(d, name + ".tsv"), "w") as out:
    out.write("# ms after SIGTERM; load = 1-min load average before the sample\n")
    out.write("sample\tload\t" + "\t".join(keys) + "\n")
    for r in rows:
        out.write("%s\t%s\t%s\n" % (r["sample"], r["load"], "\t".join(
            "-" if r[k] is None else "%.3f" % r[k] for k in keys)))
loads = [float(r["load"]) for r in rows]
print("  %d samples, 1-min load average %.2f..%.2f" % (len(rows), min(loads), max(loads)))
for k in keys:
    v = sorted(r[k] for r in rows if r[k] is not None)
    if not v:
        print("  %-8s no data" % k); continue
    q = lambda p: v[min(len(v) - 1, int(p * len(v)))]
    print("  %-8s n=%3d  p0 %.2f p10 %.2f p50 %.2f p90 %.2f p99 %.2f max %.2f mean %.2f ms" %
          (k, len(v), v[0], q(.1), q(.5), q(.9), q(.99), v[-1], st.mean(v)))
EOF
}

run_case() {
  local name="$1" v="$2" i
  new_case "${name}"
  local h loops=()
  for h in $(seq 1 "${HOSTS}"); do
    h="h$h"
    write_conf "$h" "$(conf "$h" $((v + ${h#h})))"
    mkfifo "${CASE_DIR}/$h.nfifo"
    "${PY}" "${EXP_DIR}/ts.py" "${CASE_DIR}/$h.notify.log" "${CASE_DIR}/$h.nready" \
      "${CASE_DIR}/$h.nfifo" reopen &
    PIDS+=("$!")
  done
  [[ "${name}" != hog ]] || start_hogs
  start_capture
  # One loop per host, in parallel; each takes a share of the samples.
  for h in $(seq 1 "${HOSTS}"); do
    (for i in $(seq "$h" "${HOSTS}" "${SAMPLES}"); do one_sample "h$h" "$i"; done) &
    loops+=("$!")
  done
  for h in "${loops[@]}"; do wait "$h"; done
  stop_capture
  stop_hogs
  echo "--- ${name}: summary ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
  analyze "${name}"
  if [[ -n "${DATA_OUT:-}" ]]; then
    mkdir -p "${DATA_OUT}"
    cp "${CASE_DIR}/${name}.tsv" "${DATA_OUT}/${name}.tsv"
  fi
}

CASES=("$@")
[[ ${#CASES[@]} -gt 0 ]] || CASES=(idle hog)
for c in "${CASES[@]}"; do
  echo "===== case ${c} ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
  case "$c" in
    idle) run_case idle 170 ;;
    hog) run_case hog 180 ;;
    *) echo "unknown case $c" >&2; exit 1 ;;
  esac
done

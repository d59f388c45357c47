#!/usr/bin/env bash
# Experiment E20: when does keepalived 2.2.7 start the next vrrp_script run?
# (R34: "every interval from the previous scheduled start"; calibrate.sh saw
# the runs drift like adverts do.)
#
# Usage (as root):  bash tests/conformance/experiments/script_period.sh [CASE...]
#   CASE in idle hog (default: both); RUNS=N repeats (default 1); SECS=S
#   seconds per case (default 65).
#
# Two hosts, each running one keepalived with one instance (alone on its
# VRID, so it becomes MASTER and advertises) that tracks one vrrp_script with
# `interval 1`:
#   h1: the script stamps CLOCK_MONOTONIC at its start and at its end and
#       exits at once (run time ≈ 1 ms);
#   h2: the same, but it sleeps 300 ms between the two stamps.
# Case `hog` adds one busy-looping process per CPU (started and stopped by
# PID) for the whole case. The stamper is a tiny C program compiled into the
# work directory (no interpreter start-up in the measurement).
#
# What the periods tell: start-to-start = 1 s exactly on average (no drift)
# if the timer is re-armed from the schedule; 1 s + the run time (≈ 1.3 s on
# h2) if re-armed at completion; 1 s + the run's own lateness (drift, the
# same on h1 and h2) if re-armed when the run is launched.
#
# Prints, per host, the raw stamps and a summary (python3): number of runs,
# mean/median/min/max period, run time, and the drift of start k against
# start 0 + k s. Data of the recorded runs: tests/conformance/experiments/data/.
set -euo pipefail
RUNS="${RUNS:-1}"
SECS="${SECS:-65}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v cc >/dev/null || { echo "script_period.sh: needs cc" >&2; exit 1; }
cat >"${WORK}/stamp.c" <<'EOF'
/* stamp OUT MS: appends "start <s.ns>\n", sleeps MS ms, appends "end <s.ns>\n". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static void put(const char *path, const char *what) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  FILE *f = fopen(path, "a");
  if (!f) exit(1);
  fprintf(f, "%s %lld.%09ld\n", what, (long long)ts.tv_sec, ts.tv_nsec);
  fclose(f);
}
int main(int argc, char **argv) {
  if (argc != 3) return 2;
  put(argv[1], "start");
  long ms = atol(argv[2]);
  if (ms > 0) {
    struct timespec d = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&d, NULL);
  }
  put(argv[1], "end");
  return 0;
}
EOF
cc -O2 -o "${WORK}/stamp" "${WORK}/stamp.c"
chmod 755 "${WORK}" "${WORK}/stamp"

setup_topology 2

# conf HOST VRID SLEEP_MS
conf() {
  cat <<EOF
global_defs {
    router_id vsim_exp_$1
}
vrrp_script chk {
    script "${WORK}/stamp ${CASE_DIR}/$1.stamps $3"
    interval 1
    timeout 2
}
vrrp_instance VI_A {
    state BACKUP
    interface eth0
    version 2
    virtual_router_id $2
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.250.$2.100/16
    }
    track_script {
        chk
    }
}
EOF
}

summarize() {
  "${PY}" - "${CASE_DIR}" <<'EOF'
import statistics as st, sys, os
d = sys.argv[1]
for h in ("h1", "h2"):
    p = os.path.join(d, h + ".stamps")
    if not os.path.exists(p):
        print(f"  {h}: no stamps"); continue
    starts, ends = [], []
    for line in open(p):
        k, v = line.split()
        (starts if k == "start" else ends).append(float(v))
    per = [b - a for a, b in zip(starts, starts[1:])]
    run = [e - s for s, e in zip(starts, ends)]
    drift = [(s - starts[0] - i) * 1e3 for i, s in enumerate(starts)]
    late = [(b - a - 1.0) * 1e3 for a, b in zip(starts, starts[1:])]
    print(f"  {h}: {len(starts)} runs; period mean {st.mean(per):.6f} s, median {st.median(per):.6f},"
          f" min {min(per):.6f}, max {max(per):.6f}; run time median {st.median(run)*1e3:.1f} ms;"
          f" start n - (start 0 + n s) at the end {drift[-1]:.1f} ms"
          f" ({drift[-1] / (len(starts) - 1):.3f} ms per run); per-run excess over 1 s:"
          f" p10 {sorted(late)[len(late)//10]:.3f} p50 {st.median(late):.3f}"
          f" p90 {sorted(late)[len(late)*9//10]:.3f} ms")
EOF
}

run_case() {
  local name="$1" v="$2"
  new_case "${name}-run${RUN}"
  write_conf h1 "$(conf h1 "$v" 0)"
  write_conf h2 "$(conf h2 $((v + 1)) 300)"
  chmod 755 "${CASE_DIR}"
  [[ "${name}" != hog ]] || start_hogs
  start_capture
  prep_ka h1
  prep_ka h2
  mark T0
  launch_ka h1
  launch_ka h2
  sleep "${SECS}"
  finish_case
  stop_hogs
  echo "--- ${name} run ${RUN}: keepalived logs (script lines)"
  grep -h -i "script" "${CASE_DIR}/h1.log" "${CASE_DIR}/h2.log" | head -8 || true
  echo "--- ${name} run ${RUN}: summary"
  summarize
  if [[ -n "${DATA_OUT:-}" ]]; then
    mkdir -p "${DATA_OUT}"
    cp "${CASE_DIR}/h1.stamps" "${DATA_OUT}/${name}-run${RUN}-h1-instant.stamps"
    cp "${CASE_DIR}/h2.stamps" "${DATA_OUT}/${name}-run${RUN}-h2-sleep300.stamps"
  fi
}

case_idle() { run_case idle $((200 + 2 * RUN)); }
case_hog() { run_case hog $((220 + 2 * RUN)); }

CASES=("$@")
[[ ${#CASES[@]} -gt 0 ]] || CASES=(idle hog)
for RUN in $(seq 1 "${RUNS}"); do
  for c in "${CASES[@]}"; do
    echo "===== case ${c} run ${RUN} ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
    "case_${c}"
  done
done

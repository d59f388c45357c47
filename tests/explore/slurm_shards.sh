#!/usr/bin/env bash
# A real single-node Slurm cluster runs `vrrpsim explore` as a job array of 4
# shards; `vrrpsim explore --merge` of the shard files must give exactly the
# --out directory of the unsharded run (diff -r). docs/explore-cluster.md has
# the job definitions this checks.
#
# Usage (as root): tests/explore/slurm_shards.sh BUILD_DIR
# Everything it starts (munged, slurmctld, slurmd) runs from one temporary
# directory, with its own munge key, socket, slurm.conf, state, spool, logs and
# ports; system-wide slurm/munge services and files are never used or touched.
# The daemons are stopped by PID on exit, also on failure.
# Exit status: 0 pass (or skipped: not root, or Slurm/munge not installed),
# 1 failure (the daemons' logs are printed).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/explore/search.sh
source tests/explore/search.sh "${1:-build/release}"
SCENARIO="${PWD}/${SCENARIO}"

say() { echo "slurm shards: $*"; }

if [[ "$(id -u)" != 0 ]]; then
  say "skip: needs root (runs its own munged, slurmctld and slurmd)"
  exit 0
fi
for tool in munged munge slurmctld slurmd sbatch sinfo squeue scancel; do
  if ! command -v "${tool}" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/${tool}" ]]; then
    say "skip: ${tool} is not installed (scripts/setup.sh installs slurm-wlm and munge)"
    exit 0
  fi
done
PATH="${PATH}:/usr/sbin:/sbin"
[[ -x "${VRRPSIM}" ]] || { say "FAIL: ${VRRPSIM} is missing"; exit 1; }

# A Slurm environment around this script (e.g. run inside a job) must not leak
# into the private cluster's clients.
while read -r v; do unset "${v}"; done < <(compgen -v SLURM_ || true)

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# munged wants every directory up to its socket searchable by all and
# writable only by its owner: mktemp -d gives 0700.
D="$(mktemp -d /tmp/vsim-slurm.XXXXXX)"
chmod 755 "${D}"
mkdir -m 755 "${D}/munge" "${D}/log" "${D}/state" "${D}/spool" "${D}/jobs" "${D}/out"
export SLURM_CONF="${D}/slurm.conf"
MUNGE_SOCKET="${D}/munge/munge.socket"

MUNGED_PID="" CTLD_PID="" SLURMD_PID="" SBATCH_PIDS=() JOBS=() ok=0

# alive PID: a child of ours that is still running (not exited, not a zombie).
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

# Stops one child we started: TERM, up to 10 s, then KILL; reaps it.
stop_pid() {
  local pid="$1" i
  [[ -n "${pid}" ]] || return 0
  if alive "${pid}"; then
    kill -TERM "${pid}" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      alive "${pid}" || break
      sleep 0.1
    done
    if alive "${pid}"; then
      say "pid ${pid} did not stop within 10 s: SIGKILL"
      kill -KILL "${pid}" 2>/dev/null
    fi
  fi
  wait "${pid}" 2>/dev/null || true
}

print_logs() {
  local f
  for f in "${D}"/log/* "${D}"/out/*; do
    [[ -f "${f}" ]] || continue
    # slurmctld/slurmd -D copy their log file to stdout (*.out): one of the two
    [[ "${f}" == */log/*.out && -f "${f%.out}.log" ]] && continue
    echo "----- ${f#"${D}"/} (last 60 lines)"
    tail -n 60 "${f}"
  done
}

cleanup() {
  local rc=$? i
  set +e
  trap '' PIPE INT TERM   # a closed stdout or a second signal must not skip the stops
  for i in "${SBATCH_PIDS[@]}"; do stop_pid "${i}"; done   # sbatch --wait still waiting
  # Our jobs first (their slurmstepd processes end with them), while the
  # controller still answers; bounded.
  if ((${#JOBS[@]})) && [[ -n "${CTLD_PID}" ]]; then
    timeout 10 scancel "${JOBS[@]}" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
      [[ -z "$(timeout 5 squeue -h -j "$(IFS=,; echo "${JOBS[*]}")" -o %i 2>/dev/null)" ]] && break
      sleep 0.2
    done
  fi
  stop_pid "${SLURMD_PID}"
  stop_pid "${CTLD_PID}"
  stop_pid "${MUNGED_PID}"
  if ((rc != 0 || ok == 0)); then
    ((rc != 0)) || rc=1
    say "FAILED; the cluster's logs:"
    print_logs
  fi
  rm -rf "${D}"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Two free TCP ports for slurmctld and slurmd, away from the defaults
# (6817/6818) and below the ephemeral range.
free_port() {
  local p
  for ((p = $1; p < $1 + 500; p++)); do
    if ! ss -Htln "sport = :${p}" 2>/dev/null | grep -q .; then echo "${p}"; return; fi
  done
  echo "$1"
}
CTLD_PORT="$(free_port $((26800 + $$ % 200)))"
SLURMD_PORT="$(free_port $((CTLD_PORT + 1)))"
HOST="$(hostname -s)"

t_start="$(now)"

# munge: a private key, socket, pid, log and seed file.
head -c 1024 /dev/urandom >"${D}/munge/munge.key"
chmod 400 "${D}/munge/munge.key"
munged --foreground --key-file="${D}/munge/munge.key" --socket="${MUNGE_SOCKET}" \
  --pid-file="${D}/munge/munged.pid" --log-file="${D}/log/munged.log" \
  --seed-file="${D}/munge/munged.seed" >"${D}/log/munged.out" 2>&1 &
MUNGED_PID=$!
for ((i = 0; i < 100; i++)); do
  [[ -S "${MUNGE_SOCKET}" ]] && break
  alive "${MUNGED_PID}" || { say "munged exited at start"; exit 1; }
  sleep 0.1
done
munge -S "${MUNGE_SOCKET}" -n | unmunge -S "${MUNGE_SOCKET}" | grep -q 'STATUS: *Success' ||
  { say "munge -n | unmunge failed on the private socket"; exit 1; }

cat >"${SLURM_CONF}" <<EOF
# vrrpsim tests/explore/slurm_shards.sh: a private single-node cluster.
ClusterName=vsimtest
SlurmctldHost=${HOST}(127.0.0.1)
SlurmctldPort=${CTLD_PORT}
SlurmdPort=${SLURMD_PORT}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${MUNGE_SOCKET}
CredType=cred/munge
StateSaveLocation=${D}/state
SlurmdSpoolDir=${D}/spool
SlurmctldPidFile=${D}/slurmctld.pid
SlurmdPidFile=${D}/slurmd.pid
SlurmctldLogFile=${D}/log/slurmctld.log
SlurmdLogFile=${D}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=256 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -f "${SLURM_CONF}" >"${D}/log/slurmctld.out" 2>&1 &
CTLD_PID=$!
slurmd -D -f "${SLURM_CONF}" -N "${HOST}" >"${D}/log/slurmd.out" 2>&1 &
SLURMD_PID=$!

state=""
for ((i = 0; i < 300; i++)); do   # 30 s
  state="$(timeout 5 sinfo -h -n "${HOST}" -o '%t' 2>/dev/null || true)"
  [[ "${state}" == idle ]] && break
  alive "${CTLD_PID}" || { say "slurmctld exited at start"; exit 1; }
  alive "${SLURMD_PID}" || { say "slurmd exited at start"; exit 1; }
  sleep 0.1
done
if [[ "${state}" != idle ]]; then
  say "node ${HOST} not idle after 30 s (state '${state}')"
  timeout 5 sinfo || true
  exit 1
fi
t_up="$(now)"
say "cluster up in $(secs "${t_start}" "${t_up}") s (munged, slurmctld, slurmd; node ${HOST} idle," \
  "$(nproc) CPUs, ports ${CTLD_PORT}/${SLURMD_PORT})"

# submit NAME SBATCH-ARGS... : `sbatch --wait --parsable` in the background
# (its PID in SBATCH_PIDS: stopped on exit); the job id, as soon as sbatch
# prints it, in JOB_ID and JOBS (cancelled on exit).
JOB_ID=""
declare -A SBATCH_OF=()
submit() {
  local name="$1" i
  shift
  sbatch --wait --parsable --job-name="${name}" "$@" >"${D}/out/${name}.sbatch" 2>&1 &
  SBATCH_OF[${name}]=$!
  SBATCH_PIDS+=("$!")
  JOB_ID=""
  for ((i = 0; i < 100; i++)); do
    JOB_ID="$(head -n 1 "${D}/out/${name}.sbatch" 2>/dev/null | grep -Eo '^[0-9]+' || true)"
    [[ -n "${JOB_ID}" ]] && break
    alive "${SBATCH_OF[${name}]}" || break
    sleep 0.1
  done
  [[ -n "${JOB_ID}" ]] || { say "sbatch ${name} failed: $(cat "${D}/out/${name}.sbatch")"; return 1; }
  JOBS+=("${JOB_ID}")
}

# await NAME LIMIT: waits at most LIMIT seconds for sbatch --wait of job NAME;
# fails if it is still waiting, or exited non-zero (for an array: the highest
# exit status of its tasks).
await() {
  local name="$1" limit="$2" pid="${SBATCH_OF[$1]}" i rc=0
  for ((i = 0; i < limit * 10; i++)); do
    alive "${pid}" || break
    sleep 0.1
  done
  if alive "${pid}"; then
    say "job ${name} not done after ${limit} s:"
    timeout 5 squeue -a -o '%.12i %.20j %.10T %.30R' || true
    return 1   # cleanup stops sbatch and cancels the job
  fi
  wait "${pid}" || rc=$?
  for i in "${!SBATCH_PIDS[@]}"; do   # reaped: its PID may be reused, forget it
    [[ "${SBATCH_PIDS[i]}" != "${pid}" ]] || unset 'SBATCH_PIDS[i]'
  done
  ((rc == 0)) || { say "job ${name} failed: sbatch --wait exited ${rc}"; return 1; }
}

# 1. Self-check of the cluster: a trivial array, each task writes its id and
#    the array's task count.
cat >"${D}/jobs/trivial.sh" <<EOF
#!/bin/bash
echo "\${SLURM_ARRAY_TASK_ID}/\${SLURM_ARRAY_TASK_COUNT}" >"${D}/out/trivial-task-\${SLURM_ARRAY_TASK_ID}"
EOF
t0="$(now)"
submit trivial --array=1-"${SHARDS}" --output="${D}/out/trivial-%a.out" "${D}/jobs/trivial.sh"
await trivial 120
for ((k = 1; k <= SHARDS; k++)); do
  got="$(cat "${D}/out/trivial-task-${k}" 2>/dev/null || true)"
  [[ "${got}" == "${k}/${SHARDS}" ]] ||
    { say "trivial array: task ${k} wrote '${got}', not '${k}/${SHARDS}'"; exit 1; }
done
say "trivial ${SHARDS}-task array: ok in $(secs "${t0}" "$(now)") s"

# 2. vrrpsim explore sharded by a job array, merged by a job that depends on
#    it (afterok), as in docs/explore-cluster.md; then the unsharded run here.
# (`vrrpsim explore --help` without the subcommand prints the main help, exit 0.)
if ! "${VRRPSIM}" --help 2>/dev/null | grep -Eq '^ +explore( |$)'; then
  say "FAIL: ${VRRPSIM} has no explore subcommand"
  exit 1
fi
# Exit status 1 (violations found) is a result, not a failure: the wrappers
# map 0 and 1 to 0, anything else (2 bad input, a crash) stays a failure, so
# that afterok starts the merge whether or not the shards found violations.
mkdir -m 755 "${D}/shards"
cat >"${D}/jobs/explore.sh" <<EOF
#!/bin/bash
"${VRRPSIM}" explore "${SCENARIO}" --runs ${RUNS} --seed ${SEED} ${DURATION[*]} \\
  --shard "\${SLURM_ARRAY_TASK_ID}/${SHARDS}" --out "${D}/shards/shard-\${SLURM_ARRAY_TASK_ID}.json"
rc=\$?
echo "\${rc}" >"${D}/shards/rc-\${SLURM_ARRAY_TASK_ID}"
case "\${rc}" in 0|1) exit 0 ;; *) echo "explore exited \${rc}" >&2; exit "\${rc}" ;; esac
EOF
cat >"${D}/jobs/merge.sh" <<EOF
#!/bin/bash
"${VRRPSIM}" explore --merge "${D}"/shards/shard-*.json --out "${D}/merged"
rc=\$?
echo "\${rc}" >"${D}/shards/rc-merge"
case "\${rc}" in 0|1) exit 0 ;; *) echo "explore --merge exited \${rc}" >&2; exit "\${rc}" ;; esac
EOF
t0="$(now)"
submit explore --array=1-"${SHARDS}" --output="${D}/out/explore-%a.out" "${D}/jobs/explore.sh"
array_id="${JOB_ID}"
submit merge --dependency=afterok:"${array_id}" --output="${D}/out/merge.out" "${D}/jobs/merge.sh"
await explore 600
shard_rcs=""
for ((k = 1; k <= SHARDS; k++)); do
  [[ -s "${D}/shards/shard-${k}.json" ]] || { say "shard ${k} wrote no shards/shard-${k}.json"; exit 1; }
  shard_rcs+=" $(cat "${D}/shards/rc-${k}")"
done
t1="$(now)"
await merge 120
[[ -d "${D}/merged" ]] || { say "the merge job wrote no merged/"; exit 1; }
merge_rc="$(cat "${D}/shards/rc-merge")"
t2="$(now)"
say "explore: ${SHARDS}-shard array ($(basename "$(dirname "${SCENARIO}")")/$(basename "${SCENARIO}")," \
  "${RUNS} runs, seed ${SEED}) ok in $(secs "${t0}" "${t1}") s, exit statuses${shard_rcs};" \
  "dependent merge job ok $(secs "${t1}" "${t2}") s later, exit status ${merge_rc}"

whole_rc=0
"${VRRPSIM}" explore "${SCENARIO}" --runs "${RUNS}" --seed "${SEED}" "${DURATION[@]}" --out "${D}/unsharded" \
  >"${D}/out/unsharded.txt" 2>&1 || whole_rc=$?
if ((whole_rc > 1)); then say "unsharded run exited ${whole_rc}"; cat "${D}/out/unsharded.txt"; exit 1; fi
if ((merge_rc != whole_rc)); then
  say "the merge exited ${merge_rc}, the unsharded run ${whole_rc}"
  exit 1
fi
if ! diff -r "${D}/unsharded" "${D}/merged" >"${D}/out/diff.txt" 2>&1; then
  say "merged --out directory differs from the unsharded one:"
  head -n 40 "${D}/out/diff.txt"
  exit 1
fi
say "merged == unsharded ($(find "${D}/merged" -type f | wc -l) files, exit status ${whole_rc} both)"
say "pass (total $(secs "${t_start}" "$(now)") s, cluster bring-up $(secs "${t_start}" "${t_up}") s)"
ok=1

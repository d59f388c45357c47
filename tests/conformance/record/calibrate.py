#!/usr/bin/env python3
"""Measures real keepalived's timing on this machine; run by calibrate.sh
(which builds the namespaces and deletes them). Writes a vrrpsim timing
profile (docs/scenario-format.md "Timing").

Measurements, per load condition:
  startup       exec of keepalived -> its first notification (INIT -> BACKUP)
  first timer   exec -> the moment its master-down timer was armed: the
                MASTER notification minus the master-down interval (a lone
                node); the profile's `startup` (timers are armed then)
  advert_delay  a lone MASTER's advert gaps minus advert_int, heard from a
                second namespace (VRRPv3, advert_int 100 ms)
  check_delay   each vrrp_script run's start minus the previous run's
                start plus `interval` (ten scripts of interval 1 s; the
                script stamps its own start). Kept in `recorded` only: the
                stamp also carries each run's fork/exec time, so the
                differences are noisy (negative ones clamped to 0) and their
                mean overstates the drift. The profile's check_delay is the
                advert lateness instead: keepalived re-arms both timers the
                same way, and the runs drift as the adverts do (E20,
                docs/experiments.md §9).
Every process is started here and stopped by PID.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time

ADVERT_INT_US = 100_000  # the advert phase's interval
START_ADVERT_INT_US = 30_000  # the startup phase's: a short master-down wait
PRIORITY = 100
RAW = {}  # raw series of the last steady phase (CALIBRATE_RAW)
SCRIPTS = 10  # vrrp_scripts with interval 1 s: SCRIPTS samples per second


def mdi_v3(adver_int_us, prio):
    # R7 (VRRPv3): 3 * adver_int + skew, skew = (256 - prio) * adver_int / 256.
    return 3 * adver_int_us + ((256 - prio) * adver_int_us) // 256


def config(args, work, adver_int_us, scripts):
    sub = args.subnet
    lines = [
        "global_defs {",
        f"    notify_fifo {work}/notify.fifo",
        "    vrrp_version 3",
        "}",
    ]
    for i in range(scripts):
        lines += [f"vrrp_script chk{i} {{", f'    script "{work}/chk.sh {i}"', "    interval 1", "}"]
    lines += [
        "vrrp_instance VI_1 {",
        "    state BACKUP",
        "    interface eth0",
        "    virtual_router_id 77",
        f"    priority {PRIORITY}",
        f"    advert_int {adver_int_us / 1e6:.2f}",
        "    virtual_ipaddress {",
        f"        10.250.{sub}.100/32",
        "    }",
    ]
    if scripts:
        lines.append("    track_script {")
        lines += [f"        chk{i} weight 0" for i in range(scripts)]
        lines.append("    }")
    lines.append("}")
    path = os.path.join(work, "keepalived.conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


class Daemon:
    """keepalived -n in namespace h1; its notify FIFO read with arrival stamps."""

    def __init__(self, args, conf, work):
        self.args, self.work = args, work
        fifo = os.path.join(work, "notify.fifo")
        if not os.path.exists(fifo):
            os.mkfifo(fifo)
        # Read-write: never EOF while keepalived reopens it.
        self.fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        self.buf = b""
        self.log = open(os.path.join(work, "keepalived.log"), "a")
        self.t0 = time.time_ns()
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", args.prefix + "h1", args.keepalived, "-n", "-l", "-D", "-P",
             "-G", "-f", conf, "-p", os.path.join(work, "k.pid"), "-r",
             os.path.join(work, "k.vrrp.pid")],
            stdout=self.log, stderr=subprocess.STDOUT)

    def lines(self, timeout_s):
        """(stamp_ns, line) for every FIFO line within timeout_s."""
        out, end = [], time.time() + timeout_s
        import select
        while time.time() < end:
            r, _, _ = select.select([self.fd], [], [], max(0.0, end - time.time()))
            if not r:
                break
            stamp = time.time_ns()
            self.buf += os.read(self.fd, 65536)
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                out.append((stamp, line.decode(errors="replace")))
        return out

    def wait_for(self, word, timeout_s):
        end = time.time() + timeout_s
        seen = []
        while time.time() < end:
            for stamp, line in self.lines(0.05):
                seen.append((stamp, line))
                if word in line.split():
                    return stamp, seen
        return None, seen

    def kill(self):
        pid = self.proc.pid
        children = []
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                children = [int(x) for x in f.read().split()]
        except OSError:
            pass
        for p in [pid] + children:
            try:
                os.kill(p, signal.SIGSTOP)
            except OSError:
                pass
        for p in children + [pid]:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        self.proc.wait()
        self.log.close()
        os.close(self.fd)
        for f in ("k.pid", "k.vrrp.pid"):  # a stale pid file can stop the next start
            try:
                os.unlink(os.path.join(self.work, f))
            except OSError:
                pass
        # The VIP a SIGKILLed keepalived leaves (R46): the next start would
        # remove it first; remove it now so every start does the same work.
        subprocess.run(["ip", "-n", self.args.prefix + "h1", "addr", "del",
                        f"10.250.{self.args.subnet}.100/32", "dev", "eth0"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def startup_phase(args, work, n):
    conf = config(args, work, START_ADVERT_INT_US, 0)
    mdi = mdi_v3(START_ADVERT_INT_US, PRIORITY)
    first_state, first_timer = [], []
    for _ in range(n):
        d = Daemon(args, conf, work)
        backup, seen_b = d.wait_for("BACKUP", 5)
        master, seen_m = d.wait_for("MASTER", 5)
        d.kill()
        if backup is None or master is None:
            print(f"calibrate: a start without BACKUP and MASTER notifications: {seen_b + seen_m}",
                  file=sys.stderr)
            continue
        first_state.append((backup - d.t0) // 1000)
        first_timer.append(max(0, (master - d.t0) // 1000 - mdi))
    return first_state, first_timer


LISTENER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton("224.0.0.18") + socket.inet_aton(sys.argv[2]))
end = time.time() + float(sys.argv[1])
s.settimeout(0.5)
while time.time() < end:
    try:
        s.recv(2048)
    except socket.timeout:
        continue
    print(time.time_ns(), flush=True)
"""


def steady_phase(args, work, seconds):
    """advert gaps and script lateness of one lone MASTER."""
    chk = os.path.join(work, "chk.sh")
    with open(chk, "w") as f:
        f.write("#!/bin/sh\necho \"$1 $(date +%s%N)\" >> " + os.path.join(work, "runs.log") + "\n")
    os.chmod(chk, 0o755)
    runs_log = os.path.join(work, "runs.log")
    if os.path.exists(runs_log):
        os.unlink(runs_log)
    conf = config(args, work, ADVERT_INT_US, SCRIPTS)
    d = Daemon(args, conf, work)
    master, _ = d.wait_for("MASTER", 10)
    listener = subprocess.Popen(
        ["ip", "netns", "exec", args.prefix + "h2", sys.executable, "-c", LISTENER, str(seconds),
         f"10.250.{args.subnet}.2"],
        stdout=subprocess.PIPE, text=True)
    out, _ = listener.communicate(timeout=seconds + 30)
    d.kill()
    stamps = [int(x) for x in out.split()]
    RAW["stamps"] = stamps
    adverts = [max(0, (b - a) // 1000 - ADVERT_INT_US) for a, b in zip(stamps, stamps[1:])]
    runs = {}
    with open(runs_log) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and master is not None and int(parts[1]) > master:
                runs.setdefault(parts[0], []).append(int(parts[1]) // 1000)
    RAW["runs"] = runs
    checks = []
    for times in runs.values():
        # Each run after its schedule: the previous run plus the interval.
        # (keepalived 2.2.7's runs drift as its adverts do: measured here,
        # each run is due `interval` after the previous one really started.)
        checks += [max(0, b - a - 1_000_000) for a, b in zip(times, times[1:])]
    return adverts, checks


def hogs_start(work):
    pids = []
    for _ in range(os.cpu_count() or 1):
        # At the default priority (calibrate.sh runs at nice -10, as record.sh).
        p = subprocess.Popen(["sh", "-c", "while :; do :; done"],
                             preexec_fn=lambda: os.setpriority(os.PRIO_PROCESS, 0, 0))
        pids.append(p)
    with open(os.path.join(work, "hogs.pid"), "w") as f:
        f.write("".join(f"{p.pid}\n" for p in pids))
    time.sleep(1)
    return pids


def hogs_stop(work, pids):
    for p in pids:
        p.kill()
        p.wait()
    os.unlink(os.path.join(work, "hogs.pid"))


def quantiles(samples):
    """p0, p10, ..., p90, p95, p99, p100 of the samples (nearest rank)."""
    s = sorted(samples)
    out = {}
    for q in [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 100]:
        i = min(len(s) - 1, (q * (len(s) - 1) + 50) // 100)
        out[f"p{q}"] = f"{s[i]}us"
    # Monotone by construction (sorted); a quantile profile needs p0 and p100.
    return {"quantiles": out}


def measure(args, work, condition):
    n = args.samples
    t = time.time()
    first_state, first_timer = startup_phase(args, work, n)
    adverts, checks = steady_phase(args, work, max(n // SCRIPTS, n * ADVERT_INT_US // 1_000_000) + 3)
    print(f"calibrate: {condition}: {len(first_state)} starts, {len(adverts)} advert gaps, "
          f"{len(checks)} script runs in {time.time() - t:.0f}s", file=sys.stderr)
    result = {"first_state": first_state, "startup": first_timer, "advert_delay": adverts,
              "check_delay": checks}
    if os.environ.get("CALIBRATE_RAW"):
        with open(os.environ["CALIBRATE_RAW"] + "." + condition + ".json", "w") as f:
            json.dump({"result": result, "runs": RAW.get("runs"), "stamps": RAW.get("stamps")}, f)
    return result


def main():
    ap = argparse.ArgumentParser()
    for k in ["work", "prefix", "subnet", "samples", "load", "keepalived", "out"]:
        ap.add_argument("--" + k, required=True)
    args = ap.parse_args()
    args.samples = int(args.samples)
    conditions = ["idle", "cpu"] if args.load == "both" else [args.load]
    data = {}
    for c in conditions:
        hogs = hogs_start(args.work) if c == "cpu" else []
        try:
            data[c] = measure(args, args.work, c)
        finally:
            if hogs:
                hogs_stop(args.work, hogs)
    pooled = {k: sum((data[c][k] for c in conditions), []) for k in data[conditions[0]]}
    for k, v in pooled.items():
        if not v:
            sys.exit(f"calibrate: no samples of {k}")
    ver = subprocess.run([args.keepalived, "--version"], capture_output=True, text=True)
    version = (ver.stderr or ver.stdout).splitlines()[0] if (ver.stderr or ver.stdout) else "?"
    recorded = {
        "tool": "tests/conformance/record/calibrate.sh",
        "keepalived": version,
        "host": os.uname().sysname + " " + os.uname().release + " " + os.uname().machine,
        "cpus": os.cpu_count(),
        "load": conditions,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "samples": {k: len(v) for k, v in pooled.items()},
        "per_condition": {c: {k: quantiles(v)["quantiles"] for k, v in data[c].items() if v}
                          for c in conditions},
    }
    profile = {
        "name": f"keepalived on {os.uname().nodename}",
        "description": "measured by calibrate.sh: " + ", ".join(conditions) + " pooled",
        "recorded": recorded,
        "startup": quantiles(pooled["startup"]),
        # E20: the script timer is late as the advert timer is (see above).
        "check_delay": quantiles(pooled["advert_delay"]),
        "advert_delay": quantiles(pooled["advert_delay"]),
        "timer_wakeup": quantiles(pooled["advert_delay"]),
    }
    with open(args.out, "w") as f:
        json.dump(profile, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()

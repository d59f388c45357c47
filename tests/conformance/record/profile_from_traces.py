#!/usr/bin/env python3
"""Start-up samples from recorded real runs (record.sh traces), merged into a
timing profile written by calibrate.sh (issue 21).

  profile_from_traces.py --base calibrated.json --out measured.json TRACE.json...

record.sh applies each operation of a scenario at its scenario time (a few ms
late, as any launcher is); the time from that scenario time to the daemon's
first notification (INIT -> BACKUP/MASTER/FAULT) after a `start`/`power-on`
is what a nominal prediction needs as `startup`. Scenario times are taken as
the operation's recorded time rounded down to 100 ms (every shipped
scenario's operations are on a 100 ms grid and applied < 100 ms late).
Starts at the same scenario time (several nodes started together) are not
independent: the daemons reach their first state one after another. Of each
such group, the first to get there gives a `startup` sample and every later
one the gap to the one before it (`startup_gap`); a lone start gives a
`startup` sample. The base profile's other distributions are kept;
`recorded` says what came from where. Written atomically; never over an
input.

The base's advert lateness (advert_delay, and check_delay and timer_wakeup,
which calibrate.sh sets to the same, E20) keeps its shape but is scaled so
that its mean is the masters' drift per advert in the traces: a calibration
on a busier machine than the recordings' (calibrate.sh at load 8-9: 1.95 ms
per advert) would otherwise make every master drift faster than the recorded
ones (0.2-0.9 ms per advert). The drift comes from takeovers: a lone MASTER
since t_m is silenced (crash, power-off, block, pause, partition) and another
node becomes MASTER at t_b; with A its advert interval (from the run's first
INIT -> MASTER wait, MDI = 3A + (256 - priority) A / 256) and n adverts in
between, t_b - t_m = n (A + drift) + MDI(taker). A value outside [0, 10 ms)
means the inference did not fit (another advert_int, a learned interval) and
is left out; --no-advert-scale keeps the base as it is.

`operation_delay` is how late record.sh applied each other operation after
its scenario time (the same 100 ms grid).

`--stop-delay E21.tsv` (repeatable) sets `stop_delay` from experiment E21
(tests/conformance/experiments/sigterm.sh, docs/experiments.md): SIGTERM to
the STOP notification read from the notify FIFO (column `stopn`; record.sh
takes transitions from that FIFO), all given files pooled; each file's own
quantiles go to recorded.per_condition.sigterm-<file name>.stop_delay. Not from the
traces: their stops would mix record.sh's own latency into it.
"""
import argparse
import json
import os
import re
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calibrate import quantiles  # noqa: E402  (the same quantiles as calibrate.sh's)


def startup_samples(path):
    """(startup, startup_gap) samples of one trace file, in µs."""
    with open(path) as f:
        d = json.load(f)
    startup, gaps = [], []
    for run in d.get("runs", []):
        pending = {}
        groups = {}  # scenario time of the start -> first-state latencies
        for e in run.get("events", []):
            if e.get("kind") == "operation":
                words = e.get("detail", "").split()
                if len(words) >= 2 and words[0] in ("start", "power-on"):
                    pending[words[1]] = (e["t"] // 100000) * 100000
            elif (e.get("kind") == "transition" and e.get("from") == "INIT"
                  and e.get("host") in pending):
                at = pending.pop(e["host"])
                groups.setdefault(at, []).append(e["t"] - at)
        for at in sorted(groups):
            lat = sorted(groups[at])
            startup.append(lat[0])
            gaps += [b - a for a, b in zip(lat, lat[1:])]
    return startup, gaps


def instance_gap_samples(path):
    """Per start of a daemon of several instances, the gaps between its
    instances' first notifications in configuration order (keepalived's start
    loop, issue 18), in µs."""
    with open(path) as f:
        d = json.load(f)
    out = []
    for run in d.get("runs", []):
        names = {h["name"]: [i["name"] for i in h.get("instances", [])] for h in run.get("hosts", [])}
        events = run.get("events", [])
        for k, e in enumerate(events):
            words = e.get("detail", "").split()
            if e.get("kind") != "operation" or len(words) < 2 or \
                    words[0] not in ("start", "power-on", "restart"):
                continue
            host = words[1]
            order = names.get(host, [])
            if len(order) < 2:
                continue
            first = {}
            for x in events[k + 1:]:
                if x["t"] > e["t"] + 2000000:
                    break
                if (x.get("kind") == "transition" and x.get("host") == host
                        and x.get("from") == "INIT" and x.get("to") != "STOP"):
                    first.setdefault(x.get("instance"), x["t"])
            if all(n in first for n in order):
                out += [first[b] - first[a] for a, b in zip(order, order[1:])]
    return out


SILENCING = re.compile(r"(crash|power-off|block|pause|partition)\b")


def operation_samples(path):
    """How late record.sh applied each operation but a start, in µs."""
    with open(path) as f:
        d = json.load(f)
    out = []
    for run in d.get("runs", []):
        for e in run.get("events", []):
            words = e.get("detail", "").split()
            if e.get("kind") == "operation" and words and words[0] not in ("start", "power-on"):
                out.append(e["t"] % 100000)  # operations are on a 100 ms grid
    return out


def advert_drift_samples(path):
    """Per takeover, the silenced master's mean drift per advert, in µs."""
    with open(path) as f:
        d = json.load(f)
    out = []
    for run in d.get("runs", []):
        events = run.get("events", [])
        interval = None
        init_backup, master = {}, {}
        for i, e in enumerate(events):
            host = e.get("host")
            if e.get("kind") == "transition":
                if e.get("from") == "INIT" and e.get("to") == "BACKUP":
                    init_backup[host] = e["t"]
                if e.get("to") == "MASTER":
                    if interval is None and host in init_backup:
                        mdi = e["t"] - init_backup[host]
                        a = mdi / (3 + (256 - e.get("priority", 100)) / 256)
                        interval = round(a / 100000) * 100000  # advert_int is whole 100 ms here
                    master[host] = e["t"]
                else:
                    master.pop(host, None)
            elif (interval and e.get("kind") == "operation" and len(master) == 1
                  and SILENCING.match(e.get("detail", ""))):
                (m, since), = master.items()
                for f in events[i + 1:]:
                    if f.get("kind") == "transition" and f.get("to") == "MASTER" and f.get("host") != m:
                        mdi = 3 * interval + (256 - f.get("priority", 100)) * interval / 256
                        span = f["t"] - since - mdi
                        n = round(span / interval)
                        if n > 0 and 0 <= (span - n * interval) / n < 10000:
                            out.append(round((span - n * interval) / n))
                        break
    return out


def stop_samples(path):
    """SIGTERM -> STOP notification of one E21 table (sigterm.sh), in µs."""
    out, cols = [], None
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if cols is None:
                cols = fields
                continue
            v = fields[cols.index("stopn")]
            if v != "-":
                out.append(round(float(v) * 1000))
    return out


def mean_of(dist):
    """Mean of a {"quantiles": {...}} distribution (linear between points)."""
    pts = sorted((float(k[1:]), int(v[:-2])) for k, v in dist["quantiles"].items())
    return sum((q1 - q0) / 100 * (v0 + v1) / 2 for (q0, v0), (q1, v1) in zip(pts, pts[1:]))


def scaled(dist, factor):
    return {"quantiles": {k: f"{round(int(v[:-2]) * factor)}us" for k, v in dist["quantiles"].items()}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="a profile written by calibrate.sh")
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-advert-scale", action="store_true",
                    help="keep the base's advert_delay/check_delay/timer_wakeup as they are")
    ap.add_argument("--stop-delay", action="append", default=[], metavar="TSV",
                    help="an E21 table (sigterm.sh; repeat for several): stop_delay from the "
                         "stopn column")
    ap.add_argument("traces", nargs="+")
    a = ap.parse_args()
    if os.path.realpath(a.out) in {os.path.realpath(p) for p in [a.base] + a.traces}:
        sys.exit("profile_from_traces.py: --out is an input")
    with open(a.base) as f:
        profile = json.load(f)
    samples, gaps = [], []
    for t in a.traces:
        s, g = startup_samples(t)
        samples += s
        gaps += g
    if len(samples) < 10:
        sys.exit(f"profile_from_traces.py: only {len(samples)} starts in the traces")
    profile["startup"] = quantiles(samples)
    if gaps:
        profile["startup_gap"] = quantiles(gaps)
    rec = profile.setdefault("recorded", {})
    rec["startup_from"] = (f"{len(samples) + len(gaps)} starts in {len(a.traces)} record.sh "
                           "trace files (scenario time of the start -> first notification); "
                           f"{len(samples)} lone or first of their instant (startup), {len(gaps)} "
                           "later ones as the gap to the one before (startup_gap)")
    rec.setdefault("samples", {})["startup"] = len(samples)
    rec["samples"]["startup_gap"] = len(gaps)
    igaps = []
    for t in a.traces:
        igaps += instance_gap_samples(t)
    if len(igaps) >= 10:
        profile["instance_gap"] = quantiles(igaps)
        rec["instance_gap_from"] = (
            f"{len(igaps)} starts of daemons of several instances in the traces: the gaps between "
            "their instances' first notifications, in configuration order")
        rec["samples"]["instance_gap"] = len(igaps)
    ops = []
    for t in a.traces:
        ops += operation_samples(t)
    if len(ops) >= 10:
        profile["operation_delay"] = quantiles(ops)
        rec["operation_delay_from"] = (f"{len(ops)} operations (not starts) in the traces: "
                                       "record.sh's time of each minus its scenario time")
        rec["samples"]["operation_delay"] = len(ops)
    drift = []
    for t in a.traces:
        drift += advert_drift_samples(t)
    if not a.no_advert_scale and len(drift) >= 5 and mean_of(profile["advert_delay"]) > 0:
        target = sum(drift) / len(drift)
        factor = target / mean_of(profile["advert_delay"])
        for k in ("advert_delay", "check_delay", "timer_wakeup"):
            if k in profile:
                profile[k] = scaled(profile[k], factor)
        rec["advert_scale_from"] = (
            f"advert_delay, check_delay, timer_wakeup scaled by {factor:.3f}: their mean is the "
            f"masters' drift in {len(drift)} takeovers of the traces, {target / 1000:.3f} ms per "
            "advert (profile_from_traces.py); the shape is the base's")
        rec["samples"]["advert_drift"] = len(drift)
    if a.stop_delay:
        pooled = []
        for path in a.stop_delay:
            mine = stop_samples(path)
            pooled += mine
            cond = "sigterm-" + os.path.splitext(os.path.basename(path))[0]
            rec.setdefault("per_condition", {}).setdefault(cond, {})["stop_delay"] = (
                quantiles(mine)["quantiles"])
        if len(pooled) < 10:
            sys.exit(f"profile_from_traces.py: only {len(pooled)} stop samples")
        profile["stop_delay"] = quantiles(pooled)
        rec["stop_delay_from"] = (
            f"{len(pooled)} SIGTERMs of experiment E21 (tests/conformance/experiments/sigterm.sh, "
            f"{', '.join(os.path.basename(p) for p in a.stop_delay)}): SIGTERM to the parent -> "
            "STOP read from the notify FIFO")
        rec["samples"]["stop_delay"] = len(pooled)
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(profile, f, indent=2)
        f.write("\n")
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()

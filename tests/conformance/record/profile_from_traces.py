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
"""
import argparse
import json
import os
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="a profile written by calibrate.sh")
    ap.add_argument("--out", required=True)
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
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(profile, f, indent=2)
        f.write("\n")
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()

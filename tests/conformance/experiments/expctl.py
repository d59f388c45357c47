#!/usr/bin/env python3
"""Helpers for the keepalived experiments (see common.sh).

  expctl.py wait WIREFILE SRCADDR N     return after N new VRRP adverts from SRCADDR
  expctl.py waitlog LOGFILE REGEX SECS  return once LOGFILE has a line matching REGEX
  expctl.py report CASEDIR [--from S] [--to S]
        merged timeline (wire, keepalived logs, address changes) relative to
        the mark named T0, plus a per-(sender, VRID) advert summary.

Wire lines come from `tcpdump -l -n -e -tt` on the bridge; the sending host is
identified by its MAC 02:00:0a:fa:00:0N (hN). Log lines come from ts.py.
Address changes come from `ip -ts monitor address` in each host namespace.
"""
import argparse
import datetime
import glob
import os
import re
import sys
import time

ADV_RE = re.compile(
    r"^(\d+\.\d+) (\S+) > (\S+), .*?: (\d+\.\d+\.\d+\.\d+) > (\d+\.\d+\.\d+\.\d+): "
    r"VRRPv(\d), Advertisement, vrid (\d+), prio (\d+)")
ARP_RE = re.compile(r"^(\d+\.\d+) (\S+) > (\S+), ethertype ARP.*?: (.*?), length \d+$")
LOG_RE = re.compile(r"^(\d+\.\d+) (?:\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}: )?(.*)$")
MON_RE = re.compile(r"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)\] (Deleted )?\d+: eth0\s+inet (\S+)")


def host_of_mac(mac):
    m = re.match(r"02:00:0a:fa:00:0(\d)$", mac)
    return "h" + m.group(1) if m else mac


def cmd_wait(wire, src, n):
    pattern = ": %s > " % src
    pos = os.path.getsize(wire) if os.path.exists(wire) else 0
    seen = 0
    deadline = time.time() + 30
    buf = ""
    while time.time() < deadline:
        with open(wire) as f:
            f.seek(pos)
            data = f.read()
        if data:
            buf += data
            pos += len(data.encode())
            while "\n" in buf:
                line, buf = buf.split("\n", 1)
                if pattern in line and "VRRP" in line:
                    seen += 1
                    if seen >= n:
                        return 0
        time.sleep(0.002)
    print("timeout waiting for adverts from %s" % src, file=sys.stderr)
    return 1


def cmd_waitlog(logfile, regex, secs):
    rx = re.compile(regex)
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            with open(logfile) as f:
                for line in f:
                    if rx.search(line):
                        return 0
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    print("timeout waiting for /%s/ in %s" % (regex, logfile), file=sys.stderr)
    return 1


BORING = ("Registering", "Assigned address", "VRRP sockpool", "Running on", "Command line",
          "               '", "NOTICE: setting config option max_auto_priority",
          "CPU usage", "Opening file", "Configuration file", "Unable to load ipset",
          "Netlink reflector", "Startup complete")


def load(case):
    marks = []
    with open(os.path.join(case, "marks")) as f:
        for line in f:
            t, name = line.split(None, 1)
            marks.append((float(t), name.strip()))
    events = []  # (t, who, kind, text)
    wire = os.path.join(case, "wire.txt")
    adverts = []  # (t, host, vrid, prio)
    if os.path.exists(wire):
        with open(wire) as f:
            for line in f:
                line = line.rstrip("\n")
                m = ADV_RE.match(line)
                if m:
                    t = float(m.group(1))
                    h = host_of_mac(m.group(2))
                    vrid, prio = int(m.group(7)), int(m.group(8))
                    adverts.append((t, h, vrid, prio))
                    events.append((t, h, "wire", "advert v%s vrid %d prio %d" % (m.group(6), vrid, prio)))
                    continue
                m = ARP_RE.match(line)
                if m:
                    t = float(m.group(1))
                    h = host_of_mac(m.group(2))
                    txt = m.group(4)
                    g = re.match(r"Request who-has (\S+) (?:\(\S+\) )?tell (\S+)$", txt)
                    if g and g.group(1) == g.group(2):
                        txt = "GARP %s" % g.group(1)
                    events.append((t, h, "wire", txt))
    for lf in sorted(glob.glob(os.path.join(case, "h*.log"))):
        h = os.path.basename(lf)[:-4]
        kind = "log"
        if h.endswith(".notify"):  # notify FIFO read by ts.py
            h, kind = h[:-7], "fifo"
        with open(lf) as f:
            for line in f:
                m = LOG_RE.match(line.rstrip("\n"))
                if not m:
                    continue
                text = m.group(2)
                if kind == "log" and any(text.startswith(b) or b in text for b in BORING):
                    continue
                events.append((float(m.group(1)), h, kind, text))
    for af in sorted(glob.glob(os.path.join(case, "addr-h*.txt"))):
        h = os.path.basename(af)[5:-4]
        with open(af) as f:
            for line in f:
                m = MON_RE.match(line)
                if not m:
                    continue
                t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
                addr = m.group(3)
                if addr.startswith("10.250.0."):
                    continue
                events.append((t, h, "addr", ("DEL " if m.group(2) else "ADD ") + addr))
    for t, name in marks:
        events.append((t, "--", "MARK", name))
    events.sort(key=lambda e: e[0])
    return marks, events, adverts


def cmd_report(case, t_from, t_to):
    marks, events, adverts = load(case)
    t0 = next((t for t, n in marks if n == "T0"), marks[0][0] if marks else 0.0)
    print("timeline of %s (times in s relative to T0 = %.6f)" % (os.path.basename(case), t0))
    rows = [e for e in events if t_from <= e[0] - t0 <= t_to or e[2] == "MARK"]
    i = 0
    while i < len(rows):
        t, who, kind, text = rows[i]
        j = i + 1
        while j < len(rows) and rows[j][1:] == rows[i][1:] and rows[j][0] - rows[j - 1][0] < 0.05:
            j += 1
        rep = " (x%d)" % (j - i) if j - i > 1 else ""
        print("  %+10.6f  %-3s %-4s %s%s" % (t - t0, who, kind, text, rep))
        i = j
    print("advert summary (sender, vrid): times relative to T0")
    keys = sorted(set((h, v) for _, h, v, _ in adverts))
    for h, v in keys:
        ts = [(t - t0, p) for t, hh, vv, p in adverts if hh == h and vv == v]
        before = [x for x in ts if x[0] < 0]
        after = [x for x in ts if x[0] >= 0]
        win = [x for x in ts if t_from <= x[0] <= t_to]
        gaps = [(b[0] - a[0], a[0], b[0]) for a, b in zip(win, win[1:])]
        biggest = max(gaps) if gaps else None
        prios = []
        for _, p in ts:
            if not prios or prios[-1] != p:
                prios.append(p)
        print("  %s vrid %d: last before T0 %s, first after T0 %s, max gap in window %s, prio sequence %s"
              % (h, v,
                 "%+.3f" % before[-1][0] if before else "-",
                 "%+.3f" % after[0][0] if after else "-",
                 "%.3f (%+.3f -> %+.3f)" % biggest if biggest else "-",
                 "->".join(str(p) for p in prios)))
    print("marks: " + ", ".join("%s %+.3f" % (n, t - t0) for t, n in marks))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wait")
    w.add_argument("wire")
    w.add_argument("src")
    w.add_argument("n", type=int)
    wl = sub.add_parser("waitlog")
    wl.add_argument("log")
    wl.add_argument("regex")
    wl.add_argument("secs", type=float)
    r = sub.add_parser("report")
    r.add_argument("case")
    r.add_argument("--from", dest="t_from", type=float, default=-4)
    r.add_argument("--to", dest="t_to", type=float, default=8)
    a = ap.parse_args()
    if a.cmd == "wait":
        return cmd_wait(a.wire, a.src, a.n)
    if a.cmd == "waitlog":
        return cmd_waitlog(a.log, a.regex, a.secs)
    return cmd_report(a.case, a.t_from, a.t_to)


if __name__ == "__main__":
    sys.exit(main())

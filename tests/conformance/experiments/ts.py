#!/usr/bin/env python3
"""Timestamp keepalived console output: ts.py OUTFILE READYFILE FIFO.

Writes `<epoch seconds with µs> <line>` for every line read (the time the
line was read from the pipe; keepalived writes each log line with one
unbuffered write(2), so this is within tens of µs of the event). The
keepalived console prefix `Www Mmm dd hh:mm:ss yyyy: ` is kept verbatim.
READYFILE is created once the interpreter runs, before FIFO is opened for
reading (the open blocks until keepalived opens it for writing).

With a 4th argument `reopen` (used for keepalived's notify FIFO, which the
daemon closes and reopens on reload), the FIFO is reopened after every EOF
and the reader runs until it is killed; each EOF is logged as `<EOF>`.
"""
import os
import sys
import time

out = open(sys.argv[1], "w")
open(sys.argv[2], "w").close()
reopen = len(sys.argv) > 4 and sys.argv[4] == "reopen"
fd = os.open(sys.argv[3], os.O_RDONLY)
buf = b""
while True:
    chunk = os.read(fd, 65536)
    if not chunk:
        if not reopen:
            break
        os.close(fd)
        out.write("%.6f <EOF>\n" % time.time())
        out.flush()
        fd = os.open(sys.argv[3], os.O_RDONLY)
        continue
    t = time.time()
    buf += chunk
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        out.write("%.6f %s\n" % (t, line.decode("utf-8", "replace")))
    out.flush()
if buf:
    out.write("%.6f %s\n" % (time.time(), buf.decode("utf-8", "replace")))
out.close()

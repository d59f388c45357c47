#!/bin/sh
# The real vrrpsim-gui window on an X server (Xvfb), grabbed by the display
# server: catches what offscreen rendering cannot (the xcb plugin, window
# mapping, fonts through fontconfig). Exit 77 (skipped) without xvfb-run.
#   xvfb_screenshot.sh VRRPSIM_GUI SCENARIO OUT.png
set -eu
gui=$1 scenario=$2 out=$3
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "xvfb-run not installed: skipped (scripts/setup.sh installs xvfb)"
  exit 77
fi
rm -f "$out"
# Under ASan: libdbus (used by Qt's xcb integration) leaks one buffer by design.
LSAN_OPTIONS="suppressions=$(dirname "$0")/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x900x24" "$gui" --screenshot "$out" "$scenario"
# A PNG of the window's size, not an empty or tiny file.
test -s "$out"
size=$(wc -c <"$out")
if [ "$size" -lt 20000 ]; then
  echo "screenshot suspiciously small: $size bytes" >&2
  exit 1
fi
head -c 8 "$out" | od -An -tx1 | grep -q "89 50 4e 47" || { echo "not a PNG" >&2; exit 1; }
echo "window screenshot: $out ($size bytes)"

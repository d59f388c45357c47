#!/bin/sh
# The real vrrpsim-gui window on an X server (Xvfb), grabbed by the display
# server: catches what offscreen rendering cannot (the xcb plugin, window
# mapping, fonts through fontconfig). Exit 77 (skipped) without xvfb-run.
#   xvfb_screenshot.sh VRRPSIM_GUI SCENARIO OUT.png
# SCENARIO is scenarios/seed/split-brain-partition.yaml: the pixel checks
# below know its lanes (node1 MASTER at 10 s, both nodes holding VIP 81 at 30 s).
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
probes=$(QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x900x24" "$gui" --screenshot "$out" \
  --probe "node1 VI_1@10s" --probe "node2 VI_1@10s" --probe "VIP 81@30s" "$scenario")
echo "$probes"
# A PNG of the window's size, not an empty or tiny file.
test -s "$out"
size=$(wc -c <"$out")
if [ "$size" -lt 20000 ]; then
  echo "screenshot suspiciously small: $size bytes" >&2
  exit 1
fi
head -c 8 "$out" | od -An -tx1 | grep -q "89 50 4e 47" || { echo "not a PNG" >&2; exit 1; }
# The saved pixels at known lanes and times have the lanes' colours (as in
# gui_viewer_test's offscreen checks): MASTER green, BACKUP blue, split-brain red.
near() {  # near PROBE EXPECTED_HEX TOLERANCE
  got=$(printf '%s\n' "$probes" | grep "^probe $1 " | sed 's/.*#//')
  [ -n "$got" ] || { echo "no probe result for $1" >&2; exit 1; }
  for i in 0 2 4; do
    g=$(printf '%d' "0x$(printf '%s' "$got" | cut -c$((i + 1))-$((i + 2)))")
    e=$(printf '%d' "0x$(printf '%s' "$2" | cut -c$((i + 1))-$((i + 2)))")
    d=$((g - e))
    if [ "${d#-}" -gt "$3" ]; then
      echo "pixel at $1 is #$got, expected about #$2" >&2
      exit 1
    fi
  done
}
near "node1 VI_1@10s" 2e9d4a 12   # MASTER
near "node2 VI_1@10s" 3b73c4 12   # BACKUP
got=$(printf '%s\n' "$probes" | grep "^probe VIP 81@30s " | sed 's/.*#//')
r=$(printf '%d' "0x$(printf '%s' "$got" | cut -c1-2)") g=$(printf '%d' "0x$(printf '%s' "$got" | cut -c3-4)")
# (red under the partition's translucent band: clearly more red than green)
if [ "$r" -lt 170 ] || [ $((r - g)) -lt 80 ]; then
  echo "pixel at VIP 81@30s is #$got, expected split-brain red" >&2
  exit 1
fi
echo "window screenshot: $out ($size bytes), lane colours as expected"

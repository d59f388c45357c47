#!/usr/bin/env bash
# Records what real `keepalived -t` (2.2.7) says about keepalived.conf files,
# as golden files that `vrrpsim lint` is compared with (tests/conformance/lint,
# docs/conformance.md "Lint conformance").
#
# Usage (as root):
#   tests/conformance/lint/record_lint.sh [--config-id ID] [--interfaces "IF..."] FILE.conf...
#
# For each FILE.conf it writes FILE.keepalived next to it:
#   interfaces: eth0 eth1       the interfaces the namespace had
#   config-id: lint             passed as `keepalived -i`
#   rc: 5                       keepalived's exit status
#   12: Unknown keyword 'foo'   one message a line: its line number (or "-"
#   -: (VI_1) No VIP ...        when keepalived names none) and its text,
#                               de-duplicated across keepalived's processes
#
# The interfaces are those the file names (`interface X`, `dev X`,
# `lvs_sync_daemon X`, the lines of `track_interface { }` blocks), or the
# --interfaces list, or a first-lines comment `# lint-interfaces: a b`. Each
# file is checked in a fresh network namespace (vsim-lint-PID) holding those
# interfaces as veth pairs (no addresses, nothing routed); the namespace is
# deleted on exit. Nothing in the files is executed: `keepalived -t` only
# reads the configuration (scripts are looked up, never run).
set -euo pipefail

config_id=lint
interfaces=""
files=()
while (($#)); do
  case "$1" in
    --config-id) config_id="$2"; shift 2 ;;
    --interfaces) interfaces="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) files+=("$1"); shift ;;
  esac
done
[[ ${#files[@]} -gt 0 ]] || { echo "record_lint.sh: no files" >&2; exit 2; }
[[ "$(id -u)" == 0 ]] || { echo "record_lint.sh: must run as root (network namespaces)" >&2; exit 2; }
command -v keepalived >/dev/null || { echo "record_lint.sh: keepalived not installed" >&2; exit 2; }

ns="vsim-lint-$$"
cleanup() { ip netns del "${ns}" 2>/dev/null || true; }
trap cleanup EXIT

# Interface names a configuration refers to.
names_in() {
  local f="$1" given
  given=$(sed -n '1,5s/^#[[:space:]]*lint-interfaces:[[:space:]]*//p' "$f" | head -1)
  if [[ -n "${given}" ]]; then echo "${given}"; return; fi
  awk '
    { sub(/[#!].*/, "") }
    intrack && /}/ { intrack = 0 }
    intrack { for (i = 1; i <= NF; i++) if ($i != "{" && $i != "weight" && $i !~ /^-?[0-9]+$/ && $i != "reverse" && $i != "noreverse") { print $i; break } }
    /(^|[[:space:]])track_interface([[:space:]]|{|$)/ { if ($0 !~ /}/) intrack = 1 }
    { for (i = 1; i < NF; i++) if ($i == "interface" || $i == "dev" || $i == "lvs_sync_daemon") print $(i + 1) }
  ' "$f" | tr -d '{}"' | grep -E '^[A-Za-z0-9_.:@-]{1,15}$' | grep -v ':' | sort -u | tr '\n' ' ' || true
}

for f in "${files[@]}"; do
  out="${f%.conf}.keepalived"
  ifs="${interfaces:-$(names_in "$f")}"
  cleanup
  ip netns add "${ns}"
  ip -n "${ns}" link set lo up
  n=0
  for i in ${ifs}; do
    [[ "$i" == lo ]] && continue
    n=$((n + 1))
    ip -n "${ns}" link add "$i" type veth peer name "vlp$n" 2>/dev/null || true
    ip -n "${ns}" link set "$i" up 2>/dev/null || true
  done
  dir=$(cd "$(dirname "$f")" && pwd)
  set +e
  raw=$(cd "${dir}" && ip netns exec "${ns}" keepalived -t -l -n -i "${config_id}" \
          -f "${dir}/$(basename "$f")" 2>&1 </dev/null)
  rc=$?
  set -e
  {
    echo "interfaces: ${ifs}" | sed 's/ *$//'
    echo "config-id: ${config_id}"
    echo "rc: ${rc}"
    # "(FILE: Line N) msg" / "(Line N) msg" / "msg" -> "N: msg" / "-: msg".
    printf '%s\n' "${raw}" | sed -E \
        -e 's/^\([^()]*: Line ([0-9]+)\) /\1: /' \
        -e 's/^\(Line ([0-9]+)\) /\1: /' \
        -e '/^[0-9]+: /!s/^/-: /' \
        | sed "s#${dir}/##g" | { grep -v '^-: $' || true; } | awk '!seen[$0]++'
  } > "${out}"
  echo "${out}: rc ${rc}"
done

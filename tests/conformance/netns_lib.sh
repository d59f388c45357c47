# Network-namespace helpers shared by the scripts that run real keepalived
# (capture/capture_adverts.sh, experiments/common.sh, record/record.sh).
# Sourced, not run.
#
# The caller sets, before using them:
#   PREFIX          every namespace is named "${PREFIX}<suffix>"
#   NETNS_TAG       how error messages name the caller ("record.sh", ...)
#   NETNS_FAIL      exit status for setup errors (1 or 2)
#   NETNS_HINT      optional: what an existing namespace may mean
# and gets NAMESPACES (what netns_add created, in order) to tear down with
# netns_delete_all from its EXIT trap.
#
# The rules these scripts follow (README "Network rule"): only namespaces
# they create, only addresses in 10.250.0.0/16 (IPv6: fd00:250::/32 and the
# link-local addresses of their own links), nothing connected to or routed
# from the host's own namespace; processes are stopped by PID.

NAMESPACES=()

# netns_require_root TOOL...: root, and every TOOL on PATH (or executable).
netns_require_root() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "${NETNS_TAG}: must run as root (network namespaces)" >&2
    exit "${NETNS_FAIL}"
  fi
  local tool
  for tool in "$@"; do
    command -v "${tool}" >/dev/null || {
      echo "${NETNS_TAG}: missing tool: ${tool}" >&2
      exit "${NETNS_FAIL}"
    }
  done
}

# netns_add SUFFIX [--no-ipv6|--ipv6]: a fresh namespace with lo up. Refuses
# to reuse an existing one (a stale run, or another run with the same prefix).
# --no-ipv6 disables IPv6 in it; --ipv6 sets it up for static addresses only:
# no duplicate address detection (an address is usable as soon as it is
# added), no address generated from the MAC, no router solicitations, and
# global addresses kept while a link is down (as the simulator keeps them).
netns_add() {
  local ns="${PREFIX}$1"
  if ip netns list | awk '{print $1}' | grep -qx "${ns}"; then
    echo "${NETNS_TAG}: namespace ${ns} already exists (${NETNS_HINT:-stale run?}); delete it first" >&2
    exit "${NETNS_FAIL}"
  fi
  ip netns add "${ns}"
  NAMESPACES+=("${ns}")
  ip -n "${ns}" link set lo up
  if [[ "${2:-}" == --no-ipv6 ]]; then
    ip netns exec "${ns}" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null || true
  elif [[ "${2:-}" == --ipv6 ]]; then
    local conf
    for conf in all default; do
      ip netns exec "${ns}" sysctl -qw "net.ipv6.conf.${conf}.disable_ipv6=0" \
        "net.ipv6.conf.${conf}.accept_dad=0" "net.ipv6.conf.${conf}.dad_transmits=0" \
        "net.ipv6.conf.${conf}.router_solicitations=0" "net.ipv6.conf.${conf}.accept_ra=0" \
        "net.ipv6.conf.${conf}.keep_addr_on_down=1" "net.ipv6.conf.${conf}.addr_gen_mode=1" || {
        echo "${NETNS_TAG}: cannot set up IPv6 in ${ns}" >&2
        exit "${NETNS_FAIL}"
      }
    done
  fi
}

# netns_bridge: namespace "${PREFIX}br" with bridge br0 (no STP, no
# multicast snooping, so every advert is flooded to every port).
netns_bridge() {
  netns_add br
  ip -n "${PREFIX}br" link add br0 type bridge
  ip -n "${PREFIX}br" link set br0 type bridge mcast_snooping 0 stp_state 0
  ip -n "${PREFIX}br" link set br0 up
}

# netns_host SUFFIX ADDR [MAC]: namespace with eth0 = ADDR/16, its veth peer
# "p-SUFFIX" plugged into br0.
netns_host() {
  local suffix="$1" addr="$2" mac="${3:-}" ns="${PREFIX}$1"
  netns_add "${suffix}"
  ip -n "${PREFIX}br" link add "p-${suffix}" type veth peer name eth0 netns "${ns}"
  ip -n "${PREFIX}br" link set "p-${suffix}" master br0 up
  [[ -z "${mac}" ]] || ip -n "${ns}" link set eth0 address "${mac}"
  ip -n "${ns}" addr add "${addr}/16" dev eth0
  ip -n "${ns}" link set eth0 up
}

# netns_delete_all: kills whatever still runs inside our own namespaces (by
# PID: e.g. a VRRP child whose parent was killed) and deletes them.
netns_delete_all() {
  local ns
  for ns in "${NAMESPACES[@]}"; do
    ip netns pids "${ns}" 2>/dev/null | while read -r p; do kill -KILL "${p}" 2>/dev/null; done
    ip netns del "${ns}" 2>/dev/null
  done
  NAMESPACES=()
}

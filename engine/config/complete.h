// Completion of a parsed keepalived configuration (semantics doc R2, R6, R24,
// R25, R31, R35, R36, R57, R60, R66, R83 and the fatal checks of R81).
//
// The keyword handlers (parser.cpp) only record what the file says, keeping
// "not given" distinct from "given as the default" because keepalived's
// vrrp_complete_instance() treats the two differently (e.g. a priority that
// was never set is derived from `state`). Complete() then produces the final
// Config the way keepalived does after reading the whole file, which is also
// why global_defs applies regardless of where it appears.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/model.h"
#include "engine/config/parser.h"
#include "engine/diagnostic.h"

namespace vrrp {

// A `track_script` / `track_file` entry before the referenced object's
// defaults are applied.
struct RawTrackRef {
  std::string name;
  std::optional<int> weight;
  std::optional<bool> reverse;
  Location where;
};

struct RawTrackInterface {
  TrackedInterface entry;
  Location where;
};

struct RawInstance {
  VrrpInstance v;  // fields with no "unset" notion are stored here directly
  std::optional<InitialState> state;
  std::optional<int> priority;
  std::optional<int> version;
  std::optional<Duration> advert_int;
  std::optional<Duration> garp_master_delay, garp_master_refresh, garp_lower_prio_delay;
  std::optional<int> garp_master_repeat, garp_master_refresh_repeat, garp_lower_prio_repeat;
  std::optional<int> down_timer_adverts;
  std::optional<bool> lower_prio_no_advert, higher_prio_send_advert, skip_check_adv_addr,
      strict_mode, accept, notify_priority_changes, check_unicast_src;
  std::optional<IpAddress> mcast_dst;
  bool unicast_keyword = false;     // a unicast_* keyword or block was seen
  std::optional<bool> family_ipv6;  // set by the instance's first address
  bool auth_given = false;
  std::vector<RawTrackInterface> track_interfaces;
  std::vector<RawTrackRef> track_scripts;
  std::vector<RawTrackRef> track_files;
  Location interface_where, priority_where, state_where, auth_where, nopreempt_where,
      preempt_delay_where, advert_where, vips_where;
};

struct RawSyncGroup {
  SyncGroup g;
  std::vector<std::pair<std::string, Location>> members;
  std::vector<RawTrackInterface> track_interfaces;
  std::vector<RawTrackRef> track_scripts;
  std::vector<RawTrackRef> track_files;
  std::optional<bool> notify_priority_changes;
};

struct RawGlobals {
  GlobalDefs g;
  // Scripts that only matter to the script-security check (R37): the notify
  // FIFO script and the parent's startup/shutdown scripts, first word and where.
  std::vector<std::pair<std::string, Location>> fifo_scripts, start_stop_scripts;
  bool garp_lower_prio_delay_set = false;
  bool garp_lower_prio_repeat_set = false;
  bool garp_master_delay_set = false;
  bool garp_master_repeat_set = false;
  bool garp_master_refresh_set = false;
};

// An LVS real or sorry server (keepalived's checker process): only what the
// checker's completion messages need. vrrpsim does not simulate LVS.
struct RawRealServer {
  Location where;
  bool ipv6 = false;
  std::string addr;  // as inet_ntop prints it
  unsigned port = 0;
  std::optional<unsigned> weight;
  int forwarding = -1;  // -1 not set, 0 NAT, 1 DR, 2 TUN
  int inhibit = -1;     // -1 not set
  // Scripts for the SECURITY VIOLATION check (first word, where): its
  // notify_up/notify_down, and its checkers' (MISC_CHECK misc_path).
  std::vector<std::pair<std::string, Location>> notify_scripts, checker_scripts;
};

// `virtual_server_group NAME { ... }` as the checker keeps it.
struct RawVsGroup {
  std::string name;
  bool have_ipv4 = false, have_ipv6 = false, fwmark_no_family = false;
  std::size_t fwmarks = 0;
  struct Range {
    std::string text;  // format_vsge(): "ADDR,PORT" / "ADDR-END,PORT"
    unsigned port = 0;
  };
  std::vector<Range> ranges;
};

// A `virtual_server` (LVS, read by keepalived's checker process): only what
// its completion messages need.
struct RawVirtualServer {
  Location where;
  std::string addr;   // `virtual_server IP PORT`, as inet_ntop prints it
  unsigned port = 0;  //
  bool is_fwmark = false;
  unsigned fwmark = 0;  // `virtual_server fwmark N`
  bool group = false;   // `virtual_server group NAME`
  std::string group_name;
  int family = 0;         // 0 = not known yet, 4, 6
  std::string protocol;   // "tcp", "udp", "sctp"; "" = not set
  std::string scheduler;  // "" = not set
  int forwarding = -1;    // -1 = not set
  bool ha_suspend = false, ops = false, persistent = false, inhibit = false;
  std::uint64_t quorum = 1, hysteresis = 0;
  unsigned weight = 1;  // the real servers' default weight
  std::vector<RawRealServer> real_servers;
  std::optional<RawRealServer> sorry;
  // quorum_up/quorum_down, and the checkers' scripts of real servers dropped
  // for their address family (keepalived keeps those checkers).
  std::vector<std::pair<std::string, Location>> scripts;
};

struct RawConfig {
  RawGlobals globals;
  std::vector<VrrpScript> scripts;
  std::vector<TrackFile> track_files;
  std::vector<RawInstance> instances;
  std::vector<RawSyncGroup> sync_groups;
  std::vector<RawVirtualServer> virtual_servers;
  std::vector<RawVsGroup> vs_groups;
  // The VRRP process found an interface it lacks while reading (it stops there).
  bool non_existent_interface = false;
};

// Applies defaults, rounding, clamps and consistency checks, appending
// keepalived's messages to `diags`. Returns the final configuration.
Config Complete(RawConfig raw, const ParseOptions& options, Diagnostics* diags);

// Only keepalived's checker process's completion (LVS virtual servers and
// check-script security), for when the VRRP process stopped reading.
void CompleteChecker(RawConfig raw, const ParseOptions& options, Diagnostics* diags);

}  // namespace vrrp

// The keepalived configuration, as the VRRP engine sees it.
//
// The reader (engine/config/parser.h) fills this model and then "completes"
// it as keepalived's vrrp_complete_instance() does: defaults applied, values
// rounded or clamped, incompatible options cleared (R2, R6, R24, R25, R36,
// R57, R83). After a successful parse every field below holds its final value,
// so the state machine never has to re-derive a default.
//
// Scripts are data: `script` and `notify*` strings are kept for display and
// never executed anywhere in vrrpsim (principle 3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/diagnostic.h"
#include "engine/ip_address.h"
#include "engine/ipv4.h"
#include "engine/time.h"

namespace vrrp {

enum class AuthType : std::uint8_t { kNone = 0, kPass = 1, kAh = 2 };

// A notify command as written (`notify_master "/x.sh arg" user grp`).
struct NotifyScript {
  std::string command;  // empty = not configured
  std::string user;     // optional run-as user, kept for display
  Location where;       // the command in the file
  bool configured() const { return !command.empty(); }
};

struct GlobalDefs {
  std::string router_id;
  int vrrp_version = 2;  // 2 or 3
  bool vrrp_strict = false;
  bool enable_script_security = false;
  std::string script_user;

  Duration garp_master_delay = Seconds(5);
  int garp_master_repeat = 5;
  Duration garp_master_refresh = 0;  // 0 = off
  int garp_master_refresh_repeat = 1;
  Duration garp_lower_prio_delay = Seconds(5);  // defaults to garp_master_delay
  int garp_lower_prio_repeat = 5;               // defaults to garp_master_repeat
  Duration garp_interval = 0;                   // R53 pacing, 0 = none
  bool min_garp = false;

  Duration startup_delay = 0;  // vrrp_startup_delay, R5
  bool lower_prio_no_advert = false;
  bool higher_prio_send_advert = false;
  int down_timer_adverts = 3;
  Ipv4 mcast_group4 = kVrrpMulticastGroup;
  IpAddress mcast_group6 = kVrrpMulticastGroup6;
  bool check_unicast_src = false;
  bool skip_check_adv_addr = false;
  bool notify_priority_changes = false;
  bool log_unknown_vrids = false;
  std::string notify_fifo;  // path, display only
};

// `vrrp_script NAME { ... }` (R34, R35).
struct VrrpScript {
  std::string name;
  Location where;
  std::string script;  // never executed
  Duration interval = Seconds(1);
  Duration timeout = Seconds(1);  // unset in the file means "= interval"
  int weight = 0;                 // -253..253
  bool reverse = false;
  int rise = 1;
  int fall = 1;
  bool init_fail = false;  // parsed; ineffective in 2.2.7 (R35)
  std::string user;
};

// Global `track_file NAME { file PATH; weight W [reverse]; init_file [V] [overwrite] }` (R39).
struct TrackFile {
  std::string name;
  Location where;
  std::string path;
  int weight = 1;
  bool reverse = false;
  std::optional<std::int64_t> init_value;  // init_file value, if given
  bool init_overwrite = false;
};

struct VirtualAddress {
  IpAddress addr;  // IPv4 or IPv6
  int prefix_len = 32;
  std::string dev;    // empty = the instance's interface
  std::string label;  // e.g. eth0:1
  std::optional<Ipv4> broadcast;
  std::string scope;  // as written, empty = global
  bool no_track = false;
  Location where;
  bool is_ipv6() const { return addr.is_v6(); }
};

// One line of `track_interface { ... }`. weight 0 = FAULT trigger (R32).
struct TrackedInterface {
  std::string name;
  int weight = 0;
  bool reverse = false;
};

// One line of `track_script { ... }`; weight/reverse resolved from the
// vrrp_script when not overridden.
struct TrackedScript {
  std::string name;  // refers to VrrpScript::name
  int weight = 0;
  bool reverse = false;
};

// One line of `track_file { ... }` inside an instance or sync group.
struct TrackedFile {
  std::string name;  // refers to TrackFile::name
  int weight = 0;
  bool reverse = false;
};

struct UnicastPeer {
  IpAddress addr;
  int min_ttl = 0;
  int max_ttl = 255;
};

enum class InitialState : std::uint8_t { kBackup, kMaster };

struct VrrpInstance {
  std::string name;
  Location where;

  InitialState initial_state = InitialState::kBackup;  // wantstate at start (R2)
  bool state_given = false;
  std::string interface;
  int vrid = 0;                      // 1..255, required
  int priority = 100;                // base priority 1..255 (R2 default)
  Duration advert_int = Seconds(1);  // rounded per version (R6)
  int version = 2;
  bool nopreempt = false;
  Duration preempt_delay = 0;

  Duration garp_master_delay = Seconds(5);
  int garp_master_repeat = 5;
  Duration garp_master_refresh = 0;
  int garp_master_refresh_repeat = 1;
  Duration garp_lower_prio_delay = Seconds(5);
  int garp_lower_prio_repeat = 5;

  AuthType auth_type = AuthType::kNone;
  std::string auth_pass;  // at most 8 bytes after completion

  std::vector<VirtualAddress> vips;   // advertised, in configuration order
  std::vector<VirtualAddress> evips;  // virtual_ipaddress_excluded

  std::vector<TrackedInterface> track_interfaces;
  std::vector<TrackedScript> track_scripts;
  std::vector<TrackedFile> track_files;
  bool dont_track_primary = false;

  std::optional<IpAddress> unicast_src_ip;
  std::vector<UnicastPeer> unicast_peers;  // empty = multicast
  int unicast_ttl = 255;
  std::optional<IpAddress> mcast_src_ip;
  IpAddress mcast_dst = kVrrpMulticastGroup;  // ff02::12 for an IPv6 instance
  bool check_unicast_src = false;
  bool unicast_fault_no_peer = false;

  int down_timer_adverts = 3;
  bool lower_prio_no_advert = false;
  bool higher_prio_send_advert = false;
  bool skip_check_adv_addr = false;
  bool strict_mode = false;
  bool accept = false;
  bool notify_priority_changes = false;

  NotifyScript notify_master, notify_backup, notify_fault, notify_stop, notify,
      notify_master_rx_lower_pri;

  std::string sync_group;  // name of the group this instance belongs to, if any

  // IPv6 (the family of its first address: unicast_src_ip, mcast_src_ip,
  // mcast_dst_ip, a unicast peer or a VIP). Every address above except eVIPs
  // is of this family.
  bool ipv6 = false;

  bool is_unicast() const { return !unicast_peers.empty(); }
  bool is_owner() const { return priority == 255; }
};

struct SyncGroup {
  std::string name;
  Location where;
  std::vector<std::string> members;  // instance names, configuration order
  std::vector<TrackedInterface> track_interfaces;
  std::vector<TrackedScript> track_scripts;
  std::vector<TrackedFile> track_files;
  bool sync_group_tracking_weight = false;
  NotifyScript notify_master, notify_backup, notify_fault, notify_stop, notify;
};

struct Config {
  GlobalDefs global;
  std::vector<VrrpScript> scripts;  // only those still in use after completion (R35)
  std::vector<TrackFile> track_files;
  std::vector<VrrpInstance> instances;  // configuration order
  std::vector<SyncGroup> sync_groups;

  const VrrpScript* FindScript(const std::string& name) const;
  const TrackFile* FindTrackFile(const std::string& name) const;
  const VrrpInstance* FindInstance(const std::string& name) const;
};

}  // namespace vrrp

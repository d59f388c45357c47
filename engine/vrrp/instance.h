// Run-time state of one vrrp_instance and one vrrp_sync_group inside a
// Daemon (semantics doc §0.1). Plain data: engine/daemon.cpp implements the
// transitions, so that the order of side effects for each input reads top to
// bottom in one place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config/model.h"
#include "engine/ipv4.h"
#include "engine/packet/vrrp_packet.h"
#include "engine/time.h"
#include "engine/vrrp/action.h"
#include "engine/vrrp/tracker.h"
#include "engine/vrrp/validate.h"

namespace vrrp {

// A tracked interface as seen by one instance (its own track_interface lines
// plus those inherited from its sync group).
struct InterfaceRef {
  std::string name;
  int weight = 0;
  bool reverse = false;
};

struct ScriptRef {
  int script = -1;  // index into Config::scripts
  int weight = 0;
  bool reverse = false;
};

struct FileRef {
  int file = -1;  // index into Config::track_files
  int weight = 0;
  bool reverse = false;
};

// An address the instance installs (VIP or eVIP) with its resolved device.
struct InstalledAddress {
  const VirtualAddress* vip = nullptr;
  std::string dev;
  bool excluded = false;
  bool tracked = false;       // its device is a FAULT source (R38)
  bool garp_pending = false;  // a paced GARP is queued for it (R53)
};

// InstanceRuntime::rx_if of an instance with no interface configured.
inline constexpr int kAnyInterface = -2;

// Laid out for the advert paths (issue 17). A backup receiving its master's
// advert reads and writes lines A and B and the line of the advert
// template's addresses; a master's advert timer reads A, C and the template.
// The configuration (a 1 KiB VrrpInstance), the tracker and address vectors
// are touched only when something changes: the fields the advert paths need
// from it are copied here. Aligned to a cache line, so that the lines are
// what the comments say.
struct alignas(64) InstanceRuntime {
  // ---- line A: state, flags, priority, the instance timer
  State state = State::kInit;
  State wantstate = State::kBackup;  // R3
  State notified = State::kInit;     // last state announced by a Notify
  bool preempt_running = false;      // R26
  bool shortened_by_prio0 = false;   // the running deadline came from R14.1
  bool have_last_master = false;     // for skip_check_adv_addr (R13)
  bool vipset = false;
  bool own_fault = false;     // cached: some fault source is active (R40)
  bool pending = false;       // cached: weight-0 scripts yet to report (R43)
  bool garp_pending = false;  // some address has a queued GARP (R53)
  bool src_ok = false;
  // A peer uses the pre-1.3.6 v3 unicast checksum (logged once).
  bool old_unicast_checksum = false;
  // Copies of *cfg's fields (Build sets them; they follow from the
  // configuration, as cfg does).
  std::uint8_t version = 2;
  bool unicast = false;  // cfg->is_unicast()
  bool nopreempt = false;
  bool skip_check_adv_addr = false;  // the instance's or the global option
  bool lower_prio_no_advert = false;
  bool higher_prio_send_advert = false;
  bool auth_ah = false;  // version 2 with auth_type AH
  bool ipv6 = false;     // cfg->ipv6: the family of its adverts
  // cfg->interface as the first host interface of that name (kAnyInterface:
  // none configured; -1: not on this host), for receiving by index.
  int rx_if = -1;
  int index = -1;
  int effective_priority = 100;
  int down_timer_adverts = 3;           // cfg's
  QuickValidation quick;                // QuickValidationFor(*cfg), for SurelyValid
  Time sands = kNever;                  // the single instance timer
  Duration master_adver_int = kSecond;  // R12
  Duration ms_down_timer = 0;           // R11, R33

  // ---- line B: what else a received advert may read or write
  Duration preempt_delay = 0;  // cfg's
  // GARP schedule (R50-R52): these are separate keepalived threads, not sands.
  Time garp_delay_at = kNever;
  Time garp_lower_at = kNever;
  IpAddress last_master;
  int group = -1;
  int base_priority = 100;
  // IPv4 ID of the last send round (0 = none yet) and the AH sequence
  // number; keepalived advances both once per round (all unicast peers of
  // a round share them).
  std::uint16_t ip_id = 0;
  std::uint32_t ah_seq = 0;
  std::uint32_t ah_rx_seq = 0;  // highest AH sequence number accepted (replay check)

  // ---- line C: the advert timer's
  Duration adver_int = kSecond;
  Time preempt_time = 0;
  Time garp_refresh_at = kNever;
  Duration garp_master_refresh = 0;  // cfg's
  IpAddress src;                     // advert source address (R16)

  // ---- lines D, E: the template of every advert it sends: everything but
  // priority, src, ttl, ip_id, ah_seq and a unicast peer's dst. Line aligned:
  // the address list is line E.
  alignas(64) VrrpAdvert advert;

  // ---- cold: read when the configuration or a tracked object matters
  const VrrpInstance* cfg = nullptr;
  std::vector<InterfaceRef> track_ifs;
  std::vector<ScriptRef> scripts;
  std::vector<FileRef> files;
  std::vector<InstalledAddress> addresses;  // VIPs then eVIPs, configuration order
};

struct GroupRuntime {
  const SyncGroup* cfg = nullptr;
  std::vector<int> members;  // instance indices, group order
  State state = State::kInit;
  State notified = State::kInit;
};

struct ScriptRuntime {
  const VrrpScript* cfg = nullptr;
  ScriptCounter counter{1, 1};
  Time next_run = kNever;
  int outstanding = 0;  // runs started and not yet answered
  bool have_status = false;
  int last_status = 0;
};

}  // namespace vrrp

// What the engine asks its driver to do.
//
// Every input to the engine appends zero or more actions to an `Actions`
// list, in the order keepalived 2.2.7 performs them (R20, R21, R40, R45,
// R70). Tests assert on these sequences; the simulator executes them; a
// real-socket driver would send/add/remove for real.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "engine/config/model.h"
#include "engine/ipv4.h"
#include "engine/packet/vrrp_packet.h"
#include "engine/time.h"

namespace vrrp {

enum class State : std::uint8_t { kInit, kBackup, kMaster, kFault, kStop };
const char* StateName(State s);  // "INIT", "BACKUP", "MASTER", "FAULT", "STOP"

// Why a transition (or a notable non-transition) happened. Stable names: they
// appear in traces.
enum class Reason : std::uint8_t {
  kNone,
  kStartup,                     // initial state after start (R4)
  kOwnerStartup,                // address owner straight to MASTER (R4.3)
  kMasterDownTimer,             // master-down timer expired (R20)
  kPriorityZeroAdvert,          // a priority-0 advert shortened the timer (R14.1)
  kHigherPriorityAdvert,        // MASTER saw a better advert (R17.5)
  kEqualPriorityHigherAddress,  // R17.5 tie-break
  kFault,                       // a fault source became active (R40)
  kFaultCleared,                // last fault source cleared (R41)
  kSyncGroup,                   // forced by the sync group (R61-R63)
  kShutdown,                    // graceful stop (R45)
  // Appended (additive): a MASTER answered a lower-priority advert (R17.4);
  // carried by the MASTER->MASTER Notify that stands for the
  // notify_master_rx_lower_pri script and the MASTER_RX_LOWER_PRI FIFO line.
  kMasterRxLowerPriority,
};
const char* ReasonName(Reason r);  // "startup", "master-down-timer", ...

// Send one advertisement. For unicast instances there is one action per peer.
struct SendAdvert {
  SendAdvert() = default;
  // Lets an Actions vector build one in place from an instance's template.
  SendAdvert(int i, const VrrpAdvert& a) : instance(i), advert(a) {}

  int instance = -1;
  VrrpAdvert advert;  // src/dst/ttl filled in; EncodeIpv4(advert) gives the bytes
};

struct AddVip {
  int instance = -1;
  VirtualAddress vip;
  std::string dev;        // resolved interface
  bool excluded = false;  // an eVIP (not advertised)
};

struct RemoveVip {
  int instance = -1;
  VirtualAddress vip;
  std::string dev;
  bool excluded = false;
};

// One gratuitous ARP request for `vip` on `dev` (sender IP = target IP = vip).
struct SendGarp {
  int instance = -1;
  IpAddress vip;
  std::string dev;
};

// A state notification (R70): the scripts that would run are named for
// display, never executed. instance == -1 for a sync-group notification.
struct Notify {
  int instance = -1;
  int group = -1;
  State from = State::kInit;
  State to = State::kInit;
  int priority = 0;  // effective priority (0 for groups, as keepalived)
  Reason reason = Reason::kNone;
  std::string detail;  // e.g. "higher priority 200 from 10.0.0.2", "script chk_app failed"
};

struct PriorityChanged {
  int instance = -1;
  int from = 0;
  int to = 0;
};

// The instance's single timer (sands) was set. kNever = disabled.
struct TimerArmed {
  int instance = -1;
  Time at = kNever;
};

// Start one run of a vrrp_script. The driver reports the outcome with
// Daemon::OnCheckResult (the simulator answers from the scenario; nothing is
// executed).
struct RunScript {
  int script = -1;  // index into Config::scripts
  std::string name;
  Duration timeout = 0;
};

// A log line worded as keepalived 2.2.7 would print it (without the
// "Keepalived_vrrp[pid]: " prefix). Only emitted if DaemonOptions::emit_logs.
struct LogLine {
  int instance = -1;
  std::string text;
};

using Action = std::variant<SendAdvert, AddVip, RemoveVip, SendGarp, Notify, PriorityChanged,
                            TimerArmed, RunScript, LogLine>;
using Actions = std::vector<Action>;

}  // namespace vrrp

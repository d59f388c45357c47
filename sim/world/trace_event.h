// One thing that happened in a simulation run, as observers see it.
//
// The world turns engine actions, network decisions and scenario operations
// into a single time-ordered stream of TraceEvents; the trace recorder, the
// split-brain detector and the metrics all read this stream, so what is
// written to a trace file is exactly what the detectors saw.
#pragma once

#include <cstdint>
#include <string>

#include "engine/ip_address.h"
#include "engine/time.h"
#include "engine/vrrp/action.h"

namespace vsim {

using vrrp::Duration;
using vrrp::Time;

enum class TraceKind : std::uint8_t {
  kOperation,        // a scenario operation or fault (detail = its description)
  kTransition,       // an instance changed state (from, to, priority, reason)
  kGroupTransition,  // a sync group changed state
  kPriority,         // effective priority changed (priority = new, value = old)
  kVipAdded,         // address configured on the host (addr, dev in detail)
  kVipRemoved,       // address removed from the host
  kGarp,             // gratuitous ARP sent for addr
  kAdvertSent,       // VRRP advert left the host (priority, addr = destination)
  kAdvertReceived,   // delivered to the daemon
  kPacketDropped,    // lost on the way (detail = reason)
  kScriptRun,        // a vrrp_script run started (detail = script name)
  kScriptResult,     // its result (value = 1 ok / 0 failed)
  kLog,              // a keepalived log line (detail)
  kClientView,       // a client's traffic for addr now reaches peer_host (-1: nobody)
};
const char* TraceKindName(TraceKind k);

struct TraceEvent {
  Time t = 0;
  TraceKind kind = TraceKind::kOperation;
  int host = -1;
  int instance = -1;  // index in the host's config, -1 if none
  int vrid = 0;
  vrrp::State from = vrrp::State::kInit;
  vrrp::State to = vrrp::State::kInit;
  int priority = 0;
  std::int64_t value = 0;
  vrrp::Reason reason = vrrp::Reason::kNone;
  vrrp::IpAddress addr;  // IPv4 or IPv6 (an IPv6 instance's VIP, source, ff02::12)
  int peer_host = -1;    // sender (received/dropped) or receiver
  int op = -1;           // kOperation: the OpKind, as an int
  std::string detail;
};

// Receives every event as it happens, in order.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void OnEvent(const TraceEvent& e) = 0;
  // The same for the last sink of a simulation, which may keep `e` without
  // copying it (a recorder: an event's detail string is often on the heap).
  virtual void TakeEvent(TraceEvent&& e) { OnEvent(e); }
};

}  // namespace vsim

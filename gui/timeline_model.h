// The timeline model: what the viewer draws, computed from one run's trace
// (RunResult) without any widget, so it is unit-tested without a display.
//
//   TimelineModel m(run);                       // lanes, bands, marks, messages
//   const StateSegment* s = m.SegmentAt(lane, t);
//   std::vector<std::string> why = m.CausalChain(event_index);
//
// Lanes are host x instance (state segments and effective priority) plus one
// "VIP held by" lane per VRID. Everything is sorted by time so that a view can
// binary-search the visible window and aggregate what is narrower than a pixel.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/run_result.h"

namespace vsim::gui {

// A lane's state: keepalived's states plus kDown (keepalived not running:
// never started, crashed, powered off), which keepalived itself never reports.
enum class LaneState : std::uint8_t { kDown, kInit, kBackup, kMaster, kFault, kStop };
const char* LaneStateName(LaneState s);  // "down", "INIT", "BACKUP", ...

struct StateSegment {
  Time start = 0;
  Time end = 0;  // half-open [start, end)
  LaneState state = LaneState::kDown;
  int priority = 0;  // effective priority when the segment began
  int cause = -1;    // index in RunResult::events of the event that began it, -1 none
};

struct PriorityStep {
  Time t = 0;
  int priority = 0;
  int event = -1;
};

// Who holds a VRID's addresses: empty = nobody, two or more = VIP split brain.
struct VipSegment {
  Time start = 0;
  Time end = 0;
  std::vector<int> hosts;  // sorted host indices
};

enum class MarkKind : std::uint8_t { kGarp, kNotify };
struct Mark {
  Time t = 0;
  MarkKind kind = MarkKind::kGarp;
  int event = -1;
};

struct Lane {
  enum class Kind : std::uint8_t { kInstance, kVip };
  Kind kind = Kind::kInstance;
  std::string label;  // "node1 VI_1", "VIP 81" or (IPv6) "VIP 82 IPv6"
  int host = -1;      // instance lanes
  int instance = -1;  // index in the host's config
  // The group key (sim/observe/vrrp_group.h): the VRID, plus kIpv6GroupFlag
  // for IPv6, so an IPv4 and an IPv6 instance of one VRID have lanes apart.
  int vrid = 0;
  std::vector<StateSegment> segments;  // instance lanes: contiguous over [0, duration)
  std::vector<PriorityStep> priority;  // instance lanes: effective priority steps
  std::vector<VipSegment> holders;     // VIP lanes: contiguous over [0, duration)
  std::vector<Mark> marks;             // GARPs (VIP lane of the VRID) and notifies
};

// A fault or operation window (crash..start, partition..heal, check fail..
// succeed, pause for N...), or an instant operation when start == end.
struct Band {
  Time start = 0;
  Time end = 0;
  std::string kind;        // the operation's name: crash, partition, check...
  std::string label;       // the operation as the trace describes it
  std::vector<int> hosts;  // hosts it is about; empty = every host (partition, heal)
  int event = -1;          // the operation that opened it
};

// One packet for the message-sequence view (only in runs recorded with packets).
struct Message {
  Time sent = 0;
  Time arrived = 0;  // delivery or drop time
  int from = -1;     // sender host
  int to = -1;       // receiver host
  int vrid = 0;      // group key, as Lane::vrid
  int priority = 0;
  bool dropped = false;
  int event = -1;   // the advert-received / packet-dropped event
  std::string why;  // drop reason
};

class TimelineModel {
 public:
  explicit TimelineModel(std::shared_ptr<const RunResult> run);

  const RunResult& run() const { return *run_; }
  std::shared_ptr<const RunResult> shared_run() const { return run_; }
  Time duration() const { return duration_; }
  std::string title() const;  // the variant, or the scenario for a base run
  // Stacked runs from different scenarios need "scenario / variant".
  void set_title(std::string t) { title_ = std::move(t); }

  const std::vector<Lane>& lanes() const { return lanes_; }
  const std::vector<Band>& bands() const { return bands_; }
  const std::vector<Message>& messages() const { return messages_; }  // by arrival time
  // Times at which something happens (transitions, operations, priority and
  // VIP changes, split-brain bounds), sorted and unique: what skip-idle keeps.
  const std::vector<Time>& activity() const { return activity_; }

  // The segment covering t (nullptr outside [0, duration)).
  const StateSegment* SegmentAt(int lane, Time t) const;
  const VipSegment* VipAt(int lane, Time t) const;
  int PriorityAt(int lane, Time t) const;  // -1 if unknown
  // Indices into segments / holders / messages overlapping [t0, t1).
  std::pair<std::size_t, std::size_t> SegmentRange(int lane, Time t0, Time t1) const;
  std::pair<std::size_t, std::size_t> MessageRange(Time t0, Time t1) const;
  bool InSplitBrain(Time t) const;

  std::string HostName(int host) const;
  // One line per fact: the hover text of lane `lane` at time t.
  std::vector<std::string> Describe(int lane, Time t) const;
  // Why event `event` (a transition) happened: the transition, the rule, the
  // packet or fault behind it, the priority changes that set it up.
  std::vector<std::string> CausalChain(int event) const;
  // The transition nearest to t in the lane within `tolerance`, -1 if none.
  int TransitionNear(int lane, Time t, Duration tolerance) const;

 private:
  void BuildInstanceLanes();
  void BuildVipLanes();
  void BuildBands();
  void BuildMessages();
  void BuildActivity();

  std::shared_ptr<const RunResult> run_;
  Time duration_ = 0;
  std::vector<Lane> lanes_;
  std::vector<Band> bands_;
  std::vector<Message> messages_;
  std::vector<Time> activity_;
  std::string title_;
};

// "12.345678s" trimmed to what matters at the given resolution ("12.3s").
std::string FormatSeconds(Time t, Duration resolution = 1);

// The simulator's rule behind a transition reason (docs/conformance.md).
std::string ReasonRule(vrrp::Reason r);

// Maps simulated time to an axis that can skip idle stretches. The axis unit
// is microseconds of *shown* time; Linear is the identity.
class TimeMap {
 public:
  struct Piece {
    Time t0 = 0, t1 = 0;    // time span
    double a0 = 0, a1 = 0;  // axis span
    bool compressed = false;
  };
  static TimeMap Linear(Time duration);
  // Keeps `context` around each activity time; a longer idle gap is shown
  // `gap_width` wide.
  static TimeMap SkipIdle(const std::vector<Time>& activity, Time duration, Duration context,
                          Duration gap_width);

  double ToAxis(Time t) const;
  Time ToTime(double a) const;
  double length() const { return pieces_.empty() ? 0.0 : pieces_.back().a1; }
  Time duration() const { return pieces_.empty() ? 0 : pieces_.back().t1; }
  const std::vector<Piece>& pieces() const { return pieces_; }
  bool skips() const;

 private:
  std::vector<Piece> pieces_;
};

}  // namespace vsim::gui

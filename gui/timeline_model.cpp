#include "gui/timeline_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "sim/trace/text_report.h"

namespace vsim::gui {

namespace {

LaneState FromVrrp(vrrp::State s) {
  switch (s) {
    case vrrp::State::kInit:
      return LaneState::kInit;
    case vrrp::State::kBackup:
      return LaneState::kBackup;
    case vrrp::State::kMaster:
      return LaneState::kMaster;
    case vrrp::State::kFault:
      return LaneState::kFault;
    case vrrp::State::kStop:
      return LaneState::kStop;
  }
  return LaneState::kDown;
}

// First word of an operation's description: its kind ("crash", "check"...).
// The trace file keeps the description, not the enum, so this works for runs
// read from a file and runs made in-process alike.
std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "crash node1 [crash-1]" -> "crash node1"
std::string StripLabel(const std::string& s) {
  const auto p = s.rfind(" [");
  return p != std::string::npos && !s.empty() && s.back() == ']' ? s.substr(0, p) : s;
}

bool IsDownOp(const std::string& k) { return k == "crash" || k == "power-off" || k == "stop"; }
bool IsUpOp(const std::string& k) {
  return k == "start" || k == "power-on" || k == "restart" || k == "reload";
}

}  // namespace

const char* LaneStateName(LaneState s) {
  switch (s) {
    case LaneState::kDown:
      return "down";
    case LaneState::kInit:
      return "INIT";
    case LaneState::kBackup:
      return "BACKUP";
    case LaneState::kMaster:
      return "MASTER";
    case LaneState::kFault:
      return "FAULT";
    case LaneState::kStop:
      return "STOP";
  }
  return "?";
}

std::string FormatSeconds(Time t, Duration resolution) {
  int decimals = 6;
  if (resolution >= vrrp::kSecond)
    decimals = 0;
  else if (resolution >= 100'000)
    decimals = 1;
  else if (resolution >= 10'000)
    decimals = 2;
  else if (resolution >= 1'000)
    decimals = 3;
  else if (resolution >= 100)
    decimals = 4;
  char buf[64];
  // Integer arithmetic: no rounding surprises, identical on every compiler.
  const bool neg = t < 0;
  const std::uint64_t u = neg ? static_cast<std::uint64_t>(-t) : static_cast<std::uint64_t>(t);
  const std::uint64_t sec = u / 1'000'000, frac = u % 1'000'000;
  if (decimals == 0) {
    std::snprintf(buf, sizeof buf, "%s%llus", neg ? "-" : "", static_cast<unsigned long long>(sec));
  } else {
    char f[8];
    std::snprintf(f, sizeof f, "%06llu", static_cast<unsigned long long>(frac));
    f[decimals] = '\0';
    std::snprintf(buf, sizeof buf, "%s%llu.%ss", neg ? "-" : "",
                  static_cast<unsigned long long>(sec), f);
  }
  return buf;
}

std::string ReasonRule(vrrp::Reason r) {
  switch (r) {
    case vrrp::Reason::kStartup:
      return "R4 startup: keepalived starts every non-owner instance as BACKUP";
    case vrrp::Reason::kOwnerStartup:
      return "R4.3 address owner (priority 255) goes straight to MASTER";
    case vrrp::Reason::kMasterDownTimer:
      return "R8/R11/R20 master-down timer expired: no advert accepted for "
             "3 x advert_int + skew";
    case vrrp::Reason::kPriorityZeroAdvert:
      return "R14.1 a priority-0 advert (graceful stop) cut the timer to the skew time";
    case vrrp::Reason::kHigherPriorityAdvert:
      return "R17.5 MASTER received a higher-priority advert and yields";
    case vrrp::Reason::kEqualPriorityHigherAddress:
      return "R17.5/R18 equal priority: the higher primary address wins";
    case vrrp::Reason::kFault:
      return "R40 a fault source became active (interface, script weight 0, track_file)";
    case vrrp::Reason::kFaultCleared:
      return "R41 the last fault source cleared";
    case vrrp::Reason::kSyncGroup:
      return "R61-R63 forced by the vrrp_sync_group";
    case vrrp::Reason::kShutdown:
      return "R45 graceful stop: priority-0 adverts, VIPs removed";
    case vrrp::Reason::kMasterRxLowerPriority:
      return "R17.4 MASTER answered a lower-priority advert";
    case vrrp::Reason::kNone:
      break;
  }
  return "no reason recorded";
}

// ---------------------------------------------------------------- TimeMap

TimeMap TimeMap::Linear(Time duration) {
  TimeMap m;
  m.pieces_.push_back(
      {0, std::max<Time>(duration, 1), 0.0, double(std::max<Time>(duration, 1)), false});
  return m;
}

TimeMap TimeMap::SkipIdle(const std::vector<Time>& activity, Time duration, Duration context,
                          Duration gap_width) {
  duration = std::max<Time>(duration, 1);
  // Kept intervals: [a - context, a + context], merged.
  std::vector<std::pair<Time, Time>> kept;
  for (Time a : activity) {
    const Time lo = std::clamp<Time>(a - context, 0, duration);
    const Time hi = std::clamp<Time>(a + context, 0, duration);
    if (!kept.empty() && lo <= kept.back().second)
      kept.back().second = std::max(kept.back().second, hi);
    else
      kept.emplace_back(lo, hi);
  }
  TimeMap m;
  double axis = 0;
  Time cursor = 0;
  auto add = [&](Time t0, Time t1, bool idle) {
    if (t1 <= t0) return;
    // Squeezing a gap to less than a quarter of itself is worth a break mark.
    const bool compress = idle && (t1 - t0) > 4 * gap_width;
    const double w = compress ? double(gap_width) : double(t1 - t0);
    m.pieces_.push_back({t0, t1, axis, axis + w, compress});
    axis += w;
  };
  for (const auto& [lo, hi] : kept) {
    add(cursor, lo, true);
    add(std::max(cursor, lo), hi, false);
    cursor = std::max(cursor, hi);
  }
  add(cursor, duration, true);
  if (m.pieces_.empty()) return Linear(duration);
  return m;
}

bool TimeMap::skips() const {
  return std::any_of(pieces_.begin(), pieces_.end(), [](const Piece& p) { return p.compressed; });
}

double TimeMap::ToAxis(Time t) const {
  if (pieces_.empty()) return double(t);
  if (t <= pieces_.front().t0) return pieces_.front().a0 - double(pieces_.front().t0 - t);
  if (t >= pieces_.back().t1) return pieces_.back().a1 + double(t - pieces_.back().t1);
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), t,
                             [](Time v, const Piece& p) { return v < p.t1; });
  const Piece& p = *it;
  return p.a0 + double(t - p.t0) * (p.a1 - p.a0) / double(p.t1 - p.t0);
}

namespace {
// Rounds an axis offset to a time, saturating instead of overflowing: a
// trace's times may reach 2^63 us and a double cannot hold that exactly.
Time SatTime(double v) {
  constexpr double kMax = 9223372036854774784.0;  // the largest double below 2^63
  if (!(v > -kMax)) return Time(-kMax);
  if (v > kMax) return Time(kMax);
  return Time(std::llround(v));
}
Time SatAdd(Time a, Time b) {
  Time r;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? std::numeric_limits<Time>::max() : std::numeric_limits<Time>::min();
  return r;
}
}  // namespace

Time TimeMap::ToTime(double a) const {
  if (pieces_.empty()) return SatTime(a);
  if (a <= pieces_.front().a0) return SatAdd(pieces_.front().t0, -SatTime(pieces_.front().a0 - a));
  if (a >= pieces_.back().a1) return SatAdd(pieces_.back().t1, SatTime(a - pieces_.back().a1));
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), a,
                             [](double v, const Piece& p) { return v < p.a1; });
  const Piece& p = *it;
  return std::min(p.t1, SatAdd(p.t0, SatTime((a - p.a0) * double(p.t1 - p.t0) / (p.a1 - p.a0))));
}

// ---------------------------------------------------------------- model

TimelineModel::TimelineModel(std::shared_ptr<const RunResult> run) : run_(std::move(run)) {
  duration_ = run_->duration;
  if (!run_->events.empty()) duration_ = std::max(duration_, run_->events.back().t);
  for (const auto& sb : run_->split_brain) duration_ = std::max(duration_, sb.end);
  duration_ = std::max<Time>(duration_, 1);
  BuildInstanceLanes();
  BuildVipLanes();
  BuildBands();
  BuildMessages();
  BuildActivity();
}

std::string TimelineModel::title() const {
  if (!title_.empty()) return title_;
  if (!run_->variant.empty()) return run_->variant;
  return run_->scenario.empty() ? run_->file : run_->scenario;
}

std::string TimelineModel::HostName(int host) const {
  if (host >= 0 && host < int(run_->hosts.size())) return run_->hosts[std::size_t(host)].name;
  return "?";
}

void TimelineModel::BuildInstanceLanes() {
  const auto& hosts = run_->hosts;
  std::vector<std::vector<int>> lane_of(hosts.size());
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    for (std::size_t i = 0; i < hosts[h].instances.size(); ++i) {
      Lane l;
      l.kind = Lane::Kind::kInstance;
      l.label = hosts[h].name + " " + hosts[h].instances[i];
      l.host = int(h);
      l.instance = int(i);
      l.vrid = i < hosts[h].vrids.size() ? hosts[h].group(i) : 0;
      l.segments.push_back({0, 0, LaneState::kDown, 0, -1});
      lane_of[h].push_back(int(lanes_.size()));
      lanes_.push_back(std::move(l));
    }
  }
  auto lane_index = [&](int h, int i) -> int {
    if (h < 0 || std::size_t(h) >= lane_of.size()) return -1;
    if (i < 0 || std::size_t(i) >= lane_of[std::size_t(h)].size()) return -1;
    return lane_of[std::size_t(h)][std::size_t(i)];
  };
  auto enter = [&](Lane& l, Time t, LaneState s, int prio, int cause) {
    StateSegment& cur = l.segments.back();
    if (cur.start == t) {
      // Same microsecond: the last state entered is the one that lasts.
      cur.state = s;
      cur.priority = prio;
      cur.cause = cause;
    } else {
      cur.end = t;
      l.segments.push_back({t, 0, s, prio, cause});
    }
  };
  auto step = [](Lane& l, Time t, int prio, int ev) {
    if (!l.priority.empty() && l.priority.back().priority == prio) return;
    if (!l.priority.empty() && l.priority.back().t == t)
      l.priority.back() = {t, prio, ev};
    else
      l.priority.push_back({t, prio, ev});
  };
  const auto& events = run_->events;
  for (std::size_t k = 0; k < events.size(); ++k) {
    const TraceEvent& e = events[k];
    const int ev = int(k);
    switch (e.kind) {
      case TraceKind::kTransition: {
        const int li = lane_index(e.host, e.instance);
        if (li < 0) break;
        Lane& l = lanes_[std::size_t(li)];
        const LaneState s = FromVrrp(e.to);
        enter(l, e.t, s, e.priority, ev);
        step(l, e.t, s == LaneState::kStop ? 0 : e.priority, ev);
        l.marks.push_back({e.t, MarkKind::kNotify, ev});
        break;
      }
      case TraceKind::kPriority: {
        const int li = lane_index(e.host, e.instance);
        if (li < 0) break;
        step(lanes_[std::size_t(li)], e.t, e.priority, ev);
        break;
      }
      case TraceKind::kGarp: {
        const int li = lane_index(e.host, e.instance);
        if (li < 0) break;
        auto& marks = lanes_[std::size_t(li)].marks;
        // A GARP round sends several frames in the same microsecond: one mark.
        if (!marks.empty() && marks.back().t == e.t && marks.back().kind == MarkKind::kGarp) break;
        marks.push_back({e.t, MarkKind::kGarp, ev});
        break;
      }
      case TraceKind::kOperation: {
        const auto w = Words(e.detail);
        if (w.empty() || e.host < 0 || std::size_t(e.host) >= lane_of.size()) break;
        if (w[0] == "crash" || w[0] == "power-off") {
          for (int li : lane_of[std::size_t(e.host)]) {
            enter(lanes_[std::size_t(li)], e.t, LaneState::kDown, 0, ev);
            step(lanes_[std::size_t(li)], e.t, 0, ev);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  for (auto& l : lanes_) {
    l.segments.back().end = duration_;
    if (l.segments.back().start >= duration_ && l.segments.size() > 1) {
      l.segments.pop_back();
      l.segments.back().end = duration_;
    }
  }
}

void TimelineModel::BuildVipLanes() {
  // One lane per group: a VRID of one family (an IPv4 and an IPv6 instance
  // of one VRID are two groups, sim/observe/vrrp_group.h), IPv4 first.
  const auto& hosts = run_->hosts;
  std::set<int> vrids;
  for (const auto& h : hosts)
    for (std::size_t i = 0; i < h.vrids.size(); ++i) vrids.insert(h.group(i));
  // The group of each VIP event (-1: not a VIP event).
  std::vector<int> group_of(run_->events.size(), -1);
  for (std::size_t k = 0; k < run_->events.size(); ++k) {
    const TraceEvent& e = run_->events[k];
    if (e.kind != TraceKind::kVipAdded && e.kind != TraceKind::kVipRemoved) continue;
    group_of[k] = EventGroup(hosts, e);
    if (e.kind == TraceKind::kVipAdded) vrids.insert(group_of[k]);
  }
  for (int vrid : vrids) {
    Lane l;
    l.kind = Lane::Kind::kVip;
    l.vrid = vrid;
    l.label = "VIP " + GroupText(vrid);
    std::map<int, std::map<vrrp::IpAddress, int>> held;  // host -> address -> count
    l.holders.push_back({0, 0, {}});
    const auto& events = run_->events;
    for (std::size_t k = 0; k < events.size(); ++k) {
      const TraceEvent& e = events[k];
      if (group_of[k] != vrid) continue;
      auto& per_host = held[e.host];
      if (e.kind == TraceKind::kVipAdded) {
        per_host[e.addr] = 1;
      } else {
        per_host.erase(e.addr);
      }
      std::vector<int> now;
      for (const auto& [h, addrs] : held)
        if (!addrs.empty()) now.push_back(h);
      VipSegment& cur = l.holders.back();
      if (now == cur.hosts) continue;
      if (cur.start == e.t) {
        cur.hosts = now;
        // Merge with the previous segment if the same-time change undid it.
        if (l.holders.size() > 1 && l.holders[l.holders.size() - 2].hosts == now) {
          l.holders.pop_back();
        }
      } else {
        cur.end = e.t;
        l.holders.push_back({e.t, 0, now});
      }
    }
    l.holders.back().end = duration_;
    lanes_.push_back(std::move(l));
  }
}

void TimelineModel::BuildBands() {
  std::map<std::string, std::size_t> open;  // key -> index in bands_
  auto close = [&](const std::string& key, Time t) {
    auto it = open.find(key);
    if (it == open.end()) return false;
    bands_[it->second].end = t;
    open.erase(it);
    return true;
  };
  auto open_band = [&](const std::string& key, const TraceEvent& e, int ev, const std::string& kind,
                       std::vector<int> hosts) {
    close(key, e.t);
    bands_.push_back({e.t, duration_, kind, StripLabel(e.detail), std::move(hosts), ev});
    open[key] = bands_.size() - 1;
  };
  const auto& events = run_->events;
  for (std::size_t k = 0; k < events.size(); ++k) {
    const TraceEvent& e = events[k];
    if (e.kind != TraceKind::kOperation) continue;
    const auto w = Words(e.detail);
    if (w.empty()) continue;
    const std::string& kind = w[0];
    const std::string host = std::to_string(e.host);
    std::vector<int> hosts;
    if (e.host >= 0) hosts.push_back(e.host);
    const int ev = int(k);
    if (IsDownOp(kind)) {
      open_band("down:" + host, e, ev, kind, hosts);
    } else if (IsUpOp(kind)) {
      const bool closed = close("down:" + host, e.t);
      if (!closed && (kind != "start" || e.t > 0))
        bands_.push_back({e.t, e.t, kind, StripLabel(e.detail), hosts, ev});
    } else if (kind == "partition") {
      open_band("partition", e, ev, kind, {});
    } else if (kind == "heal") {
      bool any = close("partition", e.t);
      for (auto it = open.begin(); it != open.end();) {
        if (it->first.rfind("block:", 0) == 0) {
          bands_[it->second].end = e.t;
          it = open.erase(it);
          any = true;
        } else {
          ++it;
        }
      }
      if (!any) bands_.push_back({e.t, e.t, kind, StripLabel(e.detail), {}, ev});
    } else if (kind == "block" || kind == "unblock") {
      // "block node1 -> node2"
      const std::string key = "block:" + (w.size() >= 4 ? w[1] + "->" + w[3] : host);
      if (e.peer_host >= 0) hosts.push_back(e.peer_host);
      if (kind == "block")
        open_band(key, e, ev, kind, hosts);
      else if (!close(key, e.t))
        bands_.push_back({e.t, e.t, kind, StripLabel(e.detail), hosts, ev});
    } else if (kind == "check" && w.size() >= 4) {
      const std::string key = "check:" + host + ":" + w[2];
      if (w[3] == "succeed") {
        if (!close(key, e.t)) bands_.push_back({e.t, e.t, kind, StripLabel(e.detail), hosts, ev});
      } else if (!open.count(key)) {
        open_band(key, e, ev, kind, hosts);
      }
    } else if ((kind == "link-down" || kind == "link-up") && w.size() >= 3) {
      const std::string key = "link:" + host + ":" + w[2];
      if (kind == "link-down")
        open_band(key, e, ev, kind, hosts);
      else if (!close(key, e.t))
        bands_.push_back({e.t, e.t, kind, StripLabel(e.detail), hosts, ev});
    } else if (kind == "pause") {
      // "pause node1 for 5000000us"
      Duration d = 0;
      if (w.size() >= 4) d = std::strtoll(w[3].c_str(), nullptr, 10);
      bands_.push_back(
          {e.t, std::min<Time>(e.t + d, duration_), kind, StripLabel(e.detail), hosts, ev});
    } else {
      bands_.push_back({e.t, e.t, kind, StripLabel(e.detail), hosts, ev});
    }
  }
  std::stable_sort(bands_.begin(), bands_.end(),
                   [](const Band& a, const Band& b) { return a.start < b.start; });
}

void TimelineModel::BuildMessages() {
  // Sends per (sender, group), in time order, to pair each delivery or drop
  // with the advert it carried. (A drop names no address: where the sender
  // has an IPv4 and an IPv6 instance of the VRID it is taken as IPv4's.)
  std::map<std::pair<int, int>, std::vector<std::pair<Time, int>>> sends;
  const auto& events = run_->events;
  for (std::size_t k = 0; k < events.size(); ++k) {
    const TraceEvent& e = events[k];
    if (e.kind == TraceKind::kAdvertSent) {
      sends[{e.host, EventGroup(run_->hosts, e)}].emplace_back(e.t, e.priority);
      continue;
    }
    if (e.kind != TraceKind::kAdvertReceived && e.kind != TraceKind::kPacketDropped) continue;
    Message m;
    m.arrived = e.t;
    m.sent = e.t;
    m.from = e.peer_host;
    m.to = e.host;
    // The sender's group: the receiver's event names the sender by host.
    TraceEvent as_sent = e;
    as_sent.host = e.peer_host;
    as_sent.instance = -1;
    m.vrid = EventGroup(run_->hosts, as_sent);
    m.priority = e.priority;
    m.dropped = e.kind == TraceKind::kPacketDropped;
    m.event = int(k);
    m.why = e.detail;
    auto it = sends.find({e.peer_host, m.vrid});
    if (it != sends.end()) {
      const auto& v = it->second;
      auto s = std::upper_bound(v.begin(), v.end(), std::pair<Time, int>{e.t, 1 << 30});
      if (s != v.begin()) m.sent = std::prev(s)->first;
    }
    messages_.push_back(std::move(m));
  }
}

void TimelineModel::BuildActivity() {
  activity_.push_back(0);
  activity_.push_back(duration_);
  for (const auto& e : run_->events) {
    switch (e.kind) {
      case TraceKind::kTransition:
      case TraceKind::kOperation:
      case TraceKind::kPriority:
      case TraceKind::kVipAdded:
      case TraceKind::kVipRemoved:
      case TraceKind::kGroupTransition:
        activity_.push_back(e.t);
        break;
      default:
        break;
    }
  }
  for (const auto& b : bands_) activity_.push_back(b.end);
  for (const auto& sb : run_->split_brain) {
    activity_.push_back(sb.start);
    activity_.push_back(sb.end);
  }
  std::sort(activity_.begin(), activity_.end());
  activity_.erase(std::unique(activity_.begin(), activity_.end()), activity_.end());
}

const StateSegment* TimelineModel::SegmentAt(int lane, Time t) const {
  if (lane < 0 || std::size_t(lane) >= lanes_.size()) return nullptr;
  const auto& segs = lanes_[std::size_t(lane)].segments;
  auto it = std::upper_bound(segs.begin(), segs.end(), t,
                             [](Time v, const StateSegment& s) { return v < s.end; });
  if (it == segs.end() || t < it->start) return nullptr;
  return &*it;
}

const VipSegment* TimelineModel::VipAt(int lane, Time t) const {
  if (lane < 0 || std::size_t(lane) >= lanes_.size()) return nullptr;
  const auto& segs = lanes_[std::size_t(lane)].holders;
  auto it = std::upper_bound(segs.begin(), segs.end(), t,
                             [](Time v, const VipSegment& s) { return v < s.end; });
  if (it == segs.end() || t < it->start) return nullptr;
  return &*it;
}

int TimelineModel::PriorityAt(int lane, Time t) const {
  if (lane < 0 || std::size_t(lane) >= lanes_.size()) return -1;
  const auto& p = lanes_[std::size_t(lane)].priority;
  auto it = std::upper_bound(p.begin(), p.end(), t,
                             [](Time v, const PriorityStep& s) { return v < s.t; });
  if (it == p.begin()) return -1;
  return std::prev(it)->priority;
}

std::pair<std::size_t, std::size_t> TimelineModel::SegmentRange(int lane, Time t0, Time t1) const {
  if (lane < 0 || std::size_t(lane) >= lanes_.size()) return {0, 0};
  const Lane& l = lanes_[std::size_t(lane)];
  auto range = [&](const auto& segs) -> std::pair<std::size_t, std::size_t> {
    using S = typename std::decay_t<decltype(segs)>::value_type;
    auto b = std::upper_bound(segs.begin(), segs.end(), t0,
                              [](Time v, const S& s) { return v < s.end; });
    auto e = std::lower_bound(b, segs.end(), t1, [](const S& s, Time v) { return s.start < v; });
    return {std::size_t(b - segs.begin()), std::size_t(e - segs.begin())};
  };
  return l.kind == Lane::Kind::kVip ? range(l.holders) : range(l.segments);
}

std::pair<std::size_t, std::size_t> TimelineModel::MessageRange(Time t0, Time t1) const {
  // Messages are in arrival order; a message is in [t0, t1) if it arrives
  // after t0 and was sent before t1. Network latency is far below a second.
  auto b = std::lower_bound(messages_.begin(), messages_.end(), t0,
                            [](const Message& m, Time v) { return m.arrived < v; });
  // Saturating: a window may reach the end of representable time.
  const Time late = t1 > vrrp::kNever - vrrp::kSecond ? vrrp::kNever : t1 + vrrp::kSecond;
  auto e = std::lower_bound(b, messages_.end(), late,
                            [](const Message& m, Time v) { return m.arrived < v; });
  while (e != b && std::prev(e)->sent >= t1) --e;
  return {std::size_t(b - messages_.begin()), std::size_t(e - messages_.begin())};
}

bool TimelineModel::InSplitBrain(Time t) const {
  for (const auto& sb : run_->split_brain)
    if (t >= sb.start && t < sb.end) return true;
  return false;
}

std::vector<std::string> TimelineModel::Describe(int lane, Time t) const {
  std::vector<std::string> out;
  if (lane < 0 || std::size_t(lane) >= lanes_.size()) return out;
  const Lane& l = lanes_[std::size_t(lane)];
  out.push_back(l.label + " (VRID " + GroupText(l.vrid) + ")");
  out.push_back("t = " + FormatTime(t));
  if (l.kind == Lane::Kind::kInstance) {
    if (const StateSegment* s = SegmentAt(lane, t)) {
      std::string line =
          std::string("state ") + LaneStateName(s->state) + " since " + FormatTime(s->start);
      if (s->cause >= 0) {
        const TraceEvent& c = run_->events[std::size_t(s->cause)];
        if (c.kind == TraceKind::kTransition)
          line += std::string(" (") + vrrp::ReasonName(c.reason) + ")";
        else
          line += " (" + StripLabel(c.detail) + ")";
      }
      out.push_back(line);
      if (s->cause >= 0 && !run_->events[std::size_t(s->cause)].detail.empty() &&
          run_->events[std::size_t(s->cause)].kind == TraceKind::kTransition)
        out.push_back("  " + run_->events[std::size_t(s->cause)].detail);
    }
    const int p = PriorityAt(lane, t);
    if (p >= 0) out.push_back("priority " + std::to_string(p));
  } else if (const VipSegment* v = VipAt(lane, t)) {
    std::string who;
    for (int h : v->hosts) who += (who.empty() ? "" : " + ") + HostName(h);
    out.push_back("held by " + (who.empty() ? std::string("nobody") : who) + " since " +
                  FormatTime(v->start));
    if (v->hosts.size() > 1) out.push_back("VIP SPLIT BRAIN");
  }
  for (const auto& sb : run_->split_brain) {
    if (t >= sb.start && t < sb.end && sb.group() == l.vrid)
      out.push_back("split brain " + FormatTime(sb.start) + " - " + FormatTime(sb.end) +
                    (sb.masters ? " (two MASTERs)" : " (VIP held twice)"));
  }
  for (const auto& b : bands_) {
    if (b.start == b.end || t < b.start || t >= b.end) continue;
    if (!b.hosts.empty() && l.kind == Lane::Kind::kInstance &&
        std::find(b.hosts.begin(), b.hosts.end(), l.host) == b.hosts.end())
      continue;
    out.push_back(b.label + " (" + FormatTime(b.start) + " - " + FormatTime(b.end) + ")");
  }
  return out;
}

int TimelineModel::TransitionNear(int lane, Time t, Duration tolerance) const {
  if (lane < 0 || std::size_t(lane) >= lanes_.size()) return -1;
  const Lane& l = lanes_[std::size_t(lane)];
  int best = -1;
  Duration best_d = tolerance + 1;
  for (const Mark& m : l.marks) {
    if (m.kind != MarkKind::kNotify) continue;
    const Duration d = m.t > t ? m.t - t : t - m.t;
    if (d < best_d) {
      best_d = d;
      best = m.event;
    }
  }
  return best;
}

std::vector<std::string> TimelineModel::CausalChain(int event) const {
  std::vector<std::string> out;
  const auto& events = run_->events;
  if (event < 0 || std::size_t(event) >= events.size()) return out;
  const TraceEvent& e = events[std::size_t(event)];
  const std::string who = HostName(e.host);
  std::string inst;
  if (e.host >= 0 && std::size_t(e.host) < run_->hosts.size() && e.instance >= 0 &&
      std::size_t(e.instance) < run_->hosts[std::size_t(e.host)].instances.size())
    inst = run_->hosts[std::size_t(e.host)].instances[std::size_t(e.instance)];
  if (e.kind != TraceKind::kTransition) {
    out.push_back(FormatTime(e.t) + " " + TraceKindName(e.kind) + " " + who + " " + e.detail);
    return out;
  }
  // The transition's group (VRID and family): adverts and priority changes
  // of the other family's instance of the VRID are no cause. A received
  // advert's family is its source's.
  const int group = EventGroup(run_->hosts, e);
  auto same_group = [&](const TraceEvent& x) {
    if (x.vrid != e.vrid) return false;
    if (x.kind == TraceKind::kAdvertReceived && !x.addr.is_zero())
      return GroupKey(x.vrid, x.addr.family()) == group;
    return EventGroup(run_->hosts, x) == group;
  };
  out.push_back(FormatTime(e.t) + "  " + who + " " + inst + ": " + vrrp::StateName(e.from) +
                " -> " + vrrp::StateName(e.to) + ", priority " + std::to_string(e.priority));
  out.push_back(std::string("reason: ") + vrrp::ReasonName(e.reason) +
                (e.detail.empty() ? "" : " (" + e.detail + ")"));
  out.push_back("rule: " + ReasonRule(e.reason));

  // Walk back from the transition (bounded: a huge trace must not stall a click).
  constexpr std::size_t kMaxScan = 200000;
  const std::size_t lo = std::size_t(event) > kMaxScan ? std::size_t(event) - kMaxScan : 0;
  auto back = [&](auto&& pred) -> int {
    for (std::size_t k = std::size_t(event); k-- > lo;)
      if (pred(events[k])) return int(k);
    return -1;
  };
  auto op_line = [&](int k) {
    const TraceEvent& o = events[std::size_t(k)];
    return FormatTime(o.t) + "  " + StripLabel(o.detail);
  };
  // Packets at the very same microsecond come first in the trace: the advert
  // that made the decision is the last one received before the notification.
  auto same_time_advert = [&]() {
    return back([&](const TraceEvent& x) {
      return x.t == e.t && x.kind == TraceKind::kAdvertReceived && x.host == e.host &&
             same_group(x);
    });
  };
  switch (e.reason) {
    case vrrp::Reason::kStartup:
    case vrrp::Reason::kOwnerStartup: {
      const int k = back([&](const TraceEvent& x) {
        return x.kind == TraceKind::kOperation && x.host == e.host && IsUpOp(Words(x.detail)[0]);
      });
      if (k >= 0) out.push_back("because: " + op_line(k));
      break;
    }
    case vrrp::Reason::kMasterDownTimer: {
      const int last = back([&](const TraceEvent& x) {
        return x.kind == TraceKind::kAdvertReceived && x.host == e.host && same_group(x) &&
               x.t < e.t;
      });
      if (last >= 0) {
        const TraceEvent& a = events[std::size_t(last)];
        out.push_back("packet: last advert accepted at " + FormatTime(a.t) + " from " +
                      HostName(a.peer_host) + " (priority " + std::to_string(a.priority) + ")");
      }
      int lost = 0;
      std::string lost_why;
      for (std::size_t k = last >= 0 ? std::size_t(last) : lo; k < std::size_t(event); ++k) {
        const TraceEvent& x = events[k];
        if (x.kind == TraceKind::kPacketDropped && x.host == e.host && x.vrid == e.vrid) {
          ++lost;
          lost_why = x.detail;
        }
      }
      if (lost > 0)
        out.push_back("packet: " + std::to_string(lost) + " advert(s) to " + who + " lost (" +
                      lost_why + ")");
      break;
    }
    case vrrp::Reason::kPriorityZeroAdvert:
    case vrrp::Reason::kHigherPriorityAdvert:
    case vrrp::Reason::kEqualPriorityHigherAddress:
    case vrrp::Reason::kMasterRxLowerPriority: {
      const int k = same_time_advert();
      if (k >= 0) {
        const TraceEvent& a = events[std::size_t(k)];
        out.push_back("packet: advert from " + HostName(a.peer_host) + " with priority " +
                      std::to_string(a.priority) + " at " + FormatTime(a.t));
      }
      break;
    }
    case vrrp::Reason::kFault:
    case vrrp::Reason::kFaultCleared: {
      const int k = back([&](const TraceEvent& x) {
        return x.kind == TraceKind::kScriptResult && x.host == e.host;
      });
      if (k >= 0)
        out.push_back("check: " + events[std::size_t(k)].detail + " " +
                      (events[std::size_t(k)].value ? "succeeded" : "failed") + " at " +
                      FormatTime(events[std::size_t(k)].t));
      break;
    }
    case vrrp::Reason::kSyncGroup: {
      const int k = back([&](const TraceEvent& x) {
        return x.kind == TraceKind::kGroupTransition && x.host == e.host;
      });
      if (k >= 0)
        out.push_back("group: " + std::string(vrrp::StateName(events[std::size_t(k)].to)) + " at " +
                      FormatTime(events[std::size_t(k)].t));
      break;
    }
    default:
      break;
  }
  // The fault or operation behind it: the latest operation before the
  // transition (the whole cluster reacts to partitions and peers' faults).
  const int op = back([&](const TraceEvent& x) {
    if (x.kind != TraceKind::kOperation) return false;
    const auto w = Words(x.detail);
    return !w.empty() && !(w[0] == "start" && x.t == 0);
  });
  if (op >= 0) out.push_back("fault/operation: " + op_line(op));
  // Priority changes of the VRID's instances since this lane's previous
  // transition: what made a BACKUP outrank the MASTER, or not.
  const int prev = back([&](const TraceEvent& x) {
    return x.kind == TraceKind::kTransition && x.host == e.host && x.instance == e.instance;
  });
  int shown = 0;
  for (std::size_t k = prev >= 0 ? std::size_t(prev) : lo; k < std::size_t(event) && shown < 6;
       ++k) {
    const TraceEvent& x = events[k];
    if (x.kind == TraceKind::kPriority && same_group(x)) {
      out.push_back("priority: " + FormatTime(x.t) + "  " + HostName(x.host) + " " +
                    std::to_string(x.value) + " -> " + std::to_string(x.priority));
      ++shown;
    }
  }
  if (prev >= 0)
    out.push_back("before: " + std::string(vrrp::StateName(events[std::size_t(prev)].to)) +
                  " since " + FormatTime(events[std::size_t(prev)].t));
  return out;
}

}  // namespace vsim::gui

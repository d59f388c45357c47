#include "sim/observe/split_brain.h"

#include <algorithm>

#include "sim/world/simulation.h"

namespace vsim {

SplitBrainDetector::SplitBrainDetector(std::function<int(int, int)> domain,
                                       std::function<int(const TraceEvent&)> group)
    : domain_(std::move(domain)), group_(std::move(group)) {}

SplitBrainDetector::Key SplitBrainDetector::KeyOf(const TraceEvent& e) const {
  const int group = group_ ? group_(e) : e.vrid;
  return Key{domain_ ? domain_(e.host, group) : 0, group};
}

void SplitBrainDetector::Bump(std::map<int, int>& m, int host, int delta) {
  int& n = m[host];
  n += delta;
  if (n <= 0) m.erase(host);
}

void SplitBrainDetector::OnEvent(const TraceEvent& e) {
  switch (e.kind) {
    case TraceKind::kTransition: {
      if (e.from == e.to) return;
      const Key key = KeyOf(e);
      Group& g = groups_[key];
      if (e.from == vrrp::State::kMaster) Bump(g.masters, e.host, -1);
      if (e.to == vrrp::State::kMaster) Bump(g.masters, e.host, +1);
      Update(e.t, key, g);
      return;
    }
    case TraceKind::kVipAdded:
    case TraceKind::kVipRemoved: {
      const Key key = KeyOf(e);
      Group& g = groups_[key];
      auto& holders = g.vip_holders[e.addr];
      Bump(holders, e.host, e.kind == TraceKind::kVipAdded ? +1 : -1);
      if (holders.size() >= 2)
        g.duplicated.insert(e.addr);
      else
        g.duplicated.erase(e.addr);
      if (holders.empty()) g.vip_holders.erase(e.addr);
      Update(e.t, key, g);
      return;
    }
    case TraceKind::kOperation: {
      // A killed daemon's instances are no longer MASTER (no notification is
      // sent for them, so there is no transition event).
      if (e.op != static_cast<int>(OpKind::kCrash) && e.op != static_cast<int>(OpKind::kPowerOff))
        return;
      for (auto& [key, g] : groups_) {
        if (g.masters.erase(e.host)) Update(e.t, key, g);
      }
      return;
    }
    default:
      return;
  }
}

void SplitBrainDetector::Update(Time t, const Key& key, Group& g) {
  const bool masters = g.masters.size() >= 2;
  const bool vips = !g.duplicated.empty();
  // The flags say which condition held for a positive time: a duplicate
  // that exists only within one microsecond (take-over and yield in the same
  // instant) does not count.
  auto track = [&](bool now_true, Time& since, bool SplitBrainInterval::*flag) {
    if (now_true && since == vrrp::kNever) since = t;
    if (!now_true && since != vrrp::kNever) {
      if (t > since && g.open >= 0) intervals_[g.open].*flag = true;
      since = vrrp::kNever;
    }
  };
  track(masters, g.masters_since, &SplitBrainInterval::masters);
  track(vips, g.vips_since, &SplitBrainInterval::vip_holders);
  if (masters || vips) {
    if (g.open < 0) {
      SplitBrainInterval iv;
      iv.vrid = GroupVrid(key.group);
      iv.family = GroupFamily(key.group);
      iv.domain = key.domain;
      iv.start = iv.end = t;
      intervals_.push_back(iv);
      g.open = static_cast<int>(intervals_.size() - 1);
    }
    SplitBrainInterval& iv = intervals_[g.open];
    auto add = [&](const std::map<int, int>& m) {
      if (m.size() < 2) return;
      for (const auto& [host, n] : m) {
        (void)n;
        if (!std::binary_search(iv.hosts.begin(), iv.hosts.end(), host))
          iv.hosts.insert(std::upper_bound(iv.hosts.begin(), iv.hosts.end(), host), host);
      }
    };
    add(g.masters);
    for (const vrrp::IpAddress& addr : g.duplicated) add(g.vip_holders.at(addr));
  } else if (g.open >= 0) {
    Close(g, t);
  }
}

void SplitBrainDetector::Close(Group& g, Time t) {
  const int index = g.open;
  g.open = -1;
  intervals_[index].end = t;
  if (t > intervals_[index].start) return;
  // [t, t) is empty: one node took over and the other yielded in the same
  // microsecond, with nothing in between. Not a split brain.
  intervals_.erase(intervals_.begin() + index);
  for (auto& [key, other] : groups_) {
    (void)key;
    if (other.open > index) --other.open;
  }
}

void SplitBrainDetector::Finish(Time end) {
  for (auto& [key, g] : groups_) {
    (void)key;
    if (g.open < 0) continue;
    if (g.masters_since != vrrp::kNever && end > g.masters_since) intervals_[g.open].masters = true;
    if (g.vips_since != vrrp::kNever && end > g.vips_since) intervals_[g.open].vip_holders = true;
    g.masters_since = g.vips_since = vrrp::kNever;
    Close(g, end);
  }
}

Duration SplitBrainDetector::Total() const {
  Duration total = 0;
  for (const auto& iv : intervals_) total += iv.length();
  return total;
}

Duration SplitBrainDetector::Longest() const {
  Duration longest = 0;
  for (const auto& iv : intervals_) longest = std::max(longest, iv.length());
  return longest;
}

}  // namespace vsim

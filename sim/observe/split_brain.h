// Split-brain detector: per group (a VRID of one address family,
// sim/observe/vrrp_group.h: an IPv4 and an IPv6 instance of one VRID never
// see each other's adverts, both MASTER is no split brain) and broadcast
// domain, the intervals in which
// two or more hosts are MASTER, or two or more hosts hold the same one of the
// VRID's addresses (a crashed keepalived leaves its VIP configured, R46, and
// that host still answers ARP for it). Two clusters that collide on a VRID
// with different VIPs have two MASTERs (a protocol-level split brain: their
// adverts disturb each other, #2444) but no duplicate address. Intervals are half-open [start,
// end); an empty one (two transitions in the same microsecond) is not reported.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <vector>

#include "sim/observe/vrrp_group.h"
#include "sim/world/trace_event.h"

namespace vsim {

struct SplitBrainInterval {
  int vrid = 0;
  vrrp::IpFamily family = vrrp::IpFamily::kV4;
  int domain = 0;
  Time start = 0;
  Time end = 0;              // == start until closed
  std::vector<int> hosts;    // every host involved during the interval, sorted
  bool masters = false;      // two or more MASTERs at some point
  bool vip_holders = false;  // two or more hosts held the same VIP at some point
  Duration length() const { return end - start; }
  int group() const { return GroupKey(vrid, family); }
};

class SplitBrainDetector : public TraceSink {
 public:
  // `group(e)` is the group key of the instance an event is about; default:
  // e.vrid (every instance IPv4). `domain(host, group)` names the broadcast
  // domain the host's instance of that group sits in; default: everyone in
  // domain 0.
  explicit SplitBrainDetector(std::function<int(int host, int group)> domain = nullptr,
                              std::function<int(const TraceEvent&)> group = nullptr);

  void OnEvent(const TraceEvent& e) override;
  // Closes open intervals at `end` (the end of the run).
  void Finish(Time end);

  const std::vector<SplitBrainInterval>& intervals() const { return intervals_; }
  Duration Total() const;
  Duration Longest() const;

 private:
  struct Key {
    int domain, group;
    auto operator<=>(const Key&) const = default;
  };
  struct Group {
    std::map<int, int> masters;  // host -> number of its instances in MASTER
    std::map<vrrp::IpAddress, std::map<int, int>> vip_holders;  // address -> host -> count
    // The addresses two or more hosts hold: kept as VIPs come and go, so an
    // event costs O(log VIPs), not a scan of every VIP (100,000 VIPs in one
    // instance made a run quadratic).
    std::set<vrrp::IpAddress> duplicated;
    int open = -1;                      // index into intervals_, -1 if none
    Time masters_since = vrrp::kNever;  // start of the current two-MASTER run
    Time vips_since = vrrp::kNever;     // start of the current duplicate-address run
  };
  void Update(Time t, const Key& key, Group& g);
  // Ends the group's open interval at t; an empty interval is dropped.
  void Close(Group& g, Time t);
  static void Bump(std::map<int, int>& m, int host, int delta);

  Key KeyOf(const TraceEvent& e) const;

  std::function<int(int, int)> domain_;
  std::function<int(const TraceEvent&)> group_;
  std::map<Key, Group> groups_;
  std::vector<SplitBrainInterval> intervals_;
};

}  // namespace vsim

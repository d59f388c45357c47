#include "sim/observe/metrics.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace vsim {

namespace {

template <typename T>
const T* LastAtOrBefore(const std::vector<std::pair<Time, T>>& v, Time t) {
  auto it = std::upper_bound(v.begin(), v.end(), t,
                             [](Time x, const std::pair<Time, T>& p) { return x < p.first; });
  if (it == v.begin()) return nullptr;
  return &std::prev(it)->second;
}

}  // namespace

RunTimeline::RunTimeline(const std::vector<TraceEvent>& events, const std::vector<HostInfo>& hosts,
                         Time end)
    : end_(end) {
  // The replay keeps its working state in small flat vectors searched
  // linearly (a run has a handful of VRIDs, hosts and addresses): with maps
  // and sets, building the timeline cost as much as checking every explore
  // property on it. The maps the accessors read are filled at the end.
  const int nhosts = static_cast<int>(hosts.size());
  changes_.resize(hosts.size());
  prio_.resize(hosts.size());
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    changes_[h].resize(hosts[h].instances.size());
    prio_[h].resize(hosts[h].instances.size());
    for (std::size_t i = 0; i < hosts[h].vrids.size(); ++i) vrids_.push_back(hosts[h].group(i));
  }
  std::sort(vrids_.begin(), vrids_.end());
  vrids_.erase(std::unique(vrids_.begin(), vrids_.end()), vrids_.end());

  // Per VRID seen (configured, or only named by an event).
  struct Vrid {
    int vrid = 0;
    bool listed = false;  // has an entry in by_vrid_ (history)
    std::vector<Snapshot> history;
    std::vector<int> masters;                           // per host: instances of the VRID in MASTER
    std::vector<int> eligible;                          // per host: instances in MASTER or BACKUP
    std::vector<std::pair<int, vrrp::IpAddress>> held;  // (host, address), unique
    std::vector<vrrp::IpAddress> addrs;                 // ever added, unique
    bool touched = false;
  };
  std::vector<Vrid> vs;
  auto slot = [&](int vrid) -> Vrid& {
    for (Vrid& v : vs)
      if (v.vrid == vrid) return v;
    Vrid& v = vs.emplace_back();
    v.vrid = vrid;
    v.masters.assign(hosts.size(), 0);
    v.eligible.assign(hosts.size(), 0);
    return v;
  };
  for (int v : vrids_) {
    Vrid& x = slot(v);
    x.listed = true;
    x.history.push_back(Snapshot{0, {}, {}, {}});
  }
  // Per address: the hosts holding it now (sorted, unique) and its history.
  struct Addr {
    vrrp::IpAddress addr;
    std::vector<int> hosts;
    std::vector<std::pair<Time, std::vector<int>>> history;
    bool touched = false;
  };
  std::vector<Addr> as;
  auto addr_slot = [&](const vrrp::IpAddress& addr) -> Addr& {
    for (Addr& x : as)
      if (x.addr == addr) return x;
    Addr& x = as.emplace_back();
    x.addr = addr;
    return x;
  };

  std::vector<std::vector<vrrp::State>> state(hosts.size());
  for (std::size_t h = 0; h < hosts.size(); ++h)
    state[h].assign(hosts[h].instances.size(), vrrp::State::kStop);

  bool any_touched = false;
  Snapshot s;
  auto flush = [&](Time t) {
    if (!any_touched) return;
    any_touched = false;
    for (Vrid& v : vs) {
      if (!v.touched) continue;
      v.touched = false;
      v.listed = true;
      s.t = t;
      s.masters.clear();
      s.holders.clear();
      s.eligible.clear();
      for (int h = 0; h < nhosts; ++h) {
        if (v.masters[h] > 0) s.masters.push_back(h);
        if (v.eligible[h] > 0) s.eligible.push_back(h);
      }
      for (const auto& [h, a] : v.held) s.holders.push_back(h);
      std::sort(s.holders.begin(), s.holders.end());
      s.holders.erase(std::unique(s.holders.begin(), s.holders.end()), s.holders.end());
      auto& hist = v.history;
      if (hist.empty() || hist.back().masters != s.masters || hist.back().holders != s.holders ||
          hist.back().eligible != s.eligible) {
        if (!hist.empty() && hist.back().t == t)
          hist.back() = s;
        else
          hist.push_back(s);
      }
    }
    for (Addr& x : as) {
      if (!x.touched) continue;
      x.touched = false;
      auto& v = x.history;
      if (!v.empty() && v.back().first == t)
        v.back().second = x.hosts;
      else if (v.empty() || v.back().second != x.hosts)
        v.emplace_back(t, x.hosts);
    }
  };
  auto touch = [&](Vrid& v) {
    v.touched = true;
    any_touched = true;
  };
  auto set_state = [&](int host, int inst, vrrp::State from, vrrp::State to, Time t,
                       vrrp::Reason reason, const char* cause) {
    if (host < 0 || host >= nhosts) return;
    if (inst < 0 || inst >= static_cast<int>(state[host].size())) return;
    Vrid& v = slot(hosts[host].group(static_cast<std::size_t>(inst)));
    const vrrp::State prev = state[host][inst];
    if (prev == vrrp::State::kMaster) --v.masters[host];
    if (to == vrrp::State::kMaster) ++v.masters[host];
    auto can_hold = [](vrrp::State x) {
      return x == vrrp::State::kMaster || x == vrrp::State::kBackup;
    };
    if (can_hold(prev)) --v.eligible[host];
    if (can_hold(to)) ++v.eligible[host];
    state[host][inst] = to;
    changes_[host][inst].push_back(Change{t, from, to, reason, cause});
    touch(v);
  };

  Time cur = 0;
  bool any = false;
  for (const TraceEvent& e : events) {
    if (any && e.t != cur) flush(cur);
    cur = e.t;
    any = true;
    switch (e.kind) {
      case TraceKind::kTransition:
        if (e.from != e.to) set_state(e.host, e.instance, e.from, e.to, e.t, e.reason, "");
        if (e.priority > 0 && e.host >= 0 && e.host < nhosts && e.instance >= 0 &&
            e.instance < static_cast<int>(prio_[e.host].size()))
          prio_[e.host][e.instance].emplace_back(e.t, e.priority);
        break;
      case TraceKind::kOperation:
        if ((e.op == static_cast<int>(OpKind::kCrash) ||
             e.op == static_cast<int>(OpKind::kPowerOff)) &&
            e.host >= 0 && e.host < nhosts) {
          for (std::size_t i = 0; i < state[e.host].size(); ++i)
            if (state[e.host][i] != vrrp::State::kStop)
              set_state(e.host, static_cast<int>(i), state[e.host][i], vrrp::State::kStop, e.t,
                        vrrp::Reason::kNone, OpKindName(static_cast<OpKind>(e.op)));
        }
        break;
      case TraceKind::kVipAdded: {
        const int group = EventGroup(hosts, e);
        Vrid& v = slot(group);
        const std::pair<int, vrrp::IpAddress> held{e.host, e.addr};
        if (std::find(v.held.begin(), v.held.end(), held) == v.held.end()) v.held.push_back(held);
        if (std::find(v.addrs.begin(), v.addrs.end(), e.addr) == v.addrs.end())
          v.addrs.push_back(e.addr);
        Addr& x = addr_slot(e.addr);
        auto it = std::lower_bound(x.hosts.begin(), x.hosts.end(), e.host);
        if (it == x.hosts.end() || *it != e.host) x.hosts.insert(it, e.host);
        x.touched = true;
        touch(v);
        // Keep the VRID list complete even for VRIDs only seen in events.
        if (!v.listed) {
          v.listed = true;
          v.history.push_back(Snapshot{0, {}, {}, {}});
          vrids_.insert(std::upper_bound(vrids_.begin(), vrids_.end(), group), group);
        }
        break;
      }
      case TraceKind::kVipRemoved: {
        Vrid& v = slot(EventGroup(hosts, e));
        const std::pair<int, vrrp::IpAddress> held{e.host, e.addr};
        auto hit = std::find(v.held.begin(), v.held.end(), held);
        if (hit != v.held.end()) v.held.erase(hit);
        Addr& x = addr_slot(e.addr);
        auto it = std::lower_bound(x.hosts.begin(), x.hosts.end(), e.host);
        if (it != x.hosts.end() && *it == e.host) x.hosts.erase(it);
        x.touched = true;
        touch(v);
        break;
      }
      case TraceKind::kPriority:
        if (e.host >= 0 && e.host < nhosts && e.instance >= 0 &&
            e.instance < static_cast<int>(prio_[e.host].size()))
          prio_[e.host][e.instance].emplace_back(e.t, e.priority);
        break;
      default:
        break;
    }
  }
  if (any) flush(cur);

  for (Vrid& v : vs) {
    if (v.listed) by_vrid_.emplace(v.vrid, std::move(v.history));
    if (!v.addrs.empty())
      vrid_addrs_.emplace(v.vrid, std::set<vrrp::IpAddress>(v.addrs.begin(), v.addrs.end()));
  }
  for (Addr& x : as)
    if (!x.history.empty()) addr_holders_.emplace(x.addr, std::move(x.history));
}

const std::vector<RunTimeline::Snapshot>& RunTimeline::history(int vrid) const {
  static const std::vector<Snapshot> kEmpty{Snapshot{}};
  auto it = by_vrid_.find(vrid);
  return it == by_vrid_.end() ? kEmpty : it->second;
}

const RunTimeline::Snapshot& RunTimeline::At(int vrid, Time t) const {
  const auto& h = history(vrid);
  auto it =
      std::upper_bound(h.begin(), h.end(), t, [](Time x, const Snapshot& s) { return x < s.t; });
  return it == h.begin() ? h.front() : *std::prev(it);
}

const RunTimeline::Snapshot& RunTimeline::Before(int vrid, Time t) const {
  const auto& h = history(vrid);
  auto it =
      std::lower_bound(h.begin(), h.end(), t, [](const Snapshot& s, Time x) { return s.t < x; });
  return it == h.begin() ? h.front() : *std::prev(it);
}

const std::vector<RunTimeline::Change>& RunTimeline::changes(int host, int instance) const {
  static const std::vector<Change> kEmpty;
  if (host < 0 || host >= static_cast<int>(changes_.size())) return kEmpty;
  if (instance < 0 || instance >= static_cast<int>(changes_[host].size())) return kEmpty;
  return changes_[host][instance];
}

vrrp::State RunTimeline::StateAt(int host, int instance, Time t) const {
  const auto& c = changes(host, instance);
  auto it =
      std::upper_bound(c.begin(), c.end(), t, [](Time x, const Change& ch) { return x < ch.t; });
  return it == c.begin() ? vrrp::State::kStop : std::prev(it)->to;
}

int RunTimeline::PriorityAt(int host, int instance, Time t) const {
  if (host < 0 || host >= static_cast<int>(prio_.size())) return 0;
  if (instance < 0 || instance >= static_cast<int>(prio_[host].size())) return 0;
  const int* p = LastAtOrBefore(prio_[host][instance], t);
  return p ? *p : 0;
}

std::vector<int> RunTimeline::HoldersOf(const vrrp::IpAddress& addr, Time t) const {
  auto it = addr_holders_.find(addr);
  if (it == addr_holders_.end()) return {};
  const std::vector<int>* p = LastAtOrBefore(it->second, t);
  return p ? *p : std::vector<int>{};
}

std::vector<vrrp::IpAddress> RunTimeline::AddressesOf(int vrid) const {
  std::vector<vrrp::IpAddress> out;
  auto it = vrid_addrs_.find(vrid);
  if (it != vrid_addrs_.end())
    for (const vrrp::IpAddress& a : it->second) out.push_back(a);
  return out;
}

bool IsFaultOp(const MetricOp& op) {
  switch (op.kind) {
    case OpKind::kStop:
    case OpKind::kCrash:
    case OpKind::kRestart:
    case OpKind::kPowerOff:
    case OpKind::kPause:
    case OpKind::kReload:
    case OpKind::kLinkDown:
    case OpKind::kPartition:
    case OpKind::kBlock:
    case OpKind::kTrackFile:
    case OpKind::kLinkParams:
      return true;
    case OpKind::kSetCheck:
      return op.check != CheckMode::kSucceed;
    default:
      return false;
  }
}

bool IsHealOp(const MetricOp& op) {
  return op.kind == OpKind::kHeal || op.kind == OpKind::kUnblock;
}

FailoverResult FindFailover(const RunTimeline& tl, int vrid, Time op_time, Time until) {
  FailoverResult r;
  r.old_masters = tl.Before(vrid, op_time).masters;
  const bool has_addrs = !tl.AddressesOf(vrid).empty();
  for (const auto& s : tl.history(vrid)) {
    if (s.t < op_time) continue;
    if (s.t > until) break;
    for (int h : s.masters) {
      if (std::binary_search(r.old_masters.begin(), r.old_masters.end(), h)) continue;
      if (has_addrs && !std::binary_search(s.holders.begin(), s.holders.end(), h)) continue;
      r.happened = true;
      r.at = s.t;
      r.new_master = h;
      return r;
    }
  }
  return r;
}

Duration VipDowntime(const RunTimeline& tl, int vrid, Time from, Time to) {
  if (to <= from) return 0;
  const auto& h = tl.history(vrid);
  Duration down = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const Time a = std::max(h[i].t, from);
    const Time b = std::min(i + 1 < h.size() ? h[i + 1].t : tl.end(), to);
    if (b > a && h[i].holders.empty()) down += b - a;
  }
  return down;
}

std::optional<Time> FirstHeld(const RunTimeline& tl, int vrid) {
  for (const auto& s : tl.history(vrid))
    if (!s.holders.empty()) return s.t;
  return std::nullopt;
}

std::optional<Time> ConvergedFrom(const RunTimeline& tl, Time from, Time until) {
  // Every change point of every VRID in (from, until], plus `from`.
  std::vector<Time> points{from};
  for (int v : tl.vrids())
    for (const auto& s : tl.history(v))
      if (s.t > from && s.t < until) points.push_back(s.t);
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  std::optional<Time> run_start;
  for (Time t : points) {
    bool ok = true;
    // Exactly one MASTER, or none where no node could be one (every
    // keepalived of the VRID stopped or in FAULT): nothing is left to settle.
    for (int v : tl.vrids()) {
      const auto& snap = tl.At(v, t);
      ok = ok && (snap.masters.size() == 1 || (snap.masters.empty() && snap.eligible.empty()));
    }
    if (ok && !run_start) run_start = t;
    if (!ok) run_start.reset();
  }
  return run_start;
}

std::vector<std::pair<Time, Time>> MasterSplitIntervals(const RunTimeline& tl, int vrid) {
  std::vector<std::pair<Time, Time>> out;
  for (int v : tl.vrids()) {
    if (vrid != 0 && v != vrid) continue;
    const auto& h = tl.history(v);
    // A sentinel instead of std::optional: g++ 12 -O2 reports a false
    // "may be used uninitialized" for the optional here.
    Time open = vrrp::kNever;
    for (const auto& s : h) {
      if (s.masters.size() >= 2 && open == vrrp::kNever) open = s.t;
      if (s.masters.size() < 2 && open != vrrp::kNever) {
        out.emplace_back(open, s.t);
        open = vrrp::kNever;
      }
    }
    if (open != vrrp::kNever) out.emplace_back(open, tl.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

int MasterEntries(const RunTimeline& tl, const std::vector<HostInfo>& hosts, int host,
                  GroupFilter groups) {
  if (host < 0 || host >= static_cast<int>(hosts.size())) return 0;
  int n = 0;
  for (std::size_t i = 0; i < hosts[host].instances.size(); ++i) {
    if (!groups.all() && !groups(hosts[host].group(i))) continue;
    for (const auto& c : tl.changes(host, static_cast<int>(i)))
      if (c.to == vrrp::State::kMaster) ++n;
  }
  return n;
}

std::vector<Metric> ComputeMetrics(const RunTimeline& tl, const std::vector<HostInfo>& hosts,
                                   const std::vector<MetricOp>& ops,
                                   const std::vector<SplitBrainInterval>& split_brain) {
  std::vector<Metric> out;
  const bool many_vrids = tl.vrids().size() > 1;
  auto subject = [&](const std::string& s, int vrid) {
    return many_vrids ? s + " vrid " + GroupText(vrid) : s;
  };
  // For each operation, the time of the next later fault (any) operation: the
  // first one after it in the list with a later time. One backward pass when
  // the operations are in time order (100,000 operations at one instant made
  // a forward scan per operation quadratic); the scan otherwise.
  std::vector<Time> next_fault(ops.size(), tl.end()), next_any(ops.size(), tl.end());
  const bool sorted = std::is_sorted(
      ops.begin(), ops.end(), [](const MetricOp& a, const MetricOp& b) { return a.at < b.at; });
  if (sorted) {
    Time fault_after = tl.end(), any_after = tl.end();
    for (std::size_t i = ops.size(); i > 0;) {
      std::size_t k = i;
      while (k > 0 && ops[k - 1].at == ops[i - 1].at) --k;
      for (std::size_t m = k; m < i; ++m) {
        next_fault[m] = fault_after;
        next_any[m] = any_after;
      }
      for (std::size_t m = k; m < i; ++m)
        if (IsFaultOp(ops[m])) fault_after = ops[m].at;
      any_after = ops[k].at;
      i = k;
    }
  } else {
    for (std::size_t i = 0; i < ops.size(); ++i) {
      for (std::size_t j = i + 1; j < ops.size(); ++j)
        if (ops[j].at > ops[i].at && IsFaultOp(ops[j])) {
          next_fault[i] = ops[j].at;
          break;
        }
      for (std::size_t j = i + 1; j < ops.size(); ++j)
        if (ops[j].at > ops[i].at) {
          next_any[i] = ops[j].at;
          break;
        }
    }
  }
  // Operations at one instant share their answers: each is one walk of the
  // timeline.
  std::map<std::tuple<int, Time, Time>, FailoverResult> failovers;
  // Failover after each fault operation, per VRID whose master it concerned.
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const MetricOp& op = ops[i];
    if (!IsFaultOp(op)) continue;
    const Time until = next_fault[i];
    for (int v : tl.vrids()) {
      const auto& before = tl.Before(v, op.at).masters;
      if (before.empty()) continue;
      const bool host_op = op.kind != OpKind::kPartition && op.kind != OpKind::kBlock;
      if (host_op && !std::binary_search(before.begin(), before.end(), op.host)) continue;
      const auto key = std::make_tuple(v, op.at, until);
      auto it = failovers.find(key);
      if (it == failovers.end())
        it = failovers.emplace(key, FindFailover(tl, v, op.at, until)).first;
      const FailoverResult& f = it->second;
      if (!f.happened) continue;
      out.push_back(Metric{"failover_time", subject(op.subject, v), f.at - op.at, true});
    }
  }
  // VIP downtime per VRID, from the first time its address was held.
  for (int v : tl.vrids()) {
    auto first = FirstHeld(tl, v);
    if (!first) continue;
    out.push_back(
        Metric{"vip_downtime", "vrid " + GroupText(v), VipDowntime(tl, v, *first, tl.end())});
  }
  // Split brain (the detector's intervals: two MASTERs or two VIP holders).
  Duration total = 0, longest = 0;
  std::int64_t count = 0;  // zero-length handovers (same microsecond) not counted
  for (const auto& iv : split_brain) {
    total += iv.length();
    longest = std::max(longest, iv.length());
    if (iv.length() > 0) ++count;
  }
  out.push_back(Metric{"split_brain_total", "", total, true});
  out.push_back(Metric{"split_brain_longest", "", longest, true});
  out.push_back(Metric{"split_brain_count", "", count, false});
  // Flaps: MASTER entries per host.
  for (std::size_t h = 0; h < hosts.size(); ++h)
    if (!hosts[h].instances.empty())  // clients run no keepalived
      out.push_back(
          Metric{"flaps", hosts[h].name, MasterEntries(tl, hosts, static_cast<int>(h), {}), false});
  // Convergence after each heal: exactly one MASTER per VRID, for good.
  std::map<std::pair<Time, Time>, std::optional<Time>> converged;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const MetricOp& op = ops[i];
    if (!IsHealOp(op)) continue;
    const auto key = std::make_pair(op.at, next_any[i]);
    auto it = converged.find(key);
    if (it == converged.end())
      it = converged.emplace(key, ConvergedFrom(tl, op.at, key.second)).first;
    if (const auto& t = it->second)
      out.push_back(Metric{"converge_time", op.subject, *t - op.at, true});
  }
  // Final master per VRID: host index, -1 none, -2 several.
  for (int v : tl.vrids()) {
    const auto& m = tl.At(v, tl.end()).masters;
    const std::int64_t value = m.empty() ? -1 : m.size() > 1 ? -2 : m.front();
    out.push_back(Metric{"final_master", "vrid " + GroupText(v), value, false});
  }
  return out;
}

}  // namespace vsim

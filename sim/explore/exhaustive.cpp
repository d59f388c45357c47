#include "sim/explore/exhaustive.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <thread>

#include "engine/state_key.h"
#include "sim/core/rng.h"
#include "sim/core/time_text.h"
#include "sim/scenario/runner.h"
#include "sim/world/simulation.h"

namespace vsim {

using vrrp::Duration;
using vrrp::kNever;
using vrrp::Time;

std::string CountText(ScheduleCount n) {
  if (n == 0) return "0";
  std::string s;
  while (n > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(n % 10)));
    n /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

bool ExhaustiveKind(FaultKind k) {
  switch (k) {
    case FaultKind::kCrash:
    case FaultKind::kStop:
    case FaultKind::kRestart:
    case FaultKind::kPower:
    case FaultKind::kReload:
    case FaultKind::kCheck:
    case FaultKind::kLink:
    case FaultKind::kPartition:
    case FaultKind::kBlock:
      return true;
    default:
      // pause: its end is fixed when it starts; track_file: a value to
      // choose; loss, jitter: random draws; foreign: a node of its own.
      return false;
  }
}

std::vector<FaultType> BuildAlphabet(const ExploreTargets& targets,
                                     const std::vector<FaultKind>& kinds) {
  std::vector<FaultType> out;
  for (FaultKind k : kinds) {
    if (!ExhaustiveKind(k)) continue;
    for (int n = 0; n < targets.nodes; ++n) {
      FaultType t;
      t.kind = k;
      t.node = n;
      const auto node = static_cast<std::size_t>(n);
      switch (k) {
        case FaultKind::kCheck:
          for (const auto& s : targets.scripts[node]) {
            t.name = s;
            out.push_back(t);
          }
          break;
        case FaultKind::kLink:
          for (const auto& i : targets.interfaces[node]) {
            t.name = i;
            out.push_back(t);
          }
          break;
        case FaultKind::kPartition:
          if (targets.nodes >= 2) out.push_back(t);
          break;
        case FaultKind::kBlock:
          for (int p = 0; p < targets.nodes; ++p)
            if (p != n) {
              t.peer = p;
              out.push_back(t);
            }
          break;
        default:
          out.push_back(t);
          break;
      }
    }
  }
  return out;
}

std::string TypeText(const FaultType& t, const std::vector<std::string>& names) {
  auto name = [&](int n) {
    return n >= 0 && n < static_cast<int>(names.size()) ? names[static_cast<std::size_t>(n)]
                                                        : std::string("?");
  };
  std::string s = std::string(FaultKindName(t.kind)) + " " + name(t.node);
  if (t.kind == FaultKind::kBlock) s += "->" + name(t.peer);
  if (!t.name.empty()) s += " " + t.name;
  return s;
}

namespace {

// Completions: the number of ways to make the choices of instants
// k..instants-1 with `open` windows open and `budget` faults left, where
// the alphabet has `windows` window types and `instants_types` instant
// types. At an instant a choice closes any subset of the open windows and
// opens any set of types that are not open (at most `budget`); a window
// opened is open from then on until a later choice closes it.
class CompletionTable {
 public:
  CompletionTable(int windows, int instant_types, int instants, int max_faults)
      : w_(windows), i_(instant_types), n_(instants), k_(max_faults) {
    const int opens = std::min(w_, k_);
    table_.assign(static_cast<std::size_t>(n_ + 1) * static_cast<std::size_t>(opens + 1) *
                      static_cast<std::size_t>(k_ + 1),
                  0);
    for (int o = 0; o <= opens; ++o)
      for (int b = 0; b <= k_; ++b) At(n_, o, b) = 1;
    for (int k = n_ - 1; k >= 0; --k)
      for (int o = 0; o <= opens; ++o)
        for (int b = 0; b <= k_; ++b) {
          ScheduleCount sum = 0;
          for (int c = 0; c <= o; ++c)
            for (int aw = 0; aw <= b && aw <= w_ - o; ++aw)
              for (int ai = 0; aw + ai <= b && ai <= i_; ++ai) {
                const int no = o - c + aw;
                if (no > opens) continue;
                sum +=
                    Choose(o, c) * Choose(w_ - o, aw) * Choose(i_, ai) * At(k + 1, no, b - aw - ai);
              }
          At(k, o, b) = sum;
        }
  }
  // Branches of the prefix tree: every (prefix, choice) pair over all instants.
  ScheduleCount TreeBranches() const {
    const int opens = std::min(w_, k_);
    std::vector<ScheduleCount> cur(static_cast<std::size_t>((opens + 1) * (k_ + 1)), 0), nxt;
    cur[static_cast<std::size_t>(k_)] = 1;  // o = 0, b = k
    ScheduleCount total = 0;
    for (int k = 0; k < n_; ++k) {
      nxt.assign(cur.size(), 0);
      for (int o = 0; o <= opens; ++o)
        for (int b = 0; b <= k_; ++b) {
          const ScheduleCount p = cur[static_cast<std::size_t>(o * (k_ + 1) + b)];
          if (p == 0) continue;
          for (int c = 0; c <= o; ++c)
            for (int aw = 0; aw <= b && aw <= w_ - o; ++aw)
              for (int ai = 0; aw + ai <= b && ai <= i_; ++ai) {
                const int no = o - c + aw;
                if (no > opens) continue;
                const ScheduleCount ways = Choose(o, c) * Choose(w_ - o, aw) * Choose(i_, ai) * p;
                nxt[static_cast<std::size_t>(no * (k_ + 1) + (b - aw - ai))] += ways;
                total += ways;
              }
        }
      cur.swap(nxt);
    }
    return total;
  }
  ScheduleCount Get(int k, int open, int budget) const {
    return const_cast<CompletionTable*>(this)->At(k, open, budget);
  }

 private:
  static ScheduleCount Choose(int n, int r) {
    if (r < 0 || r > n) return 0;
    ScheduleCount c = 1;
    for (int i = 1; i <= r; ++i)
      c = c * static_cast<ScheduleCount>(n - r + i) / static_cast<ScheduleCount>(i);
    return c;
  }
  ScheduleCount& At(int k, int o, int b) {
    const int opens = std::min(w_, k_);
    return table_[(static_cast<std::size_t>(k) * static_cast<std::size_t>(opens + 1) +
                   static_cast<std::size_t>(o)) *
                      static_cast<std::size_t>(k_ + 1) +
                  static_cast<std::size_t>(b)];
  }
  int w_, i_, n_, k_;
  std::vector<ScheduleCount> table_;
};

int CountWindows(const std::vector<FaultType>& types) {
  int w = 0;
  for (const auto& t : types) w += t.window() ? 1 : 0;
  return w;
}

}  // namespace

ScheduleCount CountSchedules(const std::vector<FaultType>& types, int instants, int max_faults) {
  const int w = CountWindows(types);
  CompletionTable t(w, static_cast<int>(types.size()) - w, instants, max_faults);
  return t.Get(0, 0, max_faults);
}

bool FaultLess(const Fault& a, const Fault& b) {
  if (a.at != b.at) return a.at < b.at;
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.node != b.node) return a.node < b.node;
  if (a.peer != b.peer) return a.peer < b.peer;
  if (a.name != b.name) return a.name < b.name;
  const Duration la = a.length.value_or(kNever), lb = b.length.value_or(kNever);
  return la < lb;
}

// Fewest faults, then the earliest (fault by fault).
bool ScheduleLess(const FaultSchedule& a, const FaultSchedule& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (FaultLess(a[i], b[i])) return true;
    if (FaultLess(b[i], a[i])) return false;
  }
  return false;
}

namespace {

// Every set of at most `budget` types (of `types`) that are not open, the
// empty set first: the opening part of the choices at an instant.
std::vector<std::vector<int>> OpenSets(int types, const std::vector<int>& open, int budget) {
  std::vector<int> avail;
  for (int t = 0; t < types; ++t)
    if (!std::binary_search(open.begin(), open.end(), t)) avail.push_back(t);
  std::vector<std::vector<int>> out{{}};
  const int n = static_cast<int>(avail.size());
  for (int size = 1; size <= budget && size <= n; ++size) {
    std::vector<int> idx(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) idx[static_cast<std::size_t>(i)] = i;
    for (;;) {
      std::vector<int> set;
      for (int i : idx) set.push_back(avail[static_cast<std::size_t>(i)]);
      out.push_back(std::move(set));
      int i = size - 1;
      while (i >= 0 && idx[static_cast<std::size_t>(i)] == n - size + i) --i;
      if (i < 0) break;
      ++idx[static_cast<std::size_t>(i)];
      for (int j = i + 1; j < size; ++j)
        idx[static_cast<std::size_t>(j)] = idx[static_cast<std::size_t>(j - 1)] + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The property monitors: no_split_brain (while connected), vip_available and
// converges, decided online from the run's trace events with the semantics
// of their checkers on a finished run (expectations.cpp: EvalNoSplit with
// ConnectedSplitSpans, EvalVipAvailable, EvalConverges with ConvergedFrom;
// the snapshots of RunTimeline). Each checker looks at the VRIDs' state at
// change points: the monitor evaluates at every instant with an event (more
// points than a checker's, which changes nothing: at an instant without a
// change every verdict input is the one before), after the last event of
// that instant, with connectivity as the simulation has it then.
struct MonitorSpec {
  bool split = false;
  Duration split_tolerance = 0;
  bool masters_only = false;
  GroupFilter split_groups;
  bool vip = false;
  Duration vip_within = 0;
  GroupFilter vip_groups;
  bool converges = false;
  Duration converge_within = 0;
};

constexpr std::uint32_t kSplitBit = 1, kVipBit = 2, kConvergeBit = 4;

class Monitor final : public TraceSink {
 public:
  Monitor(const Scenario& sc, const MonitorSpec* spec) : spec_(spec) {
    hosts_ = static_cast<int>(sc.nodes.size());
    // Keyed by group (VRID and family, sim/observe/vrrp_group.h), as the
    // checkers' RunTimeline is.
    auto infos = std::make_shared<std::vector<HostInfo>>();
    for (const auto& n : sc.nodes) {
      HostInfo info;
      std::vector<int> v;
      for (const auto& inst : n.config.instances) {
        info.vrids.push_back(inst.vrid);
        info.families.push_back(inst.ipv6 ? vrrp::IpFamily::kV6 : vrrp::IpFamily::kV4);
        v.push_back(info.group(info.vrids.size() - 1));
      }
      infos->push_back(std::move(info));
      inst_vrid_.push_back(v);
      state_.emplace_back(v.size(), vrrp::State::kStop);
      for (int x : v) Slot(x);
    }
    infos_ = std::move(infos);
  }
  Monitor(const Monitor&) = default;
  Monitor& operator=(const Monitor&) = default;

  void Bind(const Simulation* sim) { sim_ = sim; }

  void OnEvent(const TraceEvent& e) override {
    if (any_ && e.t != cur_) Point(cur_);
    cur_ = e.t;
    any_ = true;
    switch (e.kind) {
      case TraceKind::kTransition:
        if (e.from != e.to) SetState(e.host, e.instance, e.to);
        break;
      case TraceKind::kOperation:
        if ((e.op == static_cast<int>(OpKind::kCrash) ||
             e.op == static_cast<int>(OpKind::kPowerOff)) &&
            e.host >= 0 && e.host < hosts_)
          for (std::size_t i = 0; i < state_[static_cast<std::size_t>(e.host)].size(); ++i)
            SetState(e.host, static_cast<int>(i), vrrp::State::kStop);
        break;
      case TraceKind::kVipAdded: {
        Vrid& v = Slot(EventGroup(*infos_, e));
        const std::pair<int, vrrp::IpAddress> held{e.host, e.addr};
        if (std::find(v.held.begin(), v.held.end(), held) == v.held.end()) {
          v.held.insert(std::upper_bound(v.held.begin(), v.held.end(), held), held);
        }
        break;
      }
      case TraceKind::kVipRemoved: {
        Vrid& v = Slot(EventGroup(*infos_, e));
        const std::pair<int, vrrp::IpAddress> held{e.host, e.addr};
        auto it = std::find(v.held.begin(), v.held.end(), held);
        if (it != v.held.end()) v.held.erase(it);
        break;
      }
      default:
        break;
    }
  }
  void TakeEvent(TraceEvent&& e) override { OnEvent(e); }

  // Every event up to and including `now` has been seen: evaluates the
  // last instant and the deadlines that passed by `now`.
  void Sync(Time now) {
    if (any_) {
      Point(cur_);
      any_ = false;
    }
    for (Vrid& v : vrids_) {
      if (v.split_open && now - v.split_since >= spec_->split_tolerance)
        Violate(kSplitBit, v.split_since + spec_->split_tolerance);
      if (v.down_since != kNever && now - v.down_since >= spec_->vip_within)
        Violate(kVipBit, v.down_since + spec_->vip_within);
    }
  }

  // The end of the run (events at `end` are past the checkers' horizon).
  // REQUIRES: Sync(end - 1). `converges` is the schedules' own business
  // (LayerEntry): it depends on when each one's last fault was over.
  void Finish(Time end) {
    for (Vrid& v : vrids_) {
      if (v.split_open && end - v.split_since > spec_->split_tolerance)
        Violate(kSplitBit, v.split_since + spec_->split_tolerance);
      if (v.down_since != kNever && end - v.down_since > spec_->vip_within)
        Violate(kVipBit, v.down_since + spec_->vip_within);
    }
  }

  // The violations Finish(end) would leave, without finishing.
  // REQUIRES: Sync(end - 1).
  std::uint32_t ViolatedAtEnd(Time end) const {
    std::uint32_t bits = violated_;
    for (const Vrid& v : vrids_) {
      if (v.split_open && end - v.split_since > spec_->split_tolerance) bits |= kSplitBit;
      if (v.down_since != kNever && end - v.down_since > spec_->vip_within) bits |= kVipBit;
    }
    return bits;
  }

  // `converges` (EvalConverges, ConvergedFrom): whether every VRID has
  // exactly one MASTER (or none that could be) now, and whether a run of
  // such instants started since the last call (and when).
  bool ok() const { return ok_; }
  bool TakeOkStart(Time* since) {
    if (!ok_started_) return false;
    ok_started_ = false;
    *since = ok_since_;
    return true;
  }

  std::uint32_t violated() const { return violated_; }

  // What the verdicts to come depend on, relative to `now` (after Sync).
  void AppendKey(Time now, vrrp::StateKeyWriter* w) const {
    w->Put(violated_);
    for (const auto& hs : state_)
      for (vrrp::State s : hs) w->Put(static_cast<std::int64_t>(s));
    for (const Vrid& v : vrids_) {
      w->Put(v.vrid);
      w->Put(static_cast<std::int64_t>(v.held.size()));
      for (const auto& [h, a] : v.held) {
        w->Put(h);
        if (a.is_v6()) w->Put(-6);  // hosts are >= 0: no IPv4 key reads the same
        w->Put(a.word(0));
        if (a.is_v6())
          for (int k = 1; k < 4; ++k) w->Put(a.word(k));
      }
      w->Put(v.split_open ? now - v.split_since : -1);
      w->Put(v.held_once);
      w->Put(v.down_since != kNever ? now - v.down_since : -1);
    }
    if (spec_->converges) w->Put(ok_);
  }

 private:
  struct Vrid {
    int vrid = 0;
    std::vector<std::pair<int, vrrp::IpAddress>> held;  // (host, address), sorted
    bool split_open = false;
    Time split_since = 0;
    bool held_once = false;
    Time down_since = kNever;
  };

  Vrid& Slot(int vrid) {
    auto it = std::lower_bound(vrids_.begin(), vrids_.end(), vrid,
                               [](const Vrid& v, int x) { return v.vrid < x; });
    if (it != vrids_.end() && it->vrid == vrid) return *it;
    Vrid v;
    v.vrid = vrid;
    return *vrids_.insert(it, v);
  }

  void SetState(int host, int inst, vrrp::State to) {
    if (host < 0 || host >= hosts_) return;
    auto& hs = state_[static_cast<std::size_t>(host)];
    if (inst < 0 || inst >= static_cast<int>(hs.size())) return;
    hs[static_cast<std::size_t>(inst)] = to;
  }

  void Violate(std::uint32_t bit, Time at) {
    (void)at;
    violated_ |= bit;
    if (bit == kSplitBit)
      for (Vrid& v : vrids_) v.split_open = false;
    if (bit == kVipBit)
      for (Vrid& v : vrids_) v.down_since = kNever;
  }

  bool Hears(int a, int b) const {
    if (a == b) return true;
    if (a < 0 || b < 0 || a >= hosts_ || b >= hosts_) return false;
    auto one = [&](int x, int y) {
      return sim_->HearsAtAll(x, y) && !sim_->paused(x) && !sim_->paused(y);
    };
    return one(a, b) && one(b, a);
  }
  bool Offending(const std::vector<int>& set) const {
    for (std::size_t i = 0; i < set.size(); ++i)
      for (std::size_t j = i + 1; j < set.size(); ++j)
        if (Hears(set[i], set[j])) return true;
    return false;
  }

  // The state after every event at `t`.
  void Point(Time t) {
    bool all_ok = true;
    for (Vrid& v : vrids_) {
      masters_.clear();
      eligible_.clear();
      holders_.clear();
      for (int h = 0; h < hosts_; ++h) {
        bool m = false, e = false;
        const auto& hs = state_[static_cast<std::size_t>(h)];
        const auto& vr = inst_vrid_[static_cast<std::size_t>(h)];
        for (std::size_t i = 0; i < hs.size(); ++i) {
          if (vr[i] != v.vrid) continue;
          m = m || hs[i] == vrrp::State::kMaster;
          e = e || hs[i] == vrrp::State::kMaster || hs[i] == vrrp::State::kBackup;
        }
        if (m) masters_.push_back(h);
        if (e) eligible_.push_back(h);
      }
      for (const auto& [h, a] : v.held)
        if (holders_.empty() || holders_.back() != h) holders_.push_back(h);
      if (spec_->split && !(violated_ & kSplitBit) && spec_->split_groups(v.vrid)) {
        const bool off = Offending(masters_) || (!spec_->masters_only && Offending(holders_));
        if (off && !v.split_open) {
          v.split_open = true;
          v.split_since = t;
        } else if (!off && v.split_open) {
          v.split_open = false;
          if (t - v.split_since > spec_->split_tolerance)
            Violate(kSplitBit, v.split_since + spec_->split_tolerance);
        }
      }
      if (spec_->vip && !(violated_ & kVipBit) && spec_->vip_groups(v.vrid)) {
        bool live = false;
        for (int m : masters_)
          live = live || std::find(holders_.begin(), holders_.end(), m) != holders_.end();
        v.held_once = v.held_once || live;
        const bool down = v.held_once && !live && !eligible_.empty();
        if (down && v.down_since == kNever) v.down_since = t;
        if (!down && v.down_since != kNever) {
          if (t - v.down_since > spec_->vip_within)
            Violate(kVipBit, v.down_since + spec_->vip_within);
          v.down_since = kNever;
        }
      }
      all_ok = all_ok && (masters_.size() == 1 || (masters_.empty() && eligible_.empty()));
    }
    if (all_ok && !ok_) {
      ok_since_ = t;
      ok_started_ = true;
    }
    ok_ = all_ok;
  }

  const MonitorSpec* spec_;
  const Simulation* sim_ = nullptr;
  int hosts_ = 0;
  std::vector<std::vector<int>> inst_vrid_;  // group keys
  // The nodes' instances (VRIDs, families), shared by the copies.
  std::shared_ptr<const std::vector<HostInfo>> infos_;
  std::vector<std::vector<vrrp::State>> state_;
  std::vector<Vrid> vrids_;  // sorted by VRID
  Time cur_ = 0;
  bool any_ = false;
  std::uint32_t violated_ = 0;
  // converges
  bool ok_ = false;
  Time ok_since_ = 0;
  bool ok_started_ = false;
  // Scratch of Point (not state).
  std::vector<int> masters_, eligible_, holders_;
};

// ---------------------------------------------------------------------------
// The search.

Fault MakeFault(const FaultType& t, Time at) {
  Fault f;
  f.kind = t.kind;
  f.at = at;
  f.node = t.node;
  f.peer = t.peer;
  f.name = t.name;
  return f;
}

bool KeepsApart(const FaultType& t) {
  return t.kind == FaultKind::kPartition || t.kind == FaultKind::kBlock;
}

FaultSchedule SampleOne(const std::vector<FaultType>& types_, const CompletionTable* completions_,
                        int instants_, const ExhaustiveBound& b, Rng* rng) {
  FaultSchedule rep;
  std::vector<int> open_types, open_faults;
  for (int k = 0; k < instants_; ++k) {
    const Time g = b.window_from + static_cast<Time>(k) * b.grid;
    const int used = static_cast<int>(rep.size());
    const auto open_sets =
        OpenSets(static_cast<int>(types_.size()), open_types, b.max_faults - used);
    const int o = static_cast<int>(open_faults.size());
    struct Choice {
      std::uint32_t closes;
      std::size_t opens;
      long double weight;
    };
    std::vector<Choice> choices;
    long double total = 0;
    for (std::uint32_t cm = 0; cm < (1u << o); ++cm)
      for (std::size_t oi = 0; oi < open_sets.size(); ++oi) {
        int windows = o - std::popcount(cm);
        for (int t : open_sets[oi]) windows += types_[static_cast<std::size_t>(t)].window() ? 1 : 0;
        const auto n = completions_->Get(
            k + 1, windows, b.max_faults - used - static_cast<int>(open_sets[oi].size()));
        const auto w = static_cast<long double>(n);
        choices.push_back({cm, oi, w});
        total += w;
      }
    long double x = static_cast<long double>(rng->Unit()) * total;
    std::size_t pick = 0;
    while (pick + 1 < choices.size() && x >= choices[pick].weight) x -= choices[pick++].weight;
    const Choice& c = choices[pick];
    std::vector<int> keep_types, keep_faults;
    for (int i = 0; i < o; ++i) {
      if (c.closes & (1u << i)) {
        Fault& f = rep[static_cast<std::size_t>(open_faults[static_cast<std::size_t>(i)])];
        f.length = g - f.at;
      } else {
        keep_types.push_back(open_types[static_cast<std::size_t>(i)]);
        keep_faults.push_back(open_faults[static_cast<std::size_t>(i)]);
      }
    }
    open_types = keep_types;
    open_faults = keep_faults;
    for (int t : open_sets[c.opens]) {
      rep.push_back(MakeFault(types_[static_cast<std::size_t>(t)], g));
      if (!types_[static_cast<std::size_t>(t)].window()) continue;
      auto pos = std::lower_bound(open_types.begin(), open_types.end(), t);
      open_faults.insert(open_faults.begin() + (pos - open_types.begin()),
                         static_cast<int>(rep.size()) - 1);
      open_types.insert(pos, t);
    }
  }
  return rep;
}

// Two independent 64-bit hashes of a key: states are told apart by the
// pair (a model checker's hash compaction; for ten million states the
// chance that two different ones share both is below 10^-24).
void HashKey(const vrrp::StateKey& k, std::uint64_t* h1, std::uint64_t* h2) {
  std::uint64_t a = 0x9e3779b97f4a7c15ull ^ k.size(), b = 0xc2b2ae3d27d4eb4full + k.size();
  for (std::int64_t x : k) {
    const auto v = static_cast<std::uint64_t>(x);
    a ^= v + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2);
    a *= 0xbf58476d1ce4e5b9ull;
    b = (b ^ (v * 0x94d049bb133111ebull)) * 0xff51afd7ed558ccdull;
    b ^= b >> 29;
  }
  *h1 = a ^ (a >> 31);
  *h2 = b ^ (b >> 32);
}

// A schedule so far, compactly (one per state and instant): each fault's
// type, the instant it opened and the instant it closed (kStillOpen: open,
// or an instant fault), in the order they opened.
// (Instants and types in 16 bits: RunExhaustive refuses more.)
constexpr int kMaxFaults = 4;
constexpr std::uint16_t kStillOpen = 0xffff;
struct Slot {
  std::uint16_t at = 0, close = kStillOpen, type = 0;
};
struct Rep {
  std::uint8_t n = 0;
  Slot s[kMaxFaults];
};

// One choice at an instant: which open windows close (bit i: the i-th
// open type) and which types open (ascending).
struct Choice {
  std::uint32_t closes = 0;
  std::vector<int> opens;
  Duration settle = 0;  // after the instant: when the faults it opens are over (restart)
  bool none() const { return closes == 0 && opens.empty(); }
};

// The choices of every state with the same faults used and open windows,
// in the order of the search (nothing first).
struct ChoiceTable {
  int used = 0;
  std::vector<int> open_types;
  std::vector<Choice> choices;
  bool apart = false;  // a partition or block is open (converges is not asked)
};

// A world: the simulation, the property monitors and which faults are open.
struct World {
  std::unique_ptr<ScenarioRun> run;
  Monitor monitor;
  std::vector<int> open_types;  // alphabet indices of the open windows, ascending
  int used = 0;
  Time ok_since = kNever;  // a run of converged instants started then, in the last step
  vrrp::StateKey key;
  std::uint64_t h1 = 0, h2 = 0;
  bool keyed = false;

  World(std::unique_ptr<ScenarioRun> r, const Monitor& m) : run(std::move(r)), monitor(m) {
    Attach();
  }
  World(const World& o)
      : run(std::make_unique<ScenarioRun>(*o.run)),
        monitor(o.monitor),
        open_types(o.open_types),
        used(o.used) {
    Attach();
  }
  void Attach() {
    run->AddSink(&monitor);
    monitor.Bind(&run->simulation());
  }
};

// What the search keeps of a state once its world is gone.
struct StateInfo {
  std::uint64_t h1 = 0, h2 = 0;
  std::uint64_t edges = 0;  // its children, edges_[edges, edges + edge_count), in choice order
  std::uint32_t edge_count = 0;
  std::uint32_t table = 0;
  std::uint8_t expanded = 0;  // 0: not yet; 1: nothing-chosen only (after the window); 2: all
  std::uint8_t end_bits = 0;  // the properties it violates if the run ends here
};

// A bit of StateInfo::end_bits: not converged (some VRID without exactly one
// MASTER, or a partition or block open: `converges` is not asked then).
constexpr std::uint32_t kUnsettledBit = 8;

// The schedules that reach a state at one instant, in classes that
// `converges` tells apart: when their last fault was over (t0, TrialBuilder::
// SettleTime; every t0 long enough ago is the same) and whether the state's
// current run of converged instants started too late for it. Each class
// with the number of its schedules and the smallest of them.
// (Counts in 64 bits: RunExhaustive refuses bounds with more schedules.)
struct LayerEntry {
  Time t0 = 0;
  std::uint64_t count = 0;
  std::uint32_t id = 0;
  std::uint32_t next_same = 0;  // the next class of the same state + 1 (0: none)
  bool late = false;
  Rep rep;
};

// One variant's search.
//
// The world's future depends only on its state, whatever the instant (the
// key holds every time relative to now), so a state's children are
// simulated once, the first time the state is reached, and kept as edges
// of a graph. The schedules are then counted instant by instant along the
// edges: the states reached at instant k+1 are the children of those at k,
// each with the number of schedules that lead to it and the smallest of
// them. After the window only "nothing" is chosen, until the run's end;
// there each state's verdicts are known from its monitors. A state that
// recurs (the cluster's steady state after a fault, at any instant) costs
// one simulated grid step per choice for all of its occurrences.
class Search {
 public:
  Search(const ExploreSetup& setup, const ExploreVariant& v, const ExhaustiveOptions& o,
         ExhaustiveVariantResult* out)
      : setup_(setup), v_(v), o_(o), out_(out) {}

  bool Run(std::string* error);
  ScheduleCount covered() const { return covered_; }
  // A schedule of the bound drawn uniformly. REQUIRES: Run succeeded.
  FaultSchedule Sample(Rng* rng) const {
    return SampleOne(types_, completions_.get(), instants_, o_.bound, rng);
  }

 private:
  struct Stats {
    std::uint64_t events = 0, steps = 0;
  };
  // The children of a world at the instant at time g, one per choice of
  // `table` (only the first, nothing, when `all` is false), each run to
  // `until` and keyed. Thread-safe (reads only the search's constants).
  void Expand(std::unique_ptr<World> w, const ChoiceTable& table, bool all, Time g, Time until,
              std::vector<std::unique_ptr<World>>* out, Stats* st) const;
  void Branch(World* w, Time g, const ChoiceTable& table, const Choice& c) const;
  void Advance(World* w, Time until, Stats* st) const;
  std::uint32_t TableFor(int used, const std::vector<int>& open);
  // The state of a child world: an existing one (the world goes) or a new
  // one (the world stays until the state is expanded).
  std::uint32_t Intern(std::unique_ptr<World> w, bool* fresh);
  Rep Apply(const Rep& r, const ChoiceTable& t, const Choice& c, std::uint16_t k) const;
  bool RepLess(const Rep& a, const Rep& b) const;
  FaultSchedule ScheduleOf(const Rep& r) const;

  const ExploreSetup& setup_;
  const ExploreVariant& v_;
  const ExhaustiveOptions& o_;
  ExhaustiveVariantResult* out_;
  MonitorSpec spec_;
  std::vector<FaultType> types_;
  std::vector<int> rank_;  // the types' order as FaultLess has it
  std::unique_ptr<CompletionTable> completions_;
  int instants_ = 0;
  ScheduleCount covered_ = 0;
  std::uint64_t dealt_ = 0;  // first-fault choices dealt out so far (sharding)

  std::vector<std::unique_ptr<ChoiceTable>> tables_;
  std::map<std::pair<int, std::vector<int>>, std::uint32_t> table_index_;
  std::vector<StateInfo> states_;
  std::vector<std::uint32_t> edges_;
  std::vector<Time> edge_ok_;  // by edge: when a run of converged instants started, after the
                               // step's start (kNever: none)
  std::vector<std::unique_ptr<World>> worlds_;  // by state: its world until it is expanded
  std::uint64_t held_ = 0;                      // worlds in worlds_
  std::vector<std::uint32_t> slots_;            // open addressing: state id + 1
  std::vector<int> world_layer_;                // by state: the instant its world is at
  std::vector<char> expanding_;                 // by state: expanded at the current instant
  int intern_layer_ = 0;                        // the instant of the worlds being interned
};

std::uint32_t Search::TableFor(int used, const std::vector<int>& open) {
  auto key = std::make_pair(used, open);
  auto it = table_index_.find(key);
  if (it != table_index_.end()) return it->second;
  auto t = std::make_unique<ChoiceTable>();
  t->used = used;
  t->open_types = open;
  for (int x : open) t->apart = t->apart || KeepsApart(types_[static_cast<std::size_t>(x)]);
  const auto open_sets =
      OpenSets(static_cast<int>(types_.size()), open, o_.bound.max_faults - used);
  const std::uint32_t close_sets = 1u << open.size();
  for (std::uint32_t cm = 0; cm < close_sets; ++cm)
    for (const auto& os : open_sets) {
      Duration settle = 0;
      for (int x : os)
        settle = std::max(settle,
                          TrialBuilder::OverAt(MakeFault(types_[static_cast<std::size_t>(x)], 0)));
      t->choices.push_back({cm, os, settle});
    }
  const auto index = static_cast<std::uint32_t>(tables_.size());
  tables_.push_back(std::move(t));
  table_index_.emplace(std::move(key), index);
  return index;
}

std::uint32_t Search::Intern(std::unique_ptr<World> w, bool* fresh) {
  if (o_.dedup && w->keyed) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = w->h1 & mask;; i = (i + 1) & mask) {
      if (slots_[i] == 0) break;
      const StateInfo& s = states_[slots_[i] - 1];
      if (s.h1 == w->h1 && s.h2 == w->h2) {
        *fresh = false;
        // Not expanded yet: it will be at the next instant, from the world
        // that reached it last. (A shard's first-fault child that was not
        // its to follow waited with a world of an earlier instant.)
        const std::uint32_t id = slots_[i] - 1;
        if (s.expanded == 0 && worlds_[id] && !expanding_[id] && world_layer_[id] < intern_layer_) {
          worlds_[id] = std::move(w);
          world_layer_[id] = intern_layer_;
        }
        return id;
      }
    }
  }
  *fresh = true;
  const auto id = static_cast<std::uint32_t>(states_.size());
  StateInfo s;
  s.h1 = w->h1;
  s.h2 = w->h2;
  s.table = TableFor(w->used, w->open_types);
  const Time now = w->run->now();
  std::uint32_t bits = w->monitor.ViolatedAtEnd(now + 1);
  if (tables_[s.table]->apart || !w->monitor.ok()) bits |= kUnsettledBit;
  s.end_bits = static_cast<std::uint8_t>(bits);
  states_.push_back(s);
  worlds_.push_back(std::move(w));
  world_layer_.push_back(intern_layer_);
  expanding_.push_back(0);
  ++held_;
  if (o_.dedup && worlds_.back()->keyed) {
    if (2 * states_.size() > slots_.size()) {  // grow: at most half full
      std::vector<std::uint32_t> grown(slots_.size() * 2, 0);
      const std::size_t mask = grown.size() - 1;
      for (std::uint32_t v : slots_) {
        if (v == 0) continue;
        std::size_t i = states_[v - 1].h1 & mask;
        while (grown[i] != 0) i = (i + 1) & mask;
        grown[i] = v;
      }
      slots_.swap(grown);
    }
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = s.h1 & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = id + 1;
  }
  return id;
}

Rep Search::Apply(const Rep& r, const ChoiceTable& t, const Choice& c, std::uint16_t k) const {
  Rep out = r;
  for (std::size_t i = 0; i < t.open_types.size(); ++i) {
    if (!(c.closes & (1u << i))) continue;
    const auto type = static_cast<std::uint16_t>(t.open_types[i]);
    for (int j = 0; j < out.n; ++j)
      if (out.s[j].type == type && out.s[j].close == kStillOpen) {
        out.s[j].close = k;
        break;
      }
  }
  for (int type : c.opens) {
    Slot& s = out.s[out.n++];
    s.at = k;
    s.close = kStillOpen;
    s.type = static_cast<std::uint16_t>(type);
  }
  return out;
}

// ScheduleLess on the schedules the reps stand for.
bool Search::RepLess(const Rep& a, const Rep& b) const {
  if (a.n != b.n) return a.n < b.n;
  for (int i = 0; i < a.n; ++i) {
    const Slot &x = a.s[i], &y = b.s[i];
    if (x.at != y.at) return x.at < y.at;
    if (x.type != y.type) return rank_[x.type] < rank_[y.type];
    if (x.close != y.close) return x.close < y.close;  // the same start: the shorter first
  }
  return false;
}

FaultSchedule Search::ScheduleOf(const Rep& r) const {
  const auto& b = o_.bound;
  FaultSchedule out;
  for (int i = 0; i < r.n; ++i) {
    const Slot& s = r.s[i];
    const FaultType& t = types_[s.type];
    Fault f = MakeFault(t, b.window_from + static_cast<Time>(s.at) * b.grid);
    if (t.window() && s.close != kStillOpen)
      f.length = static_cast<Duration>(s.close - s.at) * b.grid;
    out.push_back(std::move(f));
  }
  return out;
}

bool Search::Run(std::string* error) {
  const auto& b = o_.bound;
  const auto& props = v_.properties.properties;
  for (const auto& p : props) {
    ExhaustivePropertyResult r;
    r.name = p.name;
    const Expectation& e = p.expect;
    if (p.name == "no_split_brain") {
      if (!e.while_connected || !e.except.empty()) {
        r.checked = false;
        r.why_not = "only `while: connected` is monitored by --exhaustive";
      } else {
        spec_.split = true;
        spec_.split_tolerance = e.tolerance.value_or(0);
        spec_.masters_only = e.masters_only;
        spec_.split_groups = GroupFilter{e.vrid, e.family};
        r.description = std::string(e.masters_only ? "no two MASTERs" : "no split brain") +
                        " longer than " + FormatTime(spec_.split_tolerance) +
                        " while the nodes involved hear each other";
      }
    } else if (p.name == "vip_available") {
      spec_.vip = true;
      spec_.vip_within = e.within.value_or(0);
      spec_.vip_groups = GroupFilter{e.vrid, e.family};
      r.description = "the VIP held by a live MASTER within " + FormatTime(spec_.vip_within) +
                      " whenever a node could hold it";
    } else if (p.name == "converges") {
      spec_.converges = true;
      spec_.converge_within = e.within.value_or(0);
      r.description = "exactly one MASTER per VRID within " + FormatTime(spec_.converge_within) +
                      " after the last fault is over";
    } else {
      r.checked = false;
      r.why_not = p.name == "no_flapping"
                      ? "it counts MASTER changes over a sliding minute: a minute of history "
                        "in every world would keep them from merging"
                      : "a scenario expectation has no bounded monitor";
    }
    out_->properties.push_back(std::move(r));
  }

  bool any_checked = false;
  for (const auto& r : out_->properties) any_checked = any_checked || r.checked;
  if (!any_checked) {
    *error =
        "none of the properties asked for can be checked by --exhaustive (no_split_brain while "
        "connected, vip_available and converges can)";
    return false;
  }
  types_ = BuildAlphabet(setup_.targets, o_.kinds);
  out_->alphabet = types_;
  if (types_.empty()) {
    *error = "no fault of the chosen kinds has a target in this cluster";
    return false;
  }
  {
    std::vector<int> order(types_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::sort(order.begin(), order.end(), [&](int x, int y) {
      return FaultLess(MakeFault(types_[static_cast<std::size_t>(x)], 0),
                       MakeFault(types_[static_cast<std::size_t>(y)], 0));
    });
    rank_.assign(types_.size(), 0);
    for (std::size_t i = 0; i < order.size(); ++i)
      rank_[static_cast<std::size_t>(order[i])] = static_cast<int>(i);
  }
  instants_ = static_cast<int>((b.window_to - b.window_from) / b.grid) + 1;
  const int windows = CountWindows(types_);
  completions_ = std::make_unique<CompletionTable>(
      windows, static_cast<int>(types_.size()) - windows, instants_, b.max_faults);
  out_->schedules = completions_->Get(0, 0, b.max_faults);
  if (out_->schedules > std::numeric_limits<std::uint64_t>::max() ||
      static_cast<std::size_t>(instants_) >= kStillOpen || types_.size() >= kStillOpen) {
    *error = "the bound holds " + CountText(out_->schedules) + " schedules over " +
             std::to_string(instants_) + " instants and " + std::to_string(types_.size()) +
             " fault types: --exhaustive counts up to 2^64 - 1 schedules, 65534 instants and "
             "65534 types";
    return false;
  }
  out_->tree_branches = completions_->TreeBranches();

  // The fault-free world at the first instant.
  Scenario clean;
  v_.trials->Build({}, {}, &clean);
  const Duration duration = clean.duration;
  if ((duration - b.window_from) % b.grid != 0) {
    *error = "the run's length (" + FormatTime(duration) + ") must be the window's start (" +
             FormatTime(b.window_from) + ") plus a whole number of grid steps (" +
             FormatTime(b.grid) + "): after the window the search goes on a grid step at a time";
    return false;
  }
  const int layers = static_cast<int>((duration - b.window_from) / b.grid);
  RunOptions ro;
  ro.seed = setup_.seed;
  ro.metrics = false;
  ro.record_events = false;
  auto first =
      std::make_unique<World>(std::make_unique<ScenarioRun>(clean, ro), Monitor(clean, &spec_));
  if (b.window_from > 0) first->run->RunUntil(b.window_from - 1);
  first->keyed = first->run->simulation().SearchStateKey(&first->key);
  if (!first->keyed) {
    *error =
        "--exhaustive enumerates deterministic runs only, and this cluster draws random "
        "numbers (link loss or jitter, or a node's wakeup_jitter); take them out, or explore "
        "it with random schedules";
    return false;
  }
  {
    vrrp::StateKeyWriter wr(&first->key, 1);
    wr.Put(1);  // the first world: no other state is one not yet run
  }
  HashKey(first->key, &first->h1, &first->h2);
  slots_.assign(1024, 0);
  bool fresh = false;
  std::vector<LayerEntry> cur, next;
  cur.push_back({0, 1, Intern(std::move(first), &fresh), 0, false, Rep{}});
  std::vector<std::uint32_t> pos;  // by state: its index in `next` + 1

  const std::size_t jobs = static_cast<std::size_t>(std::max(1, o_.jobs));
  for (int k = 0; k < layers; ++k) {
    const bool window = k < instants_;
    const std::uint8_t need = window ? 2 : 1;
    const Time g = b.window_from + static_cast<Time>(k) * b.grid;
    const Time until = g + b.grid - 1;
    // The states reached now that have not been expanded (as far as they
    // need to be), in the order they were reached; their children are
    // simulated in batches on `jobs` threads and join the graph in that
    // order, so the search is the same for any number of threads.
    std::vector<std::uint32_t> todo;
    pos.resize(states_.size(), 0);
    for (const LayerEntry& e : cur)
      if (states_[e.id].expanded < need && pos[e.id] == 0) {
        pos[e.id] = 1;  // once for all its classes
        todo.push_back(e.id);
      }
    for (std::uint32_t id : todo) {
      pos[id] = 0;
      expanding_[id] = 1;
      if (!worlds_[id] || world_layer_[id] != k) {
        *error = "internal error: state " + std::to_string(id) + " has no world of instant " +
                 std::to_string(k) + " to expand";
        return false;
      }
    }
    for (std::size_t at = 0; at < todo.size();) {
      const std::size_t batch = std::min(todo.size() - at, jobs * 16);
      const std::size_t slice = (batch + jobs - 1) / jobs;
      std::vector<std::vector<std::unique_ptr<World>>> outs(batch);
      std::vector<Stats> stats(jobs);
      auto work = [&](std::size_t j) {
        for (std::size_t i = j * slice; i < std::min(batch, (j + 1) * slice); ++i) {
          const std::uint32_t id = todo[at + i];
          Expand(std::move(worlds_[id]), *tables_[states_[id].table], window, g, until, &outs[i],
                 &stats[j]);
        }
      };
      std::vector<std::thread> threads;
      for (std::size_t j = 1; j < jobs && j * slice < batch; ++j) threads.emplace_back(work, j);
      work(0);
      for (auto& t : threads) t.join();
      for (const Stats& st : stats) {
        out_->events += st.events;
        (window ? out_->branches : out_->after_steps) += st.steps;
      }
      intern_layer_ = k + 1;
      for (std::size_t i = 0; i < batch; ++i) {
        const std::uint32_t id = todo[at + i];
        --held_;
        std::vector<std::uint32_t> children;
        const std::size_t edges = edges_.size();
        for (auto& c : outs[i]) {
          edge_ok_.push_back(c->ok_since == kNever ? kNever : c->ok_since - g);
          edges_.push_back(Intern(std::move(c), &fresh));
          if (!fresh) ++out_->merges;
        }
        StateInfo& s = states_[id];
        s.edges = edges;
        s.edge_count = static_cast<std::uint32_t>(edges_.size() - edges);
        s.expanded = need;
      }
      at += batch;
      if (held_ > o_.max_states) {
        *error = "more than " + std::to_string(o_.max_states) + " new states at " + FormatTime(g) +
                 " (each a copy of the simulation until it is expanded): a coarser --grid, a "
                 "shorter --window, fewer --faults or --max-faults, --shard, or a higher "
                 "--max-states";
        return false;
      }
    }
    for (std::uint32_t id : todo) expanding_[id] = 0;
    // The schedules follow the edges.
    pos.resize(states_.size(), 0);
    next.clear();
    for (const LayerEntry& e : cur) {
      const StateInfo& s = states_[e.id];
      const ChoiceTable& t = *tables_[s.table];
      const std::uint32_t n = window ? s.edge_count : 1;
      for (std::uint32_t j = 0; j < n; ++j) {
        const Choice& c = t.choices[j];
        // Sharded: the choices that start the first fault are dealt out
        // to the shards in turn; every shard follows the fault-free world.
        if (o_.shards > 0 && t.used == 0 && !c.opens.empty() &&
            static_cast<int>(dealt_++ % static_cast<std::uint64_t>(o_.shards)) != o_.shard - 1)
          continue;
        const std::uint32_t child = edges_[s.edges + j];
        const Rep rep = c.none() ? e.rep : Apply(e.rep, t, c, static_cast<std::uint16_t>(k));
        // The class of `converges` (as World::t0 and late were before).
        Time t0 = 0;
        bool late = false;
        if (spec_.converges) {
          t0 = c.none() ? e.t0 : std::max(e.t0, g + c.settle);
          late = c.none() && e.late;
          const Time ok = edge_ok_[s.edges + j];
          if (ok != kNever) late = g + ok > t0 + spec_.converge_within;
          // A t0 that long ago makes every run of converged instants from
          // now on late: they are all the same.
          t0 = std::max(t0, until - spec_.converge_within - 1);
        }
        // The state's classes at the next instant: pos[child] links the first.
        std::uint32_t at = pos[child], last = 0;
        while (at != 0 && (next[at - 1].t0 != t0 || next[at - 1].late != late)) {
          last = at;
          at = next[at - 1].next_same;
        }
        if (at == 0) {
          next.push_back({t0, e.count, child, 0, late, rep});
          const auto added = static_cast<std::uint32_t>(next.size());
          (last == 0 ? pos[child] : next[last - 1].next_same) = added;
          continue;
        }
        LayerEntry& x = next[at - 1];
        x.count += e.count;
        if (RepLess(rep, x.rep)) x.rep = rep;
      }
    }
    for (const LayerEntry& e : next) pos[e.id] = 0;
    cur.swap(next);
    out_->peak_states = std::max<std::uint64_t>(out_->peak_states, cur.size());
  }

  // The end of the run: each state's verdicts.
  std::vector<std::uint32_t> prop_bit(out_->properties.size(), 0);
  for (std::size_t i = 0; i < out_->properties.size(); ++i) {
    const auto& n = out_->properties[i].name;
    prop_bit[i] = n == "no_split_brain"  ? kSplitBit
                  : n == "vip_available" ? kVipBit
                  : n == "converges"     ? kConvergeBit
                                         : 0u;
  }
  ScheduleCount total = 0;
  for (const LayerEntry& e : cur) {
    // Sharded: the schedule without faults is shard 1's.
    if (o_.shards > 0 && e.rep.n == 0 && o_.shard != 1) continue;
    total += e.count;
    std::uint32_t bits = states_[e.id].end_bits;
    if (spec_.converges && (e.late || (bits & kUnsettledBit)) &&
        !tables_[states_[e.id].table]->apart)
      bits |= kConvergeBit;
    for (std::size_t i = 0; i < out_->properties.size(); ++i) {
      auto& pr = out_->properties[i];
      if (!pr.checked || !(bits & prop_bit[i])) continue;
      pr.violating += e.count;
      FaultSchedule s = ScheduleOf(e.rep);
      if (!pr.has_example || ScheduleLess(s, pr.example)) {
        pr.example = std::move(s);
        pr.has_example = true;
      }
    }
  }
  out_->states = states_.size();
  out_->end_states = cur.size();
  covered_ = total;
  worlds_.clear();
  if (o_.shards == 0 && total != out_->schedules) {
    *error = "internal error: the search covered " + CountText(total) + " schedules of " +
             CountText(out_->schedules);
    return false;
  }
  return true;
}

void Search::Branch(World* c, Time g, const ChoiceTable& t, const Choice& ch) const {
  if (ch.none()) return;
  // Closing windows first, in the order of the open types, then the new
  // faults (as TrialBuilder orders the operations of one instant).
  std::vector<ScenarioOp> ops;
  std::vector<int> open;
  for (std::size_t i = 0; i < t.open_types.size(); ++i) {
    if (!(ch.closes & (1u << i))) {
      open.push_back(t.open_types[i]);
      continue;
    }
    Fault f = MakeFault(types_[static_cast<std::size_t>(t.open_types[i])], g - 1);
    f.length = 1;  // ends at g
    for (auto& op : v_.trials->FaultOpsOf(f, 0, true)) ops.push_back(std::move(op));
  }
  for (int type : ch.opens) {
    const FaultType& ft = types_[static_cast<std::size_t>(type)];
    const Fault f = MakeFault(ft, g);
    for (auto& op : v_.trials->FaultOpsOf(f, 0, false)) ops.push_back(std::move(op));
    if (ft.window()) open.insert(std::lower_bound(open.begin(), open.end(), type), type);
    ++c->used;
  }
  c->open_types = std::move(open);
  c->run->AddTimelineOps(ops);
}

void Search::Expand(std::unique_ptr<World> wp, const ChoiceTable& table, bool all, Time g,
                    Time until, std::vector<std::unique_ptr<World>>* out, Stats* st) const {
  const std::size_t n = all ? table.choices.size() : 1;
  World* w = wp.get();
  for (std::size_t j = 0; j < n; ++j) {
    // The last choice takes the world itself rather than a copy.
    std::unique_ptr<World> child = j + 1 == n ? std::move(wp) : std::make_unique<World>(*w);
    Branch(child.get(), g, table, table.choices[j]);
    Advance(child.get(), until, st);
    out->push_back(std::move(child));
  }
}

void Search::Advance(World* w, Time until, Stats* st) const {
  const std::uint64_t before = w->run->simulation().events_processed();
  w->run->RunUntil(until);
  w->monitor.Sync(until);
  Time since = 0;
  w->ok_since = w->monitor.TakeOkStart(&since) ? since : kNever;
  st->events += w->run->simulation().events_processed() - before;
  ++st->steps;
  // A script whose check mode no fault to come can change (no check of it
  // in the alphabet, or every fault used and its own check not open).
  const Simulation::ScriptFilter may_change = [&](int host, std::string_view script) {
    for (std::size_t t = 0; t < types_.size(); ++t) {
      const FaultType& ft = types_[t];
      if (ft.kind != FaultKind::kCheck || ft.node != host || ft.name != script) continue;
      return w->used < o_.bound.max_faults ||
             std::binary_search(w->open_types.begin(), w->open_types.end(), static_cast<int>(t));
    }
    return false;
  };
  w->keyed = o_.dedup && w->run->simulation().SearchStateKey(&w->key, &may_change);
  if (!w->keyed) return;
  {
    // The writer settles the key's size when it goes.
    vrrp::StateKeyWriter wr(&w->key, 64);
    w->monitor.AppendKey(until, &wr);
    wr.Put(w->used);
    wr.Put(static_cast<std::int64_t>(w->open_types.size()));
    for (int t : w->open_types) wr.Put(t);
    // Sharded: the fault-free world is a state of its own at every
    // instant, so that its first-fault children (dealt out per instant) are
    // simulated at the instant they are followed.
    wr.Put(o_.shards > 0 && w->used == 0 ? until : 0);
  }
  HashKey(w->key, &w->h1, &w->h2);
}
}  // namespace

bool RunExhaustive(const ExploreSetup& setup, const ExhaustiveOptions& options,
                   ExhaustiveResult* result, std::string* error) {
  const auto& b = options.bound;
  if (b.max_faults < 0 || b.grid <= 0 || b.window_from < 0 || b.window_to < b.window_from) {
    *error = "the bound needs --max-faults >= 0, a grid above 0 and a window FROM <= TO";
    return false;
  }
  if (b.max_faults > kMaxFaults) {
    *error = "--exhaustive enumerates schedules of at most " + std::to_string(kMaxFaults) +
             " faults (--max-faults)";
    return false;
  }
  for (FaultKind k : options.kinds)
    if (!ExhaustiveKind(k)) {
      *error = "fault kind '" + std::string(FaultKindName(k)) +
               "' cannot be enumerated by --exhaustive (pause: its end is fixed when it starts; "
               "track_file: a value to choose; loss, jitter: random draws; foreign: a node of "
               "its own); leave it out with --faults";
      return false;
    }
  if (setup.variants.empty()) {
    *error = "nothing to explore (no variant prepared)";
    return false;
  }
  result->bound = b;
  result->instants = static_cast<int>((b.window_to - b.window_from) / b.grid) + 1;
  result->duration = setup.limits.duration;
  if (setup.limits.duration < b.window_to + kRestartExitDelay + vrrp::kSecond) {
    *error = "the run (" + FormatTime(setup.limits.duration) +
             ") must go on past the window's end " + FormatTime(b.window_to) + " (--duration)";
    return false;
  }
  for (const auto& v : setup.variants) {
    ExhaustiveVariantResult vr;
    vr.variant = v.name;
    Search s(setup, v, options, &vr);
    const auto t0 = std::chrono::steady_clock::now();
    if (!s.Run(error)) return false;
    result->search_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result->covered += s.covered();
    // Each smallest counterexample, run from time 0 as a trial.
    Scenario scratch;
    for (auto& p : vr.properties) {
      if (!p.has_example) continue;
      TrialOutcome t = RunTrial(setup, v, p.example, 0, &scratch);
      if (std::find(t.violated.begin(), t.violated.end(), p.name) == t.violated.end()) {
        vr.confirmed = false;
        vr.disagreement += (vr.disagreement.empty() ? "" : "; ") + p.name + ": the schedule " +
                           "violates it in the search but not in a run from time 0";
      }
    }
    // The cost of running every schedule from time 0, from a uniform
    // sample of them (wall clock: for the report only).
    if (options.baseline_samples > 0 && result->variants.empty()) {
      Rng rng = Rng::Stream(setup.seed, "exhaustive-baseline");
      RunOptions ro;
      ro.metrics = false;
      for (int i = 0; i < options.baseline_samples; ++i) {
        const FaultSchedule sample = s.Sample(&rng);
        const auto t0 = std::chrono::steady_clock::now();
        v.trials->Build(sample, v.properties.properties, &scratch);
        ro.seed = RunSeed(setup.seed, static_cast<std::uint64_t>(i));
        const RunResult r = RunScenario(scratch, ro);
        result->baseline_seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        result->baseline_events += r.events_processed;
        ++result->baseline_runs;
      }
    }
    result->variants.push_back(std::move(vr));
  }
  return true;
}

std::vector<FaultSchedule> SampleSchedules(const ExploreSetup& setup,
                                           const ExhaustiveOptions& options, int n,
                                           std::uint64_t seed) {
  const auto& b = options.bound;
  const auto types = BuildAlphabet(setup.targets, options.kinds);
  const int instants = static_cast<int>((b.window_to - b.window_from) / b.grid) + 1;
  const int windows = CountWindows(types);
  CompletionTable table(windows, static_cast<int>(types.size()) - windows, instants, b.max_faults);
  Rng rng = Rng::Stream(seed, "exhaustive-sample");
  std::vector<FaultSchedule> out;
  for (int i = 0; i < n; ++i) out.push_back(SampleOne(types, &table, instants, b, &rng));
  return out;
}

std::string ExhaustiveIdentity(const ExploreSetup& setup, const ExhaustiveOptions& o) {
  std::string id = setup.identity;
  id += "\nexhaustive K=" + std::to_string(o.bound.max_faults) +
        " grid=" + std::to_string(o.bound.grid) + " window=" + std::to_string(o.bound.window_from) +
        "," + std::to_string(o.bound.window_to) + " dedup=" + (o.dedup ? "1" : "0") + " kinds=";
  for (FaultKind k : o.kinds) id += std::string(FaultKindName(k)) + ",";
  return id;
}

bool MergeExhaustive(ExhaustiveResult* a, const ExhaustiveResult& b, std::string* error) {
  auto same_bound = [](const ExhaustiveBound& x, const ExhaustiveBound& y) {
    return x.max_faults == y.max_faults && x.grid == y.grid && x.window_from == y.window_from &&
           x.window_to == y.window_to;
  };
  if (!same_bound(a->bound, b.bound) || a->instants != b.instants || a->duration != b.duration ||
      a->variants.size() != b.variants.size()) {
    *error = "the shards are of different searches (bound or variants differ)";
    return false;
  }
  a->covered += b.covered;
  a->merged_shards = std::max(a->merged_shards, 1) + 1;
  for (std::size_t i = 0; i < a->variants.size(); ++i) {
    auto& x = a->variants[i];
    const auto& y = b.variants[i];
    if (x.variant != y.variant || x.schedules != y.schedules ||
        x.properties.size() != y.properties.size() || x.alphabet.size() != y.alphabet.size()) {
      *error = "the shards are of different searches (variant " + y.variant + " differs)";
      return false;
    }
    x.states += y.states;
    x.peak_states = std::max(x.peak_states, y.peak_states);
    x.branches += y.branches;
    x.after_steps += y.after_steps;
    x.end_states += y.end_states;
    x.events += y.events;
    x.merges += y.merges;
    x.confirmed = x.confirmed && y.confirmed;
    if (!y.disagreement.empty())
      x.disagreement += (x.disagreement.empty() ? "" : "; ") + y.disagreement;
    for (std::size_t p = 0; p < x.properties.size(); ++p) {
      auto& px = x.properties[p];
      const auto& py = y.properties[p];
      if (px.name != py.name) {
        *error = "the shards are of different searches (properties differ)";
        return false;
      }
      px.violating += py.violating;
      if (py.has_example && (!px.has_example || ScheduleLess(py.example, px.example))) {
        px.example = py.example;
        px.has_example = true;
      }
    }
  }
  return true;
}

std::string ExhaustiveReport(const ExploreSetup& setup, const ExhaustiveResult& r, bool timings) {
  const double seconds = r.search_seconds;
  ScheduleCount all = 0;
  for (const auto& v : r.variants) all += v.schedules;
  const bool partial = r.covered != all;
  std::string out;
  const auto& b = r.bound;
  for (std::size_t vi = 0; vi < r.variants.size(); ++vi) {
    const auto& vr = r.variants[vi];
    const auto& v = setup.variants[vi];
    std::vector<std::string> names;
    for (const auto& n : v.scenario.nodes) names.push_back(n.name);
    out += "exhaustive: " + (setup.source ? setup.source->name : std::string()) +
           (vr.variant.empty() ? "" : " [" + vr.variant + "]") + "\n";
    out += "bound: every schedule of at most " + std::to_string(b.max_faults) + " fault" +
           (b.max_faults == 1 ? "" : "s") + " from " + std::to_string(vr.alphabet.size()) +
           " fault types, each starting at one of the " + std::to_string(r.instants) +
           " instants " + FormatTime(b.window_from) + ", " + FormatTime(b.window_from + b.grid) +
           ", ..., " + FormatTime(b.window_from + static_cast<Time>(r.instants - 1) * b.grid) +
           " and, for a window, ending at a later one or never; runs of " + FormatTime(r.duration) +
           "\n";
    out += "fault types:";
    for (std::size_t i = 0; i < vr.alphabet.size(); ++i)
      out += (i ? ", " : " ") + TypeText(vr.alphabet[i], names);
    out += "\nschedules: " + CountText(vr.schedules) + "\n";
    if (partial) {
      out += "  (this is one shard: it decided " + CountText(r.covered) +
             " of them; merge every shard for the verdicts)\n";
    }
    for (const auto& p : vr.properties) {
      if (!p.checked) {
        out += "  " + p.name + ": not checked (" + p.why_not + ")\n";
        continue;
      }
      if (p.violating == 0) {
        out += partial ? "  " + p.name + ": no violation in this shard (" + p.description + ")\n"
                       : "  " + p.name + ": HOLDS for all " + CountText(vr.schedules) +
                             " schedules (" + p.description + ")\n";
        continue;
      }
      out += "  " + p.name + ": VIOLATED by " + CountText(p.violating) + " of " +
             CountText(vr.schedules) + " schedules (" + p.description + ")\n";
      out += "    smallest counterexample:";
      if (p.example.empty()) out += " no fault at all";
      for (std::size_t i = 0; i < p.example.size(); ++i)
        out += (i ? "; " : " ") + DescribeFault(p.example[i], names);
      out += "\n";
    }
    if (!vr.confirmed) out += "  INTERNAL ERROR: " + vr.disagreement + "\n";
    if (r.merged_shards > 0)
      out += "(merged from " + std::to_string(r.merged_shards) +
             " shards: the search's figures below are their sums; a shard merges only its own "
             "states)\n";
    out += "search: " + std::to_string(vr.states) + " distinct states (at most " +
           std::to_string(vr.peak_states) + " reached at one instant, " +
           std::to_string(vr.end_states) + " at the end of the run), " +
           std::to_string(vr.branches) + " grid steps simulated in the window and " +
           std::to_string(vr.after_steps) + " after it, " + std::to_string(vr.events) + " events\n";
    out += "prefix sharing and deduplication: " + std::to_string(vr.branches) +
           " grid steps in the window instead of " + CountText(vr.tree_branches) +
           " (the prefix tree) and " + CountText(vr.schedules) + " runs from time 0; " +
           std::to_string(vr.merges) + " steps reached a state already known\n";
  }
  if (timings) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "time: %.2f s", seconds);
    out += buf;
    if (r.baseline_runs > 0 && !r.variants.empty()) {
      const double per_run = r.baseline_seconds / r.baseline_runs;
      const double all = per_run * static_cast<double>(r.variants[0].schedules);
      std::snprintf(buf, sizeof buf,
                    "; running every schedule from time 0 instead: about %.3g s (%.1f us per run, "
                    "mean of %d sampled schedules%s), %.3g times as long",
                    all, per_run * 1e6, r.baseline_runs,
                    r.variants.size() > 1 ? ", first variant" : "",
                    seconds > 0 ? all / seconds : 0);
      out += buf;
    }
    out += "\n";
  }
  return out;
}

}  // namespace vsim

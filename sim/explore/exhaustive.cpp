#include "sim/explore/exhaustive.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <unordered_map>

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
  int split_vrid = 0;
  bool vip = false;
  Duration vip_within = 0;
  int vip_vrid = 0;
  bool converges = false;
  Duration converge_within = 0;
};

constexpr std::uint32_t kSplitBit = 1, kVipBit = 2;

class Monitor final : public TraceSink {
 public:
  Monitor(const Scenario& sc, const MonitorSpec* spec) : spec_(spec) {
    hosts_ = static_cast<int>(sc.nodes.size());
    for (const auto& n : sc.nodes) {
      std::vector<int> v;
      for (const auto& inst : n.config.instances) v.push_back(inst.vrid);
      inst_vrid_.push_back(v);
      state_.emplace_back(v.size(), vrrp::State::kStop);
      for (int x : v) Slot(x);
    }
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
        Vrid& v = Slot(e.vrid);
        const std::pair<int, std::uint32_t> held{e.host, e.addr.value};
        if (std::find(v.held.begin(), v.held.end(), held) == v.held.end()) {
          v.held.insert(std::upper_bound(v.held.begin(), v.held.end(), held), held);
        }
        break;
      }
      case TraceKind::kVipRemoved: {
        Vrid& v = Slot(e.vrid);
        const std::pair<int, std::uint32_t> held{e.host, e.addr.value};
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
  // (World::Entry): it depends on when each one's last fault was over.
  void Finish(Time end) {
    for (Vrid& v : vrids_) {
      if (v.split_open && end - v.split_since > spec_->split_tolerance)
        Violate(kSplitBit, v.split_since + spec_->split_tolerance);
      if (v.down_since != kNever && end - v.down_since > spec_->vip_within)
        Violate(kVipBit, v.down_since + spec_->vip_within);
    }
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
        w->Put(a);
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
    std::vector<std::pair<int, std::uint32_t>> held;  // (host, address), sorted
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
      if (spec_->split && !(violated_ & kSplitBit) &&
          (spec_->split_vrid == 0 || spec_->split_vrid == v.vrid)) {
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
      if (spec_->vip && !(violated_ & kVipBit) &&
          (spec_->vip_vrid == 0 || spec_->vip_vrid == v.vrid)) {
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
  std::vector<std::vector<int>> inst_vrid_;
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

// The schedules so far that lead to one world, in classes that `converges`
// tells apart: when their last fault was over (t0, TrialBuilder::
// SettleTime) and whether the world's current run of converged instants
// started too late for it. Everything else about them is the world's.
struct Entry {
  FaultSchedule rep;             // the smallest schedule of the class so far
  std::vector<int> open_faults;  // index in `rep` of each open window (World::open_types order)
  Time t0 = 0;
  bool late = false;  // converged now, but only since after t0 + within
  ScheduleCount count = 1;
};

struct World {
  std::unique_ptr<ScenarioRun> run;
  Monitor monitor;
  std::vector<int> open_types;  // alphabet indices of the open windows, ascending
  int used = 0;
  std::vector<Entry> entries;  // sorted by (t0, late), each pair once
  vrrp::StateKey key;
  std::uint64_t hash = 0;
  bool keyed = false;
  bool first_fault_child = false;  // a child of the fault-free world with its first fault

  World(std::unique_ptr<ScenarioRun> r, const Monitor& m) : run(std::move(r)), monitor(m) {
    entries.emplace_back();
    Attach();
  }
  World(const World& o)
      : run(std::make_unique<ScenarioRun>(*o.run)),
        monitor(o.monitor),
        open_types(o.open_types),
        used(o.used),
        entries(o.entries) {
    Attach();
  }
  void Attach() {
    run->AddSink(&monitor);
    monitor.Bind(&run->simulation());
  }
  ScheduleCount count() const {
    ScheduleCount n = 0;
    for (const auto& e : entries) n += e.count;
    return n;
  }
};

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

// Merges the entries of equal (t0, late): their schedules behave the same
// from here on. The smaller schedule stays the class's example.
void Canonicalize(std::vector<Entry>* es) {
  std::stable_sort(es->begin(), es->end(), [](const Entry& a, const Entry& b) {
    return a.t0 != b.t0 ? a.t0 < b.t0 : a.late < b.late;
  });
  std::size_t out = 0;
  for (std::size_t i = 0; i < es->size(); ++i) {
    Entry& e = (*es)[i];
    if (out > 0 && (*es)[out - 1].t0 == e.t0 && (*es)[out - 1].late == e.late) {
      Entry& x = (*es)[out - 1];
      x.count += e.count;
      if (ScheduleLess(e.rep, x.rep)) {
        x.rep.swap(e.rep);
        x.open_faults.swap(e.open_faults);
      }
      continue;
    }
    if (out != i) (*es)[out] = std::move(e);
    ++out;
  }
  es->resize(out);
}

std::uint64_t HashKey(const vrrp::StateKey& k) {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ k.size();
  for (std::int64_t x : k) {
    h ^= static_cast<std::uint64_t>(x) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xbf58476d1ce4e5b9ull;
  }
  return h ^ (h >> 31);
}

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

// One variant's search.
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
    std::uint64_t events = 0, branches = 0;
  };
  // The children of a world at instant k (time g), each run to the next
  // instant and keyed. Thread-safe (reads only the search's constants).
  void Expand(std::unique_ptr<World> w, int k, Time g, std::vector<std::unique_ptr<World>>* out,
              Stats* st) const;
  void Branch(World* w, Time g, const std::vector<int>& closes,
              const std::vector<int>& opens) const;
  void Advance(World* w, int k, Stats* st) const;
  // After the monitor saw a run of converged instants start: which entries
  // it is too late for.
  void UpdateLate(World* w) const {
    Time since = 0;
    if (!w->monitor.TakeOkStart(&since)) return;
    for (Entry& e : w->entries) e.late = since > e.t0 + spec_.converge_within;
    Canonicalize(&w->entries);
  }
  // Runs worlds that have no choice left to the end and adds up their
  // verdicts (in their order; on `jobs` threads).
  void RunLeaves(std::vector<std::unique_ptr<World>>* worlds, Duration duration,
                 ScheduleCount* total);
  // Adds a child to the next instant's worlds, or merges it into an equal one.
  void Merge(std::unique_ptr<World> w);

  const ExploreSetup& setup_;
  const ExploreVariant& v_;
  const ExhaustiveOptions& o_;
  ExhaustiveVariantResult* out_;
  MonitorSpec spec_;
  std::vector<FaultType> types_;
  std::unique_ptr<CompletionTable> completions_;
  int instants_ = 0;
  std::vector<std::unique_ptr<World>> next_;
  ScheduleCount covered_ = 0;
  std::uint64_t dealt_ = 0;  // first-fault children dealt out so far (sharding)
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> index_;
};

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
        spec_.split_vrid = e.vrid;
        r.description = std::string(e.masters_only ? "no two MASTERs" : "no split brain") +
                        " longer than " + FormatTime(spec_.split_tolerance) +
                        " while the nodes involved hear each other";
      }
    } else if (p.name == "vip_available") {
      spec_.vip = true;
      spec_.vip_within = e.within.value_or(0);
      spec_.vip_vrid = e.vrid;
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
  instants_ = static_cast<int>((b.window_to - b.window_from) / b.grid) + 1;
  const int windows = CountWindows(types_);
  completions_ = std::make_unique<CompletionTable>(
      windows, static_cast<int>(types_.size()) - windows, instants_, b.max_faults);
  out_->schedules = completions_->Get(0, 0, b.max_faults);
  out_->tree_branches = completions_->TreeBranches();

  // The fault-free world at the first instant.
  Scenario clean;
  v_.trials->Build({}, {}, &clean);
  RunOptions ro;
  ro.seed = setup_.seed;
  ro.metrics = false;
  ro.record_events = false;
  auto run = std::make_unique<ScenarioRun>(clean, ro);
  Monitor proto(clean, &spec_);
  std::vector<std::unique_ptr<World>> frontier;
  frontier.push_back(std::make_unique<World>(std::move(run), proto));
  World& first = *frontier.front();
  if (b.window_from > 0) first.run->RunUntil(b.window_from - 1);
  {
    vrrp::StateKey k;
    if (!first.run->simulation().SearchStateKey(&k)) {
      *error =
          "--exhaustive enumerates deterministic runs only, and this cluster draws random "
          "numbers (link loss or jitter, or a node's wakeup_jitter); take them out, or explore "
          "it with random schedules";
      return false;
    }
  }
  const Duration duration = clean.duration;
  ScheduleCount total = 0;
  std::vector<std::unique_ptr<World>> retired;
  for (int k = 0; k < instants_; ++k) {
    const Time g = b.window_from + static_cast<Time>(k) * b.grid;
    next_.clear();
    index_.clear();
    // Batches of worlds branch on `jobs` threads, each on a contiguous
    // slice; their children join the next instant's worlds in the order of
    // the worlds they came from, so the search is the same for any number
    // of threads.
    const std::size_t jobs = static_cast<std::size_t>(std::max(1, o_.jobs));
    for (std::size_t pos = 0; pos < frontier.size();) {
      const std::size_t batch = std::min(frontier.size() - pos, jobs * 64);
      const std::size_t slice = (batch + jobs - 1) / jobs;
      std::vector<std::vector<std::unique_ptr<World>>> outs(jobs);
      std::vector<Stats> stats(jobs);
      auto work = [&](std::size_t j) {
        for (std::size_t i = pos + j * slice; i < std::min(pos + batch, pos + (j + 1) * slice); ++i)
          Expand(std::move(frontier[i]), k, g, &outs[j], &stats[j]);
      };
      std::vector<std::thread> threads;
      for (std::size_t j = 1; j < jobs && j * slice < batch; ++j) threads.emplace_back(work, j);
      work(0);
      for (auto& t : threads) t.join();
      for (std::size_t j = 0; j < jobs; ++j) {
        out_->events += stats[j].events;
        out_->branches += stats[j].branches;
        for (auto& c : outs[j]) {
          // Sharded: the fault-free world's children with a first fault are
          // dealt out to the shards in turn; every shard follows the
          // fault-free world itself.
          if (o_.shards > 0 && c->first_fault_child &&
              static_cast<int>(dealt_++ % static_cast<std::uint64_t>(o_.shards)) != o_.shard - 1)
            continue;
          Merge(std::move(c));
        }
      }
      pos += batch;
      if (next_.size() > o_.max_states) {
        *error = "more than " + std::to_string(o_.max_states) + " distinct states at " +
                 FormatTime(g) +
                 " (each a copy of the simulation): a coarser --grid, a shorter --window, "
                 "fewer --faults or --max-faults, --shard, or a higher --max-states";
        return false;
      }
    }
    frontier.swap(next_);
    out_->states += frontier.size();
    out_->peak_states = std::max<std::uint64_t>(out_->peak_states, frontier.size());
    // A world with no fault left to open or close has no choice at the
    // instants to come: it runs to the end now rather than one instant at a
    // time (its steady state skipped), and its schedules are decided. (It
    // costs a few per cent more instructions than stepping such worlds on
    // with the others, where some merge later, but keeps the worlds held at
    // one instant about 3x fewer: memory decides how long a window can be.)
    if (k + 1 < instants_) {
      std::size_t kept = 0;
      for (auto& w : frontier) {
        if (w->used == b.max_faults && w->open_types.empty())
          retired.push_back(std::move(w));
        else
          frontier[kept++] = std::move(w);
      }
      frontier.resize(kept);
      RunLeaves(&retired, duration, &total);
    }
  }

  RunLeaves(&frontier, duration, &total);
  covered_ = total;
  if (o_.shards == 0 && total != out_->schedules) {
    *error = "internal error: the search covered " + CountText(total) + " schedules of " +
             CountText(out_->schedules);
    return false;
  }
  return true;
}

void Search::RunLeaves(std::vector<std::unique_ptr<World>>* worlds, Duration duration,
                       ScheduleCount* total) {
  std::vector<std::size_t> prop_bit(out_->properties.size(), 0);
  for (std::size_t i = 0; i < out_->properties.size(); ++i) {
    const auto& n = out_->properties[i].name;
    prop_bit[i] = n == "no_split_brain"  ? kSplitBit
                  : n == "vip_available" ? kVipBit
                                         : 0u;  // converges: per entry
  }
  // Every world runs to the end (on `jobs` threads), then the verdicts are
  // added up in the worlds' order.
  {
    const std::size_t jobs = static_cast<std::size_t>(std::max(1, o_.jobs));
    const std::size_t slice = (worlds->size() + jobs - 1) / jobs;
    std::vector<std::uint64_t> events(jobs, 0);
    auto work = [&](std::size_t j) {
      for (std::size_t i = j * slice; i < std::min(worlds->size(), (j + 1) * slice); ++i) {
        World& w = *(*worlds)[i];
        const std::uint64_t before = w.run->simulation().events_processed();
        w.run->RunToEnd(duration - 1);
        w.monitor.Sync(duration - 1);
        UpdateLate(&w);
        w.monitor.Finish(duration);
        events[j] += w.run->simulation().events_processed() - before;
        w.run.reset();  // the memory goes as soon as the verdict is known
      }
    };
    std::vector<std::thread> threads;
    for (std::size_t j = 1; j < jobs && j * slice < worlds->size(); ++j)
      threads.emplace_back(work, j);
    work(0);
    for (auto& t : threads) t.join();
    for (std::uint64_t e : events) out_->events += e;
  }
  for (auto& wp : *worlds) {
    World& w = *wp;
    // Sharded: the schedule without faults is shard 1's.
    if (o_.shards > 0 && w.used == 0 && o_.shard != 1) {
      wp.reset();
      continue;
    }
    ++out_->leaves;
    // `converges` is left out of a trial whose schedule keeps the cluster
    // apart to the end (TrialBuilder::KeepsApartForever).
    bool apart = false;
    for (int t : w.open_types) apart = apart || KeepsApart(types_[static_cast<std::size_t>(t)]);
    for (const Entry& e : w.entries) {
      *total += e.count;
      for (std::size_t i = 0; i < out_->properties.size(); ++i) {
        auto& pr = out_->properties[i];
        if (!pr.checked) continue;
        const bool violated = pr.name == "converges"
                                  ? spec_.converges && !apart && (!w.monitor.ok() || e.late)
                                  : (w.monitor.violated() & prop_bit[i]) != 0;
        if (!violated) continue;
        pr.violating += e.count;
        if (!pr.has_example || ScheduleLess(e.rep, pr.example)) {
          pr.example = e.rep;
          pr.has_example = true;
        }
      }
    }
    wp.reset();
  }
  worlds->clear();
}

void Search::Branch(World* c, Time g, const std::vector<int>& closes,
                    const std::vector<int>& opens) const {
  if (closes.empty() && opens.empty()) return;
  // Every entry makes the same choice. The operations are made once, from
  // the first entry (the entries differ only in when earlier faults were).
  std::vector<ScenarioOp> ops;
  Time settle = g;
  // Closing windows first, in schedule order, then the new faults (as
  // TrialBuilder orders the operations of one instant).
  for (std::size_t e = 0; e < c->entries.size(); ++e) {
    Entry& en = c->entries[e];
    for (int i : closes) {
      const auto fi = static_cast<std::size_t>(en.open_faults[static_cast<std::size_t>(i)]);
      Fault& f = en.rep[fi];
      f.length = g - f.at;
      if (e == 0)
        for (auto& op : v_.trials->FaultOpsOf(f, fi, true)) ops.push_back(std::move(op));
    }
    for (int i = static_cast<int>(closes.size()) - 1; i >= 0; --i)
      en.open_faults.erase(en.open_faults.begin() +
                           static_cast<std::ptrdiff_t>(closes[static_cast<std::size_t>(i)]));
  }
  for (int i = static_cast<int>(closes.size()) - 1; i >= 0; --i)
    c->open_types.erase(c->open_types.begin() +
                        static_cast<std::ptrdiff_t>(closes[static_cast<std::size_t>(i)]));
  for (int t : opens) {
    const FaultType& ft = types_[static_cast<std::size_t>(t)];
    const auto pos =
        std::lower_bound(c->open_types.begin(), c->open_types.end(), t) - c->open_types.begin();
    for (std::size_t e = 0; e < c->entries.size(); ++e) {
      Entry& en = c->entries[e];
      en.rep.push_back(MakeFault(ft, g));
      const std::size_t fi = en.rep.size() - 1;
      if (e == 0) {
        for (auto& op : v_.trials->FaultOpsOf(en.rep[fi], fi, false)) ops.push_back(std::move(op));
        settle = std::max(settle, TrialBuilder::OverAt(en.rep[fi]));
      }
      if (ft.window()) en.open_faults.insert(en.open_faults.begin() + pos, static_cast<int>(fi));
    }
    if (ft.window()) c->open_types.insert(c->open_types.begin() + pos, t);
    ++c->used;
  }
  c->run->AddTimelineOps(ops);
  // The last fault is over at `settle` or later for every entry: a run of
  // converged instants that started before cannot be late.
  for (Entry& en : c->entries) {
    en.t0 = std::max(en.t0, settle);
    en.late = false;
  }
  Canonicalize(&c->entries);
}

void Search::Expand(std::unique_ptr<World> wp, int k, Time g,
                    std::vector<std::unique_ptr<World>>* out, Stats* st) const {
  const auto& b = o_.bound;
  World* w = wp.get();
  const std::vector<std::vector<int>> open_sets =
      OpenSets(static_cast<int>(types_.size()), w->open_types, b.max_faults - w->used);
  const int o = static_cast<int>(w->open_types.size());
  const std::uint32_t close_sets = 1u << o;
  const std::size_t total = static_cast<std::size_t>(close_sets) * open_sets.size();
  std::size_t done = 0;
  for (std::uint32_t cm = 0; cm < close_sets; ++cm) {
    std::vector<int> closes;
    for (int i = 0; i < o; ++i)
      if (cm & (1u << i)) closes.push_back(i);
    for (const auto& opens : open_sets) {
      // The last choice takes the world itself rather than a copy.
      const bool last = ++done == total;
      std::unique_ptr<World> child = last ? std::move(wp) : std::make_unique<World>(*w);
      const bool fault_free = w->used == 0;
      Branch(child.get(), g, closes, opens);
      child->first_fault_child = fault_free && child->used > 0;
      Advance(child.get(), k, st);
      out->push_back(std::move(child));
      if (last) return;
    }
  }
}

void Search::Advance(World* w, int k, Stats* st) const {
  const auto& b = o_.bound;
  const Time until = b.window_from + static_cast<Time>(k + 1) * b.grid - 1;
  const std::uint64_t before = w->run->simulation().events_processed();
  w->run->RunUntil(until);
  w->monitor.Sync(until);
  UpdateLate(w);
  st->events += w->run->simulation().events_processed() - before;
  ++st->branches;
  w->keyed = false;
  if (!o_.dedup) return;
  w->keyed = w->run->simulation().SearchStateKey(&w->key);
  if (!w->keyed) return;
  {
    // The writer settles the key's size when it goes.
    vrrp::StateKeyWriter wr(&w->key, 64);
    w->monitor.AppendKey(until, &wr);
    wr.Put(w->used);
    wr.Put(static_cast<std::int64_t>(w->open_types.size()));
    for (int t : w->open_types) wr.Put(t);
  }
  w->hash = HashKey(w->key);
}

void Search::Merge(std::unique_ptr<World> w) {
  if (w->keyed) {
    auto& bucket = index_[w->hash];
    for (std::uint32_t i : bucket) {
      World& x = *next_[i];
      if (x.key != w->key) continue;
      for (auto& e : w->entries) x.entries.push_back(std::move(e));
      Canonicalize(&x.entries);
      ++out_->merges;
      return;
    }
    bucket.push_back(static_cast<std::uint32_t>(next_.size()));
  }
  next_.push_back(std::move(w));
}

}  // namespace

bool RunExhaustive(const ExploreSetup& setup, const ExhaustiveOptions& options,
                   ExhaustiveResult* result, std::string* error) {
  const auto& b = options.bound;
  if (b.max_faults < 0 || b.grid <= 0 || b.window_from < 0 || b.window_to < b.window_from) {
    *error = "the bound needs --max-faults >= 0, a grid above 0 and a window FROM <= TO";
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
    x.leaves += y.leaves;
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
    out += "search: " + std::to_string(vr.states) + " distinct states over " +
           std::to_string(r.instants) + " instants (at most " + std::to_string(vr.peak_states) +
           " at one), " + std::to_string(vr.branches) + " branches, " + std::to_string(vr.leaves) +
           " runs to the end, " + std::to_string(vr.events) + " events\n";
    out += "prefix sharing and deduplication: " + std::to_string(vr.branches) +
           " branches of one grid step instead of " + CountText(vr.tree_branches) +
           " (the prefix tree) and " + CountText(vr.schedules) + " runs from time 0; " +
           std::to_string(vr.merges) + " branches reached a state already explored\n";
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

#include "sim/conform/conform.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "sim/observe/split_brain.h"
#include "sim/scenario/runner.h"

namespace vsim {
namespace {

std::string Ms(Duration d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3fms", static_cast<double>(d) / 1000.0);
  return buf;
}

Duration Abs(Duration d) { return d < 0 ? -d : d; }

std::optional<OpKind> OpOf(const TraceEvent& e) {
  if (e.op >= 0) return static_cast<OpKind>(e.op);
  const std::string word = e.detail.substr(0, e.detail.find(' '));
  for (int k = 0; k <= static_cast<int>(OpKind::kTrackFile); ++k)
    if (word == OpKindName(static_cast<OpKind>(k))) return static_cast<OpKind>(k);
  return std::nullopt;
}

std::vector<std::string> RulesForReason(vrrp::Reason r) {
  switch (r) {
    case vrrp::Reason::kStartup:
      return {"R4", "R71"};
    case vrrp::Reason::kOwnerStartup:
      return {"R4"};
    case vrrp::Reason::kMasterDownTimer:
      return {"R8", "R11", "R15", "R20"};
    case vrrp::Reason::kPriorityZeroAdvert:
      return {"R14", "R45"};
    case vrrp::Reason::kHigherPriorityAdvert:
      return {"R17", "R21"};
    case vrrp::Reason::kEqualPriorityHigherAddress:
      return {"R17", "R18", "R19"};
    case vrrp::Reason::kFault:
      return {"R32", "R40"};
    case vrrp::Reason::kFaultCleared:
      return {"R41"};
    case vrrp::Reason::kSyncGroup:
      return {"R61", "R62", "R63"};
    case vrrp::Reason::kShutdown:
      return {"R45"};
    case vrrp::Reason::kMasterRxLowerPriority:
      return {"R17"};
    case vrrp::Reason::kNone:
      break;
  }
  return {};
}

std::vector<std::string> RulesForOp(OpKind k) {
  switch (k) {
    case OpKind::kStart:
    case OpKind::kPowerOn:
      return {"R4"};
    case OpKind::kStop:
      return {"R45"};
    case OpKind::kCrash:
    case OpKind::kPowerOff:
      return {"R46"};
    case OpKind::kRestart:
      return {"R45", "R4"};
    case OpKind::kReload:
      return {"R4 (reload not modelled, semantics doc 19.3)"};
    case OpKind::kPause:
      return {"R10", "R17"};
    case OpKind::kSetCheck:
      return {"R31", "R33", "R34"};
    case OpKind::kLinkDown:
    case OpKind::kLinkUp:
      return {"R38", "R40", "R41"};
    case OpKind::kPartition:
    case OpKind::kHeal:
    case OpKind::kBlock:
    case OpKind::kUnblock:
    case OpKind::kLinkParams:
      return {"R17", "R18"};
    case OpKind::kTrackFile:
      return {"R39", "R40", "R41"};
  }
  return {};
}

void AddRules(std::vector<std::string>* out, const std::vector<std::string>& add) {
  for (const auto& r : add)
    if (std::find(out->begin(), out->end(), r) == out->end()) out->push_back(r);
}

// One comparable item of a host: a transition or a VIP change.
struct Item {
  Time t = 0;
  std::string key;  // "VI_1 MASTER", "+192.168.10.1", "-192.168.10.1"
  vrrp::Reason reason = vrrp::Reason::kNone;
};

// A host's comparable sequences: its transitions, its IPv4 VIP changes and
// its IPv6 VIP changes. The two families are separate sequences because
// their relative order in an instant is not observable: Linux announces an
// IPv4 address at once, an IPv6 one (even `nodad`) from its address
// configuration work some µs to ms later, so `ip monitor` on a real host
// shows an IPv4 and an IPv6 VIP that keepalived added one after the other in
// either order (docs/conformance.md, ipv6/dual-stack). Each item's time is
// compared all the same.
struct HostItems {
  std::vector<Item> transitions, vips, vips6;
  bool empty() const { return transitions.empty() && vips.empty() && vips6.empty(); }
};

// The sequences of HostItems by number: 0 transitions, 1 IPv4 VIP changes,
// 2 IPv6 VIP changes; their names in reports and their keys in Spreads.
constexpr int kSequences = 3;
const std::vector<Item>& Sequence(const HostItems& h, int kind) {
  return kind == 0 ? h.transitions : kind == 1 ? h.vips : h.vips6;
}
const char* SequenceName(int kind) {
  return kind == 0 ? "transition" : kind == 1 ? "VIP change" : "IPv6 VIP change";
}
const char* SequenceKey(int kind) { return kind == 0 ? "/t" : kind == 1 ? "/v" : "/v6"; }

std::map<std::string, HostItems> ItemsOf(const RunResult& r) {
  std::map<std::string, HostItems> out;
  for (const auto& h : r.hosts) out[h.name];
  for (const auto& e : r.events) {
    if (e.host < 0 || e.host >= static_cast<int>(r.hosts.size())) continue;
    const HostInfo& h = r.hosts[e.host];
    if (e.kind == TraceKind::kTransition) {
      if (e.from == e.to) continue;
      const std::string inst = e.instance >= 0 && e.instance < static_cast<int>(h.instances.size())
                                   ? h.instances[e.instance]
                                   : "?";
      out[h.name].transitions.push_back({e.t, inst + " " + vrrp::StateName(e.to), e.reason});
    } else if (e.kind == TraceKind::kVipAdded || e.kind == TraceKind::kVipRemoved) {
      (e.addr.is_v6() ? out[h.name].vips6 : out[h.name].vips)
          .push_back(
              {e.t, (e.kind == TraceKind::kVipAdded ? "+" : "-") + e.addr.ToString(), e.reason});
    }
  }
  return out;
}

std::vector<SplitBrainInterval> Measurable(const std::vector<SplitBrainInterval>& v, Duration tol) {
  std::vector<SplitBrainInterval> out;
  for (const auto& i : v)
    if (i.length() >= tol) out.push_back(i);
  return out;
}

// The stretches with two or more MASTERs of a VRID that last at least `tol`:
// a two-MASTER overlap of a few ms at a real hand-over is not measurable.
std::vector<SplitBrainInterval> MasterStretches(const RunResult& r, Duration tol) {
  SplitBrainDetector d(nullptr, [&r](const TraceEvent& e) { return EventGroup(r.hosts, e); });
  for (TraceEvent e : r.events) {
    if (e.kind == TraceKind::kOperation) {
      if (auto k = OpOf(e)) e.op = static_cast<int>(*k);
    } else if (e.kind != TraceKind::kTransition) {
      continue;
    }
    d.OnEvent(e);
  }
  d.Finish(r.duration);
  return Measurable(d.intervals(), tol);
}

bool HasMasterStretch(const std::vector<SplitBrainInterval>& stretches,
                      const SplitBrainInterval& i) {
  for (const auto& x : stretches)
    if (x.group() == i.group() && x.start < i.end && i.start < x.end) return true;
  return false;
}

std::string HostsText(const RunResult& r, const std::vector<int>& hosts) {
  std::string s;
  for (int h : hosts) {
    if (!s.empty()) s += ",";
    s += h >= 0 && h < static_cast<int>(r.hosts.size()) ? r.hosts[h].name : "?";
  }
  return s;
}

std::string IntervalText(const RunResult& r, const SplitBrainInterval& i) {
  return "VRID " + GroupText(i.group()) + " {" + HostsText(r, i.hosts) + "} " +
         FormatTime(i.start) + ".." + FormatTime(i.end) +
         (i.masters ? " (two MASTERs)" : " (VIP holders)");
}

// The latest operation at or before t in `r`.
std::optional<OpKind> LastOpBefore(const RunResult& r, Time t) {
  std::optional<OpKind> k;
  for (const auto& e : r.events) {
    if (e.t > t) break;
    if (e.kind == TraceKind::kOperation)
      if (auto o = OpOf(e)) k = o;
  }
  return k;
}

// Spread of item i of a sequence over the real runs whose sequence (keys) is
// the same as the first such run's.

struct Spreads {
  std::map<std::pair<std::string, std::size_t>, Duration> item;  // ("node1/t", i)
  std::map<std::size_t, Duration> sb_start, sb_end;
  Duration max = 0;
};

Spreads ComputeSpreads(const std::vector<RunResult>& real, Duration tol) {
  Spreads s;
  if (real.size() < 2) return s;
  std::vector<std::map<std::string, HostItems>> items;
  for (const auto& r : real) items.push_back(ItemsOf(r));
  auto keys = [](const std::vector<Item>& v) {
    std::vector<std::string> k;
    for (const auto& i : v) k.push_back(i.key);
    return k;
  };
  for (const auto& [host, hi] : items[0]) {
    for (int kind = 0; kind < kSequences; ++kind) {
      const auto& ref = Sequence(hi, kind);
      for (std::size_t i = 0; i < ref.size(); ++i) {
        Time lo = ref[i].t, hi_t = ref[i].t;
        for (std::size_t r = 1; r < items.size(); ++r) {
          const auto& other = Sequence(items[r][host], kind);
          if (keys(other) != keys(ref)) continue;
          lo = std::min(lo, other[i].t);
          hi_t = std::max(hi_t, other[i].t);
        }
        s.item[{host + SequenceKey(kind), i}] = hi_t - lo;
        s.max = std::max(s.max, hi_t - lo);
      }
    }
  }
  const auto ref = Measurable(real[0].split_brain, tol);
  for (std::size_t i = 0; i < ref.size(); ++i) {
    Time slo = ref[i].start, shi = ref[i].start, elo = ref[i].end, ehi = ref[i].end;
    for (std::size_t r = 1; r < real.size(); ++r) {
      const auto other = Measurable(real[r].split_brain, tol);
      // Only the same interval in another run widens the spread: same count,
      // and at this index the same VRID and hosts, starting within a second
      // (with a tolerance of 0 the hand-over overlaps of a few ms count too;
      // they come and go from run to run, so equal counts can pair unrelated
      // intervals).
      if (other.size() != ref.size() || other[i].group() != ref[i].group() ||
          HostsText(real[r], other[i].hosts) != HostsText(real[0], ref[i].hosts) ||
          Abs(other[i].start - ref[i].start) > vrrp::kSecond)
        continue;
      slo = std::min(slo, other[i].start);
      shi = std::max(shi, other[i].start);
      elo = std::min(elo, other[i].end);
      ehi = std::max(ehi, other[i].end);
    }
    s.sb_start[i] = shi - slo;
    s.sb_end[i] = ehi - elo;
    s.max = std::max({s.max, shi - slo, ehi - elo});
  }
  return s;
}

Duration SpreadOf(const std::map<std::pair<std::string, std::size_t>, Duration>& m,
                  const std::string& key, std::size_t i) {
  auto it = m.find({key, i});
  return it == m.end() ? 0 : it->second;
}

// Compares the sequences of one kind for one host. Returns false on a
// divergence (appended to run.divergences).
void CompareSequence(const std::string& host, const char* what, const std::string& spread_key,
                     const std::vector<Item>& sim, const std::vector<Item>& real,
                     const RunResult& sim_run, int run_index, const Spreads& spreads, Duration tol,
                     ConformRun* run) {
  const std::size_t n = std::max(sim.size(), real.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Item* s = i < sim.size() ? &sim[i] : nullptr;
    const Item* r = i < real.size() ? &real[i] : nullptr;
    Divergence d;
    d.run = run_index;
    auto describe = [](const Item* x) {
      return x ? x->key + " at " + FormatTime(x->t) : std::string("nothing");
    };
    if (!s || !r || s->key != r->key) {
      d.what = host + " " + what + " #" + std::to_string(i + 1) + ": simulated " + describe(s) +
               ", real " + describe(r);
    } else {
      const Duration allowed = std::max(tol, SpreadOf(spreads.item, spread_key, i));
      const Duration dev = Abs(r->t - s->t);
      run->max_deviation = std::max(run->max_deviation, dev);
      ++run->compared;
      run->matched.push_back(host + " " + what + " #" + std::to_string(i + 1) + " " + s->key +
                             ": simulated " + FormatTime(s->t) + ", real " + FormatTime(r->t) +
                             " (" + Ms(r->t - s->t) + ")");
      if (dev <= allowed) continue;
      d.what = host + " " + what + " #" + std::to_string(i + 1) + " (" + s->key +
               "): simulated at " + FormatTime(s->t) + ", real at " + FormatTime(r->t) +
               " - off by " + Ms(r->t - s->t) + ", tolerance " + Ms(allowed);
    }
    const Item* ref = s ? s : r;
    AddRules(&d.rules, RulesForReason(ref->reason));
    if (std::string(what) != "transition") AddRules(&d.rules, {"R20", "R21"});
    if (auto k = LastOpBefore(sim_run, ref->t)) AddRules(&d.rules, RulesForOp(*k));
    run->divergences.push_back(std::move(d));
    return;  // later items of this sequence are not meaningful
  }
}

void CompareOne(const RunResult& sim, const RunResult& real, int run_index, const Spreads& spreads,
                Duration tol, ConformRun* run) {
  const auto si = ItemsOf(sim);
  const auto ri = ItemsOf(real);
  for (const auto& [host, items] : si) {
    auto it = ri.find(host);
    // A simulated host with nothing to compare (a scenario's network client,
    // not a keepalived node) need not be in the real trace.
    if (it == ri.end() && items.empty()) continue;
    if (it == ri.end()) {
      run->divergences.push_back({run_index, "host " + host + " is not in the real trace", {}});
      continue;
    }
    for (int kind = 0; kind < kSequences; ++kind)
      CompareSequence(host, SequenceName(kind), host + SequenceKey(kind), Sequence(items, kind),
                      Sequence(it->second, kind), sim, run_index, spreads, tol, run);
  }
  auto ss = Measurable(sim.split_brain, tol);
  auto rs = Measurable(real.split_brain, tol);
  // The two-MASTER flag counts only stretches that can be measured.
  const auto sm = MasterStretches(sim, tol), rm = MasterStretches(real, tol);
  for (auto& i : ss) i.masters = HasMasterStretch(sm, i);
  for (auto& i : rs) i.masters = HasMasterStretch(rm, i);
  const std::size_t n = std::max(ss.size(), rs.size());
  for (std::size_t i = 0; i < n; ++i) {
    Divergence d;
    d.run = run_index;
    d.rules = {"R18"};
    if (i >= ss.size() || i >= rs.size()) {
      d.what = "split brain #" + std::to_string(i + 1) + ": simulated " +
               (i < ss.size() ? IntervalText(sim, ss[i]) : std::string("none")) + ", real " +
               (i < rs.size() ? IntervalText(real, rs[i]) : std::string("none"));
      if (auto k = LastOpBefore(sim, i < ss.size() ? ss[i].start : rs[i].start))
        AddRules(&d.rules, RulesForOp(*k));
      run->divergences.push_back(std::move(d));
      break;
    }
    const auto& a = ss[i];
    const auto& b = rs[i];
    const bool same_kind = a.group() == b.group() && a.masters == b.masters &&
                           a.vip_holders == b.vip_holders &&
                           HostsText(sim, a.hosts) == HostsText(real, b.hosts);
    auto sp = [](const std::map<std::size_t, Duration>& m, std::size_t k) {
      auto it = m.find(k);
      return it == m.end() ? Duration{0} : it->second;
    };
    const Duration ds = Abs(b.start - a.start), de = Abs(b.end - a.end);
    const bool in_time =
        ds <= std::max(tol, sp(spreads.sb_start, i)) && de <= std::max(tol, sp(spreads.sb_end, i));
    if (same_kind) {
      run->matched.push_back("split brain #" + std::to_string(i + 1) + ": simulated " +
                             IntervalText(sim, a) + ", real " + IntervalText(real, b));
      ++run->compared;
      run->max_deviation = std::max({run->max_deviation, ds, de});
    }
    if (same_kind && in_time) continue;
    d.what = "split brain #" + std::to_string(i + 1) + ": simulated " + IntervalText(sim, a) +
             ", real " + IntervalText(real, b);
    if (auto k = LastOpBefore(sim, a.start)) AddRules(&d.rules, RulesForOp(*k));
    run->divergences.push_back(std::move(d));
    break;
  }
  run->passed = run->divergences.empty();
}

}  // namespace

const Divergence* ConformReport::first() const {
  for (const auto& r : runs)
    if (!r.divergences.empty()) return &r.divergences.front();
  return nullptr;
}

std::vector<ScheduledOp> ScenarioSchedule(const Scenario& sc) {
  struct S {
    ScheduledOp op;
    int order;
  };
  std::vector<S> s;
  for (std::size_t i = 0; i < sc.timeline.size(); ++i)
    s.push_back({{sc.timeline[i].at, false, i}, 0});
  for (std::size_t h = 0; h < sc.nodes.size(); ++h)
    if (sc.nodes[h].start) s.push_back({{*sc.nodes[h].start, true, h}, 1});
  std::stable_sort(s.begin(), s.end(), [](const S& a, const S& b) {
    return a.op.at != b.op.at ? a.op.at < b.op.at : a.order < b.order;
  });
  std::vector<ScheduledOp> out;
  for (const auto& x : s) out.push_back(x.op);
  return out;
}

Scenario AlignScenario(const Scenario& sc, const RunResult& real, std::vector<std::string>* notes) {
  Scenario a = sc;
  const auto sched = ScenarioSchedule(sc);
  std::vector<const TraceEvent*> ops;
  for (const auto& e : real.events)
    if (e.kind == TraceKind::kOperation) ops.push_back(&e);
  if (ops.size() != sched.size()) {
    notes->push_back("the real trace has " + std::to_string(ops.size()) +
                     " operations, the scenario " + std::to_string(sched.size()) +
                     ": nominal times used");
    return a;
  }
  std::map<std::string, int> real_host;
  for (std::size_t h = 0; h < real.hosts.size(); ++h)
    real_host[real.hosts[h].name] = static_cast<int>(h);
  for (std::size_t k = 0; k < sched.size(); ++k) {
    const auto& s = sched[k];
    const OpKind kind = s.implicit_start ? OpKind::kStart : sc.timeline[s.index].kind;
    const int node = s.implicit_start ? static_cast<int>(s.index) : sc.timeline[s.index].node;
    const auto got = OpOf(*ops[k]);
    if (!got || *got != kind) {
      notes->push_back("operation " + std::to_string(k + 1) + " of the real trace is '" +
                       ops[k]->detail + "', expected " + OpKindName(kind) + ": nominal times used");
      return sc;
    }
    Time t = ops[k]->t;
    std::vector<InstanceStartOffset> starts;
    if ((kind == OpKind::kStart || kind == OpKind::kPowerOn || kind == OpKind::kRestart) &&
        node >= 0) {
      // The daemon's effective start: its first notification after the
      // operation (keepalived needs ~20-40 ms to read its configuration),
      // and each instance's start its own first notification: keepalived
      // starts them one after another (0-38 ms apart in the dual-stack
      // recordings), and arms their timers after the last (Daemon::Start).
      auto rh = real_host.find(sc.nodes[node].name);
      const Time op_t = t;
      bool found = false;
      std::set<int> seen;
      for (const auto& e : real.events) {
        if (rh == real_host.end() || e.t < op_t) continue;
        if (e.t > op_t + 2 * vrrp::kSecond) break;
        if (e.kind == TraceKind::kTransition && e.host == rh->second &&
            e.from == vrrp::State::kInit && e.to != vrrp::State::kStop) {
          if (!found) t = e.t;
          found = true;
          const auto& names = real.hosts[static_cast<std::size_t>(rh->second)].instances;
          if (e.instance >= 0 && static_cast<std::size_t>(e.instance) < names.size() &&
              seen.insert(e.instance).second)
            starts.push_back({names[static_cast<std::size_t>(e.instance)], e.t - t});
        }
      }
      bool apart = false;
      for (const auto& st : starts) apart = apart || st.offset > 0;
      if (!apart) starts.clear();
    }
    if (s.implicit_start) {
      a.nodes[s.index].start = t;
      a.nodes[s.index].instance_starts = starts;
    } else if (kind == OpKind::kRestart && t > ops[k]->t) {
      // A real restart is SIGTERM, then - once the old daemon has exited
      // (about 1 s, R45) - a new start: two inputs, at their real times.
      a.timeline[s.index].kind = OpKind::kStop;
      a.timeline[s.index].at = ops[k]->t;
      ScenarioOp start = sc.timeline[s.index];
      start.kind = OpKind::kStart;
      start.label.clear();
      start.at = t;
      start.instance_starts = starts;
      a.timeline.push_back(start);
    } else {
      a.timeline[s.index].at = t;
      a.timeline[s.index].instance_starts = starts;
      if (kind == OpKind::kPause) {
        static const std::regex re(" for ([0-9]+)us");
        std::smatch m;
        if (std::regex_search(ops[k]->detail, m, re))
          a.timeline[s.index].duration = std::stoll(m[1]);
      }
    }
  }
  std::stable_sort(a.timeline.begin(), a.timeline.end(),
                   [](const ScenarioOp& x, const ScenarioOp& y) { return x.at < y.at; });
  // Every start is now the real daemon's effective start and every operation
  // its real time: a timing profile's start-up (and its queue) and its
  // operation delay would count them twice. Its other delays stay.
  auto without_startup = [](std::shared_ptr<const TimingProfile>* t) {
    if (!*t || ((*t)->startup.zero() && (*t)->startup_gap.zero() && (*t)->operation_delay.zero() &&
                (*t)->instance_gap.zero()))
      return;
    TimingProfile p = **t;
    p.startup = {};
    p.startup_gap = {};
    p.operation_delay = {};
    p.instance_gap = {};
    *t = p.ideal() ? nullptr : std::make_shared<const TimingProfile>(std::move(p));
  };
  without_startup(&a.timing);
  for (auto& n : a.nodes)
    if (n.timing) without_startup(&*n.timing);
  return a;
}

ConformReport CompareRuns(const RunResult& nominal, const std::vector<RunResult>& simulated,
                          const std::vector<RunResult>& real, const ConformOptions& options) {
  ConformReport rep;
  rep.scenario = nominal.scenario;
  rep.tolerance = options.tolerance;
  rep.real_spread = ComputeSpreads(real, options.tolerance).max;
  for (std::size_t i = 0; i < real.size(); ++i) {
    ConformRun run;
    const RunResult& sim = i < simulated.size() ? simulated[i] : nominal;
    // The spread that widens run i's tolerance comes from the other runs
    // only: an outlier run must not excuse itself.
    std::vector<RunResult> others;
    for (std::size_t k = 0; k < real.size(); ++k)
      if (k != i) others.push_back(real[k]);
    const Spreads spreads = ComputeSpreads(others, options.tolerance);
    CompareOne(sim, real[i], static_cast<int>(i), spreads, options.tolerance, &run);
    // The same comparison against the nominal run, for its deviation only.
    ConformRun nom;
    CompareOne(nominal, real[i], static_cast<int>(i), spreads, 1LL << 50, &nom);
    run.max_nominal_deviation = nom.max_deviation;
    run.nominal_sequence_equal = nom.divergences.empty();
    rep.passed = rep.passed && run.passed;
    rep.max_deviation = std::max(rep.max_deviation, run.max_deviation);
    rep.max_nominal_deviation = std::max(rep.max_nominal_deviation, run.max_nominal_deviation);
    rep.runs.push_back(std::move(run));
  }
  if (real.empty()) {
    rep.passed = false;
    ConformRun run;
    run.passed = false;
    run.divergences.push_back({0, "no real run to compare with", {}});
    rep.runs.push_back(run);
  }
  return rep;
}

namespace {

// Ensemble comparison of one real run with `sims` (the same aligned inputs,
// different seeds). Per host and sequence (transitions, VIP changes): the
// items every simulated seed agrees on (the deterministic prefix) are
// compared one by one, the real time within the seeds' range widened by the
// tolerance; beyond that prefix the real run must stay inside what the seeds
// show: as many items as some seed has at least and at most, and a final
// item (the host's last state / VIP change) that some seed ends with too.
void CompareEnsemble(const std::vector<RunResult>& sims, const RunResult& real, int run_index,
                     Duration tol, ConformRun* run) {
  std::vector<std::map<std::string, HostItems>> si;
  for (const auto& s : sims) si.push_back(ItemsOf(s));
  const auto ri = ItemsOf(real);
  for (const auto& [host, first] : si[0]) {
    auto it = ri.find(host);
    if (it == ri.end()) {
      if (first.empty()) continue;
      run->divergences.push_back({run_index, "host " + host + " is not in the real trace", {}});
      continue;
    }
    for (int kind = 0; kind < kSequences; ++kind) {
      const char* what = SequenceName(kind);
      auto seq = [&](const HostItems& h) -> const std::vector<Item>& { return Sequence(h, kind); };
      const std::vector<Item>& r = seq(it->second);
      std::size_t prefix = seq(first).size(), lo_n = SIZE_MAX, hi_n = 0;
      std::set<std::string> finals;
      for (const auto& m : si) {
        const auto& v = seq(m.at(host));
        std::size_t k = 0;
        while (k < prefix && k < v.size() && v[k].key == seq(first)[k].key) ++k;
        prefix = k;
        lo_n = std::min(lo_n, v.size());
        hi_n = std::max(hi_n, v.size());
        finals.insert(v.empty() ? std::string("nothing") : v.back().key);
      }
      Divergence d;
      d.run = run_index;
      bool diverged = false;
      for (std::size_t k = 0; k < prefix && !diverged; ++k) {
        const Item& ref = seq(first)[k];
        if (k >= r.size() || r[k].key != ref.key) {
          d.what = host + " " + what + " #" + std::to_string(k + 1) + ": every simulated seed " +
                   ref.key + " at " + FormatTime(ref.t) + ", real " +
                   (k < r.size() ? r[k].key + " at " + FormatTime(r[k].t) : std::string("nothing"));
          AddRules(&d.rules, RulesForReason(ref.reason));
          diverged = true;
          break;
        }
        Time lo = ref.t, hi = ref.t;
        for (const auto& m : si) {
          lo = std::min(lo, seq(m.at(host))[k].t);
          hi = std::max(hi, seq(m.at(host))[k].t);
        }
        const Duration dev = r[k].t < lo ? lo - r[k].t : (r[k].t > hi ? r[k].t - hi : 0);
        run->max_deviation = std::max(run->max_deviation, dev);
        ++run->compared;
        run->matched.push_back(host + " " + what + " #" + std::to_string(k + 1) + " " + ref.key +
                               ": simulated " + FormatTime(lo) + ".." + FormatTime(hi) + ", real " +
                               FormatTime(r[k].t));
        if (dev > tol) {
          d.what = host + " " + what + " #" + std::to_string(k + 1) + " (" + ref.key +
                   "): simulated " + FormatTime(lo) + ".." + FormatTime(hi) + " over " +
                   std::to_string(sims.size()) + " seeds, real at " + FormatTime(r[k].t) +
                   " - off by " + Ms(dev) + ", tolerance " + Ms(tol);
          AddRules(&d.rules, RulesForReason(ref.reason));
          diverged = true;
        }
      }
      if (!diverged && (r.size() < lo_n || r.size() > hi_n)) {
        d.what = host + ": " + std::to_string(r.size()) + " real " + what + "s, simulated " +
                 std::to_string(lo_n) + ".." + std::to_string(hi_n) + " over " +
                 std::to_string(sims.size()) + " seeds";
        d.rules = {"R10", "R17"};
        diverged = true;
      }
      const std::string real_final = r.empty() ? std::string("nothing") : r.back().key;
      if (!diverged && !finals.count(real_final)) {
        d.what =
            host + ": last real " + what + " " + real_final + ", which no simulated seed ends with";
        d.rules = {"R10", "R17"};
        diverged = true;
      }
      if (diverged) {
        if (kind != 0) AddRules(&d.rules, {"R20", "R21"});
        run->divergences.push_back(std::move(d));
      } else if (r.size() > prefix) {
        run->compared += 2;  // the count and the final item
      }
    }
  }
  // Split brain: as many measurable intervals as some seed has.
  std::size_t lo_sb = SIZE_MAX, hi_sb = 0;
  for (const auto& m : sims) {
    const std::size_t n = Measurable(m.split_brain, tol).size();
    lo_sb = std::min(lo_sb, n);
    hi_sb = std::max(hi_sb, n);
  }
  const std::size_t real_sb = Measurable(real.split_brain, tol).size();
  if (real_sb < lo_sb || real_sb > hi_sb) {
    run->divergences.push_back({run_index,
                                std::to_string(real_sb) +
                                    " real split-brain intervals, simulated " +
                                    std::to_string(lo_sb) + ".." + std::to_string(hi_sb) +
                                    " over " + std::to_string(sims.size()) + " seeds",
                                {"R18"}});
  } else {
    ++run->compared;
  }
  run->notes.push_back("ensemble of " + std::to_string(sims.size()) +
                       " seeds (wakeup_jitter): items past the seeds' common prefix are compared "
                       "by count and final state");
  run->passed = run->divergences.empty();
}

// Whether some node's timers have a wake-up delay (its own setting, else the
// scenario's, as the runner resolves it).
bool HasWakeupJitter(const Scenario& sc) {
  for (const auto& n : sc.nodes)
    if (n.wakeup_jitter.value_or(sc.wakeup_jitter) > 0) return true;
  return false;
}

}  // namespace

ConformReport Conform(const Scenario& scenario, const std::vector<RunResult>& real,
                      const ConformOptions& options) {
  const RunResult nominal = RunScenario(scenario);
  if (HasWakeupJitter(scenario) && options.ensemble_seeds > 0) {
    // The scenario's timing noise makes its outcome depend on the seed, as
    // the real daemon's does on its scheduling: compare with an ensemble.
    ConformReport rep = CompareRuns(nominal, {}, real, options);  // header figures
    if (real.empty()) return rep;
    rep.passed = true;
    rep.max_deviation = 0;
    for (std::size_t i = 0; i < real.size(); ++i) {
      std::vector<std::string> notes;
      Scenario aligned = options.align_inputs ? AlignScenario(scenario, real[i], &notes) : scenario;
      std::vector<RunResult> sims;
      for (int k = 0; k < options.ensemble_seeds; ++k) {
        aligned.seed = scenario.seed + static_cast<std::uint64_t>(k);
        sims.push_back(RunScenario(aligned));
      }
      ConformRun run;
      run.notes = notes;
      CompareEnsemble(sims, real[i], static_cast<int>(i), options.tolerance, &run);
      run.max_nominal_deviation = rep.runs[i].max_nominal_deviation;
      run.nominal_sequence_equal = rep.runs[i].nominal_sequence_equal;
      rep.passed = rep.passed && run.passed;
      rep.max_deviation = std::max(rep.max_deviation, run.max_deviation);
      rep.runs[i] = std::move(run);
    }
    return rep;
  }
  std::vector<RunResult> simulated;
  std::vector<std::vector<std::string>> notes(real.size());
  for (std::size_t i = 0; i < real.size(); ++i) {
    if (options.align_inputs) {
      simulated.push_back(RunScenario(AlignScenario(scenario, real[i], &notes[i])));
    } else {
      simulated.push_back(nominal);
    }
  }
  ConformReport rep = CompareRuns(nominal, simulated, real, options);
  for (std::size_t i = 0; i < rep.runs.size() && i < notes.size(); ++i)
    rep.runs[i].notes = notes[i];
  return rep;
}

bool HasTimingProfile(const Scenario& sc) {
  for (const auto& n : sc.nodes)
    if (n.timing.value_or(sc.timing)) return true;
  return false;
}

namespace {

Duration Median(std::vector<Duration> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<std::string> Keys(const std::vector<Item>& items) {
  std::vector<std::string> k;
  for (const auto& i : items) k.push_back(i.key);
  return k;
}

}  // namespace

ConformReport ConformMedian(const Scenario& scenario, const std::vector<RunResult>& real,
                            const ConformOptions& options) {
  ConformReport rep;
  rep.scenario = scenario.name;
  rep.tolerance = options.tolerance;
  ConformRun run;
  const int seeds = std::max(1, options.median_seeds);
  std::vector<std::map<std::string, HostItems>> sims;
  for (int k = 0; k < seeds; ++k) {
    RunOptions o;
    o.seed = scenario.seed + static_cast<std::uint64_t>(k);
    sims.push_back(ItemsOf(RunScenario(scenario, o)));
  }
  std::vector<std::map<std::string, HostItems>> reals;
  for (const auto& r : real) reals.push_back(ItemsOf(r));
  if (reals.empty()) {
    rep.passed = false;
    run.passed = false;
    run.divergences.push_back({0, "no real run to compare with", {}});
    rep.runs.push_back(run);
    return rep;
  }
  int min_agree = seeds;
  for (const auto& entry : reals[0]) {
    // A named reference, not a structured binding: clang 14 cannot capture
    // those in the lambda below.
    const std::string& host = entry.first;
    for (int which = 0; which < kSequences; ++which) {
      const char* what = SequenceName(which);
      auto pick = [&](const std::map<std::string, HostItems>& m) -> const std::vector<Item>* {
        auto it = m.find(host);
        if (it == m.end()) return nullptr;
        return &Sequence(it->second, which);
      };
      const std::vector<std::string> want = Keys(*pick(reals[0]));
      std::vector<const std::vector<Item>*> rs, ss;
      for (const auto& r : reals)
        if (const auto* v = pick(r); v && Keys(*v) == want) rs.push_back(v);
      for (const auto& s : sims)
        if (const auto* v = pick(s); v && Keys(*v) == want) ss.push_back(v);
      if (rs.size() != reals.size())
        run.notes.push_back(host + ": " + std::to_string(reals.size() - rs.size()) +
                            " real run(s) have another " + what +
                            " sequence than run 1: compared with the runs like run 1");
      min_agree = std::min(min_agree, static_cast<int>(ss.size()));
      if (2 * ss.size() <= sims.size()) {
        run.divergences.push_back({0,
                                   host + ": only " + std::to_string(ss.size()) + " of " +
                                       std::to_string(seeds) + " seeds have the real runs' " +
                                       what + " sequence (" + std::to_string(want.size()) +
                                       " items)",
                                   {}});
        continue;
      }
      for (std::size_t i = 0; i < want.size(); ++i) {
        std::vector<Duration> rt, st;
        for (const auto* v : rs) rt.push_back((*v)[i].t);
        for (const auto* v : ss) st.push_back((*v)[i].t);
        const Duration real_median = Median(rt);
        const Duration sim_median = Median(st);
        const Duration spread =
            *std::max_element(rt.begin(), rt.end()) - *std::min_element(rt.begin(), rt.end());
        rep.real_spread = std::max(rep.real_spread, spread);
        const Duration tol = std::max(options.tolerance, spread);
        const Duration dev = Abs(sim_median - real_median);
        ++run.compared;
        run.max_deviation = std::max(run.max_deviation, dev);
        const std::string text = host + " " + what + " #" + std::to_string(i + 1) + " " + want[i] +
                                 ": simulated median " + FormatTime(sim_median) + ", real median " +
                                 FormatTime(real_median) + " (deviation " + Ms(dev) +
                                 ", tolerance " + Ms(tol) + ")";
        run.matched.push_back(text);
        if (dev > tol) run.divergences.push_back({0, text, {}});
      }
    }
  }
  run.notes.push_back("nominal inputs, " + std::to_string(seeds) +
                      " seeds of the timing profile: medians compared (at least " +
                      std::to_string(min_agree) + " seeds had each real sequence)");
  run.passed = run.divergences.empty();
  rep.passed = run.passed;
  rep.max_deviation = run.max_deviation;
  rep.max_nominal_deviation = run.max_deviation;
  rep.runs.push_back(std::move(run));
  return rep;
}

std::string FormatConformText(const ConformReport& r, bool verbose) {
  std::ostringstream out;
  out << "conform: " << r.scenario << ": " << (r.passed ? "PASS" : "DIVERGENCE") << " ("
      << r.runs.size() << " real run" << (r.runs.size() == 1 ? "" : "s") << ", tolerance "
      << Ms(r.tolerance) << ", real spread " << Ms(r.real_spread) << ", max deviation "
      << Ms(r.max_deviation) << ", nominal " << Ms(r.max_nominal_deviation) << ")\n";
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const auto& run = r.runs[i];
    out << "  run " << i + 1 << ": " << (run.passed ? "pass" : "DIVERGENCE") << ", " << run.compared
        << " items, max deviation " << Ms(run.max_deviation) << " (nominal "
        << Ms(run.max_nominal_deviation)
        << (run.nominal_sequence_equal ? "" : ", nominal sequence differs") << ")\n";
    for (const auto& n : run.notes) out << "    note: " << n << "\n";
    if (verbose)
      for (const auto& m : run.matched) out << "    = " << m << "\n";
    for (const auto& d : run.divergences) {
      out << "    " << d.what;
      if (!d.rules.empty()) {
        out << " [";
        for (std::size_t k = 0; k < d.rules.size(); ++k) out << (k ? " " : "") << d.rules[k];
        out << "]";
      }
      out << "\n";
    }
  }
  if (const Divergence* d = r.first()) {
    out << "first divergence: run " << d->run + 1 << ": " << d->what;
    if (!d->rules.empty()) {
      out << " [rules";
      for (const auto& rule : d->rules) out << " " << rule;
      out << "]";
    }
    out << "\n";
  }
  return out.str();
}

std::string FormatConformJson(const ConformReport& r) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario;
  j["passed"] = r.passed;
  j["tolerance_us"] = r.tolerance;
  j["real_spread_us"] = r.real_spread;
  j["max_deviation_us"] = r.max_deviation;
  j["max_nominal_deviation_us"] = r.max_nominal_deviation;
  auto runs = nlohmann::ordered_json::array();
  for (const auto& run : r.runs) {
    nlohmann::ordered_json rj;
    rj["passed"] = run.passed;
    rj["compared"] = run.compared;
    rj["max_deviation_us"] = run.max_deviation;
    rj["max_nominal_deviation_us"] = run.max_nominal_deviation;
    rj["nominal_sequence_equal"] = run.nominal_sequence_equal;
    rj["notes"] = run.notes;
    auto ds = nlohmann::ordered_json::array();
    for (const auto& d : run.divergences) ds.push_back({{"what", d.what}, {"rules", d.rules}});
    rj["divergences"] = ds;
    runs.push_back(rj);
  }
  j["runs"] = runs;
  if (const Divergence* d = r.first())
    j["first_divergence"] = {{"run", d->run}, {"what", d->what}, {"rules", d->rules}};
  // Names and details come from user files: never let non-UTF-8 text throw.
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace vsim

#include "sim/scenario/runner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

#include "engine/config/script_advice.h"
#include "sim/observe/metrics.h"
#include "sim/observe/split_brain.h"
#include "sim/scenario/expectations.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/world/fast_forward.h"
#include "sim/world/simulation.h"

namespace vsim {

namespace {

// Keeps the run's trace events (unless `out` is null), only the kinds in
// `keep` (RunOptions::keep_kinds).
struct Recorder : TraceSink {
  std::vector<TraceEvent>* out;
  std::uint32_t keep = ~std::uint32_t{0};
  explicit Recorder(std::vector<TraceEvent>* o) : out(o) {}
  Recorder(const Recorder&) = delete;
  void OnEvent(const TraceEvent& e) override {
    if (out && (keep & TraceKindBit(e.kind))) out->push_back(e);
  }
  void TakeEvent(TraceEvent&& e) override {
    if (out && (keep & TraceKindBit(e.kind))) out->push_back(std::move(e));
  }
};

// Broadcast domain of every segment: connected components over trunks.
std::map<std::string, int> SegmentDomains(const Scenario& sc) {
  std::vector<std::string> names = sc.segments;
  for (const auto& n : sc.nodes)
    for (const auto& i : n.interfaces)
      if (std::find(names.begin(), names.end(), i.segment) == names.end())
        names.push_back(i.segment);
  for (const auto& t : sc.trunks)
    for (const auto* s : {&t.a, &t.b})
      if (std::find(names.begin(), names.end(), *s) == names.end()) names.push_back(*s);
  std::vector<int> parent(names.size());
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int(int)> find = [&](int x) {
    return parent[x] == x ? x : parent[x] = find(parent[x]);
  };
  auto index = [&](const std::string& s) {
    return static_cast<int>(std::find(names.begin(), names.end(), s) - names.begin());
  };
  for (const auto& t : sc.trunks) parent[find(index(t.a))] = find(index(t.b));
  std::map<std::string, int> out;
  for (std::size_t i = 0; i < names.size(); ++i) out[names[i]] = find(static_cast<int>(i));
  return out;
}

// client_downtime: per client and VIP, the time its traffic was lost after it
// first reached a node.
void AddClientMetrics(RunResult& result, Time end) {
  struct Track {
    int host;
    vrrp::IpAddress vip;
    Time lost_since = vrrp::kNever;
    bool reached_once = false;
    Duration lost = 0;
  };
  std::vector<Track> tracks;  // first-seen order: deterministic
  for (const auto& e : result.events) {
    if (e.kind != TraceKind::kClientView) continue;
    Track* t = nullptr;
    for (auto& x : tracks)
      if (x.host == e.host && x.vip == e.addr) t = &x;
    if (!t) {
      tracks.push_back(Track{e.host, e.addr});
      t = &tracks.back();
    }
    if (e.peer_host >= 0) {
      if (t->lost_since != vrrp::kNever) t->lost += e.t - t->lost_since;
      t->lost_since = vrrp::kNever;
      t->reached_once = true;
    } else if (t->reached_once && t->lost_since == vrrp::kNever) {
      t->lost_since = e.t;
    }
  }
  for (const auto& t : tracks) {
    if (!t.reached_once) continue;
    const Duration lost = t.lost + (t.lost_since != vrrp::kNever ? end - t.lost_since : 0);
    result.metrics.push_back(Metric{
        "client_downtime",
        result.hosts[static_cast<std::size_t>(t.host)].name + " " + t.vip.ToString(), lost, true});
  }
}

// Split-brain domains per host and group key (VRID and family), shared by a
// run and its copies.
using DomainTable = std::vector<std::map<int, int>>;

}  // namespace

struct ScenarioRun::Impl {
  RunOptions options;
  RunResult result;
  std::shared_ptr<const DomainTable> domains;
  // The hosts as result.hosts has them, for the detector's group lookups.
  std::shared_ptr<const std::vector<HostInfo>> host_infos;
  SplitBrainDetector split;
  Recorder recorder{nullptr};
  Simulation sim;
  // Operations for the metrics, in the order they are scheduled: (at,
  // explicit 0 / implicit start 1), then scheduling order.
  std::vector<std::pair<int, MetricOp>> metric_ops;
  int n_nodes = 0;
  bool want_connectivity = false;

  Impl(const Scenario& sc, const RunOptions& opt);
  Impl(const Impl& o)
      : options(o.options),
        result(o.result),
        domains(o.domains),
        host_infos(o.host_infos),
        split(o.split),
        sim(o.sim),
        metric_ops(o.metric_ops),
        n_nodes(o.n_nodes),
        want_connectivity(o.want_connectivity),
        skipped_events(o.skipped_events) {
    Attach();
  }

  // Points the simulation's observers at this run's own.
  void Attach() {
    recorder.out = options.record_events ? &result.events : nullptr;
    recorder.keep = options.keep_kinds;
    sim.AddSink(&split);
    sim.AddSink(&recorder);  // last: it takes each event (TraceSink::TakeEvent)
    if (want_connectivity) sim.SetAfterOperation([this](Time t) { SampleConnectivity(t); });
  }

  // Connectivity among the nodes, after every operation that changed it
  // (and when a pause ends).
  void SampleConnectivity(Time t) {
    ConnectivitySample s;
    s.t = t;
    s.hears.resize(static_cast<std::size_t>(n_nodes) * static_cast<std::size_t>(n_nodes));
    for (int a = 0; a < n_nodes; ++a)
      for (int b = 0; b < n_nodes; ++b)
        // A frozen keepalived hears nothing (its frames wait in the socket),
        // nor does a host behind a 100 % loss.
        s.hears[static_cast<std::size_t>(a * n_nodes + b)] =
            a == b || (sim.HearsAtAll(a, b) && !sim.paused(a) && !sim.paused(b)) ? 1 : 0;
    auto& v = result.connectivity;
    if (!v.empty() && v.back().hears == s.hears) return;
    if (!v.empty() && v.back().t == t)
      v.back() = std::move(s);
    else
      v.push_back(std::move(s));
  }

  // Events counted for the steady-state repeats RunToEnd skipped.
  std::uint64_t skipped_events = 0;

  // sim.RunUntil(end), skipping the repeats of a steady state when
  // options.fast_forward (sim/world/fast_forward.h).
  void RunToEnd(Time end) {
    if (!options.fast_forward) {
      sim.RunUntil(end);
      return;
    }
    skipped_events += RunSkippingRepeats(sim, end);
  }

  static bool WantsConnectivity(const Scenario& sc, const RunOptions& opt) {
    bool want = opt.connectivity;
    for (const auto& e : sc.expect) want = want || e.while_connected;
    return want;
  }

  // Schedules timeline operations `ops` of `sc` (indices, ascending; with
  // `starts`, the nodes' implicit starts): explicit operations first at
  // equal times, then the implicit starts (so that `check` at 0s decides the
  // first script result).
  void ScheduleOps(const Scenario& sc, const std::vector<std::size_t>& ops, bool starts);
};

namespace {

Operation ToOperation(const ScenarioOp& so) {
  Operation op;
  op.kind = so.kind;
  op.label = so.label;
  op.host = so.node;
  op.peer = so.peer;
  op.name = so.name;
  op.check = so.check;
  op.duration = so.duration;
  op.value = so.value;
  op.groups = so.groups;
  op.up = so.up;
  op.down = so.down;
  op.config = so.config;
  op.instance_starts = so.instance_starts;
  return op;
}

// The domain of a host's instance of a group (see SegmentDomains).
DomainTable BuildDomains(const Scenario& sc) {
  const auto segment_domains = SegmentDomains(sc);
  DomainTable table(sc.nodes.size());
  for (std::size_t h = 0; h < sc.nodes.size(); ++h)
    for (const auto& inst : sc.nodes[h].config.instances) {
      int dom = 0;
      for (const auto& ni : sc.nodes[h].interfaces)
        if (ni.name == inst.interface) {
          auto it = segment_domains.find(ni.segment);
          if (it != segment_domains.end()) dom = it->second;
        }
      table[h][GroupKey(inst.vrid, inst.ipv6 ? vrrp::IpFamily::kV6 : vrrp::IpFamily::kV4)] = dom;
    }
  return table;
}

std::vector<HostInfo> BuildHostInfos(const Scenario& sc) {
  std::vector<HostInfo> hosts;
  for (const auto& node : sc.nodes) {
    HostInfo info;
    info.name = node.name;
    for (const auto& inst : node.config.instances) {
      info.instances.push_back(inst.name);
      info.vrids.push_back(inst.vrid);
      info.families.push_back(inst.ipv6 ? vrrp::IpFamily::kV6 : vrrp::IpFamily::kV4);
    }
    hosts.push_back(std::move(info));
  }
  return hosts;
}

SimulationOptions SimOptions(const RunOptions& o) {
  SimulationOptions s;
  s.record_packets = o.record_packets;
  s.emit_logs = o.emit_logs;
  return s;
}

}  // namespace

ScenarioRun::Impl::Impl(const Scenario& sc, const RunOptions& opt)
    : options(opt),
      domains(std::make_shared<const DomainTable>(BuildDomains(sc))),
      host_infos(std::make_shared<const std::vector<HostInfo>>(BuildHostInfos(sc))),
      split(
          [d = domains](int host, int group) {
            if (host < 0 || host >= static_cast<int>(d->size())) return 0;
            auto it = (*d)[static_cast<std::size_t>(host)].find(group);
            return it == (*d)[static_cast<std::size_t>(host)].end() ? 0 : it->second;
          },
          [h = host_infos](const TraceEvent& e) { return EventGroup(*h, e); }),
      sim(opt.seed.value_or(sc.seed), SimOptions(opt)) {
  result.scenario = sc.name;
  result.file = sc.file;
  result.seed = opt.seed.value_or(sc.seed);
  result.duration = sc.duration;
  result.hosts = *host_infos;

  for (std::size_t h = 0; h < sc.nodes.size(); ++h) {
    HostSpec spec;
    spec.name = sc.nodes[h].name;
    spec.config = sc.nodes[h].config;
    spec.script_runtime = sc.nodes[h].script_runtime;
    spec.wakeup_jitter = sc.nodes[h].wakeup_jitter.value_or(sc.wakeup_jitter);
    spec.timing = sc.nodes[h].timing.value_or(sc.timing);
    for (const auto& script : spec.config.scripts)
      if (vrrp::ScriptAlwaysFails(script.script, sc.nodes[h].shell))
        spec.failing_scripts.push_back(script.name);
    for (const auto& ni : sc.nodes[h].interfaces) {
      HostInterfaceSpec is;
      is.name = ni.name;
      is.address = ni.address;
      is.link_local6 = ni.link_local6;
      is.addresses6 = ni.addresses6;
      is.segment = ni.segment;
      is.up = ni.up;
      is.down = ni.down;
      spec.interfaces.push_back(std::move(is));
    }
    sim.AddHost(std::move(spec));
  }
  // Clients come after the nodes, so node i is host i.
  for (const auto& c : sc.clients) {
    ClientSpec spec;
    spec.name = c.name;
    spec.address = c.address;
    spec.link_local6 = c.link_local6;
    spec.address6 = c.address6;
    spec.segment = c.segment;
    spec.arp_recovery = c.arp_recovery;
    sim.AddClient(std::move(spec));
    result.hosts.push_back(HostInfo{c.name, {}, {}});
  }
  for (const auto& s : sc.segments)
    if (sim.topology().FindSegment(s) < 0) sim.topology().AddSegment(s);
  for (const auto& t : sc.trunks) {
    int a = sim.topology().FindSegment(t.a);
    if (a < 0) a = sim.topology().AddSegment(t.a);
    int b = sim.topology().FindSegment(t.b);
    if (b < 0) b = sim.topology().AddSegment(t.b);
    sim.topology().ConnectSegments(a, b, t.a_to_b, t.b_to_a);
  }

  std::vector<std::size_t> all(sc.timeline.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  ScheduleOps(sc, all, true);

  n_nodes = static_cast<int>(sc.nodes.size());
  want_connectivity = WantsConnectivity(sc, opt);
  if (want_connectivity) SampleConnectivity(0);
  Attach();
}

void ScenarioRun::Impl::ScheduleOps(const Scenario& sc, const std::vector<std::size_t>& ops,
                                    bool starts) {
  struct Sched {
    Time at;
    int order;
    std::size_t index;  // timeline index, or node index for starts
  };
  std::vector<Sched> sched;
  for (std::size_t i : ops) sched.push_back({sc.timeline[i].at, 0, i});
  if (starts)
    for (std::size_t h = 0; h < sc.nodes.size(); ++h)
      if (sc.nodes[h].start) sched.push_back({*sc.nodes[h].start, 1, h});
  std::stable_sort(sched.begin(), sched.end(), [](const Sched& a, const Sched& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });
  for (const auto& s : sched) {
    Operation op;
    MetricOp mop;
    mop.at = s.at;
    if (s.order == 1) {
      op.kind = OpKind::kStart;
      op.host = static_cast<int>(s.index);
      op.instance_starts = sc.nodes[s.index].instance_starts;
      mop.kind = OpKind::kStart;
      mop.host = op.host;
      mop.subject = "start " + sc.nodes[s.index].name;
    } else {
      const ScenarioOp& so = sc.timeline[s.index];
      op = ToOperation(so);
      if (options.metrics) {
        mop.kind = so.kind;
        mop.host = so.node;
        mop.check = so.check;
        mop.subject = !so.label.empty()
                          ? so.label
                          : std::string(OpKindName(so.kind)) +
                                (so.node >= 0 ? " " + sc.nodes[so.node].name : std::string()) +
                                "@" + FormatTime(so.at);
      }
    }
    if (options.metrics) metric_ops.emplace_back(s.order, std::move(mop));
    sim.Schedule(std::move(op), s.at, s.order == 1);
  }
  // Operations added later sort in as they would have been scheduled from
  // the start (stable: the earlier ones first at equal keys).
  std::stable_sort(metric_ops.begin(), metric_ops.end(), [](const auto& a, const auto& b) {
    return a.second.at != b.second.at ? a.second.at < b.second.at : a.first < b.first;
  });
}

ScenarioRun::ScenarioRun(const Scenario& sc, const RunOptions& options)
    : impl_(std::make_unique<Impl>(sc, options)) {}
ScenarioRun::ScenarioRun(const ScenarioRun& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
ScenarioRun::~ScenarioRun() = default;

void ScenarioRun::RunUntil(Time until) { impl_->sim.RunUntil(until); }
void ScenarioRun::RunToEnd(Time end) { impl_->RunToEnd(end); }
void ScenarioRun::AddSink(TraceSink* sink) { impl_->sim.AddSink(sink); }
const Simulation& ScenarioRun::simulation() const { return impl_->sim; }
const RunResult& ScenarioRun::partial() const { return impl_->result; }
Time ScenarioRun::now() const { return impl_->sim.now(); }

bool ScenarioRun::Reseed(std::uint64_t seed) {
  if (!impl_->sim.Reseed(seed)) return false;
  impl_->result.seed = seed;
  return true;
}

bool ScenarioRun::Reseedable() const { return !impl_->sim.random_drawn(); }

bool ScenarioRun::AddOperations(const Scenario& sc, const std::vector<std::size_t>& ops) {
  Impl& r = *impl_;
  if (static_cast<int>(sc.nodes.size()) != r.n_nodes) return false;
  if (Impl::WantsConnectivity(sc, r.options) && !r.want_connectivity) return false;
  const Time now = r.sim.now();
  std::vector<bool> added(sc.timeline.size(), false);
  for (std::size_t i : ops) {
    if (i >= sc.timeline.size() || sc.timeline[i].at <= now) return false;
    added[i] = true;
  }
  for (std::size_t i : ops) {
    // From the start, sc's own operations at one instant run in timeline
    // order; here the run's own ones, scheduled earlier, run first.
    for (std::size_t j = i + 1; j < sc.timeline.size(); ++j)
      if (!added[j] && sc.timeline[j].at == sc.timeline[i].at) return false;
  }
  // Pending timeline operations were scheduled before the new ones, so at
  // an equal instant they run first, as from the start (the new ones come
  // after them in the timeline). A node's implicit start and what
  // operations schedule on their own (a restart's start, a pause's end) run
  // after every timeline operation at their instant (Lane::kLateOperation),
  // whenever those were scheduled.
  std::vector<std::size_t> sorted = ops;
  std::sort(sorted.begin(), sorted.end());
  r.ScheduleOps(sc, sorted, false);
  return true;
}

bool ScenarioRun::AddTimelineOps(const std::vector<ScenarioOp>& ops) {
  Impl& r = *impl_;
  if (r.options.metrics) return false;
  // At now() only while nothing has run yet (faults at time 0).
  const bool fresh = r.sim.events_processed() == 0;
  for (const auto& so : ops)
    if (so.at < r.sim.now() || (so.at == r.sim.now() && !fresh)) return false;
  for (const auto& so : ops) r.sim.Schedule(ToOperation(so), so.at);
  return true;
}

RunResult ScenarioRun::Finish(const Scenario& sc) {
  Impl& r = *impl_;
  RunResult& result = r.result;
  result.scenario = sc.name;
  result.file = sc.file;
  result.duration = sc.duration;
  r.RunToEnd(sc.duration);
  r.split.Finish(sc.duration);
  result.split_brain = r.split.intervals();
  result.events_processed = r.sim.events_processed() + r.skipped_events;

  RunTimeline timeline(result.events, result.hosts, sc.duration);
  if (r.options.metrics) {
    std::vector<MetricOp> ops;
    ops.reserve(r.metric_ops.size());
    for (auto& [order, op] : r.metric_ops) ops.push_back(std::move(op));
    result.metrics = ComputeMetrics(timeline, result.hosts, ops, result.split_brain);
    AddClientMetrics(result, sc.duration);
  }

  for (const auto& e : sc.expect)
    if (e.variants.empty() ||
        std::find(e.variants.begin(), e.variants.end(), "base") != e.variants.end())
      result.expectations.push_back(EvaluateExpectation(e, sc, timeline, result));
  return std::move(result);
}

namespace {

// The scenario's own run. A variant is run as its VariantScenario.
RunResult RunBase(const Scenario& sc, const RunOptions& options) {
  ScenarioRun run(sc, options);
  return run.Finish(sc);
}

}  // namespace

RunResult RunVariant(const Scenario& sc, const Variant* variant, const RunOptions& options) {
  if (!variant) return RunBase(sc, options);
  RunResult result = RunBase(VariantScenario(sc, *variant), options);
  result.variant = variant->name;
  return result;
}

RunResult RunScenario(const Scenario& scenario, const RunOptions& options) {
  return RunVariant(scenario, nullptr, options);
}

std::vector<RunResult> RunMatrix(const Scenario& scenario, const RunOptions& options) {
  std::vector<RunResult> out;
  if (scenario.variants.empty()) {
    out.push_back(RunScenario(scenario, options));
    return out;
  }
  for (const auto& v : scenario.variants) out.push_back(RunVariant(scenario, &v, options));
  return out;
}

}  // namespace vsim

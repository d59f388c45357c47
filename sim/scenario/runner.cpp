#include "sim/scenario/runner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

#include "sim/observe/metrics.h"
#include "sim/observe/split_brain.h"
#include "sim/scenario/expectations.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/world/simulation.h"

namespace vsim {

namespace {

struct Recorder : TraceSink {
  std::vector<TraceEvent>* out;
  explicit Recorder(std::vector<TraceEvent>* o) : out(o) {}
  void OnEvent(const TraceEvent& e) override { out->push_back(e); }
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
    std::uint32_t vip;
    Time lost_since = vrrp::kNever;
    bool reached_once = false;
    Duration lost = 0;
  };
  std::vector<Track> tracks;  // first-seen order: deterministic
  for (const auto& e : result.events) {
    if (e.kind != TraceKind::kClientView) continue;
    Track* t = nullptr;
    for (auto& x : tracks)
      if (x.host == e.host && x.vip == e.addr.value) t = &x;
    if (!t) {
      tracks.push_back(Track{e.host, e.addr.value});
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
        result.hosts[static_cast<std::size_t>(t.host)].name + " " + vrrp::Ipv4(t.vip).ToString(),
        lost, true});
  }
}

// The scenario's own run: its nodes' configurations, the expectations for
// every run and for the base run. A variant is run as its VariantScenario.
RunResult RunBase(const Scenario& sc, const RunOptions& options) {
  RunResult result;
  result.scenario = sc.name;
  result.file = sc.file;
  result.seed = options.seed.value_or(sc.seed);
  result.duration = sc.duration;

  SimulationOptions sim_options;
  sim_options.record_packets = options.record_packets;
  sim_options.emit_logs = options.emit_logs;
  Simulation sim(result.seed, sim_options);
  Recorder recorder(&result.events);

  // Configs of this run.
  std::vector<const vrrp::Config*> configs;
  for (const auto& node : sc.nodes) configs.push_back(&node.config);

  // Split-brain domains: the segment of the instance's interface.
  const auto domains = SegmentDomains(sc);
  std::vector<std::map<int, int>> host_vrid_domain(sc.nodes.size());
  for (std::size_t h = 0; h < sc.nodes.size(); ++h) {
    HostInfo info;
    info.name = sc.nodes[h].name;
    for (const auto& inst : configs[h]->instances) {
      info.instances.push_back(inst.name);
      info.vrids.push_back(inst.vrid);
      int dom = 0;
      for (const auto& ni : sc.nodes[h].interfaces)
        if (ni.name == inst.interface) {
          auto it = domains.find(ni.segment);
          if (it != domains.end()) dom = it->second;
        }
      host_vrid_domain[h][inst.vrid] = dom;
    }
    result.hosts.push_back(std::move(info));
  }
  SplitBrainDetector split([&host_vrid_domain](int host, int vrid) {
    if (host < 0 || host >= static_cast<int>(host_vrid_domain.size())) return 0;
    auto it = host_vrid_domain[host].find(vrid);
    return it == host_vrid_domain[host].end() ? 0 : it->second;
  });
  sim.AddSink(&recorder);
  sim.AddSink(&split);

  for (std::size_t h = 0; h < sc.nodes.size(); ++h) {
    HostSpec spec;
    spec.name = sc.nodes[h].name;
    spec.config = *configs[h];
    spec.script_runtime = sc.nodes[h].script_runtime;
    spec.wakeup_jitter = sc.nodes[h].wakeup_jitter.value_or(sc.wakeup_jitter);
    for (const auto& ni : sc.nodes[h].interfaces) {
      HostInterfaceSpec is;
      is.name = ni.name;
      is.address = ni.address;
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

  // Timeline: explicit operations first at equal times, then the implicit
  // starts (so that `check` at 0s decides the first script result).
  struct Sched {
    Time at;
    int order;
    std::size_t index;  // timeline index, or node index for starts
  };
  std::vector<Sched> sched;
  for (std::size_t i = 0; i < sc.timeline.size(); ++i) sched.push_back({sc.timeline[i].at, 0, i});
  for (std::size_t h = 0; h < sc.nodes.size(); ++h)
    if (sc.nodes[h].start) sched.push_back({*sc.nodes[h].start, 1, h});
  std::stable_sort(sched.begin(), sched.end(), [](const Sched& a, const Sched& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });
  std::vector<MetricOp> metric_ops;
  for (const auto& s : sched) {
    Operation op;
    MetricOp mop;
    mop.at = s.at;
    if (s.order == 1) {
      op.kind = OpKind::kStart;
      op.host = static_cast<int>(s.index);
      mop.kind = OpKind::kStart;
      mop.host = op.host;
      mop.subject = "start " + sc.nodes[s.index].name;
    } else {
      const ScenarioOp& so = sc.timeline[s.index];
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
      mop.kind = so.kind;
      mop.host = so.node;
      mop.check = so.check;
      mop.subject = !so.label.empty()
                        ? so.label
                        : std::string(OpKindName(so.kind)) +
                              (so.node >= 0 ? " " + sc.nodes[so.node].name : std::string()) + "@" +
                              FormatTime(so.at);
    }
    metric_ops.push_back(mop);
    sim.Schedule(std::move(op), s.at);
  }

  // Connectivity among the nodes, after every operation that changed it
  // (and when a pause ends).
  bool want_connectivity = options.connectivity;
  for (const auto& e : sc.expect) want_connectivity = want_connectivity || e.while_connected;
  const int n_nodes = static_cast<int>(sc.nodes.size());
  auto sample_connectivity = [&](Time t) {
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
  };
  if (want_connectivity) {
    sample_connectivity(0);
    sim.SetAfterOperation(sample_connectivity);
  }

  sim.RunUntil(sc.duration);
  split.Finish(sc.duration);
  result.split_brain = split.intervals();
  result.events_processed = sim.events_processed();

  RunTimeline timeline(result.events, result.hosts, sc.duration);
  if (options.metrics) {
    result.metrics = ComputeMetrics(timeline, result.hosts, metric_ops, result.split_brain);
    AddClientMetrics(result, sc.duration);
  }

  for (const auto& e : sc.expect)
    if (e.variants.empty() ||
        std::find(e.variants.begin(), e.variants.end(), "base") != e.variants.end())
      result.expectations.push_back(EvaluateExpectation(e, sc, timeline, result));
  return result;
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

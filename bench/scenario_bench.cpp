// Whole-simulation benchmarks (issue 7): simulated time per wall time and
// events per second, with the trace recorder off (no sinks) and on (every
// event kept, split-brain detector attached).
//
//   (a) the seed's master-backup scenario (verbatim configs), 1 simulated hour
//   (b) 100 hosts on one segment, one VRRP instance, 1 simulated hour
//   (c) 100 hosts x 100 VRRP instances (VRIDs 1-100), 1 simulated hour
//   (d) random 2-node 10-minute scenarios: scenarios per second
#include <benchmark/benchmark.h>
#include <string>
#include <vector>

#include "engine/config/parser.h"
#include "sim/core/rng.h"
#include "sim/observe/split_brain.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/world/simulation.h"

namespace {

using vrrp::Seconds;
using vsim::HostInterfaceSpec;
using vsim::HostSpec;
using vsim::Operation;
using vsim::OpKind;
using vsim::Simulation;
using vsim::TraceEvent;
using vsim::TraceSink;

struct Keep : TraceSink {
  std::vector<TraceEvent> events;
  void OnEvent(const TraceEvent& e) override { events.push_back(e); }
};

vrrp::Config ParseOrDie(const std::string& text) {
  auto r = vrrp::ParseConfig(text, "bench.conf");
  if (!r.ok()) std::abort();
  return r.config;
}

std::string Instances(int first_vrid, int count, int priority_of_vrid_base, int host) {
  std::string text;
  for (int k = 0; k < count; ++k) {
    const int vrid = first_vrid + k;
    // Every VRID has a different master: rotate priorities by host.
    const int prio = 1 + (host + vrid * 7 + priority_of_vrid_base) % 250;
    text += "vrrp_instance VI_" + std::to_string(vrid) +
            " {\n interface eth0\n virtual_router_id " + std::to_string(vrid) + "\n priority " +
            std::to_string(prio) + "\n advert_int 1\n virtual_ipaddress {\n  10.250." +
            std::to_string(200 + vrid / 250) + "." + std::to_string(vrid % 250 + 1) +
            "/16\n }\n}\n";
  }
  return text;
}

void Report(benchmark::State& state, std::uint64_t events, vrrp::Duration simulated) {
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["sim_s/wall_s"] = benchmark::Counter(
      static_cast<double>(simulated) / 1e6 * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

// (b) and (c): n hosts with `instances` VRRP instances each, all on one segment.
void RunGroup(benchmark::State& state, int hosts, int instances, bool trace) {
  std::vector<vrrp::Config> configs;
  for (int h = 0; h < hosts; ++h) configs.push_back(ParseOrDie(Instances(1, instances, 0, h)));
  std::uint64_t events = 0;
  for (auto _ : state) {
    Simulation sim(1);
    Keep keep;
    vsim::SplitBrainDetector sb;
    if (trace) {
      sim.AddSink(&keep);
      sim.AddSink(&sb);
    }
    for (int h = 0; h < hosts; ++h) {
      HostSpec spec;
      spec.name = "n" + std::to_string(h);
      spec.config = configs[h];
      HostInterfaceSpec eth0;
      eth0.address = vrrp::Ipv4(10, 250, static_cast<std::uint8_t>(h / 250),
                                static_cast<std::uint8_t>(h % 250 + 1));
      spec.interfaces.push_back(eth0);
      const int id = sim.AddHost(std::move(spec));
      Operation start;
      start.kind = OpKind::kStart;
      start.host = id;
      sim.Schedule(start, 0);
    }
    sim.RunUntil(Seconds(3600));
    events += sim.events_processed();
    benchmark::DoNotOptimize(keep.events.data());
  }
  Report(state, events, Seconds(3600));
}

void BM_B_100Hosts1Instance1h(benchmark::State& state) {
  RunGroup(state, 100, 1, state.range(0) != 0);
}
BENCHMARK(BM_B_100Hosts1Instance1h)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"trace"})
    ->Unit(benchmark::kMillisecond);

void BM_C_100Hosts100Instances1h(benchmark::State& state) {
  RunGroup(state, 100, 100, state.range(0) != 0);
}
BENCHMARK(BM_C_100Hosts100Instances1h)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"trace"})
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

// (a) the seed scenario file through the scenario runner (trace on: the
// runner keeps every event, evaluates metrics and expectations), and the
// same hosts driven without any observer (trace off).
void BM_A_SeedMasterBackup1h(benchmark::State& state) {
  vsim::ScenarioLoad load = vsim::LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) +
                                                   "/scenarios/seed/master-backup.yaml");
  if (!load.ok()) {
    state.SkipWithError("cannot load scenarios/seed/master-backup.yaml");
    return;
  }
  vsim::Scenario scenario = *load.scenario;
  scenario.duration = Seconds(3600);
  scenario.expect.clear();  // expectations are about the first minute
  const bool trace = state.range(0) != 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    if (trace) {
      vsim::RunResult r = vsim::RunScenario(scenario);
      events += r.events_processed;
      benchmark::DoNotOptimize(r.events.data());
    } else {
      Simulation sim(scenario.seed);
      for (const auto& node : scenario.nodes) {
        HostSpec spec;
        spec.name = node.name;
        spec.config = node.config;
        for (const auto& i : node.interfaces) {
          HostInterfaceSpec s;
          s.name = i.name;
          s.address = i.address;
          s.segment = i.segment;
          spec.interfaces.push_back(s);
        }
        const int id = sim.AddHost(std::move(spec));
        Operation start;
        start.kind = OpKind::kStart;
        start.host = id;
        sim.Schedule(start, 0);
      }
      sim.RunUntil(scenario.duration);
      events += sim.events_processed();
    }
  }
  Report(state, events, Seconds(3600));
}
BENCHMARK(BM_A_SeedMasterBackup1h)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"trace"})
    ->Unit(benchmark::kMillisecond);

// (d) exploration: random two-node policies and faults, 10 simulated minutes
// each. Configs are parsed once per policy shape (a real explorer would too).
void BM_D_Random2Node10min(benchmark::State& state) {
  const bool trace = state.range(0) != 0;
  std::vector<vrrp::Config> pool;
  for (int p = 0; p < 16; ++p) {
    const int prio = 50 + p * 10;
    pool.push_back(ParseOrDie(std::string("vrrp_instance VI_1 {\n interface eth0\n") +
                              (p % 3 == 0 ? " nopreempt\n" : "") +
                              " virtual_router_id 51\n priority " + std::to_string(prio) +
                              "\n advert_int " + std::to_string(1 + p % 2) +
                              "\n virtual_ipaddress {\n  10.250.0.100/24\n }\n}\n"));
  }
  vsim::Rng rng(42);
  std::uint64_t events = 0;
  for (auto _ : state) {
    Simulation sim(rng.Next());
    Keep keep;
    vsim::SplitBrainDetector sb;
    if (trace) {
      sim.AddSink(&keep);
      sim.AddSink(&sb);
    }
    for (int h = 0; h < 2; ++h) {
      HostSpec spec;
      spec.name = h ? "node2" : "node1";
      spec.config = pool[rng.Below(pool.size())];
      HostInterfaceSpec eth0;
      eth0.address = vrrp::Ipv4(10, 250, 0, static_cast<std::uint8_t>(h + 1));
      spec.interfaces.push_back(eth0);
      sim.AddHost(std::move(spec));
      Operation start;
      start.kind = OpKind::kStart;
      start.host = h;
      sim.Schedule(start, static_cast<vrrp::Time>(rng.Below(5'000'000)));
    }
    static const OpKind kFaults[] = {OpKind::kCrash, OpKind::kStop, OpKind::kRestart,
                                     OpKind::kPause};
    for (int f = 0; f < 3; ++f) {
      Operation op;
      op.kind = kFaults[rng.Below(4)];
      op.host = static_cast<int>(rng.Below(2));
      op.duration = Seconds(5);
      sim.Schedule(op, Seconds(60) + static_cast<vrrp::Time>(rng.Below(400'000'000)));
      Operation back;
      back.kind = OpKind::kStart;
      back.host = op.host;
      sim.Schedule(back, Seconds(500));
    }
    sim.RunUntil(Seconds(600));
    events += sim.events_processed();
    benchmark::DoNotOptimize(keep.events.data());
  }
  state.counters["scenarios/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_D_Random2Node10min)->Arg(0)->Arg(1)->ArgNames({"trace"});

}  // namespace

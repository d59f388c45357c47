// Whole-simulation benchmarks (issue 7): simulated time per wall time and
// events per second, with the trace recorder off (no sinks) and on. What
// "trace:1" records: (b), (c), (d) attach a sink that keeps every trace event
// the world emits and the split-brain detector; adverts, drops and script
// runs are not among them (SimulationOptions::record_packets is off, as in
// `vrrpsim run` without --packets), so the events kept are state changes,
// VIP changes, GARPs, priority changes and operations. For (a) see below.
// Every rate is per wall-clock second (UseRealTime).
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
#include "sim/world/fast_forward.h"
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
// `ff`: the steady-state repeats skipped (RunSkippingRepeats), as `vrrpsim
// run` runs a scenario; otherwise every event simulated.
void RunGroup(benchmark::State& state, int hosts, int instances, bool trace,
              vrrp::Duration duration = Seconds(3600), bool ff = false) {
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
    if (ff)
      events += vsim::RunSkippingRepeats(sim, duration);
    else
      sim.RunUntil(duration);
    events += sim.events_processed();
    benchmark::DoNotOptimize(keep.events.data());
  }
  Report(state, events, duration);
}

void BM_B_100Hosts1Instance1h(benchmark::State& state) {
  RunGroup(state, 100, 1, state.range(0) != 0);
}
BENCHMARK(BM_B_100Hosts1Instance1h)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"trace"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_C_100Hosts100Instances1h(benchmark::State& state) {
  RunGroup(state, 100, 100, state.range(0) != 0);
}
BENCHMARK(BM_C_100Hosts100Instances1h)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"trace"})
    ->UseRealTime()
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

// (c) for one simulated minute: the size to profile (callgrind takes about
// fifty times as long as a run; the hour of (c) would take hours there).
void BM_C_100Hosts100Instances1min(benchmark::State& state) {
  RunGroup(state, 100, 100, state.range(0) != 0, Seconds(60));
}
BENCHMARK(BM_C_100Hosts100Instances1min)
    ->Arg(0)
    ->ArgNames({"trace"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// (b) and (c) as `vrrpsim run` runs them: once the groups have settled, the
// repeats of their one-second period are skipped (RunSkippingRepeats).
void BM_B_100Hosts1Instance1h_FastForward(benchmark::State& state) {
  RunGroup(state, 100, 1, state.range(0) != 0, Seconds(3600), true);
}
BENCHMARK(BM_B_100Hosts1Instance1h_FastForward)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"trace"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
void BM_C_100Hosts100Instances1h_FastForward(benchmark::State& state) {
  RunGroup(state, 100, 100, state.range(0) != 0, Seconds(3600), true);
}
BENCHMARK(BM_C_100Hosts100Instances1h_FastForward)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"trace"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// (a) the seed's master-backup scenario file as `vrrpsim run` runs it: its
// timeline (node1's check fails at 20 s and recovers at 40 s) and node
// starts, for one simulated hour instead of its minute (its expectations,
// about the first minute, are left out). Arguments:
//   trace:1  the runner keeps every trace event (state changes, VIPs,
//            GARPs, priorities, operations; not adverts: --packets is off,
//            as in `vrrpsim run` by default) and computes the metrics, as
//            `vrrpsim run` does; trace:0 keeps nothing and computes nothing.
//   ff:1     the runner's steady-state fast-forward is on (as in `vrrpsim
//            run`: once nothing can change, the repeats are skipped);
//            ff:0 simulates every event of the hour.
// events/s counts the events actually simulated (not the skipped repeats).
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
  vsim::RunOptions options;
  options.record_events = state.range(0) != 0;
  options.metrics = state.range(0) != 0;
  options.fast_forward = state.range(1) != 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    vsim::ScenarioRun run(scenario, options);
    vsim::RunResult r = run.Finish(scenario);
    events += run.simulation().events_processed();
    benchmark::DoNotOptimize(r.events.data());
  }
  Report(state, events, Seconds(3600));
}
BENCHMARK(BM_A_SeedMasterBackup1h)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"trace", "ff"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// (d) exploration: random two-node policies and faults, 10 simulated minutes
// each. Configs are parsed once per policy shape (a real explorer would too).
//   trace:1  every trace event kept and the split-brain detector attached
//            (state changes, VIPs, GARPs, priorities, operations; not
//            adverts); trace:0 no sink at all.
//   ff:1     the steady-state repeats skipped (RunSkippingRepeats), as
//            `vrrpsim run` and `vrrpsim explore` run; ff:0 every event
//            simulated.
// events/s counts the events of the whole run, skipped repeats included.
void BM_D_Random2Node10min(benchmark::State& state) {
  const bool trace = state.range(0) != 0;
  const bool ff = state.range(1) != 0;
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
    if (ff)
      events += vsim::RunSkippingRepeats(sim, Seconds(600));
    else
      sim.RunUntil(Seconds(600));
    events += sim.events_processed();
    benchmark::DoNotOptimize(keep.events.data());
  }
  state.counters["scenarios/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_D_Random2Node10min)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"trace", "ff"})
    ->UseRealTime();
// The same first 500 scenarios every time, in one batch: what callgrind
// counts per run is then comparable between builds (the timed variants run
// as many as fit, in batches that each restart the sequence).
BENCHMARK(BM_D_Random2Node10min)
    ->Name("BM_D_Random2Node10min_First500")
    ->Args({1, 0})
    ->Args({1, 1})
    ->ArgNames({"trace", "ff"})
    ->Iterations(500)
    ->UseRealTime();

}  // namespace

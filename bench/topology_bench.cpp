// Large L2 domains (issue 17): what a shared segment with thousands of
// keepalived hosts costs to set up, to change, and to run.
//
//   (e) set-up: N hosts on one segment (keepalived pairs), started, run to
//       10 ms simulated so that the first frame has been delivered; and one
//       interface link change in a 1,000-host world plus the route work of
//       the next frame
//   (f) 10,000 hosts x 1 VRRP instance, 1 simulated hour (excluded from the
//       short CI run in scripts/test.sh: it takes seconds)
#include <benchmark/benchmark.h>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "engine/config/parser.h"
#include "sim/world/fast_forward.h"
#include "sim/world/simulation.h"

namespace {

using vrrp::Ipv4;
using vrrp::Millis;
using vrrp::Seconds;
using vsim::HostInterfaceSpec;
using vsim::HostSpec;
using vsim::Operation;
using vsim::OpKind;
using vsim::Simulation;

vrrp::Config ParseOrDie(const std::string& text) {
  auto r = vrrp::ParseConfig(text, "bench.conf");
  if (!r.ok()) std::abort();
  return r.config;
}

Ipv4 HostAddress(int h) {
  return Ipv4(10, 250, static_cast<std::uint8_t>(h / 250), static_cast<std::uint8_t>(h % 250 + 1));
}

// Host h belongs to pair h / 2 (priority 200 for the first, 100 for the
// second). VRIDs are 8 bits, so pairs share VRIDs past 255; that does not
// matter here: set-up and link changes finish long before any backup's
// master-down timer (3 s). With `owner`, host 0 has priority 255 and sends
// its first advert at once: the frame whose delivery needs routes.
std::vector<vrrp::Config> PairConfigs(int hosts, bool owner) {
  std::vector<vrrp::Config> out;
  out.reserve(static_cast<std::size_t>(hosts));
  for (int h = 0; h < hosts; ++h) {
    const int pair = h / 2;
    const int prio = owner && h == 0 ? 255 : h % 2 == 0 ? 200 : 100;
    out.push_back(
        ParseOrDie("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id " +
                   std::to_string(pair % 255 + 1) + "\n priority " + std::to_string(prio) +
                   "\n advert_int 1\n virtual_ipaddress {\n  10.251." + std::to_string(pair / 250) +
                   "." + std::to_string(pair % 250 + 1) + "/16\n }\n}\n"));
  }
  return out;
}

void AddHosts(Simulation* sim, const std::vector<vrrp::Config>& configs) {
  for (int h = 0; h < static_cast<int>(configs.size()); ++h) {
    HostSpec spec;
    spec.name = "n" + std::to_string(h);
    spec.config = configs[static_cast<std::size_t>(h)];
    HostInterfaceSpec eth0;
    eth0.address = HostAddress(h);
    eth0.up.latency = 50;
    eth0.down.latency = 50;
    spec.interfaces.push_back(eth0);
    const int id = sim->AddHost(std::move(spec));
    Operation start;
    start.kind = OpKind::kStart;
    start.host = id;
    sim->Schedule(start, 0);
  }
}

double MaxRssMiB() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

void BM_E_LargeSegmentSetup(benchmark::State& state) {
  const int hosts = static_cast<int>(state.range(0));
  const std::vector<vrrp::Config> configs = PairConfigs(hosts, true);
  for (auto _ : state) {
    Simulation sim(1);
    AddHosts(&sim, configs);
    sim.RunUntil(Millis(10));
    benchmark::DoNotOptimize(sim.events_processed());
  }
  state.counters["maxrss_MiB"] = MaxRssMiB();
}
BENCHMARK(BM_E_LargeSegmentSetup)
    ->Arg(1000)
    ->Arg(10000)
    ->ArgNames({"hosts"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One link change = an interface going down (or back up) through the
// scenario operation (topology and the host's keepalived), then one unicast
// frame between two other hosts: the first delivery after the change pays
// for whatever route work the change left behind.
void BM_E_LinkChange(benchmark::State& state) {
  const int hosts = static_cast<int>(state.range(0));
  Simulation sim(1);
  AddHosts(&sim, PairConfigs(hosts, false));
  sim.RunUntil(Millis(10));
  const int flapping = hosts / 2;
  std::vector<vsim::Delivery> out;
  bool up = false;
  for (auto _ : state) {
    Operation op;
    op.kind = up ? OpKind::kLinkUp : OpKind::kLinkDown;
    op.host = flapping;
    op.name = "eth0";
    sim.Schedule(op, sim.now() + 1);
    sim.RunUntil(sim.now() + 1);
    out.clear();
    sim.network().Send(sim.now(), 0, HostAddress(1), &out, nullptr);
    benchmark::DoNotOptimize(out.data());
    up = !up;
  }
  // Keeps the run valid: the backups' master-down timers (about 3 s) must
  // not fire within the benchmark, or it would time elections instead.
  if (sim.now() > Seconds(2)) state.SkipWithError("ran into the elections");
}
BENCHMARK(BM_E_LinkChange)
    ->Arg(1000)
    ->ArgNames({"hosts"})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// (f) like scenario_bench's (b) with 100 times the hosts: one VRID, every
// host in it, priorities 1..250 rotating (ties go to the higher address).
// ff:1 skips the steady-state repeats (RunSkippingRepeats), as `vrrpsim run`
// does; ff:0 simulates every event.
void BM_F_10kHosts1Instance1h(benchmark::State& state) {
  const bool ff = state.range(0) != 0;
  const int hosts = 10000;
  std::vector<vrrp::Config> configs;
  configs.reserve(hosts);
  for (int h = 0; h < hosts; ++h)
    configs.push_back(
        ParseOrDie("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority " +
                   std::to_string(1 + (h + 7) % 250) +
                   "\n advert_int 1\n virtual_ipaddress {\n  10.250.200.2/16\n }\n}\n"));
  std::uint64_t events = 0;
  for (auto _ : state) {
    Simulation sim(1);
    for (int h = 0; h < hosts; ++h) {
      HostSpec spec;
      spec.name = "n" + std::to_string(h);
      spec.config = configs[static_cast<std::size_t>(h)];
      HostInterfaceSpec eth0;
      eth0.address = HostAddress(h);
      spec.interfaces.push_back(eth0);
      const int id = sim.AddHost(std::move(spec));
      Operation start;
      start.kind = OpKind::kStart;
      start.host = id;
      sim.Schedule(start, 0);
    }
    if (ff)
      events += vsim::RunSkippingRepeats(sim, Seconds(3600));
    else
      sim.RunUntil(Seconds(3600));
    events += sim.events_processed();
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["maxrss_MiB"] = MaxRssMiB();
}
BENCHMARK(BM_F_10kHosts1Instance1h)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"ff"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

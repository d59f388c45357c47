// Engine benchmarks: the per-advert cost in BACKUP and MASTER, a full
// BACKUP -> MASTER -> BACKUP cycle, and parsing the seed configurations.
#include <benchmark/benchmark.h>
#include <fstream>
#include <sstream>

#include "engine/config/parser.h"
#include "engine/daemon.h"

namespace {

using vrrp::Actions;
using vrrp::Daemon;
using vrrp::DecodedPacket;
using vrrp::Seconds;

vrrp::Config Config(int priority, bool logs_irrelevant = true) {
  (void)logs_irrelevant;
  auto r = vrrp::ParseConfig(
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
      " priority " +
          std::to_string(priority) +
          "\n advert_int 1\n virtual_ipaddress {\n  10.250.0.100/24\n }\n}\n",
      "bench.conf");
  return r.config;
}

vrrp::HostIdentity Host(int octet) {
  return vrrp::HostIdentity{
      {{"eth0", vrrp::Ipv4(10, 250, 0, static_cast<std::uint8_t>(octet)), true}}};
}

DecodedPacket Advert(int priority, int octet) {
  vrrp::VrrpAdvert a;
  a.src = vrrp::Ipv4(10, 250, 0, static_cast<std::uint8_t>(octet));
  a.dst = vrrp::kVrrpMulticastGroup;
  a.version = 2;
  a.vrid = 51;
  a.priority = static_cast<std::uint8_t>(priority);
  a.count = 1;
  a.adver_int = 1;
  a.addresses = {vrrp::Ipv4(10, 250, 0, 100)};
  std::vector<std::uint8_t> bytes = vrrp::EncodeIpv4(a);
  return vrrp::DecodeIpv4(bytes);
}

// A BACKUP accepting its master's advert: validation, decision, timer re-arm.
void BM_BackupReceivesAdvert(benchmark::State& state) {
  vrrp::DaemonOptions opts;
  opts.emit_logs = state.range(0) != 0;
  Daemon d(Config(90), Host(2), opts);
  Actions out;
  d.Start(0, &out);
  const DecodedPacket pkt = Advert(100, 1);
  vrrp::Time now = 0;
  for (auto _ : state) {
    out.clear();
    now += Seconds(1);
    d.OnDecoded(now, pkt, "eth0", &out);
    benchmark::DoNotOptimize(d.NextDeadline());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BackupReceivesAdvert)->Arg(0)->Arg(1)->ArgNames({"logs"})->UseRealTime();

// A MASTER's advert timer: one advert out per expiry.
void BM_MasterAdvertTimer(benchmark::State& state) {
  vrrp::DaemonOptions opts;
  opts.emit_logs = state.range(0) != 0;
  Daemon d(Config(255), Host(1), opts);
  Actions out;
  d.Start(0, &out);
  d.OnTimer(d.NextDeadline(), &out);  // owner: MASTER at once
  for (auto _ : state) {
    out.clear();
    d.OnTimer(d.NextDeadline(), &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MasterAdvertTimer)->Arg(0)->Arg(1)->ArgNames({"logs"})->UseRealTime();

// A MASTER answering a lower-priority advert (R17.4: advert + GARPs).
void BM_MasterReceivesLowerAdvert(benchmark::State& state) {
  Daemon d(Config(255), Host(1), vrrp::DaemonOptions{false, false});
  Actions out;
  d.Start(0, &out);
  d.OnTimer(d.NextDeadline(), &out);
  const DecodedPacket pkt = Advert(50, 3);
  vrrp::Time now = 10;
  for (auto _ : state) {
    out.clear();
    d.OnDecoded(++now, pkt, "eth0", &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MasterReceivesLowerAdvert)->UseRealTime();

// BACKUP -> MASTER (timeout: advert, VIPs, GARPs, notify) -> BACKUP (better advert).
void BM_FullTransitionCycle(benchmark::State& state) {
  Daemon d(Config(100), Host(2), vrrp::DaemonOptions{false, false});
  Actions out;
  d.Start(0, &out);
  const DecodedPacket better = Advert(200, 9);
  for (auto _ : state) {
    out.clear();
    d.OnTimer(d.NextDeadline(), &out);                        // -> MASTER
    d.OnDecoded(d.NextDeadline() - 1, better, "eth0", &out);  // -> BACKUP
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FullTransitionCycle)->UseRealTime();

void BM_ParseSeedConfig(benchmark::State& state) {
  std::ifstream in(std::string(VRRPSIM_SOURCE_DIR) +
                   "/scenarios/seed/configs/master-backup-node1.conf");
  std::stringstream text;
  text << in.rdbuf();
  const std::string conf = text.str();
  for (auto _ : state) {
    auto r = vrrp::ParseConfig(conf, "master-backup-node1.conf");
    benchmark::DoNotOptimize(r.config.instances.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * conf.size()));
}
BENCHMARK(BM_ParseSeedConfig)->UseRealTime();

}  // namespace

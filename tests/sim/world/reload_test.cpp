// The `reload` operation drives Daemon::Reload (SIGHUP keeps state).
#include <gtest/gtest.h>

#include "engine/config/parser.h"
#include "sim/world/simulation.h"

namespace vsim {
namespace {

using vrrp::Ipv4;
using vrrp::Seconds;
using vrrp::State;

vrrp::Config Parse(const std::string& text) {
  auto r = vrrp::ParseConfig(text, "test.conf");
  EXPECT_TRUE(r.ok());
  for (const auto& d : r.diagnostics) ADD_FAILURE() << d.ToString();
  return r.config;
}

std::string Instance(const std::string& name, int vrid, int priority, int vip) {
  return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id " +
         std::to_string(vrid) + "\n priority " + std::to_string(priority) +
         "\n advert_int 1\n virtual_ipaddress {\n  10.250.0." + std::to_string(vip) +
         "/24\n }\n}\n";
}

struct Recorder : TraceSink {
  std::vector<TraceEvent> events;
  void OnEvent(const TraceEvent& e) override { events.push_back(e); }
  // "t host instance-index vrid kind detail" for transitions and VIP changes.
  std::vector<std::string> Lines(const Simulation& sim) const {
    std::vector<std::string> out;
    for (const auto& e : events) {
      std::string what;
      if (e.kind == TraceKind::kTransition)
        what = std::string(vrrp::StateName(e.from)) + "->" + vrrp::StateName(e.to);
      else if (e.kind == TraceKind::kVipAdded)
        what = "+" + e.addr.ToString();
      else if (e.kind == TraceKind::kVipRemoved)
        what = "-" + e.addr.ToString();
      else
        continue;
      out.push_back(std::to_string(e.t) + " " + sim.host_name(e.host) + " #" +
                    std::to_string(e.instance) + " vrid " + std::to_string(e.vrid) + " " + what);
    }
    return out;
  }
};

HostSpec Host(const std::string& name, int octet, vrrp::Config config) {
  HostSpec h;
  h.name = name;
  h.config = std::move(config);
  HostInterfaceSpec i;
  i.address = Ipv4(10, 250, 0, static_cast<std::uint8_t>(octet));
  h.interfaces.push_back(i);
  return h;
}

Operation Op(OpKind kind, int host) {
  Operation op;
  op.kind = kind;
  op.host = host;
  return op;
}

TEST(Reload, RemovedMasterInstanceHandsOverAfterSkewAndKeptOneStays) {
  Simulation sim(1);
  Recorder rec;
  sim.AddSink(&rec);
  const int n1 = sim.AddHost(
      Host("node1", 1, Parse(Instance("VI_A", 51, 100, 100) + Instance("VI_B", 52, 100, 101))));
  const int n2 = sim.AddHost(
      Host("node2", 2, Parse(Instance("VI_A", 51, 90, 100) + Instance("VI_B", 52, 90, 101))));
  sim.Schedule(Op(OpKind::kStart, n1), 0);
  sim.Schedule(Op(OpKind::kStart, n2), 0);
  Operation reload = Op(OpKind::kReload, n1);
  reload.config = std::make_shared<vrrp::Config>(Parse(Instance("VI_A", 51, 100, 100)));
  sim.Schedule(reload, Seconds(10));
  sim.RunUntil(Seconds(20));
  // node1's VI_B (index 1 before the reload) sends priority 0 and drops its
  // VIP; node2's VI_B takes over Skew(90) = 0.648437 s later (RL4, R14.1).
  // node1's VI_A stays MASTER without a transition (RL2).
  EXPECT_EQ(rec.Lines(sim), (std::vector<std::string>{
                                "0 node1 #0 vrid 51 INIT->BACKUP",
                                "0 node1 #1 vrid 52 INIT->BACKUP",
                                "0 node2 #0 vrid 51 INIT->BACKUP",
                                "0 node2 #1 vrid 52 INIT->BACKUP",
                                "3609375 node1 #0 vrid 51 +10.250.0.100",
                                "3609375 node1 #0 vrid 51 BACKUP->MASTER",
                                "3609375 node1 #1 vrid 52 +10.250.0.101",
                                "3609375 node1 #1 vrid 52 BACKUP->MASTER",
                                "10000000 node1 #1 vrid 52 -10.250.0.101",
                                "10000000 node1 #1 vrid 52 MASTER->FAULT",
                                "10648437 node2 #1 vrid 52 +10.250.0.101",
                                "10648437 node2 #1 vrid 52 BACKUP->MASTER",
                            }));
  EXPECT_EQ(sim.state(n1, 0), State::kMaster);
  EXPECT_EQ(sim.host_config(n1).instances.size(), 1u);
  EXPECT_EQ(sim.host_vips(n1), (std::vector<vrrp::IpAddress>{Ipv4(10, 250, 0, 100)}));
}

TEST(Reload, OfAStoppedDaemonOnlyStoresTheConfigForTheNextStart) {
  Simulation sim(1);
  Recorder rec;
  sim.AddSink(&rec);
  const int n1 = sim.AddHost(Host("node1", 1, Parse(Instance("VI_A", 51, 100, 100))));
  Operation reload = Op(OpKind::kReload, n1);
  reload.config = std::make_shared<vrrp::Config>(Parse(Instance("VI_A", 51, 150, 100)));
  sim.Schedule(reload, Seconds(1));
  sim.Schedule(Op(OpKind::kStart, n1), Seconds(2));
  sim.RunUntil(Seconds(10));
  EXPECT_FALSE(rec.Lines(sim).empty());
  EXPECT_EQ(rec.Lines(sim).front(), "2000000 node1 #0 vrid 51 INIT->BACKUP");
  EXPECT_EQ(sim.priority(n1, 0), 150);
  // MDI(150) = 3.414062 s after the start.
  EXPECT_EQ(rec.Lines(sim).back(), "5414062 node1 #0 vrid 51 BACKUP->MASTER");
}

}  // namespace
}  // namespace vsim

#include "sim/observe/split_brain.h"

#include <gtest/gtest.h>

#include "engine/config/parser.h"
#include "sim/world/simulation.h"

namespace vsim {
namespace {

using vrrp::State;

TraceEvent Transition(Time t, int host, State from, State to, int vrid = 51) {
  TraceEvent e;
  e.t = t;
  e.kind = TraceKind::kTransition;
  e.host = host;
  e.vrid = vrid;
  e.from = from;
  e.to = to;
  return e;
}

TraceEvent Vip(Time t, int host, bool added, int vrid = 51) {
  TraceEvent e;
  e.t = t;
  e.kind = added ? TraceKind::kVipAdded : TraceKind::kVipRemoved;
  e.host = host;
  e.vrid = vrid;
  e.addr = vrrp::Ipv4(10, 250, 0, 100);
  return e;
}

TEST(SplitBrain, TwoMastersToTheMicrosecond) {
  SplitBrainDetector d;
  d.OnEvent(Transition(0, 0, State::kBackup, State::kMaster));
  d.OnEvent(Transition(100, 1, State::kBackup, State::kMaster));
  d.OnEvent(Transition(250, 0, State::kMaster, State::kBackup));
  d.OnEvent(Transition(300, 2, State::kBackup, State::kMaster));  // another VRID's host? no: same
  d.Finish(1000);
  ASSERT_EQ(d.intervals().size(), 2u);
  EXPECT_EQ(d.intervals()[0].start, 100);
  EXPECT_EQ(d.intervals()[0].end, 250);
  EXPECT_EQ(d.intervals()[0].hosts, (std::vector<int>{0, 1}));
  EXPECT_TRUE(d.intervals()[0].masters);
  EXPECT_EQ(d.intervals()[1].start, 300);
  EXPECT_EQ(d.intervals()[1].end, 1000);  // still open at the end of the run
  EXPECT_EQ(d.Total(), 150 + 700);
  EXPECT_EQ(d.Longest(), 700);
}

TEST(SplitBrain, SameMicrosecondHandOverIsNotASplitBrain) {
  SplitBrainDetector d;
  d.OnEvent(Transition(0, 0, State::kBackup, State::kMaster));
  d.OnEvent(Transition(500, 1, State::kBackup, State::kMaster));
  d.OnEvent(Transition(500, 0, State::kMaster, State::kBackup));
  d.OnEvent(Transition(900, 0, State::kBackup, State::kMaster));
  d.Finish(900);  // still open at the end, but empty
  EXPECT_TRUE(d.intervals().empty());
  EXPECT_EQ(d.Total(), 0);
}

TEST(SplitBrain, CrashedHostKeepsItsVip) {
  SplitBrainDetector d;
  d.OnEvent(Transition(0, 0, State::kBackup, State::kMaster));
  d.OnEvent(Vip(0, 0, true));
  TraceEvent crash;
  crash.t = 1000;
  crash.kind = TraceKind::kOperation;
  crash.op = static_cast<int>(OpKind::kCrash);
  crash.host = 0;
  d.OnEvent(crash);
  d.OnEvent(Transition(4000, 1, State::kBackup, State::kMaster));
  d.OnEvent(Vip(4000, 1, true));
  d.OnEvent(Vip(9000, 0, false));  // leftover removed when node0's keepalived restarts
  d.Finish(20000);
  ASSERT_EQ(d.intervals().size(), 1u);
  EXPECT_EQ(d.intervals()[0].start, 4000);
  EXPECT_EQ(d.intervals()[0].end, 9000);
  EXPECT_FALSE(d.intervals()[0].masters);  // the crashed daemon is not MASTER
  EXPECT_TRUE(d.intervals()[0].vip_holders);
}

TEST(SplitBrain, DifferentAddressesOfOneVridAreNotADuplicate) {
  SplitBrainDetector d;
  TraceEvent a = Vip(0, 0, true);
  TraceEvent b = Vip(10, 1, true);
  b.addr = vrrp::Ipv4(10, 250, 9, 100);
  d.OnEvent(a);
  d.OnEvent(b);
  d.Finish(100);
  EXPECT_TRUE(d.intervals().empty());
}

TEST(SplitBrain, DifferentVridsOrDomainsDoNotCollide) {
  SplitBrainDetector d([](int host, int) { return host < 2 ? 0 : 1; });
  d.OnEvent(Transition(0, 0, State::kBackup, State::kMaster, 51));
  d.OnEvent(Transition(0, 1, State::kBackup, State::kMaster, 52));
  d.OnEvent(Transition(0, 2, State::kBackup, State::kMaster, 51));  // other domain
  d.Finish(100);
  EXPECT_TRUE(d.intervals().empty());
}

TEST(SplitBrain, PartitionOfAPairEndToEnd) {
  auto parse = [](int prio) {
    auto r = vrrp::ParseConfig(
        "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority " +
            std::to_string(prio) + "\n virtual_ipaddress {\n  10.250.0.100/24\n }\n}\n",
        "t.conf");
    EXPECT_TRUE(r.ok());
    return r.config;
  };
  Simulation sim(1);
  SplitBrainDetector d;
  sim.AddSink(&d);
  for (int k = 0; k < 2; ++k) {
    HostSpec h;
    h.name = "node" + std::to_string(k + 1);
    h.config = parse(k == 0 ? 100 : 90);
    HostInterfaceSpec eth0;
    eth0.address = vrrp::Ipv4(10, 250, 0, static_cast<std::uint8_t>(k + 1));
    h.interfaces.push_back(eth0);
    sim.AddHost(std::move(h));
    Operation start;
    start.kind = OpKind::kStart;
    start.host = k;
    sim.Schedule(start, 0);
  }
  Operation part;
  part.kind = OpKind::kPartition;
  part.groups = {{0}, {1}};
  sim.Schedule(part, vrrp::Seconds(10));
  Operation heal;
  heal.kind = OpKind::kHeal;
  sim.Schedule(heal, vrrp::Seconds(20));
  sim.RunUntil(vrrp::Seconds(30));
  d.Finish(sim.now());
  // node1 MASTER at 3.609375 s, adverts every second: the last one node2
  // accepts is at 9.609375 s; node2 times out MDI(90) = 3.648437 s later and
  // advertises every second from then on. Its first advert after the heal
  // (20.257812 s) reaches node1, which answers at once (R17.4, "forcing new
  // election"); node2 sees the higher priority and yields in the same
  // microsecond (zero latency).
  ASSERT_EQ(d.intervals().size(), 1u);
  EXPECT_EQ(d.intervals()[0].start, 13'257'812);
  EXPECT_EQ(d.intervals()[0].end, 20'257'812);
  EXPECT_TRUE(d.intervals()[0].masters);
  EXPECT_TRUE(d.intervals()[0].vip_holders);
  EXPECT_EQ(d.Total(), 20'257'812 - 13'257'812);
}

}  // namespace
}  // namespace vsim

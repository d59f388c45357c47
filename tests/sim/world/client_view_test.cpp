#include <gtest/gtest.h>

#include "engine/config/parser.h"
#include "sim/world/simulation.h"

namespace vsim {
namespace {

using vrrp::Ipv4;
using vrrp::Seconds;

constexpr Ipv4 kVip(10, 250, 0, 100);

struct Views : TraceSink {
  const Simulation* sim = nullptr;
  std::vector<std::string> lines;
  void OnEvent(const TraceEvent& e) override {
    if (e.kind != TraceKind::kClientView) return;
    lines.push_back(std::to_string(e.t) + " " + sim->host_name(e.host) + " -> " +
                    (e.peer_host >= 0 ? sim->host_name(e.peer_host) : std::string("lost")) + " (" +
                    e.detail + ")");
  }
};

// node1 (100) and node2 (90) with one VIP, and a client on the same segment.
struct ClientView : ::testing::Test {
  Simulation sim{1};
  Views views;
  int n1 = -1, n2 = -1, client = -1;
  void SetUp() override {
    views.sim = &sim;
    sim.AddSink(&views);
    for (int k = 0; k < 2; ++k) {
      auto r = vrrp::ParseConfig(
          "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
          " priority " +
              std::to_string(100 - 10 * k) + "\n virtual_ipaddress {\n  10.250.0.100/24\n }\n}\n",
          "t.conf");
      HostSpec h;
      h.name = "node" + std::to_string(k + 1);
      h.config = r.config;
      HostInterfaceSpec eth0;
      eth0.address = Ipv4(10, 250, 0, static_cast<std::uint8_t>(k + 1));
      h.interfaces.push_back(eth0);
      const int id = sim.AddHost(std::move(h));
      (k == 0 ? n1 : n2) = id;
      Operation start;
      start.kind = OpKind::kStart;
      start.host = id;
      sim.Schedule(start, 0);
    }
    ClientSpec c;
    c.name = "client";
    c.address = Ipv4(10, 250, 0, 50);
    client = sim.AddClient(c);
  }
  void At(Time t, OpKind kind, int host) {
    Operation op;
    op.kind = kind;
    op.host = host;
    sim.Schedule(op, t);
  }
};

TEST_F(ClientView, GracefulStopLosesTrafficUntilTheNewMastersGarp) {
  At(Seconds(10), OpKind::kStop, n1);
  sim.RunUntil(Seconds(20));
  // node2 takes over Skew(90) after the priority-0 advert; its GARPs move
  // the client at once, long before the client's own re-resolution.
  EXPECT_EQ(views.lines, (std::vector<std::string>{
                             "3609375 client -> node1 (cached)",
                             "10000000 client -> lost (cached host does not answer)",
                             "10648437 client -> node2 (cached)",
                         }));
  EXPECT_EQ(sim.client_reaches(client, kVip), n2);
}

TEST_F(ClientView, CrashedMasterStillAnswersUntilTheGarpMovesTheClient) {
  At(Seconds(10), OpKind::kCrash, n1);
  sim.RunUntil(Seconds(20));
  // SIGKILL leaves the VIP on node1 (R46): the client keeps reaching it until
  // node2's GARPs at MDI(90) after the last advert (9.609375 s).
  EXPECT_EQ(views.lines, (std::vector<std::string>{
                             "3609375 client -> node1 (cached)",
                             "13257812 client -> node2 (cached)",
                         }));
}

TEST_F(ClientView, PartitionedFromTheMasterTheClientWaitsForTheOtherSide) {
  Operation part;
  part.kind = OpKind::kPartition;
  part.groups = {{n1}, {n2, client}};
  sim.Schedule(part, Seconds(10));
  At(Seconds(20), OpKind::kHeal, -1);
  sim.RunUntil(Seconds(30));
  EXPECT_EQ(views.lines, (std::vector<std::string>{
                             "3609375 client -> node1 (cached)",
                             "10000000 client -> lost (cached host does not answer)",
                             "13257812 client -> node2 (cached)",
                             // After the heal node1 answers node2's advert with
                             // an advert and GARPs (R17.4, R51): the client
                             // moves back before node2 yields.
                             "20257812 client -> node1 (cached)",
                         }));
}

TEST_F(ClientView, ReResolvesAfterArpRecoveryWhenNoGarpComes) {
  // node2 never runs: after node1's graceful stop nobody holds the VIP; when
  // node1 comes back it sends GARPs again.
  Operation stop2;
  stop2.kind = OpKind::kCrash;
  stop2.host = n2;
  sim.Schedule(stop2, Seconds(1));
  At(Seconds(10), OpKind::kPowerOff, n1);
  At(Seconds(12), OpKind::kPowerOn, n1);
  sim.RunUntil(Seconds(30));
  EXPECT_EQ(views.lines, (std::vector<std::string>{
                             "3609375 client -> node1 (cached)",
                             "10000000 client -> lost (cached host does not answer)",
                             "15609375 client -> node1 (cached)",
                         }));
}

}  // namespace
}  // namespace vsim

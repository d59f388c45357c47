#include "sim/net/network.h"

#include <gtest/gtest.h>

#include "sim/net/topology.h"

namespace vsim {
namespace {

using vrrp::Ipv4;
using vrrp::kVrrpMulticastGroup;

// Three hosts on one segment, 100 µs each way per link.
struct OneSegment : ::testing::Test {
  Topology topo;
  int seg, h[3], i[3], l[3];
  void SetUp() override {
    seg = topo.AddSegment("lan");
    for (int k = 0; k < 3; ++k) {
      h[k] = topo.AddHost("node" + std::to_string(k + 1));
      i[k] = topo.AddInterface(h[k], "eth0", Ipv4(10, 250, 0, static_cast<std::uint8_t>(k + 1)));
      l[k] = topo.ConnectInterface(i[k], seg, {100, 0, 0}, {100, 0, 0});
    }
  }
};

TEST_F(OneSegment, MulticastReachesEveryOtherHostWithPathLatency) {
  Network net(&topo, 1);
  std::vector<Delivery> out;
  net.Send(1000, i[0], kVrrpMulticastGroup, &out, nullptr);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].dst_iface, i[1]);
  EXPECT_EQ(out[0].at, 1200);
  EXPECT_EQ(out[1].dst_iface, i[2]);
  EXPECT_EQ(out[1].at, 1200);
}

TEST_F(OneSegment, UnicastReachesOnlyThePeer) {
  Network net(&topo, 1);
  std::vector<Delivery> out;
  std::vector<Drop> drops;
  net.Send(0, i[0], Ipv4(10, 250, 0, 3), &out, &drops);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dst_iface, i[2]);
  net.Send(0, i[0], Ipv4(10, 250, 0, 99), &out, &drops);
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].reason, DropReason::kNoRoute);
}

// IPv6 (issue 18): ff02::12 reaches the whole segment as 224.0.0.18 does;
// unicast goes to the interface owning the link-local or global address.
TEST_F(OneSegment, Ipv6MulticastAndUnicastFollowTheSameRoutes) {
  const auto ll = [](std::uint32_t n) { return vrrp::IpAddress::V6Words(0xfe800000u, 0, 0, n); };
  for (int k = 0; k < 3; ++k) {
    topo.AddAddress6(i[k], ll(static_cast<std::uint32_t>(k + 1)));
    topo.AddAddress6(i[k], *vrrp::IpAddress::Parse("fd00::" + std::to_string(k + 1)));
  }
  EXPECT_EQ(topo.iface_link_local6(i[1]), ll(2));
  Network net(&topo, 1);
  std::vector<Delivery> out;
  std::vector<Drop> drops;
  net.Send6(1000, i[0], vrrp::kVrrpMulticastGroup6, &out, &drops);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].dst_iface, i[1]);
  EXPECT_EQ(out[0].at, 1200);
  EXPECT_EQ(out[1].dst_iface, i[2]);
  out.clear();
  net.Send6(0, i[0], ll(3), &out, &drops);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dst_iface, i[2]);
  out.clear();
  net.Send6(0, i[0], *vrrp::IpAddress::Parse("fd00::2"), &out, &drops);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dst_iface, i[1]);
  out.clear();
  net.Send6(0, i[0], *vrrp::IpAddress::Parse("fd00::99"), &out, &drops);
  EXPECT_TRUE(out.empty());
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].reason, DropReason::kNoRoute);
  // Filters apply whatever the family.
  drops.clear();
  net.SetBlocked(h[0], h[1], true);
  net.Send6(0, i[0], vrrp::kVrrpMulticastGroup6, &out, &drops);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dst_iface, i[2]);
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].reason, DropReason::kPartition);
}

TEST_F(OneSegment, LinkDownRemovesHostAndRoutesAreRecomputedOnlyOnChange) {
  Network net(&topo, 1);
  std::vector<Delivery> out;
  const auto v = topo.version();
  net.Send(0, i[0], kVrrpMulticastGroup, &out, nullptr);
  EXPECT_EQ(topo.version(), v);  // sending does not touch the topology
  topo.SetLinkUp(l[1], false);
  out.clear();
  net.Send(0, i[0], kVrrpMulticastGroup, &out, nullptr);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dst_iface, i[2]);
  // The host whose link is down cannot send either.
  std::vector<Drop> drops;
  out.clear();
  net.Send(0, i[1], kVrrpMulticastGroup, &out, &drops);
  EXPECT_TRUE(out.empty());
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].reason, DropReason::kInterfaceDown);
}

TEST_F(OneSegment, PartitionIsSymmetricAndOneWayLossIsNot) {
  Network net(&topo, 1);
  net.Partition({{h[0]}, {h[1], h[2]}});
  std::vector<Delivery> out;
  std::vector<Drop> drops;
  net.Send(0, i[0], kVrrpMulticastGroup, &out, &drops);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(drops.size(), 2u);
  net.Send(0, i[1], kVrrpMulticastGroup, &out, nullptr);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dst_iface, i[2]);

  net.Heal();
  net.SetBlocked(h[0], h[1], true);  // node1's frames do not reach node2
  out.clear();
  net.Send(0, i[0], kVrrpMulticastGroup, &out, nullptr);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dst_iface, i[2]);
  out.clear();
  net.Send(0, i[1], kVrrpMulticastGroup, &out, nullptr);
  EXPECT_EQ(out.size(), 2u);  // node2 still reaches node1
}

TEST(Network, LatencyFollowsTheShortestPathAcrossTrunks) {
  // a -- s1 ==(5000)== s2 -- b, and a slower direct trunk s1 ==(9000)== s2.
  Topology topo;
  int s1 = topo.AddSegment("s1"), s2 = topo.AddSegment("s2");
  int ha = topo.AddHost("a"), hb = topo.AddHost("b");
  int ia = topo.AddInterface(ha, "eth0", Ipv4(10, 250, 1, 1));
  int ib = topo.AddInterface(hb, "eth0", Ipv4(10, 250, 1, 2));
  topo.ConnectInterface(ia, s1, {10, 0, 0}, {10, 0, 0});
  topo.ConnectInterface(ib, s2, {20, 0, 0}, {20, 0, 0});
  int slow = topo.ConnectSegments(s1, s2, {9000, 0, 0}, {9000, 0, 0});
  int fast = topo.ConnectSegments(s1, s2, {5000, 0, 0}, {7000, 0, 0});
  const std::optional<Route> r = topo.Unicast(ia, ib);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->base_latency, 10 + 5000 + 20);
  EXPECT_EQ(r->link_count(), 3u);
  EXPECT_EQ(r->directed_link(1), fast * 2);
  EXPECT_EQ(topo.Unicast(ib, ia)->base_latency, 20 + 7000 + 10);
  topo.SetLinkUp(fast, false);
  EXPECT_EQ(topo.Unicast(ia, ib)->base_latency, 10 + 9000 + 20);
  topo.SetLinkUp(slow, false);
  EXPECT_FALSE(topo.Unicast(ia, ib).has_value());
}

TEST(Network, HostsDoNotBridgeBetweenTheirInterfaces) {
  Topology topo;
  int s1 = topo.AddSegment("s1"), s2 = topo.AddSegment("s2");
  int router = topo.AddHost("r"), hb = topo.AddHost("b"), hc = topo.AddHost("c");
  int r0 = topo.AddInterface(router, "eth0", Ipv4(10, 250, 1, 1));
  int r1 = topo.AddInterface(router, "eth1", Ipv4(10, 250, 2, 1));
  int ib = topo.AddInterface(hb, "eth0", Ipv4(10, 250, 1, 2));
  int ic = topo.AddInterface(hc, "eth0", Ipv4(10, 250, 2, 2));
  topo.ConnectInterface(r0, s1, {}, {});
  topo.ConnectInterface(r1, s2, {}, {});
  topo.ConnectInterface(ib, s1, {}, {});
  topo.ConnectInterface(ic, s2, {}, {});
  EXPECT_FALSE(topo.Unicast(ib, ic).has_value());
  std::vector<int> heard;
  topo.ForEachReceiver(ib, [&](const Route& r) { heard.push_back(r.dst_iface); });
  EXPECT_EQ(heard, std::vector<int>{r0});
}

TEST_F(OneSegment, LossAndJitterAreSeededPerLinkAndShareOneDrawPerFrame) {
  topo.SetDirection(l[0] * 2, {100, 50, 0.5});  // node1's uplink: lossy, jittery
  auto run = [&](std::uint64_t seed) {
    Network net(&topo, seed);
    std::vector<Delivery> out;
    std::vector<Time> times;
    int both = 0, none = 0;
    for (int k = 0; k < 1000; ++k) {
      out.clear();
      net.Send(0, i[0], kVrrpMulticastGroup, &out, nullptr);
      // One draw per frame on the shared uplink: both receivers or neither.
      if (out.size() == 2) {
        ++both;
        EXPECT_EQ(out[0].at, out[1].at);
        times.push_back(out[0].at);
      } else {
        EXPECT_TRUE(out.empty());
        ++none;
      }
    }
    EXPECT_GT(both, 400);
    EXPECT_GT(none, 400);
    for (Time t : times) {
      EXPECT_GE(t, 200);
      EXPECT_LE(t, 250);
    }
    return times;
  };
  EXPECT_EQ(run(3), run(3));
  EXPECT_NE(run(3), run(4));
}

}  // namespace
}  // namespace vsim

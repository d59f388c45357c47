// The inference (sim/capture/observer.h): frames built in the test, fed with
// their times.
#include "sim/capture/observer.h"

#include <gtest/gtest.h>

#include "tests/sim/capture/pcap_util.h"

namespace vsim::capture {
namespace {

using test::Advert;
using test::Advert6;
using test::EthGarp;
using test::EthNa;
using test::EthVrrp;
using vrrp::Ipv4;

constexpr std::uint64_t kMacA = 0x020000000001, kMacB = 0x020000000002, kMacC = 0x020000000003;
const Ipv4 kA(10, 250, 0, 1), kB(10, 250, 0, 2);

Time Ms(double ms) { return static_cast<Time>(ms * 1000); }

struct Feed {
  Observer obs;
  std::uint64_t n = 0;
  Time last = 0;
  std::vector<std::pair<std::uint64_t, std::string>> warnings;
  Feed() {
    obs.SetWarningSink(
        [this](std::uint64_t p, const std::string& w) { warnings.emplace_back(p, w); });
  }
  void Add(double ms, const std::vector<std::uint8_t>& bytes, int link = kLinkEthernet) {
    Frame f;
    DecodeFrame(link, bytes, &f);
    last = Ms(ms);
    obs.OnFrame(last, ++n, f);
  }
  // `src` advertises every `adv` seconds from `from` to `to` (ms, inclusive).
  void Adverts(const char* src, std::uint64_t mac, int prio, double from, double to, int vrid = 51,
               int adv = 1) {
    for (double t = from; t <= to + 0.001; t += adv * 1000.0)
      Add(t, EthVrrp(Advert(src, vrid, prio, adv), mac));
  }
  std::vector<ObservedEvent> Finish(double ms) {
    obs.Finish(Ms(ms), n);
    return obs.SortedEvents();
  }
};

// Adverts interleaved in time order from several sources.
struct Timeline {
  struct Item {
    double ms;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Item> items;
  void Adverts(const char* src, std::uint64_t mac, int prio, double from, double to, int vrid = 51,
               int adv = 1, std::vector<Ipv4> vips = {Ipv4(10, 250, 0, 100)}, int version = 2,
               int vlan = -1) {
    for (double t = from; t <= to + 0.001; t += adv * 1000.0)
      items.push_back({t, EthVrrp(Advert(src, vrid, prio, adv, vips, version), mac, vlan)});
  }
  void Add(double ms, std::vector<std::uint8_t> b) { items.push_back({ms, std::move(b)}); }
  void Into(Feed* f) {
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.ms < b.ms; });
    for (const auto& i : items) f->Add(i.ms, i.bytes);
  }
};

int Count(const std::vector<ObservedEvent>& ev, ObservedKind k) {
  int n = 0;
  for (const auto& e : ev) n += e.kind == k;
  return n;
}

TEST(CaptureObserver, SteadyMasterIsOneIntervalWithoutAlerts) {
  Feed f;
  f.Adverts("10.250.0.1", kMacA, 100, 0, 10000);
  const auto ev = f.Finish(10500);
  ASSERT_EQ(f.obs.masters().size(), 1u);
  const auto& m = f.obs.masters()[0];
  EXPECT_EQ(m.source, kA);
  EXPECT_EQ(m.from, 0);
  EXPECT_EQ(m.to, Ms(10500));
  EXPECT_EQ(m.end, "end-of-capture");
  EXPECT_EQ(m.adverts, 11u);
  EXPECT_EQ(m.priority, 100);
  EXPECT_EQ(m.adver_int, vrrp::kSecond);
  for (const auto& e : ev) EXPECT_FALSE(IsAlert(e.kind)) << ObservedKindName(e.kind);
}

TEST(CaptureObserver, CrashedMasterIsSilentThenLostThenBackupTakesOver) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 10000);
  tl.Adverts("10.250.0.2", kMacB, 90, 13610, 20000);  // master-down: 3 s + skew
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(20000);
  ASSERT_EQ(f.obs.masters().size(), 2u);
  EXPECT_EQ(f.obs.masters()[0].source, kA);
  EXPECT_EQ(f.obs.masters()[0].to, Ms(10000));
  EXPECT_EQ(f.obs.masters()[0].end, "silent");
  EXPECT_EQ(f.obs.masters()[1].source, kB);
  EXPECT_EQ(f.obs.masters()[1].from, Ms(13610));
  ASSERT_EQ(Count(ev, ObservedKind::kMasterLost), 1);
  for (const auto& e : ev)
    if (e.kind == ObservedKind::kMasterLost) {
      EXPECT_EQ(e.t, Ms(13000));  // 3 intervals after the last advert
      EXPECT_EQ(e.packet, 11u);   // the last advert before the silence
    }
  EXPECT_EQ(Count(ev, ObservedKind::kSplitBrain), 0);
}

TEST(CaptureObserver, PreemptionEndsTheOldMasterAtTheNewMastersFirstAdvert) {
  Timeline tl;
  tl.Adverts("10.250.0.2", kMacB, 90, 0, 5000);
  tl.Adverts("10.250.0.1", kMacA, 100, 5400, 12000);
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(12000);
  ASSERT_EQ(f.obs.masters().size(), 2u);
  const auto& b = f.obs.masters()[0].source == kB ? f.obs.masters()[0] : f.obs.masters()[1];
  EXPECT_EQ(b.to, Ms(5400));
  EXPECT_EQ(b.end, "superseded");
  EXPECT_EQ(b.by, kA);
  EXPECT_EQ(Count(ev, ObservedKind::kSplitBrain), 0);
  EXPECT_EQ(Count(ev, ObservedKind::kMasterLost), 0);
}

TEST(CaptureObserver, AnAdvertInFlightDuringPreemptionIsNoSplitBrain) {
  Timeline tl;
  tl.Adverts("10.250.0.2", kMacB, 90, 0, 5000);
  tl.Add(5403, EthVrrp(Advert("10.250.0.2", 51, 90), kMacB));  // sent before it heard A
  tl.Adverts("10.250.0.1", kMacA, 100, 5400, 12000);
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(12000);
  EXPECT_EQ(Count(ev, ObservedKind::kSplitBrain), 0);
  for (const auto& m : f.obs.masters())
    if (m.source == kB) {
      EXPECT_EQ(m.to, Ms(5403));
    }
}

TEST(CaptureObserver, TwoSourcesAdvertisingAtOnceAreASplitBrainUntilOneStops) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 20000);
  tl.Adverts("10.250.0.2", kMacB, 90, 5300, 12300);  // partitioned, then heals
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(20000);
  ASSERT_EQ(f.obs.split_brains().size(), 1u);
  const auto& sb = f.obs.split_brains()[0];
  EXPECT_EQ(sb.from, Ms(5300));
  EXPECT_EQ(sb.to, Ms(13000));  // A's advert that B heard
  EXPECT_EQ((std::vector<vrrp::IpAddress>{kA, kB}), sb.sources);
  EXPECT_EQ(Count(ev, ObservedKind::kSplitBrain), 1);
  EXPECT_EQ(Count(ev, ObservedKind::kSplitBrainEnd), 1);
  for (const auto& e : ev)
    if (e.kind == ObservedKind::kSplitBrain) {
      EXPECT_EQ(e.packet, 7u);  // B's first advert
    }
}

TEST(CaptureObserver, PriorityZeroIsAGracefulStop) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 5000);
  tl.Add(5200, EthVrrp(Advert("10.250.0.1", 51, 0), kMacA));
  tl.Adverts("10.250.0.2", kMacB, 90, 5850, 9000);
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(9000);
  EXPECT_EQ(Count(ev, ObservedKind::kPriorityZero), 1);
  EXPECT_EQ(Count(ev, ObservedKind::kMasterLost), 0);
  ASSERT_FALSE(f.obs.masters().empty());
  EXPECT_EQ(f.obs.masters()[0].end, "priority-0");
  EXPECT_EQ(f.obs.masters()[0].to, Ms(5200));
  EXPECT_EQ(f.obs.masters()[0].to_packet, 7u);
}

TEST(CaptureObserver, PriorityChangeIsReported) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 3000);
  tl.Adverts("10.250.0.1", kMacA, 80, 4000, 6000);
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(6000);
  ASSERT_EQ(Count(ev, ObservedKind::kPriority), 1);
  for (const auto& e : ev)
    if (e.kind == ObservedKind::kPriority) {
      EXPECT_EQ(e.value, 100);
      EXPECT_EQ(e.priority, 80);
      EXPECT_EQ(e.packet, 5u);
    }
}

TEST(CaptureObserver, MismatchesAreReportedOncePerPairWithThePacket) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 3000, 51, 1);
  tl.Adverts("10.250.0.2", kMacB, 90, 500, 3000, 51, 2,
             {Ipv4(10, 250, 0, 100), Ipv4(10, 250, 0, 101)});
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(3000);
  int interval = 0, vips = 0;
  for (const auto& e : ev) {
    if (e.kind != ObservedKind::kMismatch) continue;
    interval += e.detail.rfind("advert interval", 0) == 0;
    vips += e.detail.rfind("VIP list", 0) == 0;
    EXPECT_EQ(e.packet, 2u);
  }
  EXPECT_EQ(interval, 1);
  EXPECT_EQ(vips, 1);
  EXPECT_EQ(Count(ev, ObservedKind::kCollision), 0);
}

TEST(CaptureObserver, VersionAndAuthenticationMismatch) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 2000, 51, 1, {Ipv4(10, 250, 0, 100)}, 3);
  auto pass = Advert("10.250.0.2", 51, 90);
  pass.auth_type = vrrp::AuthType::kPass;
  pass.auth_data = {'s', 'e', 'c', 'r', 'e', 't', 0, 0};
  tl.Add(2100, EthVrrp(pass, kMacB));
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(2500);
  bool version = false, auth = false;
  for (const auto& e : ev) {
    version |= e.kind == ObservedKind::kMismatch && e.detail.rfind("version", 0) == 0;
    auth |= e.kind == ObservedKind::kMismatch && e.detail.rfind("authentication", 0) == 0;
  }
  EXPECT_TRUE(version);
  EXPECT_TRUE(auth);
}

TEST(CaptureObserver, DisjointVipListsAreAVridCollision) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 3000, 51, 1, {Ipv4(10, 250, 0, 100)});
  tl.Adverts("10.250.9.1", kMacC, 100, 200, 3200, 51, 1, {Ipv4(10, 250, 9, 100)});
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(3500);
  EXPECT_EQ(Count(ev, ObservedKind::kCollision), 1);
  EXPECT_EQ(Count(ev, ObservedKind::kMismatch), 0);
}

TEST(CaptureObserver, OneVridOnTwoVlansIsTwoGroups) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 5000, 51, 1, {Ipv4(10, 250, 0, 100)}, 2, 10);
  tl.Adverts("10.250.0.2", kMacB, 100, 0, 5000, 51, 1, {Ipv4(10, 250, 0, 100)}, 2, 20);
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(5000);
  EXPECT_EQ(Count(ev, ObservedKind::kSplitBrain), 0);
  const auto groups = f.obs.Groups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].domain.vlan, 10);
  EXPECT_EQ(groups[1].domain.vlan, 20);
  EXPECT_EQ(DomainName(groups[1].domain), "vlan 20");
}

TEST(CaptureObserver, GratuitousArpIsAttributedAndAMoveIsReported) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 3000);
  tl.Add(10, EthGarp("10.250.0.100", kMacA));
  tl.Add(20, EthGarp("10.250.0.100", kMacA));    // same burst: one event
  tl.Add(3500, EthGarp("10.250.0.200", kMacA));  // not a VIP: ignored
  tl.Adverts("10.250.0.2", kMacB, 90, 6700, 9000);
  tl.Add(6710, EthGarp("10.250.0.100", kMacB));
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(9000);
  EXPECT_EQ(Count(ev, ObservedKind::kGarp), 2);
  ASSERT_EQ(Count(ev, ObservedKind::kVipMoved), 1);
  for (const auto& e : ev) {
    if (e.kind == ObservedKind::kGarp && e.t == Ms(10)) {
      EXPECT_EQ(e.source, kA);
    }
    if (e.kind == ObservedKind::kVipMoved) {
      EXPECT_EQ(e.source, kB);
      EXPECT_EQ(e.other, Ipv4(10, 250, 0, 100));
    }
  }
  EXPECT_EQ(f.obs.counts().garp, 4u);
}

TEST(CaptureObserver, CookedCapturesDecode) {
  Feed f;
  f.Add(0, test::SllVrrp(Advert("10.250.0.1", 51, 100), kMacA), kLinkLinuxSll);
  f.Add(1000, test::Sll2Vrrp(Advert("10.250.0.2", 51, 100), kMacB, 3), kLinkLinuxSll2);
  f.Finish(1500);
  const auto groups = f.obs.Groups();
  ASSERT_EQ(groups.size(), 2u);  // SLL2 names the interface: another domain
  EXPECT_EQ(groups[1].domain.ifindex, 3u);
  EXPECT_EQ(f.obs.counts().vrrp, 2u);
}

TEST(CaptureObserver, CorruptPacketsAreWarningsWithTheirNumber) {
  Feed f;
  f.Adverts("10.250.0.1", kMacA, 100, 0, 1000);
  auto cut = EthVrrp(Advert("10.250.0.1", 51, 100), kMacA);
  cut.resize(14 + 22);  // IPv4 header and 2 bytes of VRRP
  f.Add(1500, cut);
  auto bad_sum = EthVrrp(Advert("10.250.0.1", 51, 100), kMacA);
  bad_sum[14 + 20 + 6] ^= 0xff;  // the VRRP checksum
  f.Add(2000, bad_sum);
  f.Add(2500, std::vector<std::uint8_t>(5, 0));  // not even an Ethernet header
  f.Finish(3000);
  ASSERT_EQ(f.warnings.size(), 3u);
  EXPECT_EQ(f.warnings[0].first, 3u);
  EXPECT_NE(f.warnings[0].second.find("VRRP datagram"), std::string::npos) << f.warnings[0].second;
  EXPECT_EQ(f.warnings[1].first, 4u);
  EXPECT_NE(f.warnings[1].second.find("checksum"), std::string::npos);
  EXPECT_EQ(f.warnings[2].first, 5u);
  EXPECT_NE(f.warnings[2].second.find("Ethernet header cut short"), std::string::npos);
}

TEST(CaptureObserver, LiveAdvanceGivesTheSameIntervalsAsOffline) {
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 10000);
  tl.Adverts("10.250.0.2", kMacB, 90, 13610, 20000);
  Feed offline, live;
  Timeline copy = tl;
  tl.Into(&offline);
  // Live: timer ticks every 100 ms between packets.
  std::stable_sort(copy.items.begin(), copy.items.end(),
                   [](const auto& a, const auto& b) { return a.ms < b.ms; });
  double tick = 0;
  for (const auto& i : copy.items) {
    for (; tick < i.ms; tick += 100) live.obs.Advance(Ms(tick));
    live.Add(i.ms, i.bytes);
  }
  offline.Finish(20000);
  live.Finish(20000);
  ASSERT_EQ(offline.obs.masters().size(), live.obs.masters().size());
  for (std::size_t i = 0; i < offline.obs.masters().size(); ++i) {
    EXPECT_EQ(offline.obs.masters()[i].from, live.obs.masters()[i].from);
    EXPECT_EQ(offline.obs.masters()[i].to, live.obs.masters()[i].to);
  }
  EXPECT_EQ(offline.obs.SortedEvents().size(), live.obs.SortedEvents().size());
}

}  // namespace
// IPv6 (VRRPv3 over IPv6, unsolicited neighbour advertisements).

TEST(CaptureObserver, Ipv6AdvertsAreDecodedWithTheirFamily) {
  Feed f;
  for (int s = 0; s <= 4; ++s) f.Add(s * 1000.0, EthVrrp(Advert6("fe80::1", 5, 100), kMacA));
  f.Add(3, EthNa("fd00::100", kMacA));
  const auto ev = f.Finish(4500);
  EXPECT_TRUE(f.warnings.empty()) << f.warnings[0].second;
  ASSERT_EQ(f.obs.masters().size(), 1u);
  const auto& m = f.obs.masters()[0];
  EXPECT_EQ(m.source, *vrrp::IpAddress::Parse("fe80::1"));
  EXPECT_EQ(m.family, vrrp::IpFamily::kV6);
  EXPECT_EQ(m.version, 3);
  EXPECT_EQ(m.adverts, 5u);
  EXPECT_EQ(f.obs.counts().vrrp, 5u);
  EXPECT_EQ(f.obs.counts().ipv6, 5u);
  EXPECT_EQ(f.obs.counts().unsolicited_na, 1u);
  ASSERT_EQ(Count(ev, ObservedKind::kGarp), 1);
  for (const auto& e : ev)
    if (e.kind == ObservedKind::kGarp) {
      EXPECT_EQ(e.other, *vrrp::IpAddress::Parse("fd00::100"));
      EXPECT_EQ(e.source, m.source);  // the advertising source with that MAC
      EXPECT_EQ(e.family, vrrp::IpFamily::kV6);
    }
}

TEST(CaptureObserver, Ipv6VipMovedByNeighbourAdvert) {
  Timeline tl;
  tl.Add(0, EthVrrp(Advert6("fe80::1", 5, 100), kMacA));
  tl.Add(5, EthNa("fd00::100", kMacA));
  tl.Add(1000, EthVrrp(Advert6("fe80::1", 5, 100), kMacA));
  for (int s = 0; s <= 3; ++s) tl.Add(4800 + s * 1000.0, EthVrrp(Advert6("fe80::2", 5, 90), kMacB));
  tl.Add(4805, EthNa("fd00::100", kMacB));
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(8000);
  ASSERT_EQ(Count(ev, ObservedKind::kVipMoved), 1);
  EXPECT_EQ(Count(ev, ObservedKind::kMasterLost), 1);
  EXPECT_EQ(Count(ev, ObservedKind::kSplitBrain), 0);
}

TEST(CaptureObserver, Ipv6HopLimitAndChecksumAreChecked) {
  Feed f;
  auto a = Advert6("fe80::1", 5, 100);
  a.ttl = 64;  // routed multicast
  f.Add(0, EthVrrp(a, kMacA));
  auto bytes = EthVrrp(Advert6("fe80::1", 5, 100), kMacA);
  bytes[14 + 40 + 6] ^= 0xff;  // the VRRP checksum
  f.Add(1000, bytes);
  auto uni = Advert6("fd00::1", 6, 100);
  uni.dst = *vrrp::IpAddress::Parse("fd00::2");
  uni.ttl = 64;  // keepalived's unicast IPv6 adverts: the kernel default, not checked
  f.Add(1000, EthVrrp(uni, kMacA));
  f.Finish(2000);
  ASSERT_EQ(f.warnings.size(), 2u);
  EXPECT_NE(f.warnings[0].second.find("hop limit 64"), std::string::npos) << f.warnings[0].second;
  EXPECT_NE(f.warnings[1].second.find("checksum wrong"), std::string::npos) << f.warnings[1].second;
}

TEST(CaptureObserver, Ipv4AndIpv6InstancesOnOneVridAreNoSplitBrain) {
  // keepalived keeps an IPv4 and an IPv6 instance of one VRID apart (own
  // sockets, own virtual MACs): both MASTER at once is normal, not a split
  // brain, and their VIP lists are no collision.
  Timeline tl;
  tl.Adverts("10.250.0.1", kMacA, 100, 0, 10000, 5, 1, {Ipv4(10, 250, 0, 100)}, 3);
  for (int s = 0; s <= 10; ++s) tl.Add(300 + s * 1000.0, EthVrrp(Advert6("fe80::2", 5, 90), kMacB));
  // Two IPv6 sources at once on that VRID are one, though.
  for (int s = 0; s <= 4; ++s) tl.Add(4500 + s * 1000.0, EthVrrp(Advert6("fe80::3", 5, 80), kMacC));
  Feed f;
  tl.Into(&f);
  const auto ev = f.Finish(10500);
  EXPECT_EQ(Count(ev, ObservedKind::kMismatch), 0);
  EXPECT_EQ(Count(ev, ObservedKind::kCollision), 0);
  ASSERT_EQ(f.obs.split_brains().size(), 1u);
  const auto& sb = f.obs.split_brains()[0];
  EXPECT_EQ(sb.family, vrrp::IpFamily::kV6);
  ASSERT_EQ(sb.sources.size(), 2u);
  EXPECT_EQ(sb.sources[0], *vrrp::IpAddress::Parse("fe80::2"));
  const auto groups = f.obs.Groups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].family, vrrp::IpFamily::kV4);
  EXPECT_EQ(groups[0].vrid, 5);
  EXPECT_EQ(groups[1].family, vrrp::IpFamily::kV6);
  EXPECT_EQ(groups[1].sources.size(), 2u);
}

TEST(CaptureObserver, Ipv6BehindAVlanTagIsItsOwnDomain) {
  Feed f;
  f.Add(0, EthVrrp(Advert6("fe80::1", 5, 100), kMacA, 100));
  f.Add(10, EthVrrp(Advert6("fe80::2", 5, 100), kMacB, 200));
  f.Add(1000, EthVrrp(Advert6("fe80::1", 5, 100), kMacA, 100));
  f.Add(1010, EthVrrp(Advert6("fe80::2", 5, 100), kMacB, 200));
  const auto ev = f.Finish(1500);
  EXPECT_EQ(Count(ev, ObservedKind::kSplitBrain), 0);
  ASSERT_EQ(f.obs.masters().size(), 2u);
  EXPECT_EQ(f.obs.masters()[0].domain.vlan + f.obs.masters()[1].domain.vlan, 300);
}

TEST(CaptureObserver, CutIpv6FramesAreWarnings) {
  Feed f;
  auto cut = EthVrrp(Advert6("fe80::1", 5, 100), kMacA);
  cut.resize(14 + 30);
  f.Add(0, cut);
  auto na = EthNa("fd00::100", kMacA);
  na.resize(14 + 40 + 10);
  f.Add(1, na);
  f.Finish(10);
  ASSERT_EQ(f.warnings.size(), 2u);
  EXPECT_NE(f.warnings[0].second.find("IPv6 header cut short"), std::string::npos);
  EXPECT_NE(f.warnings[1].second.find("neighbour advertisement cut short"), std::string::npos);
}

}  // namespace vsim::capture

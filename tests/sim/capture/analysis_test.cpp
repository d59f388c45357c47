// Capture files end to end (sim/capture/analysis.h): pcap and pcapng files
// written in the test, and every kind of bad input.
#include "sim/capture/analysis.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/trace/json_trace.h"
#include "tests/engine/packet/capture_file.h"
#include "tests/sim/capture/pcap_util.h"

namespace vsim::capture {
namespace {

using test::Advert;
using test::EthGarp;
using test::EthVrrp;
using test::kEpoch;
using test::Pkt;

constexpr std::uint64_t kMacA = 0x020000000001, kMacB = 0x020000000002;

class CaptureFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vrrpsim-capture-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // A failover: A (100) for 10 s, silent, B (90) from 13.61 s, GARPs.
  static std::vector<Pkt> Failover() {
    std::vector<Pkt> v;
    for (int s = 0; s <= 10; ++s)
      v.push_back({kEpoch + s * 1'000'000, EthVrrp(Advert("10.250.0.1", 51, 100), kMacA)});
    v.push_back({kEpoch + 10'000, EthGarp("10.250.0.100", kMacA)});
    std::stable_sort(v.begin(), v.end(),
                     [](const Pkt& a, const Pkt& b) { return a.ts_us < b.ts_us; });
    for (int s = 0; s <= 6; ++s)
      v.push_back(
          {kEpoch + 13'610'000 + s * 1'000'000, EthVrrp(Advert("10.250.0.2", 51, 90), kMacB)});
    v.push_back({kEpoch + 13'620'000, EthGarp("10.250.0.100", kMacB)});
    std::stable_sort(v.begin(), v.end(),
                     [](const Pkt& a, const Pkt& b) { return a.ts_us < b.ts_us; });
    return v;
  }

  std::filesystem::path dir_;
};

std::string Text(const CaptureAnalysis& a) {
  std::ostringstream s;
  WriteCaptureText(a, s);
  return s.str();
}

TEST_F(CaptureFile, PcapFailoverTimelineAndSummary) {
  test::WritePcap(Path("f.pcap"), Failover());
  CaptureAnalysis a;
  std::string error;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("f.pcap"), &a, &error)) << error;
  EXPECT_EQ(a.link_type, "EN10MB");
  EXPECT_EQ(a.counts.packets, 20u);
  EXPECT_EQ(a.counts.vrrp, 18u);
  EXPECT_EQ(a.start_us, kEpoch);
  EXPECT_EQ(a.duration, 19'610'000);
  ASSERT_EQ(a.masters.size(), 2u);
  EXPECT_EQ(a.alerts, 1u);  // the master lost
  const std::string text = Text(a);
  EXPECT_NE(text.find("10.250.0.1 MASTER prio 100"), std::string::npos) << text;
  EXPECT_NE(text.find("! master lost"), std::string::npos) << text;
  EXPECT_NE(text.find("VIP moved: 10.250.0.100 from 02:00:00:00:00:01 to 02:00:00:00:00:02"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("from 2025-12-06T05:46:40.000000Z"), std::string::npos) << text;
  // Deterministic: the same bytes again.
  CaptureAnalysis b;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("f.pcap"), &b, &error));
  EXPECT_EQ(text, Text(b));
  std::ostringstream j1, j2;
  WriteCaptureJson(a, j1);
  WriteCaptureJson(b, j2);
  EXPECT_EQ(j1.str(), j2.str());
  EXPECT_NE(j1.str().find("\"format\": \"vrrpsim-capture\""), std::string::npos);
}

TEST_F(CaptureFile, ObservedTraceReadsBack) {
  test::WritePcap(Path("f.pcap"), Failover());
  CaptureAnalysis a;
  std::string error;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("f.pcap"), &a, &error)) << error;
  const RunResult run = ObservedRun(a);
  EXPECT_TRUE(run.observed);
  ASSERT_EQ(run.hosts.size(), 2u);
  EXPECT_EQ(run.hosts[0].name, "10.250.0.1");
  EXPECT_EQ(run.hosts[0].instances[0], "vrid 51");
  const std::string json = TraceJson(run);
  EXPECT_NE(json.find("\"observed\": true"), std::string::npos);
  const TraceRead back = ReadTraceJson(json, "observed.json");
  ASSERT_TRUE(back.ok()) << (back.diagnostics.empty() ? "" : back.diagnostics[0].ToString());
  ASSERT_EQ(back.runs.size(), 1u);
  EXPECT_TRUE(back.runs[0].observed);
  EXPECT_EQ(TraceJson(back.runs[0]), json);
  int transitions = 0;
  for (const auto& e : back.runs[0].events) transitions += e.kind == TraceKind::kTransition;
  EXPECT_EQ(transitions, 3);  // A up, A down (silent), B up
}

// A minimal pcapng (section header, one interface, enhanced packet blocks):
// written here because libpcap writes only pcap.
void WritePcapng(const std::string& path, const std::vector<Pkt>& pkts) {
  std::string out;
  auto u32 = [&](std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); };
  u32(0x0a0d0d0a);
  u32(28);
  u32(0x1a2b3c4d);
  u16(1);
  u16(0);
  u32(0xffffffff);
  u32(0xffffffff);
  u32(28);
  u32(1);
  u32(20);
  u16(1);
  u16(0);
  u32(65535);
  u32(20);  // IDB, EN10MB, µs
  for (const auto& p : pkts) {
    const std::uint32_t pad = (4 - p.bytes.size() % 4) % 4;
    const std::uint32_t len = 32 + static_cast<std::uint32_t>(p.bytes.size()) + pad;
    u32(6);
    u32(len);
    u32(0);
    u32(static_cast<std::uint32_t>(static_cast<std::uint64_t>(p.ts_us) >> 32));
    u32(static_cast<std::uint32_t>(p.ts_us));
    u32(static_cast<std::uint32_t>(p.bytes.size()));
    u32(static_cast<std::uint32_t>(p.bytes.size()));
    out.append(reinterpret_cast<const char*>(p.bytes.data()), p.bytes.size());
    out.append(pad, '\0');
    u32(len);
  }
  std::ofstream(path, std::ios::binary) << out;
}

TEST_F(CaptureFile, PcapngGivesTheSameAnalysisAsPcap) {
  test::WritePcap(Path("f.pcap"), Failover());
  WritePcapng(Path("f.pcapng"), Failover());
  CaptureAnalysis a, b;
  std::string error;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("f.pcap"), &a, &error)) << error;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("f.pcapng"), &b, &error)) << error;
  b.file = a.file;
  EXPECT_EQ(Text(a), Text(b));
}

TEST_F(CaptureFile, TruncatedCaptureKeepsWhatWasReadAndWarns) {
  test::WritePcap(Path("f.pcap"), Failover());
  std::filesystem::resize_file(Path("f.pcap"), std::filesystem::file_size(Path("f.pcap")) - 20);
  CaptureAnalysis a;
  std::string error;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("f.pcap"), &a, &error)) << error;
  EXPECT_EQ(a.counts.packets, 19u);
  ASSERT_FALSE(a.warnings.empty());
  EXPECT_EQ(a.warnings.back().first, 20u);
  EXPECT_NE(a.warnings.back().second.find("breaks off"), std::string::npos)
      << a.warnings.back().second;
}

TEST_F(CaptureFile, SnapLengthCutsAreWarningsWithThePacketNumber) {
  auto v = Failover();
  v[3].wire_length = static_cast<std::uint32_t>(v[3].bytes.size());
  v[3].bytes.resize(14 + 24);
  test::WritePcap(Path("f.pcap"), v);
  CaptureAnalysis a;
  std::string error;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("f.pcap"), &a, &error)) << error;
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_EQ(a.warnings[0].first, 4u);
  EXPECT_NE(a.warnings[0].second.find("snap length"), std::string::npos) << a.warnings[0].second;
}

TEST_F(CaptureFile, ClockGoingBackwardsIsClampedWithAWarning) {
  auto v = Failover();
  v[5].ts_us = v[4].ts_us - 500'000;
  test::WritePcap(Path("f.pcap"), v);
  CaptureAnalysis a;
  std::string error;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("f.pcap"), &a, &error)) << error;
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_EQ(a.warnings[0].first, 6u);
  EXPECT_NE(a.warnings[0].second.find("before the previous packet"), std::string::npos);
}

TEST_F(CaptureFile, NoVrrpIsSaidSo) {
  test::WritePcap(Path("f.pcap"), {{kEpoch, EthGarp("10.250.0.7", kMacA)}});
  CaptureAnalysis a;
  std::string error;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("f.pcap"), &a, &error)) << error;
  EXPECT_EQ(a.counts.vrrp, 0u);
  EXPECT_NE(Text(a).find("no VRRP advertisement in this capture"), std::string::npos);
}

TEST_F(CaptureFile, BadInputsAreRefusedWithWhatTheyAre) {
  CaptureAnalysis a;
  std::string error;
  EXPECT_FALSE(AnalyzeCaptureFile(Path("missing.pcap"), &a, &error));
  EXPECT_EQ(error, "no such file");
  EXPECT_FALSE(AnalyzeCaptureFile(dir_.string(), &a, &error));
  EXPECT_EQ(error, "is a directory, not a capture file");
  ASSERT_EQ(::mkfifo(Path("fifo").c_str(), 0600), 0);
  EXPECT_FALSE(AnalyzeCaptureFile(Path("fifo"), &a, &error));  // never blocks
  EXPECT_EQ(error, "is a named pipe, not a capture file");
  EXPECT_FALSE(AnalyzeCaptureFile("/dev/zero", &a, &error));
  EXPECT_EQ(error, "is a character device, not a capture file");
  std::ofstream(Path("empty.pcap")).close();
  EXPECT_FALSE(AnalyzeCaptureFile(Path("empty.pcap"), &a, &error));
  EXPECT_NE(error.find("is empty"), std::string::npos) << error;
  std::ofstream(Path("text.pcap")) << "vrrp_instance VI_1 {\n  state MASTER\n}\n";
  EXPECT_FALSE(AnalyzeCaptureFile(Path("text.pcap"), &a, &error));
  EXPECT_NE(error.find("expected pcap or pcapng"), std::string::npos) << error;
  test::WritePcap(Path("wifi.pcap"), {{kEpoch, std::vector<std::uint8_t>(40, 0)}}, 105);
  EXPECT_FALSE(AnalyzeCaptureFile(Path("wifi.pcap"), &a, &error));
  EXPECT_NE(error.find("link type IEEE802_11 is not supported"), std::string::npos) << error;
}

TEST_F(CaptureFile, GarbageAfterAValidHeaderNeverCrashes) {
  test::WritePcap(Path("f.pcap"), Failover());
  std::string bytes;
  {
    std::ifstream in(Path("f.pcap"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Flip bytes all over the packet area, one file per position.
  for (std::size_t pos = 24; pos < bytes.size(); pos += 13) {
    std::string b = bytes;
    b[pos] = static_cast<char>(b[pos] ^ 0x5a);
    std::ofstream(Path("g.pcap"), std::ios::binary) << b;
    CaptureAnalysis a;
    std::string error;
    AnalyzeCaptureFile(Path("g.pcap"), &a, &error);  // any outcome but a crash
  }
}

// IPv6: real keepalived 2.2.7 frames (tests/data/captures/ipv6, recorded by
// tests/conformance/capture/capture_adverts6.sh: IPv6 packets without their
// Ethernet header) put back into Ethernet frames at their recorded times.

constexpr std::uint64_t kMac41 = 0x020000fa0041;  // 02:00:00:fa:00:41

// `name`'s packets from `mac` at kEpoch + `offset_us` + their times. The
// advert files hold a node's first 4 periodic adverts and its priority-0 one
// (SIGTERM) several seconds later: with `until_s` > 0 the last periodic
// advert (the periodic ones are the same bytes) is repeated every second up
// to there, so the node keeps advertising until it stops.
void AddReal(std::vector<Pkt>* v, const std::string& name, std::uint64_t mac,
             std::int64_t offset_us, int vlan = -1, double until_s = 0) {
  const auto frames = vrrp::testing::LoadTimedCapture(name);
  ASSERT_FALSE(frames.empty()) << name;
  auto at = [&](double t) { return kEpoch + offset_us + static_cast<std::int64_t>(t * 1e6 + 0.5); };
  const vrrp::testing::TimedDatagram* periodic = nullptr;
  bool stopped = false;
  auto repeat = [&](double before) {
    if (periodic == nullptr) return;
    for (double t = periodic->t + 1; t < before && t <= until_s; t += 1)
      v->push_back({at(t), test::EthIp(periodic->bytes, mac, vlan)});
  };
  for (const auto& d : frames) {
    const vrrp::DecodedPacket p = vrrp::DecodeAdvert(d.bytes);  // an NA is no advert
    if (p.ok() && p.advert.priority == 0) {
      repeat(d.t);
      stopped = true;
    } else if (p.ok()) {
      periodic = &d;
    }
    v->push_back({at(d.t), test::EthIp(d.bytes, mac, vlan)});
  }
  if (!stopped) repeat(until_s + 1);
}

void SortByTime(std::vector<Pkt>* v) {
  std::stable_sort(v->begin(), v->end(),
                   [](const Pkt& a, const Pkt& b) { return a.ts_us < b.ts_us; });
}

TEST_F(CaptureFile, RealIpv6AdvertsAndNeighbourAdverts) {
  // v3_ip6_mcast: periodic adverts from fe80::ff:fefa:41, VRID 41, VIP
  // fd00:250:1::41 (4 recorded, 4 repeated), then SIGTERM: a priority-0
  // advert at 7.877 s; 10 unsolicited NAs.
  std::vector<Pkt> v;
  AddReal(&v, "ipv6/v3_ip6_mcast", kMac41, 0, -1, 8);
  AddReal(&v, "ipv6/na_v3_ip6_mcast", kMac41, 0);
  SortByTime(&v);
  test::WritePcap(Path("v6.pcap"), v);
  CaptureAnalysis a;
  std::string error;
  ASSERT_TRUE(AnalyzeCaptureFile(Path("v6.pcap"), &a, &error)) << error;
  const std::string text = Text(a);
  EXPECT_EQ(a.warnings_total, 0u) << text;
  EXPECT_EQ(a.alerts, 0u) << text;
  EXPECT_EQ(a.counts.vrrp, 9u);
  EXPECT_EQ(a.counts.ipv6, 9u);
  EXPECT_EQ(a.counts.na, 10u);
  EXPECT_EQ(a.counts.unsolicited_na, 10u);
  ASSERT_EQ(a.masters.size(), 1u);
  EXPECT_EQ(a.masters[0].family, vrrp::IpFamily::kV6);
  EXPECT_EQ(a.masters[0].end, "priority-0");
  EXPECT_EQ(a.masters[0].adverts, 8u);
  for (const char* want : {
           "packets 19 (VRRP 9, ARP 0, gratuitous 0, VRRP over IPv6 9, NA 10, unsolicited 10)",
           "vrid 41 IPv6  fe80::ff:fefa:41 MASTER prio 100 (v3 adver_int 1.000000s auth none "
           "[fd00:250:1::41])",
           "vrid 41 IPv6  unsolicited NA fd00:250:1::41 is-at 02:00:00:fa:00:41 (fe80::ff:fefa:41)",
           "vrid 41 IPv6  fe80::ff:fefa:41 priority 0: graceful stop",
           "  vrid 41 IPv6: sources fe80::ff:fefa:41\n",
       })
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  std::ostringstream j;
  WriteCaptureJson(a, j);
  EXPECT_NE(j.str().find("\"kind\":\"garp\",\"alert\":false,\"family\":6,\"vrid\":41,"),
            std::string::npos)
      << j.str();
  // The observed trace names the instance with its family.
  const RunResult run = ObservedRun(a);
  ASSERT_EQ(run.hosts.size(), 1u);
  EXPECT_EQ(run.hosts[0].name, "fe80::ff:fefa:41");
  EXPECT_EQ(run.hosts[0].instances[0], "vrid 41 IPv6");
}

TEST_F(CaptureFile, RealDualStackCaptureKeepsTheFamiliesApart) {
  // An IPv4 VRRPv3 master (v3_mcast_adv1: 10.250.0.15, VRID 15) and an IPv6
  // one (v3_ip6_mcast, VRID 41) on one link, then the same behind VLAN 7.
  for (const int vlan : {-1, 7}) {
    std::vector<Pkt> v;
    AddReal(&v, "v3_mcast_adv1", kMacA, 0, vlan, 8);
    AddReal(&v, "ipv6/v3_ip6_mcast", kMac41, 300'000, vlan, 8);
    AddReal(&v, "ipv6/na_v3_ip6_mcast", kMac41, 300'000, vlan);
    SortByTime(&v);
    test::WritePcap(Path("dual.pcap"), v);
    CaptureAnalysis a;
    std::string error;
    ASSERT_TRUE(AnalyzeCaptureFile(Path("dual.pcap"), &a, &error)) << error;
    const std::string text = Text(a);
    EXPECT_EQ(a.warnings_total, 0u) << text;
    EXPECT_EQ(a.alerts, 0u) << text;
    ASSERT_EQ(a.groups.size(), 2u) << text;
    EXPECT_EQ(a.groups[0].family, vrrp::IpFamily::kV4);
    EXPECT_EQ(a.groups[0].vrid, 15);
    EXPECT_EQ(a.groups[1].family, vrrp::IpFamily::kV6);
    EXPECT_EQ(a.groups[1].vrid, 41);
    const std::string tag = vlan >= 0 ? "vlan 7 " : "";
    for (const std::string& want : {
             tag + "vrid 15  10.250.0.15 MASTER prio 100 (v3 adver_int 1.000000s",
             tag + "vrid 41 IPv6  fe80::ff:fefa:41 MASTER prio 100",
             tag + "vrid 41 IPv6  unsolicited NA fd00:250:1::41",
             "  " + tag + "vrid 15: sources 10.250.0.15\n",
             "  " + tag + "vrid 41 IPv6: sources fe80::ff:fefa:41\n",
             std::string("\nper group (VRID and address family):\n"),
         })
      EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
    // Two MACs: two nodes, two hosts, as before.
    const RunResult run = ObservedRun(a);
    ASSERT_EQ(run.hosts.size(), 2u);
    EXPECT_EQ(run.hosts[0].name, "10.250.0.15");
    EXPECT_EQ(run.hosts[1].name, "fe80::ff:fefa:41");
  }
}

// The observed trace's hosts for `v`.
RunResult RunOf(const std::string& path, std::vector<Pkt> v) {
  SortByTime(&v);
  test::WritePcap(path, v);
  CaptureAnalysis a;
  std::string error;
  EXPECT_TRUE(AnalyzeCaptureFile(path, &a, &error)) << error;
  return ObservedRun(a);
}

std::vector<std::string> HostNames(const RunResult& run) {
  std::vector<std::string> names;
  for (const auto& h : run.hosts) names.push_back(h.name);
  return names;
}

TEST_F(CaptureFile, DualStackNodeFromOneMacIsOneHost) {
  // keepalived 2.2.7's IPv4 (v3_mcast_adv1: 10.250.0.15, VRID 15) and IPv6
  // (v3_ip6_mcast: fe80::ff:fefa:41, VRID 41) adverts, both from one MAC,
  // as one dual-stack node sends them.
  std::vector<Pkt> v;
  AddReal(&v, "v3_mcast_adv1", kMac41, 0, -1, 8);
  AddReal(&v, "ipv6/v3_ip6_mcast", kMac41, 300'000, -1, 8);
  AddReal(&v, "ipv6/na_v3_ip6_mcast", kMac41, 300'000);
  const RunResult run = RunOf(Path("dual.pcap"), v);
  ASSERT_EQ(run.hosts.size(), 1u);
  EXPECT_EQ(run.hosts[0].name, "10.250.0.15 + fe80::ff:fefa:41");
  EXPECT_EQ(run.hosts[0].instances, (std::vector<std::string>{"vrid 15", "vrid 41 IPv6"}));
  EXPECT_EQ(run.hosts[0].vrids, (std::vector<int>{15, 41}));
  int masters = 0;
  for (const auto& e : run.events) {
    if (e.kind != TraceKind::kTransition) continue;
    EXPECT_EQ(e.host, 0);
    EXPECT_EQ(e.instance, e.vrid == 15 ? 0 : 1);
    masters += e.to == vrrp::State::kMaster;
  }
  EXPECT_EQ(masters, 2);
  EXPECT_TRUE(run.split_brain.empty());
  const std::string json = TraceJson(run);
  const TraceRead back = ReadTraceJson(json, "observed.json");
  ASSERT_TRUE(back.ok()) << (back.diagnostics.empty() ? "" : back.diagnostics[0].ToString());
  EXPECT_EQ(TraceJson(back.runs[0]), json);
}

TEST_F(CaptureFile, TwoDualStackNodesAreTwoHostsAndSplitBrainMapsToThem) {
  // Node 1: the real dual-stack frames from kMacA; node 2 (kMacB) advertises
  // the same two groups at once: a split brain in each, between the hosts.
  std::vector<Pkt> v;
  AddReal(&v, "v3_mcast_adv1", kMacA, 0, -1, 8);
  AddReal(&v, "ipv6/v3_ip6_mcast", kMacA, 300'000, -1, 8);
  const std::vector<vrrp::Ipv4> vip4 = {vrrp::Ipv4(10, 250, 1, 15)};
  const std::vector<vrrp::IpAddress> vip6 = {*vrrp::IpAddress::Parse("fd00:250:1::41")};
  for (int s = 0; s <= 5; ++s) {
    v.push_back({kEpoch + 500'000 + s * 1'000'000,
                 EthVrrp(Advert("10.250.0.3", 15, 90, 1, vip4, 3), kMacB)});
    v.push_back({kEpoch + 600'000 + s * 1'000'000,
                 EthVrrp(test::Advert6("fe80::3", 41, 90, 1, vip6), kMacB)});
  }
  const RunResult run = RunOf(Path("two.pcap"), v);
  // Ordered by their lowest source: 10.250.0.3 < 10.250.0.15.
  EXPECT_EQ(HostNames(run),
            (std::vector<std::string>{"10.250.0.3 + fe80::3", "10.250.0.15 + fe80::ff:fefa:41"}));
  ASSERT_EQ(run.split_brain.size(), 2u);
  for (const auto& sb : run.split_brain) EXPECT_EQ(sb.hosts, (std::vector<int>{0, 1}));
  for (const auto& e : run.events)
    if (e.kind == TraceKind::kTransition) {
      EXPECT_EQ(e.host, e.priority == 90 ? 0 : 1) << e.detail;
    }
}

TEST_F(CaptureFile, SourcesAreNotTiedByAVirtualMacTwoMacsOrAShareGroup) {
  const std::vector<vrrp::Ipv4> vip4 = {vrrp::Ipv4(10, 250, 1, 15)};
  const std::vector<vrrp::IpAddress> vip6 = {*vrrp::IpAddress::Parse("fd00:250:1::41")};
  auto v4 = [&](const char* src, std::uint64_t mac, int s) {
    return Pkt{kEpoch + s * 1'000'000, EthVrrp(Advert(src, 15, 100, 1, vip4, 3), mac)};
  };
  auto v6 = [&](const char* src, std::uint64_t mac, int s) {
    return Pkt{kEpoch + 200'000 + s * 1'000'000,
               EthVrrp(test::Advert6(src, 41, 100, 1, vip6), mac)};
  };
  // use_vmac: IPv4 and IPv6 adverts from VRRP virtual MACs (any MASTER of
  // the VRID sends from them), here even the same one.
  for (const std::uint64_t vmac : {0x00005e00010fULL, 0x00005e000229ULL}) {
    std::vector<Pkt> v;
    for (int s = 0; s < 3; ++s) {
      v.push_back(v4("10.250.0.15", vmac, s));
      v.push_back(v6("fe80::ff:fefa:41", vmac, s));
    }
    EXPECT_EQ(HostNames(RunOf(Path("vmac.pcap"), v)),
              (std::vector<std::string>{"10.250.0.15", "fe80::ff:fefa:41"}));
  }
  // The IPv4 source shows from two MACs: which node it is, is not known.
  {
    std::vector<Pkt> v;
    for (int s = 0; s < 3; ++s) {
      v.push_back(v4("10.250.0.15", s == 2 ? kMacB : kMacA, s));
      v.push_back(v6("fe80::ff:fefa:41", kMacA, s));
    }
    EXPECT_EQ(HostNames(RunOf(Path("moved.pcap"), v)),
              (std::vector<std::string>{"10.250.0.15", "fe80::ff:fefa:41"}));
  }
  // Two IPv4 sources of VRID 15 and an IPv6 one, all from one MAC: two
  // routers of one group are two hosts, so none is tied.
  {
    std::vector<Pkt> v;
    for (int s = 0; s < 3; ++s) {
      v.push_back(v4("10.250.0.15", kMacA, s));
      v.push_back(v4("10.250.0.16", kMacA, s));
      v.push_back(v6("fe80::ff:fefa:41", kMacA, s));
    }
    EXPECT_EQ(HostNames(RunOf(Path("shared.pcap"), v)),
              (std::vector<std::string>{"10.250.0.15", "10.250.0.16", "fe80::ff:fefa:41"}));
  }
  // Raw IP (no MAC at all): one host per source.
  {
    std::vector<Pkt> v;
    for (int s = 0; s < 3; ++s) {
      v.push_back(
          {kEpoch + s * 1'000'000, vrrp::EncodeIpv4(Advert("10.250.0.15", 15, 100, 1, vip4, 3))});
      v.push_back({kEpoch + 200'000 + s * 1'000'000,
                   vrrp::EncodeIpv6(test::Advert6("fe80::ff:fefa:41", 41, 100, 1, vip6))});
    }
    SortByTime(&v);
    test::WritePcap(Path("raw.pcap"), v, DLT_RAW);
    CaptureAnalysis a;
    std::string error;
    ASSERT_TRUE(AnalyzeCaptureFile(Path("raw.pcap"), &a, &error)) << error;
    EXPECT_EQ(a.counts.vrrp, 6u);
    EXPECT_EQ(HostNames(ObservedRun(a)),
              (std::vector<std::string>{"10.250.0.15", "fe80::ff:fefa:41"}));
  }
}

}  // namespace
}  // namespace vsim::capture

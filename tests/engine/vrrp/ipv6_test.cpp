// IPv6 instances against real keepalived 2.2.7 (tests/data/captures/ipv6):
// for every capture, the keepalived.conf stored in its header is read with
// the real config reader and run in one Daemon on a host with the captured
// node's addresses; its adverts (encoded by the real IPv6 codec, with the
// kernel's flow label taken from the capture) must equal the captured
// packets byte for byte, and its SendGarp actions for the IPv6 VIPs (the
// unsolicited neighbour advertisements) must come in the captured numbers,
// order and spacing. Then the receive path with real packet bytes.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "engine/config/parser.h"
#include "engine/packet/neighbour_advert.h"
#include "engine/packet/vrrp_packet6.h"
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

struct Packet {
  double rel_s = 0;
  std::vector<std::uint8_t> bytes;
};

struct Capture6 {
  std::string name;
  int node = 0;
  std::string conf;
  std::vector<Packet> packets;
};

std::vector<std::uint8_t> FromHex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// tests/data/captures/ipv6/NAME.hex (see the README there).
Capture6 Load(const std::string& name) {
  Capture6 c;
  c.name = name;
  std::ifstream in(std::string(VRRPSIM_TEST_DATA_DIR) + "/captures/ipv6/" + name + ".hex");
  std::string line;
  bool in_conf = false;
  double pending = 0;
  while (std::getline(in, line)) {
    if (line.rfind("# node: ", 0) == 0) {
      const std::size_t a = line.find("fd00:250::") + 10;
      c.node = std::atoi(line.c_str() + a);
    } else if (line == "# keepalived.conf:") {
      in_conf = true;
    } else if (in_conf && line.rfind("#   ", 0) == 0) {
      c.conf += line.substr(4) + "\n";
    } else if (line.rfind("# +", 0) == 0) {
      in_conf = false;
      pending = std::strtod(line.c_str() + 3, nullptr);
    } else if (!line.empty() && line[0] != '#') {
      in_conf = false;
      c.packets.push_back({pending, FromHex(line)});
    } else {
      in_conf = false;
    }
  }
  return c;
}

IpAddress Ip6(const std::string& text) { return IpAddress::Parse(text).value_or(IpAddress()); }

// Node NN: eth0 10.250.0.NN, link-local fe80::ff:fefa:NN (MAC 02:00:00:fa:00:NN).
HostIdentity HostFor(int node) {
  HostIdentity h;
  h.interfaces.emplace_back("eth0", *Ipv4::Parse(("10.250.0." + std::to_string(node)).c_str()),
                            true, Ip6("fe80::ff:fefa:" + std::to_string(node)));
  return h;
}

struct Sent {
  Time at;
  VrrpAdvert advert;
};

struct Garp {
  Time at;
  IpAddress vip;
};

class DaemonRun {
 public:
  explicit DaemonRun(const Capture6& c, DaemonOptions o = {}) {
    ParseResult r = ParseConfig(c.conf, "keepalived.conf");
    ok_ = r.ok();
    d_ = std::make_unique<Daemon>(std::move(r.config), HostFor(c.node), o);
  }
  bool ok() const { return ok_; }
  Daemon& d() { return *d_; }
  void Collect(Time t, const Actions& a) {
    for (const Action& x : a) {
      if (auto* s = std::get_if<SendAdvert>(&x)) sent.push_back({t, s->advert});
      if (auto* g = std::get_if<SendGarp>(&x)) garps.push_back({t, g->vip});
      if (auto* l = std::get_if<LogLine>(&x)) logs.push_back(l->text);
    }
  }
  void Start() {
    Actions a;
    d_->Start(0, &a);
    Collect(0, a);
  }
  void RunUntil(Time end) {
    for (Time t = d_->NextDeadline(); t != kNever && t <= end; t = d_->NextDeadline()) {
      Actions a;
      d_->OnTimer(t, &a);
      Collect(t, a);
    }
  }
  std::vector<Sent> sent;
  std::vector<Garp> garps;
  std::vector<std::string> logs;

 private:
  bool ok_ = false;
  std::unique_ptr<Daemon> d_;
};

std::string Hex(const std::vector<std::uint8_t>& b) {
  std::string s;
  static const char* kDigits = "0123456789abcdef";
  for (std::uint8_t x : b) {
    s += kDigits[x >> 4];
    s += kDigits[x & 15];
  }
  return s;
}

const std::vector<std::string>& AdvertCaptures() {
  static const std::vector<std::string> kNames = {"v3_ip6_mcast",
                                                  "v3_ip6_3vips",
                                                  "v3_ip6_unicast",
                                                  "v3_ip6_unicast_2peers",
                                                  "v3_ip6_prio0_sigterm",
                                                  "v3_ip6_adv050",
                                                  "v3_ip6_asked_v2_pass",
                                                  "v3_ip6_asked_ah",
                                                  "v3_ip6_garp_2x1",
                                                  "v3_ip6_linklocal_vip",
                                                  "v3_ip6_version2_after_vips",
                                                  "v3_ip6_global_v2"};
  return kNames;
}

// R16 over IPv6: link-local source (multicast) or unicast_src_ip, ff02::12 or
// each peer, hop limit 255 (multicast) or the kernel's 64 (unicast), then the
// priority-0 advert(s) on SIGTERM.
TEST(Ipv6Captures, AdvertsMatchKeepalivedByteForByte) {
  for (const std::string& name : AdvertCaptures()) {
    SCOPED_TRACE(name);
    const Capture6 c = Load(name);
    ASSERT_FALSE(c.packets.empty());
    DaemonRun run(c);
    ASSERT_TRUE(run.ok());
    run.Start();
    // Four periodic send rounds.
    std::size_t periodic = 0;
    for (const Packet& p : c.packets)
      if (p.bytes.size() > 42 && p.bytes[42] != 0) ++periodic;
    for (Time end = 0; run.sent.size() < periodic && end < 60 * kSecond; end += 100 * kMillisecond)
      run.RunUntil(end);
    ASSERT_EQ(run.sent.size(), periodic);
    Actions a;
    const Time stop = run.sent.back().at + 500 * kMillisecond;
    run.d().Stop(stop, &a);
    run.Collect(stop, a);
    ASSERT_EQ(run.sent.size(), c.packets.size());
    for (std::size_t i = 0; i < c.packets.size(); ++i) {
      Ipv6Extras ex;
      ASSERT_TRUE(DecodeIpv6(c.packets[i].bytes, &ex).ok());
      EXPECT_EQ(Hex(EncodeIpv6(run.sent[i].advert, FlowLabel{ex.flow_label})),
                Hex(c.packets[i].bytes))
          << "#" << i;
    }
  }
}

// R50 for IPv6 VIPs: garp_master_repeat rounds of one NA per VIP in config
// order with the first advert, and as many again garp_master_delay later,
// as captured (5 + 5 at +5 s by default; 2 + 2 at +1 s with repeat 2 /
// delay 1). The -D log lines name neighbour adverts, as keepalived's do.
TEST(Ipv6Captures, UnsolicitedNeighbourAdvertsAsCaptured) {
  for (const char* name : {"v3_ip6_mcast", "v3_ip6_3vips", "v3_ip6_unicast", "v3_ip6_adv050",
                           "v3_ip6_garp_2x1", "v3_ip6_linklocal_vip"}) {
    SCOPED_TRACE(name);
    const Capture6 c = Load(name);
    const Capture6 na = Load(std::string("na_") + name);
    ASSERT_FALSE(na.packets.empty());
    DaemonOptions o;
    o.detailed_logging = true;
    DaemonRun run(c, o);
    ASSERT_TRUE(run.ok());
    run.Start();
    run.RunUntil(20 * kSecond);
    ASSERT_FALSE(run.sent.empty());
    const Time first = run.sent.front().at;
    std::vector<Garp> garps;
    for (const Garp& g : run.garps)
      if (g.at <= first + 11 * kSecond) garps.push_back(g);
    ASSERT_EQ(garps.size(), na.packets.size());
    for (std::size_t i = 0; i < garps.size(); ++i) {
      const auto decoded = DecodeNeighbourAdvert(na.packets[i].bytes);
      ASSERT_TRUE(decoded.has_value());
      EXPECT_EQ(garps[i].vip, decoded->target) << "#" << i;
      // The capture's times are ours plus keepalived's scheduling latency.
      const double ours = static_cast<double>(garps[i].at - first) / kSecond;
      EXPECT_GE(na.packets[i].rel_s, ours) << "#" << i;
      EXPECT_LT(na.packets[i].rel_s, ours + 0.1) << "#" << i;
    }
    // keepalived's own log of the run: the same lines, as often.
    std::ifstream log(std::string(VRRPSIM_TEST_DATA_DIR) + "/captures/ipv6/" + name + ".log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    for (const std::string& what :
         {std::string("Sending/queueing Unsolicited Neighbour Adverts on eth0 for "),
          std::string("Sending unsolicited Neighbour Advert on eth0 for "),
          std::string("the first IPv6 VIP address should be link local")}) {
      std::size_t in_capture = 0;
      for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++in_capture;
      std::size_t ours = 0;
      for (const std::string& l : run.logs)
        if (l.find(what) != std::string::npos) ++ours;
      EXPECT_EQ(ours, in_capture) << what;
    }
  }
}

// An IPv4 instance's IPv6 excluded address gets neighbour advertisements,
// each round the VIP's GARP then the eVIP's NA, with keepalived's log lines
// in keepalived's order (captured: v2_ip4_with_ip6_evip).
TEST(Ipv6Captures, AnIpv6ExcludedAddressOfAnIpv4InstanceGetsNeighbourAdverts) {
  const Capture6 na = Load("na_v2_ip4_with_ip6_evip");
  ASSERT_EQ(na.packets.size(), 10u);
  DaemonOptions o;
  o.detailed_logging = true;
  DaemonRun run(na, o);  // the NA file's header holds the config
  ASSERT_TRUE(run.ok());
  run.Start();
  run.RunUntil(20 * kSecond);
  std::vector<Garp> six;
  for (const Garp& g : run.garps)
    if (g.vip.is_v6()) six.push_back(g);
  ASSERT_EQ(six.size(), 10u);
  for (std::size_t i = 0; i < six.size(); ++i) {
    EXPECT_EQ(six[i].vip, Ip6("fd00:250:1::54"));
    const double ours = static_cast<double>(six[i].at - six[0].at) / kSecond;
    EXPECT_GE(na.packets[i].rel_s, ours) << "#" << i;
    EXPECT_LT(na.packets[i].rel_s, ours + 0.1) << "#" << i;
  }
  std::ifstream log(std::string(VRRPSIM_TEST_DATA_DIR) + "/captures/ipv6/v2_ip4_with_ip6_evip.log");
  std::vector<std::string> want, got;
  for (std::string line; std::getline(log, line);) {
    // "Mon Dec  7 08:14:34 2026: " before each line.
    if (line.find("Sending") != std::string::npos) want.push_back(line.substr(26));
  }
  for (const std::string& l : run.logs)
    if (l.find("Sending") != std::string::npos) got.push_back(l);
  EXPECT_EQ(got, want);
}

// A BACKUP IPv6 instance (node 99 running v3_ip6_mcast's config) and real
// adverts from node 41.
class Ipv6Receive : public ::testing::Test {
 protected:
  void SetUp() override {
    Capture6 c = Load("v3_ip6_mcast");
    c.node = 99;
    good_ = c.packets.at(0).bytes;
    run_ = std::make_unique<DaemonRun>(c);
    ASSERT_TRUE(run_->ok());
    run_->Start();
    ASSERT_EQ(run_->d().state(0), State::kBackup);
  }
  // Delivers `bytes` at 1 s; returns the instance's deadline after it.
  Time Deliver(const std::vector<std::uint8_t>& bytes) {
    run_->logs.clear();
    Actions a;
    run_->d().OnPacket(kSecond, bytes, "eth0", &a);
    run_->Collect(kSecond, a);
    return run_->d().instance_deadline(0);
  }
  std::unique_ptr<DaemonRun> run_;
  std::vector<std::uint8_t> good_;
};

TEST_F(Ipv6Receive, AnEqualPriorityAdvertIsAccepted) {
  const Time before = run_->d().instance_deadline(0);
  const Time after = Deliver(good_);
  EXPECT_GT(after, before);  // master-down timer re-armed from 1 s
  EXPECT_TRUE(run_->logs.empty()) << ::testing::PrintToString(run_->logs);
}

TEST_F(Ipv6Receive, HopLimitMustBe255) {
  std::vector<std::uint8_t> b = good_;
  b[7] = 254;  // not covered by the checksum
  const Time before = run_->d().instance_deadline(0);
  EXPECT_EQ(Deliver(b), before);
  EXPECT_EQ(run_->logs,
            std::vector<std::string>{"(VI_41) invalid TTL/HL. Received 254 and expect 255"});
}

// The kernel checks an IPv6 advert's checksum (IPV6_CHECKSUM) and drops a
// bad one: keepalived never sees it, so no log and no effect at all.
TEST_F(Ipv6Receive, ABadChecksumIsDroppedSilently) {
  std::vector<std::uint8_t> b = good_;
  b[46] ^= 0x01;
  const Time before = run_->d().instance_deadline(0);
  EXPECT_EQ(Deliver(b), before);
  EXPECT_TRUE(run_->logs.empty()) << ::testing::PrintToString(run_->logs);
}

// keepalived's IPv6 lengths are the VRRP payload's (its raw IPv6 socket
// strips the header): 8 + 16 per address, never auth bytes.
TEST_F(Ipv6Receive, LengthCheckCountsThePayload) {
  const DecodedPacket d = DecodeIpv6(good_);
  VrrpAdvert a = d.advert;
  a.count = 2;  // one address present
  EXPECT_EQ(Deliver(EncodeIpv6(a)), run_->d().instance_deadline(0));
  EXPECT_EQ(run_->logs,
            std::vector<std::string>{"(VI_41) vrrp packet too short, length 24 and expect 40"});
}

TEST_F(Ipv6Receive, VersionMustMatch) {
  VrrpAdvert a = DecodeIpv6(good_).advert;
  a.version = 2;
  a.adver_int = 1;
  Deliver(EncodeIpv6(a));
  EXPECT_EQ(run_->logs, std::vector<std::string>{"(VI_41) wrong version. Received 2 and expect 3"});
}

// One socket per family: an IPv4 advert for the same VRID never reaches the
// IPv6 instance (nor the reverse).
TEST_F(Ipv6Receive, AnIpv4AdvertOfTheSameVridIsNotForAnIpv6Instance) {
  VrrpAdvert a = DecodeIpv6(good_).advert;
  a.src = *Ipv4::Parse("10.250.0.41");
  a.dst = kVrrpMulticastGroup;
  a.addresses = {IpAddress(*Ipv4::Parse("10.250.1.41"))};
  const Time before = run_->d().instance_deadline(0);
  EXPECT_EQ(Deliver(EncodeIpv4(a)), before);
  EXPECT_TRUE(run_->logs.empty()) << ::testing::PrintToString(run_->logs);
}

// A lower priority advert does not hold the backup back (R14), and the
// instance takes over with the link-local source.
TEST_F(Ipv6Receive, TakesOverWithItsLinkLocalSource) {
  run_->RunUntil(10 * kSecond);
  EXPECT_EQ(run_->d().state(0), State::kMaster);
  ASSERT_FALSE(run_->sent.empty());
  EXPECT_EQ(run_->sent[0].advert.src, Ip6("fe80::ff:fefa:99"));
  EXPECT_EQ(run_->sent[0].advert.dst, kVrrpMulticastGroup6);
}

// Without a link-local address on its interface an IPv6 instance has no
// source and goes to FAULT, as an IPv4 instance on an interface without an
// address does.
TEST(Ipv6Source, NoLinkLocalAddressIsAFault) {
  const Capture6 c = Load("v3_ip6_mcast");
  ParseResult r = ParseConfig(c.conf, "keepalived.conf");
  ASSERT_TRUE(r.ok());
  HostIdentity h;
  h.interfaces.emplace_back("eth0", *Ipv4::Parse("10.250.0.41"), true);
  Daemon with(r.config, HostFor(41));
  Daemon without(r.config, h);
  Actions a, b;
  with.Start(0, &a);
  without.Start(0, &b);
  EXPECT_EQ(with.state(0), State::kBackup);
  EXPECT_EQ(without.state(0), State::kFault);
}

// An IPv6 unicast instance takes the peer's adverts as they arrive: hop
// limit 64 (no hop-limit check for unicast, R13 row 3), demultiplexed by the
// peer's IPv6 address (captured bytes of v3_ip6_unicast, received by its peer).
TEST(Ipv6Unicast, ThePeersAdvertWithHopLimit64IsAccepted) {
  ParseResult r = ParseConfig(
      "vrrp_instance VI_43 {\n"
      "    state BACKUP\n"
      "    interface eth0\n"
      "    virtual_router_id 43\n"
      "    priority 100\n"
      "    unicast_src_ip fd00:250::2\n"
      "    unicast_peer {\n"
      "        fd00:250::43\n"
      "    }\n"
      "    virtual_ipaddress {\n"
      "        fd00:250:1::43/64\n"
      "    }\n"
      "}\n",
      "keepalived.conf");
  ASSERT_TRUE(r.ok());
  Daemon d(std::move(r.config), HostFor(2));
  Actions a;
  d.Start(0, &a);
  const Time before = d.instance_deadline(0);
  const Capture6 c = Load("v3_ip6_unicast");
  ASSERT_EQ(c.packets.at(0).bytes[7], 64);
  a.clear();
  d.OnPacket(kSecond, c.packets.at(0).bytes, "eth0", &a);
  EXPECT_GT(d.instance_deadline(0), before);
  for (const Action& x : a) EXPECT_FALSE(std::holds_alternative<LogLine>(x));
}

// Two IPv6 daemons through the real codec: the higher priority one becomes
// MASTER, the other stays BACKUP, and the master's adverts keep it there.
TEST(Ipv6BytesPath, TwoNodesElectOneMaster) {
  const Capture6 c = Load("v3_ip6_mcast");
  auto config = [&](int prio) {
    std::string conf = c.conf;
    const std::size_t at = conf.find("priority 100");
    conf.replace(at, 12, "priority " + std::to_string(prio));
    ParseResult r = ParseConfig(conf, "keepalived.conf");
    EXPECT_TRUE(r.ok());
    return r.config;
  };
  std::vector<Daemon> d;
  d.emplace_back(config(100), HostFor(61));
  d.emplace_back(config(150), HostFor(62));
  std::vector<Actions> pending(2);
  for (int i = 0; i < 2; ++i) d[i].Start(i * kMillisecond, &pending[i]);
  std::vector<std::uint8_t> bytes;
  // Deliver each node's adverts to the other 1 ms later, for 20 s.
  Time now = 0;
  while (now < 20 * kSecond) {
    for (int i = 0; i < 2; ++i) {
      Actions out = std::move(pending[i]);
      pending[i].clear();
      for (const Action& x : out) {
        if (const auto* s = std::get_if<SendAdvert>(&x)) {
          EncodeAdvert(s->advert, &bytes);
          ASSERT_EQ(bytes[0] >> 4, 6);
          d[1 - i].OnPacket(now + kMillisecond, bytes, "eth0", &pending[1 - i]);
        }
      }
    }
    const Time next = std::min(d[0].NextDeadline(), d[1].NextDeadline());
    ASSERT_NE(next, kNever);
    now = std::max(now + kMillisecond, next);
    for (int i = 0; i < 2; ++i)
      if (d[i].NextDeadline() <= now) d[i].OnTimer(now, &pending[i]);
  }
  EXPECT_EQ(d[0].state(0), State::kBackup);
  EXPECT_EQ(d[1].state(0), State::kMaster);
}

}  // namespace
}  // namespace vrrp

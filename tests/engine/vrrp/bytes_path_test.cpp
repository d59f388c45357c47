// The bytes path (Daemon::OnPacket -> DecodeIpv4 -> the same R13/R14/R17
// logic) and two daemons talking to each other through the real codec.
#include <fstream>
#include <sstream>

#include "engine/config/parser.h"
#include "engine/packet/vrrp_packet.h"
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using namespace vrrp::test;

constexpr Time kUp = 3609375;

TEST(BytesPath, R13_EncodedAdvertValidatesAndIsAccepted) {
  Daemon d(MakeConfig({MakeInstance()}), MakeHost());
  Actions a;
  d.Start(0, &a);
  VrrpAdvert adv = MakePacket(Adv(200)).advert;
  std::vector<std::uint8_t> bytes = EncodeIpv4(adv);
  a.clear();
  d.OnPacket(kSecond, bytes, "eth0", &a);
  EXPECT_EQ(d.instance_deadline(0), kSecond + kUp);
  // A flipped checksum byte is discarded with keepalived's line.
  bytes[20 + 6] ^= 0xff;
  a.clear();
  d.OnPacket(Seconds(2), bytes, "eth0", &a);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(std::get<LogLine>(a[0]).text, "(VI_1) Invalid VRRPv2 checksum");
  EXPECT_EQ(d.instance_deadline(0), kSecond + kUp);
  // Garbage is dropped silently.
  a.clear();
  std::vector<std::uint8_t> junk = {1, 2, 3};
  d.OnPacket(Seconds(3), junk, "eth0", &a);
  EXPECT_TRUE(a.empty());
}

TEST(BytesPath, R16_IpIdAdvancesPerSendRound) {
  VrrpInstance v = MakeInstance();
  v.unicast_peers.push_back({Ip("10.0.0.2"), 0, 255});
  v.unicast_peers.push_back({Ip("10.0.0.3"), 0, 255});
  Daemon d(MakeConfig({v}), MakeHost());
  Actions a;
  d.Start(0, &a);
  d.OnTimer(kUp, &a);
  d.OnTimer(kUp + kSecond, &a);
  std::vector<int> ids;
  for (const Action& x : a)
    if (auto* s = std::get_if<SendAdvert>(&x)) ids.push_back(s->advert.ip_id);
  EXPECT_EQ(ids, (std::vector<int>{1, 1, 2, 2}));
}

// Two daemons on one segment: every SendAdvert of one is encoded and handed
// to the other `latency` later (packets before timers at equal times).
struct Pair {
  Daemon a, b;
  Duration latency;
  std::vector<std::string> transcript;
  struct InFlight {
    Time at;
    std::vector<std::uint8_t> bytes;
    Daemon* to;
  };
  std::vector<InFlight> wire;
  bool partitioned = false;  // drop everything put on the wire

  Pair(VrrpInstance va, VrrpInstance vb, Duration lat = 0)
      : Pair(MakeConfig({va}), MakeConfig({vb}), lat) {}
  Pair(Config ca, Config cb, Duration lat)
      : a(std::move(ca), MakeHost("10.0.0.1")),
        b(std::move(cb), MakeHost("10.0.0.2")),
        latency(lat) {}

  Daemon& Other(const Daemon& d) { return &d == &a ? b : a; }
  const char* Name(const Daemon& d) const { return &d == &a ? "A" : "B"; }

  void Emit(Time t, const Actions& acts, Daemon& from) {
    for (const Action& x : acts) {
      if (auto* n = std::get_if<Notify>(&x))
        transcript.push_back("t=" + std::to_string(t) + " " + Name(from) + " " +
                             StateName(n->from) + "->" + StateName(n->to));
      if (auto* s = std::get_if<SendAdvert>(&x))
        if (!partitioned) wire.push_back({t + latency, EncodeIpv4(s->advert), &Other(from)});
    }
  }
  void Step(Time t, Daemon& d, bool start) {
    Actions acts;
    if (start) {
      d.Start(t, &acts);
    } else {
      d.OnTimer(t, &acts);
    }
    Emit(t, acts, d);
  }
  void RunUntil(Time end) {
    for (;;) {
      Time tw = kNever;
      std::size_t wi = 0;
      for (std::size_t i = 0; i < wire.size(); ++i)
        if (wire[i].at < tw) {
          tw = wire[i].at;
          wi = i;
        }
      const Time ta = a.NextDeadline(), tb = b.NextDeadline();
      const Time t = std::min({tw, ta, tb});
      if (t > end) return;
      if (tw == t) {
        InFlight f = std::move(wire[wi]);
        wire.erase(wire.begin() + static_cast<std::ptrdiff_t>(wi));
        Actions acts;
        f.to->OnPacket(t, f.bytes, "eth0", &acts);
        Emit(t, acts, *f.to);
      } else if (ta == t) {
        Step(t, a, false);
      } else {
        Step(t, b, false);
      }
    }
  }
};

TEST(BytesPath, E1_TwoDaemonsStateMasterPrio100VsPrio90) {
  VrrpInstance n1 = MakeInstance("VI_1", 51, 100);
  n1.initial_state = InitialState::kMaster;
  VrrpInstance n2 = MakeInstance("VI_1", 51, 90);
  Pair p(n1, n2);
  p.Step(0, p.a, true);
  p.Step(500000, p.b, true);
  p.RunUntil(Seconds(20));
  EXPECT_EQ(p.transcript, (std::vector<std::string>{"t=0 A INIT->BACKUP", "t=500000 B INIT->BACKUP",
                                                    "t=3609375 A BACKUP->MASTER"}));
  EXPECT_EQ(p.a.state(0), State::kMaster);
  EXPECT_EQ(p.b.state(0), State::kBackup);
}

TEST(BytesPath, R19_EqualPrioritySimultaneousStartHigherAddressWins) {
  Pair p(MakeInstance(), MakeInstance(), 1000);
  p.Step(0, p.a, true);
  p.Step(0, p.b, true);
  p.RunUntil(Seconds(10));
  // Both time out at the same instant and both become MASTER; A (10.0.0.1)
  // yields on B's (10.0.0.2) advert.
  EXPECT_EQ(p.a.state(0), State::kBackup);
  EXPECT_EQ(p.b.state(0), State::kMaster);
  EXPECT_EQ(p.transcript,
            (std::vector<std::string>{"t=0 A INIT->BACKUP", "t=0 B INIT->BACKUP",
                                      "t=3609375 A BACKUP->MASTER", "t=3609375 B BACKUP->MASTER",
                                      "t=3610375 A MASTER->BACKUP"}));
}

TEST(BytesPath, E3_PartitionGivesSplitBrainHealingHigherAddressWins) {
  // Equal priorities, A started first (MASTER), B BACKUP.
  Pair p(MakeInstance(), MakeInstance(), 1000);
  p.Step(0, p.a, true);
  p.Step(Seconds(2), p.b, true);
  p.RunUntil(Seconds(10));
  ASSERT_EQ(p.a.state(0), State::kMaster);
  ASSERT_EQ(p.b.state(0), State::kBackup);
  // Isolate: B takes over MDI after the last advert it saw (split brain).
  p.partitioned = true;
  p.RunUntil(Seconds(20));
  EXPECT_EQ(p.a.state(0), State::kMaster);
  EXPECT_EQ(p.b.state(0), State::kMaster);
  // Heal: the first advert from B (higher address) makes A yield.
  p.partitioned = false;
  p.RunUntil(Seconds(22));
  EXPECT_EQ(p.a.state(0), State::kBackup);
  EXPECT_EQ(p.b.state(0), State::kMaster);
}

TEST(BytesPath, E2_CrashPeerTakesOverMdiAfterLastAdvert) {
  // n1 prio 100 MASTER, n2 prio 90. n1 is "SIGKILLed" (dropped, nothing
  // sent): n2 becomes MASTER 3.648437 s after the last advert it accepted.
  Pair p(MakeInstance("VI_1", 51, 100), MakeInstance("VI_1", 51, 90));
  p.Step(0, p.a, true);
  p.Step(0, p.b, true);
  p.RunUntil(Seconds(10));
  ASSERT_EQ(p.a.state(0), State::kMaster);
  const Time last_advert = p.a.instance_deadline(0) - kSecond;
  p.partitioned = true;  // from now on A's adverts never arrive
  p.RunUntil(Seconds(20));
  EXPECT_EQ(p.b.state(0), State::kMaster);
  bool found = false;
  for (const std::string& l : p.transcript)
    if (l == "t=" + std::to_string(last_advert + 3648437) + " B BACKUP->MASTER") found = true;
  EXPECT_TRUE(found);
}

Config ParseSeed(const char* file) {
  std::ifstream in(std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/configs/" + file);
  std::stringstream ss;
  ss << in.rdbuf();
  ParseResult r = ParseConfig(ss.str(), file);
  EXPECT_TRUE(r.ok()) << file;
  return std::move(r.config);
}

TEST(BytesPath, SeedMasterBackupWithWeightedScript) {
  // scenarios/seed master-backup: node1 prio 100 (`state MASTER`), node2 prio
  // 99, advert_int 2, PASS auth, chk_app weight -2 every 3 s.
  Pair p(ParseSeed("master-backup-node1.conf"), ParseSeed("master-backup-node2.conf"), 500);
  p.Step(0, p.a, true);
  p.Step(0, p.b, true);
  Actions ignored;
  p.a.OnCheckResult(10000, "chk_app", CheckResult{}, &ignored);
  p.b.OnCheckResult(10000, "chk_app", CheckResult{}, &ignored);
  p.RunUntil(Seconds(20));
  // MDI(100) with a 2 s interval = 6.609375 s; node1 wins the race.
  EXPECT_EQ(p.transcript, (std::vector<std::string>{"t=0 A INIT->BACKUP", "t=0 B INIT->BACKUP",
                                                    "t=6609375 A BACKUP->MASTER"}));
  // node1's check fails: 100 - 2 = 98 < 99, node2 takes over one MDI(99)
  // after the last prio-100 advert it accepted and node1 yields.
  p.a.OnCheckResult(Seconds(20) + 1000, "chk_app", CheckResult{false, 1, false}, &ignored);
  EXPECT_EQ(p.a.effective_priority(0), 98);
  p.RunUntil(Seconds(40));
  EXPECT_EQ(p.a.state(0), State::kBackup);
  EXPECT_EQ(p.b.state(0), State::kMaster);
}

}  // namespace
}  // namespace vrrp

namespace vrrp {
namespace {

using namespace vrrp::test;

TEST(BytesPath, R13_Row8_AhIcvSpiAndReplay) {
  VrrpInstance v = MakeInstance();
  v.auth_type = AuthType::kAh;
  v.auth_pass = "secret";
  Daemon d(MakeConfig({v}), MakeHost());
  Actions a;
  d.Start(0, &a);
  auto bytes = [](const char* key, std::uint32_t seq) {
    VrrpAdvert adv = MakePacket(Adv(200)).advert;
    adv.auth_type = AuthType::kAh;
    adv.auth_type_raw = 2;
    adv.auth_data = {};
    for (std::size_t i = 0; key[i] != 0 && i < 8; ++i)
      adv.auth_data[i] = static_cast<std::uint8_t>(key[i]);
    adv.ah_seq = seq;
    adv.ip_id = static_cast<std::uint16_t>(seq);
    return EncodeIpv4(adv);
  };
  auto logs = [&](Time t, const std::vector<std::uint8_t>& b) {
    Actions out;
    d.OnPacket(t, b, "eth0", &out);
    std::vector<std::string> l;
    for (const Action& x : out)
      if (auto* line = std::get_if<LogLine>(&x)) l.push_back(line->text);
    return l;
  };
  EXPECT_TRUE(logs(kSecond, bytes("secret", 5)).empty());
  EXPECT_EQ(d.instance_deadline(0), kSecond + 3609375);
  EXPECT_EQ(logs(Seconds(2), bytes("secret", 5)),
            std::vector<std::string>{"(VI_1) IPSEC-AH : sequence number 5 already processed. "
                                     "Packet dropped. Local(5)"});
  EXPECT_EQ(logs(Seconds(3), bytes("wrong", 6)),
            std::vector<std::string>{"(VI_1) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to "
                                     "fields mutation or bad password !"});
  EXPECT_TRUE(logs(Seconds(4), bytes("secret", 6)).empty());
  EXPECT_EQ(d.instance_deadline(0), Seconds(4) + 3609375);
}

}  // namespace
}  // namespace vrrp

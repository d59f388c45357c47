#include "sim/world/simulation.h"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "engine/config/parser.h"

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

std::string Instance(const std::string& extra, int priority) {
  return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority " +
         std::to_string(priority) + "\n advert_int 1\n" + extra +
         " virtual_ipaddress {\n  10.250.0.100/24\n }\n}\n";
}

struct Recorder : TraceSink {
  std::vector<TraceEvent> events;
  void OnEvent(const TraceEvent& e) override { events.push_back(e); }
  std::vector<std::string> Transitions(const Simulation& sim) const {
    std::vector<std::string> out;
    for (const auto& e : events)
      if (e.kind == TraceKind::kTransition)
        out.push_back(std::to_string(e.t) + " " + sim.host_name(e.host) + " " +
                      vrrp::StateName(e.from) + "->" + vrrp::StateName(e.to));
    return out;
  }
};

HostSpec Host(const std::string& name, int octet, vrrp::Config config, Duration latency = 0) {
  HostSpec h;
  h.name = name;
  h.config = std::move(config);
  HostInterfaceSpec i;
  i.address = Ipv4(10, 250, 0, static_cast<std::uint8_t>(octet));
  i.up.latency = latency;
  h.interfaces.push_back(i);
  return h;
}

Operation Op(OpKind kind, int host) {
  Operation op;
  op.kind = kind;
  op.host = host;
  return op;
}

// node1 (priority 100) and node2 (90) on one segment, their events recorded;
// node1 starts at 0, node2 at `node2_start`.
struct Pair {
  explicit Pair(SimulationOptions options = {}, Time node2_start = 0) : sim(1, options) {
    sim.AddSink(&rec);
    n1 = sim.AddHost(Host("node1", 1, Parse(Instance("", 100))));
    n2 = sim.AddHost(Host("node2", 2, Parse(Instance("", 90))));
    sim.Schedule(Op(OpKind::kStart, n1), 0);
    sim.Schedule(Op(OpKind::kStart, n2), node2_start);
  }
  Recorder rec;  // outlives sim, which holds a pointer to it
  Simulation sim;
  int n1 = -1, n2 = -1;
};

TEST(Simulation, MasterBackupPairElectsAndFailsOverOnCrash) {
  Simulation sim(1);
  Recorder rec;
  sim.AddSink(&rec);
  const int n1 = sim.AddHost(Host("node1", 1, Parse(Instance(" state MASTER\n", 100))));
  const int n2 = sim.AddHost(Host("node2", 2, Parse(Instance(" state BACKUP\n", 90))));
  sim.Schedule(Op(OpKind::kStart, n1), 0);
  sim.Schedule(Op(OpKind::kStart, n2), 0);
  sim.Schedule(Op(OpKind::kCrash, n1), Seconds(10));
  sim.RunUntil(Seconds(20));
  // R4: both start BACKUP; node1 (100) takes over after its MDI 3.609375 s;
  // node2 accepts its adverts. After the crash node2 waits MDI(90) from the
  // last advert it accepted (sent at 9.609375 s).
  EXPECT_EQ(
      rec.Transitions(sim),
      (std::vector<std::string>{"0 node1 INIT->BACKUP", "0 node2 INIT->BACKUP",
                                "3609375 node1 BACKUP->MASTER", "13257812 node2 BACKUP->MASTER"}));
  EXPECT_EQ(sim.state(n2, 0), State::kMaster);
  // SIGKILL leaves the VIP on node1 (R46): both hosts hold it.
  EXPECT_EQ(sim.host_vips(n1).size(), 1u);
  EXPECT_EQ(sim.host_vips(n2).size(), 1u);
}

TEST(Simulation, GracefulStopHandsOverAfterSkew) {
  Pair p(SimulationOptions{}, Seconds(1));
  Simulation& sim = p.sim;
  [[maybe_unused]] const Recorder& rec = p.rec;
  [[maybe_unused]] const int n1 = p.n1, n2 = p.n2;
  sim.Schedule(Op(OpKind::kStop, n1), Seconds(10));
  sim.RunUntil(Seconds(12));
  // R45: one priority-0 advert; node2 takes over Skew(90) = 648437 µs later.
  const auto t = rec.Transitions(sim);
  ASSERT_GE(t.size(), 5u);
  EXPECT_EQ(t.back(), "10648437 node2 BACKUP->MASTER");
  EXPECT_TRUE(sim.host_vips(n1).empty());
}

TEST(Simulation, PartitionMakesTwoMastersAndHealingResolvesIt) {
  Pair p;
  Simulation& sim = p.sim;
  [[maybe_unused]] const Recorder& rec = p.rec;
  [[maybe_unused]] const int n1 = p.n1, n2 = p.n2;
  Operation part;
  part.kind = OpKind::kPartition;
  part.groups = {{n1}, {n2}};
  sim.Schedule(part, Seconds(10));
  sim.Schedule(Op(OpKind::kHeal, -1), Seconds(20));
  sim.RunUntil(Seconds(15));
  EXPECT_EQ(sim.state(n1, 0), State::kMaster);
  EXPECT_EQ(sim.state(n2, 0), State::kMaster);
  sim.RunUntil(Seconds(25));
  EXPECT_EQ(sim.state(n1, 0), State::kMaster);
  EXPECT_EQ(sim.state(n2, 0), State::kBackup);
}

TEST(Simulation, SameSeedSameEvents) {
  auto run = [](std::uint64_t seed) {
    Simulation sim(seed, SimulationOptions{true, false, false});
    Recorder rec;
    sim.AddSink(&rec);
    const int n1 = sim.AddHost(Host("node1", 1, Parse(Instance("", 100)), 100));
    const int n2 = sim.AddHost(Host("node2", 2, Parse(Instance("", 100)), 100));
    sim.topology().SetDirection(0, {100, 5000, 0.2});
    sim.Schedule(Op(OpKind::kStart, n1), 0);
    sim.Schedule(Op(OpKind::kStart, n2), 0);
    sim.RunUntil(Seconds(60));
    std::ostringstream os;
    for (const auto& e : rec.events)
      os << e.t << ' ' << TraceKindName(e.kind) << ' ' << e.host << ' ' << e.priority << '\n';
    return os.str();
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

TEST(Simulation, RestartOfAMasterStartsTheNewDaemonOnceTheOldOneExited) {
  Pair p(SimulationOptions{}, Seconds(1));
  Simulation& sim = p.sim;
  [[maybe_unused]] const Recorder& rec = p.rec;
  [[maybe_unused]] const int n1 = p.n1, n2 = p.n2;
  sim.Schedule(Op(OpKind::kRestart, n1), Seconds(10));
  sim.RunUntil(Seconds(16));
  // SIGTERM: priority 0, node2 takes over after Skew(90); keepalived exits
  // a second later (R45) and only then does the new one start (BACKUP),
  // which preempts after its master-down interval MDI(100) = 3.609375 s
  // because node2 (90) is lower.
  const auto t = rec.Transitions(sim);
  ASSERT_GE(t.size(), 7u);
  EXPECT_EQ(t[3], "10000000 node1 MASTER->STOP");
  EXPECT_EQ(t[4], "10648437 node2 BACKUP->MASTER");
  EXPECT_EQ(t[5], "11000000 node1 INIT->BACKUP");
  EXPECT_EQ(t[6], "14609375 node1 BACKUP->MASTER");
  EXPECT_EQ(sim.state(n2, 0), State::kBackup);
}

TEST(Simulation, StopDuringARestartCancelsItsStart) {
  Simulation sim(1);
  const int n1 = sim.AddHost(Host("node1", 1, Parse(Instance("", 100))));
  sim.Schedule(Op(OpKind::kStart, n1), 0);
  sim.Schedule(Op(OpKind::kRestart, n1), Seconds(5));
  sim.Schedule(Op(OpKind::kStop, n1), Seconds(5) + 500'000);
  sim.RunUntil(Seconds(10));
  EXPECT_FALSE(sim.daemon_running(n1));
}

TEST(Simulation, WakeupJitterDelaysEachTimerWithinItsBoundAndBreaksPhaseLock) {
  // Two MASTERs of one VRID that do not accept each other's adverts (a
  // foreign cluster: the VIPs differ, R13) re-arm each other's advert timer
  // on every packet (R10). Without wake-up jitter their timers fire at the
  // same instants and the one that runs first (simultaneous host timers run
  // in host order: node1) silences the other for good; with it, each
  // second's race has a random winner, as between real daemons.
  struct Outcome {
    int node1_adverts_while_both_master = 0;
    int far1_adverts_while_both_master = 0;
    std::string events;
  };
  auto run = [](Duration jitter, std::uint64_t seed) {
    Simulation sim(seed, SimulationOptions{true, false, false});
    Recorder rec;
    sim.AddSink(&rec);
    HostSpec a = Host("node1", 1, Parse(Instance("", 100)));
    HostSpec b = Host("far1", 2,
                      Parse("vrrp_instance F {\n interface eth0\n virtual_router_id 51\n "
                            "priority 150\n advert_int 1\n virtual_ipaddress {\n  "
                            "10.250.9.100/24\n }\n}\n"));
    a.wakeup_jitter = b.wakeup_jitter = jitter;
    const int n1 = sim.AddHost(a);
    const int n2 = sim.AddHost(b);
    sim.Schedule(Op(OpKind::kStart, n1), 0);
    sim.Schedule(Op(OpKind::kStart, n2), Seconds(5));
    sim.RunUntil(Seconds(60));
    Outcome out;
    Time far1_master = kNever;
    std::ostringstream os;
    for (const auto& e : rec.events) {
      os << e.t << ' ' << TraceKindName(e.kind) << ' ' << e.host << '\n';
      if (e.kind == TraceKind::kTransition && e.host == n2 && e.to == State::kMaster)
        far1_master = e.t;
      if (e.kind == TraceKind::kTransition && e.host == n1 && e.to == State::kMaster) {
        EXPECT_GE(e.t, 3609375);  // MDI(100), plus at most the jitter
        EXPECT_LE(e.t, 3609375 + jitter);
      }
      if (e.kind == TraceKind::kAdvertSent && far1_master != kNever &&
          e.t > far1_master + Seconds(1))
        ++(e.host == n1 ? out.node1_adverts_while_both_master : out.far1_adverts_while_both_master);
    }
    EXPECT_EQ(sim.state(n1, 0), State::kMaster);
    EXPECT_EQ(sim.state(n2, 0), State::kMaster);
    out.events = os.str();
    return out;
  };
  const Outcome locked = run(0, 1);  // phase-locked: far1 silenced for good
  EXPECT_EQ(locked.far1_adverts_while_both_master, 0);
  EXPECT_GT(locked.node1_adverts_while_both_master, 45);
  const Outcome jittered = run(100, 1);
  EXPECT_GT(jittered.node1_adverts_while_both_master, 5);  // about every other second of ~50
  EXPECT_LT(jittered.node1_adverts_while_both_master, 45);
  // Deterministic per seed; another seed draws differently.
  EXPECT_EQ(jittered.events, run(100, 1).events);
  EXPECT_NE(jittered.events, run(100, 2).events);
  EXPECT_EQ(run(0, 1).events, run(0, 2).events);  // no jitter, no randomness drawn
}

TEST(Simulation, CheckTimeoutCountsAsFailureAfterFallRuns) {
  Simulation sim(1);
  const std::string script =
      "global_defs {\n enable_script_security\n}\nvrrp_script chk {\n script \"/bin/true\"\n "
      "interval 1\n fall 3\n rise 2\n weight -20\n}\n";
  const int n1 =
      sim.AddHost(Host("node1", 1, Parse(script + Instance(" track_script {\n  chk\n }\n", 100))));
  sim.Schedule(Op(OpKind::kStart, n1), 0);
  Operation timeout = Op(OpKind::kSetCheck, n1);
  timeout.name = "chk";
  timeout.check = CheckMode::kTimeout;
  sim.Schedule(timeout, Seconds(30));
  sim.RunUntil(Seconds(30) + 500'000);
  EXPECT_EQ(sim.priority(n1, 0), 100);
  // The script runs every second; the third timed-out run in a row (fall 3)
  // makes it fail (R33/R34): priority 100 - 20.
  sim.RunUntil(Seconds(32) + 500'000);
  EXPECT_EQ(sim.priority(n1, 0), 100);
  sim.RunUntil(Seconds(34));
  EXPECT_EQ(sim.priority(n1, 0), 80);
}

TEST(Simulation, LinkParamsChangeMovesArrivalTimes) {
  Pair p(SimulationOptions{true, false, false});
  Simulation& sim = p.sim;
  [[maybe_unused]] const Recorder& rec = p.rec;
  [[maybe_unused]] const int n1 = p.n1, n2 = p.n2;
  Operation slow = Op(OpKind::kLinkParams, n2);
  slow.name = "eth0";
  slow.down.latency = 300'000;  // towards node2 only
  sim.Schedule(slow, Seconds(10));
  sim.RunUntil(Seconds(15));
  // Every advert node1 sends reaches node2 at once before 10 s and 300 ms
  // later from then on (the route is recomputed when the link changes).
  std::vector<Time> sent, received;
  for (const auto& e : rec.events) {
    if (e.kind == TraceKind::kAdvertSent && e.host == n1) sent.push_back(e.t);
    if (e.kind == TraceKind::kAdvertReceived && e.host == n2) received.push_back(e.t);
  }
  ASSERT_GE(sent.size(), 10u);
  ASSERT_GE(received.size(), 9u);
  for (std::size_t i = 0; i < received.size(); ++i) {
    const Duration delay = sent[i] < Seconds(10) ? 0 : 300'000;
    EXPECT_EQ(received[i], sent[i] + delay) << "advert " << i;
  }
  EXPECT_EQ(sim.state(n2, 0), State::kBackup);  // 300 ms is far below the master-down interval
}

TEST(Simulation, PauseHoldsReceivedAdvertsUntilResume) {
  Pair p(SimulationOptions{true, false, false});
  Simulation& sim = p.sim;
  [[maybe_unused]] const Recorder& rec = p.rec;
  [[maybe_unused]] const int n1 = p.n1, n2 = p.n2;
  Operation pause = Op(OpKind::kPause, n2);
  pause.duration = Seconds(5);
  sim.Schedule(pause, Seconds(10));
  sim.RunUntil(Seconds(20));
  // A frozen BACKUP (VM snapshot, #166) neither receives nor times out: the
  // adverts sent meanwhile reach its daemon together at the resume, before
  // its overdue master-down timer, so it stays BACKUP.
  int during = 0, at_resume = 0;
  for (const auto& e : rec.events) {
    if (e.kind != TraceKind::kAdvertReceived || e.host != n2) continue;
    if (e.t > Seconds(10) && e.t < Seconds(15)) ++during;
    if (e.t == Seconds(15)) ++at_resume;
  }
  EXPECT_EQ(during, 0);
  EXPECT_EQ(at_resume, 5);
  EXPECT_EQ(sim.state(n2, 0), State::kBackup);
  for (const auto& e : rec.events)
    EXPECT_FALSE(e.kind == TraceKind::kTransition && e.host == n2 && e.to == State::kMaster);
}

// IPv6 (issue 18): an IPv6 pair elects and fails over as an IPv4 one, its
// adverts go from the default link-local addresses to ff02::12 through the
// IPv6 codec, and its NAs move a client's neighbour cache.
TEST(Simulation, Ipv6PairElectsFromLinkLocalAndNeighbourAdvertsMoveTheClient) {
  auto v6 = [](int priority) {
    return "vrrp_instance VI_6 {\n interface eth0\n virtual_router_id 60\n priority " +
           std::to_string(priority) +
           "\n advert_int 1\n virtual_ipaddress {\n  fd00:10::100/64\n }\n}\n";
  };
  Simulation sim(1, SimulationOptions{true, false, false});
  Recorder rec;
  sim.AddSink(&rec);
  const int n1 = sim.AddHost(Host("node1", 1, Parse(v6(100))));
  const int n2 = sim.AddHost(Host("node2", 2, Parse(v6(90))));
  ClientSpec c;
  c.name = "client1";
  c.address = Ipv4(10, 250, 0, 50);
  const int client = sim.AddClient(c);
  EXPECT_EQ(sim.topology().iface_link_local6(sim.topology().FindInterface(n2, "eth0")),
            *vrrp::IpAddress::Parse("fe80::2"));
  sim.Schedule(Op(OpKind::kStart, n1), 0);
  sim.Schedule(Op(OpKind::kStart, n2), 0);
  sim.Schedule(Op(OpKind::kStop, n1), Seconds(10));
  sim.RunUntil(Seconds(20));
  const vrrp::IpAddress vip = *vrrp::IpAddress::Parse("fd00:10::100");
  EXPECT_EQ(rec.Transitions(sim),
            (std::vector<std::string>{"0 node1 INIT->BACKUP", "0 node2 INIT->BACKUP",
                                      "3609375 node1 BACKUP->MASTER", "10000000 node1 MASTER->STOP",
                                      "10648437 node2 BACKUP->MASTER"}));
  EXPECT_EQ(sim.host_vips(n2), (std::vector<vrrp::IpAddress>{vip}));
  EXPECT_EQ(sim.client_reaches(client, vip), n2);
  int received = 0, na = 0;
  for (const auto& e : rec.events) {
    if (e.kind == TraceKind::kAdvertSent) {
      EXPECT_EQ(e.addr, vrrp::kVrrpMulticastGroup6);
    }
    if (e.kind == TraceKind::kAdvertReceived && e.host == n2) {
      EXPECT_EQ(e.addr, *vrrp::IpAddress::Parse("fe80::1"));
      ++received;
    }
    if (e.kind == TraceKind::kGarp && e.addr == vip) ++na;
  }
  EXPECT_GT(received, 5);
  EXPECT_GT(na, 0);
}

}  // namespace
}  // namespace vsim

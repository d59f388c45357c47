// RunSkippingRepeats against RunUntil: the same trace, states and event
// counts for random two- and three-node policies under random faults (the
// explorer's and bench (d)'s workload), and real skipping in a quiet run.
#include "sim/world/fast_forward.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/config/parser.h"
#include "sim/core/rng.h"
#include "sim/world/simulation.h"

namespace vsim {
namespace {

using vrrp::Seconds;

struct Lines : TraceSink {
  std::vector<std::string> lines;
  void OnEvent(const TraceEvent& e) override {
    lines.push_back(
        std::to_string(e.t) + " " + TraceKindName(e.kind) + " h" + std::to_string(e.host) + " i" +
        std::to_string(e.instance) + " v" + std::to_string(e.vrid) + " " + vrrp::StateName(e.from) +
        ">" + vrrp::StateName(e.to) + " p" + std::to_string(e.priority) + " " +
        std::to_string(e.value) + " " + vrrp::ReasonName(e.reason) + " " + e.addr.ToString() + " " +
        std::to_string(e.peer_host) + " " + std::to_string(e.op) + " " + e.detail);
  }
};

vrrp::Config Parse(const std::string& text) {
  auto r = vrrp::ParseConfig(text, "t.conf");
  EXPECT_TRUE(r.ok());
  return r.config;
}

// One random world, scheduled from `seed`; `nodes` hosts on one segment.
void Build(Simulation* sim, std::uint64_t seed, int nodes) {
  Rng rng(seed);
  for (int h = 0; h < nodes; ++h) {
    const auto prio = 50 + rng.Below(200);
    std::string text =
        "vrrp_script chk {\n script \"/bin/true\"\n interval " + std::to_string(1 + rng.Below(3)) +
        "\n weight " + std::to_string(static_cast<int>(rng.Below(41)) - 20) +
        "\n}\nvrrp_instance VI_1 {\n interface eth0\n" + (rng.Below(3) == 0 ? " nopreempt\n" : "") +
        " virtual_router_id 51\n priority " + std::to_string(prio) + "\n advert_int " +
        std::to_string(1 + rng.Below(3)) + (rng.Below(2) ? "\n track_script {\n  chk\n }" : "") +
        "\n virtual_ipaddress {\n  10.250.0.100/24\n }\n}\n";
    HostSpec spec;
    spec.name = "node" + std::to_string(h + 1);
    spec.config = Parse(text);
    HostInterfaceSpec eth0;
    eth0.address = vrrp::Ipv4(10, 250, 0, static_cast<std::uint8_t>(h + 1));
    spec.interfaces.push_back(eth0);
    sim->AddHost(std::move(spec));
    Operation start;
    start.kind = OpKind::kStart;
    start.host = h;
    sim->Schedule(start, static_cast<vrrp::Time>(rng.Below(5'000'000)));
  }
  static const OpKind kFaults[] = {OpKind::kCrash,   OpKind::kStop,     OpKind::kRestart,
                                   OpKind::kPause,   OpKind::kSetCheck, OpKind::kPartition,
                                   OpKind::kLinkDown};
  for (int f = 0; f < 4; ++f) {
    Operation op;
    op.kind = kFaults[rng.Below(std::size(kFaults))];
    op.host = static_cast<int>(rng.Below(static_cast<std::uint64_t>(nodes)));
    op.duration = Seconds(1 + static_cast<std::int64_t>(rng.Below(8)));
    op.name = op.kind == OpKind::kLinkDown ? "eth0" : "chk";
    op.check = rng.Below(2) ? CheckMode::kFail : CheckMode::kSucceed;
    if (op.kind == OpKind::kPartition) op.groups = {{op.host}};
    const auto at = Seconds(30) + static_cast<vrrp::Time>(rng.Below(400'000'000));
    sim->Schedule(op, at);
    Operation back;
    back.host = op.host;
    back.kind = op.kind == OpKind::kPartition  ? OpKind::kHeal
                : op.kind == OpKind::kLinkDown ? OpKind::kLinkUp
                                               : OpKind::kStart;
    back.name = "eth0";
    sim->Schedule(back, at + Seconds(static_cast<std::int64_t>(rng.Below(120))));
  }
}

TEST(FastForward, SameRunAsEveryEventSimulated) {
  std::uint64_t skipped_total = 0;
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    const int nodes = 2 + static_cast<int>(seed % 2);
    Simulation plain(seed), fast(seed);
    Lines a, b;
    plain.AddSink(&a);
    fast.AddSink(&b);
    Build(&plain, seed, nodes);
    Build(&fast, seed, nodes);
    plain.RunUntil(Seconds(600));
    const std::uint64_t skipped = RunSkippingRepeats(fast, Seconds(600));
    skipped_total += skipped;
    ASSERT_EQ(a.lines, b.lines) << "seed " << seed;
    EXPECT_EQ(plain.events_processed(), fast.events_processed() + skipped) << "seed " << seed;
    EXPECT_EQ(fast.now(), Seconds(600));
    for (int h = 0; h < nodes; ++h) {
      EXPECT_EQ(plain.state(h, 0), fast.state(h, 0)) << "seed " << seed << " host " << h;
      EXPECT_EQ(plain.priority(h, 0), fast.priority(h, 0)) << "seed " << seed << " host " << h;
    }
    // And the world goes on the same afterwards.
    plain.RunUntil(Seconds(660));
    fast.RunUntil(Seconds(660));
    ASSERT_EQ(a.lines, b.lines) << "seed " << seed << " after the skip";
  }
  // Most of these runs are quiet for minutes: the skip must be real.
  EXPECT_GT(skipped_total, 120u * 100u);
}

TEST(FastForward, QuietPairSkipsAlmostEverything) {
  Simulation sim(7);
  for (int h = 0; h < 2; ++h) {
    HostSpec spec;
    spec.name = "node" + std::to_string(h + 1);
    spec.config = Parse("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority " +
                        std::to_string(100 + h) +
                        "\n advert_int 1\n virtual_ipaddress {\n  10.250.0.100/24\n }\n}\n");
    HostInterfaceSpec eth0;
    eth0.address = vrrp::Ipv4(10, 250, 0, static_cast<std::uint8_t>(h + 1));
    spec.interfaces.push_back(eth0);
    sim.AddHost(std::move(spec));
    Operation start;
    start.kind = OpKind::kStart;
    start.host = h;
    sim.Schedule(start, 0);
  }
  const std::uint64_t skipped = RunSkippingRepeats(sim, Seconds(3600));
  // One advert sent and one received per second for an hour.
  EXPECT_GT(skipped, 7000u);
  EXPECT_LT(sim.events_processed(), 100u);
  EXPECT_EQ(sim.state(1, 0), vrrp::State::kMaster);
  EXPECT_EQ(sim.state(0, 0), vrrp::State::kBackup);
}

}  // namespace
}  // namespace vsim

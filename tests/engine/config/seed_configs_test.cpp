// The three seed configurations parse exactly as keepalived 2.2.7 reads
// them. `keepalived -t` (netns with eth0, no DNS) printed for each:
//   (Line 8) Invalid smtp server mail.example.com 25
//   (VI_1) Ignoring track_interface eth0 since own interface
// and nothing else; vrrpsim reports the same two lines as warnings.
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "engine/config/parser.h"

namespace vrrp {
namespace {

std::string Seed(const std::string& name) {
  return std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/configs/" + name;
}

ParseResult ParseSeed(const std::string& name) {
  std::ifstream in(Seed(name));
  std::stringstream ss;
  ss << in.rdbuf();
  ParseOptions o;
  o.known_interfaces = {"eth0"};
  return ParseConfig(ss.str(), name, o);
}

struct SeedCase {
  const char* file;
  InitialState state;
  int vrid;
  int priority;
  int track_if_line;
};

class SeedConfigTest : public ::testing::TestWithParam<SeedCase> {};

TEST_P(SeedConfigTest, ParsesToTheCompleteModel) {
  const SeedCase& c = GetParam();
  ParseResult r = ParseSeed(c.file);
  ASSERT_TRUE(r.ok());
  // `smtp_server mail.example.com` depends on the host's resolver: no message
  // unless asked for (ParseOptions::resolves). The /dev/tcp check is handed to
  // /bin/sh, dash on Debian: the running daemon's check always fails.
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].ToString(),
            std::string(c.file) +
                ":12:13: warning: vrrp_script chk_app: script '</dev/tcp/127.0.0.1/80' is run by "
                "keepalived with /bin/sh -c (dash), which has no /dev/tcp: it fails every time; "
                "use \"/bin/bash -c '</dev/tcp/127.0.0.1/80'\" or a program that makes the check "
                "[daemon]");
  EXPECT_EQ(r.diagnostics[1].ToString(),
            std::string(c.file) + ":" + std::to_string(c.track_if_line) +
                ":9: warning: (VI_1) Ignoring track_interface eth0 since own interface");

  const Config& cfg = r.config;
  // global_defs: only admin keywords, so every VRRP default stands.
  EXPECT_EQ(cfg.global.vrrp_version, 2);
  EXPECT_EQ(cfg.global.garp_master_delay, Seconds(5));
  EXPECT_EQ(cfg.global.garp_master_repeat, 5);
  EXPECT_EQ(cfg.global.garp_lower_prio_delay, Seconds(5));
  EXPECT_FALSE(cfg.global.vrrp_strict);

  ASSERT_EQ(cfg.scripts.size(), 1u);
  const VrrpScript& s = cfg.scripts[0];
  EXPECT_EQ(s.name, "chk_app");
  EXPECT_EQ(s.script, "</dev/tcp/127.0.0.1/80");
  EXPECT_EQ(s.interval, Seconds(3));
  EXPECT_EQ(s.timeout, Seconds(3));  // unset: the interval
  EXPECT_EQ(s.weight, -2);
  EXPECT_FALSE(s.reverse);
  EXPECT_EQ(s.rise, 1);
  EXPECT_EQ(s.fall, 1);
  EXPECT_FALSE(s.init_fail);

  ASSERT_EQ(cfg.instances.size(), 1u);
  const VrrpInstance& v = cfg.instances[0];
  EXPECT_EQ(v.name, "VI_1");
  EXPECT_EQ(v.initial_state, c.state);
  EXPECT_TRUE(v.state_given);
  EXPECT_EQ(v.interface, "eth0");
  EXPECT_EQ(v.vrid, c.vrid);
  EXPECT_EQ(v.priority, c.priority);
  EXPECT_EQ(v.advert_int, Seconds(2));
  EXPECT_EQ(v.version, 2);
  EXPECT_FALSE(v.nopreempt);
  EXPECT_EQ(v.preempt_delay, 0);
  EXPECT_EQ(v.garp_master_delay, Seconds(3));
  EXPECT_EQ(v.garp_master_repeat, 5);
  EXPECT_EQ(v.garp_master_refresh, 0);
  EXPECT_EQ(v.garp_master_refresh_repeat, 1);
  EXPECT_EQ(v.garp_lower_prio_delay, Seconds(5));  // from the global default
  EXPECT_EQ(v.garp_lower_prio_repeat, 5);
  EXPECT_EQ(v.auth_type, AuthType::kPass);
  EXPECT_EQ(v.auth_pass, "pass123");
  ASSERT_EQ(v.vips.size(), 1u);
  EXPECT_EQ(v.vips[0].addr, Ipv4(192, 168, 10, 1));
  EXPECT_EQ(v.vips[0].prefix_len, 24);
  EXPECT_EQ(v.vips[0].dev, "");
  EXPECT_FALSE(v.vips[0].no_track);
  EXPECT_TRUE(v.evips.empty());
  EXPECT_TRUE(v.track_interfaces.empty());  // own interface: ignored (R38)
  ASSERT_EQ(v.track_scripts.size(), 1u);
  EXPECT_EQ(v.track_scripts[0].name, "chk_app");
  EXPECT_EQ(v.track_scripts[0].weight, -2);  // inherited from vrrp_script
  EXPECT_FALSE(v.track_scripts[0].reverse);
  EXPECT_TRUE(v.track_files.empty());
  EXPECT_FALSE(v.is_unicast());
  EXPECT_EQ(v.unicast_ttl, 255);
  EXPECT_EQ(v.mcast_dst, kVrrpMulticastGroup);
  EXPECT_EQ(v.down_timer_adverts, 3);
  EXPECT_FALSE(v.lower_prio_no_advert);
  EXPECT_FALSE(v.higher_prio_send_advert);
  EXPECT_FALSE(v.strict_mode);
  EXPECT_TRUE(v.accept);  // not strict: accept mode on
  EXPECT_FALSE(v.notify_master.configured());
  EXPECT_EQ(v.sync_group, "");
  EXPECT_TRUE(cfg.sync_groups.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Seeds, SeedConfigTest,
    ::testing::Values(SeedCase{"master-backup-node1.conf", InitialState::kMaster, 81, 100, 26},
                      SeedCase{"master-backup-node2.conf", InitialState::kBackup, 81, 99, 27},
                      SeedCase{"backup-backup.conf", InitialState::kBackup, 83, 99, 26}),
    [](const auto& info) {
      std::string n = info.param.file;
      n = n.substr(0, n.find('.'));
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

TEST(SeedConfigTest, ParsingTwiceGivesIdenticalOutput) {
  ParseResult a = ParseSeed("master-backup-node1.conf");
  ParseResult b = ParseSeed("master-backup-node1.conf");
  ASSERT_EQ(a.diagnostics.size(), b.diagnostics.size());
  for (std::size_t i = 0; i < a.diagnostics.size(); ++i)
    EXPECT_EQ(a.diagnostics[i].ToString(), b.diagnostics[i].ToString());
}

}  // namespace
}  // namespace vrrp

// One test group per keyword family of the reader. Messages quoted in the
// expectations are keepalived 2.2.7's own wording (checked with -t unless a
// comment says otherwise).
#include "engine/config/parser.h"

#include <climits>
#include <gtest/gtest.h>
#include <map>

namespace vrrp {
namespace {

constexpr const char* kVip = "  virtual_ipaddress {\n    10.0.0.100/24\n  }\n";

std::string Instance(const std::string& body, const std::string& name = "VI_1", int vrid = 51) {
  return "vrrp_instance " + name + " {\n  interface eth0\n  virtual_router_id " +
         std::to_string(vrid) + "\n" + body + kVip + "}\n";
}

ParseResult Parse(const std::string& text, ParseOptions o = {}) {
  return ParseConfig(text, "t.conf", o);
}

std::vector<std::string> Messages(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(d.message);
  return out;
}

using Msgs = std::vector<std::string>;

// R37: printed once by keepalived -t for any configuration that would run a
// script without enable_script_security.
constexpr const char* kViolation =
    "SECURITY VIOLATION - scripts are being executed but script_security not enabled.";

// An in-memory include resolver: exact names, plus "*" suffix globs.
class MapResolver : public IncludeResolver {
 public:
  std::map<std::string, std::string> files;
  std::vector<File> Resolve(const std::string&, const std::string& pattern,
                            std::string* error) override {
    std::vector<File> out;
    if (pattern.find("..") != std::string::npos) {
      *error = "refused " + pattern;
      return out;
    }
    for (const auto& [name, content] : files) {
      bool match = pattern.back() == '*' ? name.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0
                                         : name == pattern;
      if (match) out.push_back({name, content});
    }
    return out;
  }
};

// ------------------------------------------------------------ global_defs

TEST(GlobalDefsTest, VrrpKeywords) {
  ParseResult r = Parse(
      "global_defs {\n router_id lb1\n vrrp_version 3\n vrrp_garp_master_delay 7\n"
      " vrrp_garp_master_repeat 2\n vrrp_garp_master_refresh 60\n"
      " vrrp_garp_master_refresh_repeat 3\n vrrp_garp_interval 0.001\n vrrp_startup_delay 5.5\n"
      " enable_script_security\n script_user nobody\n vrrp_lower_prio_no_advert\n"
      " vrrp_higher_prio_send_advert true\n vrrp_down_timer_adverts 5\n"
      " vrrp_mcast_group4 224.0.0.19\n vrrp_check_unicast_src\n vrrp_skip_check_adv_addr on\n"
      " vrrp_notify_priority_changes yes\n log_unknown_vrids\n notify_fifo /run/k.fifo\n}\n" +
      Instance(""));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{});
  const GlobalDefs& g = r.config.global;
  EXPECT_EQ(g.router_id, "lb1");
  EXPECT_EQ(g.vrrp_version, 3);
  EXPECT_EQ(g.garp_master_delay, Seconds(7));
  EXPECT_EQ(g.garp_master_repeat, 2);
  EXPECT_EQ(g.garp_master_refresh, Seconds(60));
  EXPECT_EQ(g.garp_master_refresh_repeat, 3);
  EXPECT_EQ(g.garp_lower_prio_delay, Seconds(7));  // follows garp_master_delay
  EXPECT_EQ(g.garp_lower_prio_repeat, 2);
  EXPECT_EQ(g.garp_interval, Millis(1));
  EXPECT_EQ(g.startup_delay, Millis(5500));
  EXPECT_TRUE(g.enable_script_security);
  EXPECT_EQ(g.script_user, "nobody");
  EXPECT_TRUE(g.lower_prio_no_advert);
  EXPECT_TRUE(g.higher_prio_send_advert);
  EXPECT_EQ(g.down_timer_adverts, 5);
  EXPECT_EQ(g.mcast_group4, Ipv4(224, 0, 0, 19));
  EXPECT_TRUE(g.check_unicast_src);
  EXPECT_TRUE(g.skip_check_adv_addr);
  EXPECT_TRUE(g.notify_priority_changes);
  EXPECT_TRUE(g.log_unknown_vrids);
  EXPECT_EQ(g.notify_fifo, "/run/k.fifo");
  // Instance defaults come from global_defs.
  const VrrpInstance& v = r.config.instances[0];
  EXPECT_EQ(v.version, 3);
  EXPECT_EQ(v.garp_master_delay, Seconds(7));
  EXPECT_EQ(v.garp_master_refresh_repeat, 3);
  EXPECT_EQ(v.down_timer_adverts, 5);
  EXPECT_TRUE(v.lower_prio_no_advert);
  EXPECT_TRUE(v.check_unicast_src);
  EXPECT_EQ(v.mcast_dst, Ipv4(224, 0, 0, 19));
}

// Explicit global lower-priority GARP values stand on their own (they only
// default to vrrp_garp_master_*) and are inherited by every instance that does
// not set its own (checked with a keepalived config dump: "Gratuitous ARP lower
// priority delay = 7", "... repeat = 2" globally and in the instance).
TEST(GlobalDefsTest, GarpLowerPrioDelayAndRepeat) {
  ParseResult r = Parse(
      "global_defs {\n vrrp_garp_master_delay 3\n vrrp_garp_master_repeat 4\n"
      " vrrp_garp_lower_prio_delay 7\n vrrp_garp_lower_prio_repeat 2\n}\n" +
      Instance("", "VI_1", 1) +
      Instance("  garp_lower_prio_delay 1\n  garp_lower_prio_repeat 0\n", "VI_2", 2));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{});
  const GlobalDefs& g = r.config.global;
  EXPECT_EQ(g.garp_master_delay, Seconds(3));
  EXPECT_EQ(g.garp_master_repeat, 4);
  EXPECT_EQ(g.garp_lower_prio_delay, Seconds(7));
  EXPECT_EQ(g.garp_lower_prio_repeat, 2);
  const VrrpInstance& v1 = r.config.instances[0];
  EXPECT_EQ(v1.garp_master_delay, Seconds(3));
  EXPECT_EQ(v1.garp_master_repeat, 4);
  EXPECT_EQ(v1.garp_lower_prio_delay, Seconds(7));
  EXPECT_EQ(v1.garp_lower_prio_repeat, 2);
  const VrrpInstance& v2 = r.config.instances[1];
  EXPECT_EQ(v2.garp_lower_prio_delay, Seconds(1));
  EXPECT_EQ(v2.garp_lower_prio_repeat, 0);  // 0 is allowed here (R51: off)
}

TEST(GlobalDefsTest, AppliesWhereverItAppears) {
  ParseResult r = Parse(Instance("") + "global_defs {\n vrrp_garp_master_repeat 2\n}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.instances[0].garp_master_repeat, 2);
}

TEST(GlobalDefsTest, AdminKeywordsAreAcceptedSilently) {
  ParseResult r = Parse(
      "global_defs {\n notification_email {\n  a@b.c\n  d@e.f\n }\n"
      " notification_email_from x@y.z\n smtp_server 10.0.0.25 25\n smtp_connect_timeout 30\n"
      " smtp_helo_name lb\n enable_traps\n}\n" +
      Instance(""));
  EXPECT_EQ(Messages(r), Msgs{});
}

// Whether a name resolves depends on the host running keepalived: no message
// unless a resolver is given, and then one of class kHost (issue 15, point 5).
TEST(GlobalDefsTest, SmtpServerNameIsAHostCheck) {
  const std::string text = "global_defs {\n smtp_server mail.example.com\n}\n" + Instance("");
  EXPECT_EQ(Messages(Parse(text)), Msgs{});
  ParseOptions o;
  o.resolves = [](const std::string&) { return false; };
  ParseResult r = ParseConfig(text, "t.conf", o);
  EXPECT_EQ(Messages(r), Msgs{"Invalid smtp server mail.example.com 25"});
  EXPECT_EQ(r.diagnostics[0].cls, DiagClass::kHost);
  EXPECT_EQ(
      Messages(
          ParseConfig("global_defs {\n smtp_server localhost 99999\n}\n" + Instance(""), "t.conf")),
      (Msgs{"number '99999' outside range [1, 65535]", "Invalid smtp server localhost 99999"}));
}

TEST(GlobalDefsTest, VrrpMinGarpChangesOnlyDefaults) {
  ParseResult r =
      Parse("global_defs {\n vrrp_min_garp\n vrrp_garp_master_delay 4\n}\n" + Instance(""));
  EXPECT_EQ(r.config.global.garp_master_repeat, 1);
  EXPECT_EQ(r.config.global.garp_master_delay, Seconds(4));
  EXPECT_EQ(r.config.global.garp_master_refresh, 0);
}

// keepalived 2.2.7 reads these as plain flags: an argument, even "off", is
// ignored and the option is set (checked with -t and a config dump).
TEST(GlobalDefsTest, FlagKeywordsIgnoreTheirArgument) {
  ParseResult r = Parse(
      "global_defs {\n vrrp_strict off\n vrrp_check_unicast_src no\n"
      " vrrp_skip_check_adv_addr false\n log_unknown_vrids bogus\n enable_script_security off\n"
      " vrrp_notify_priority_changes bogus\n}\n" +
      Instance("  state MASTER\n  priority 100\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r),
            (Msgs{"Invalid value 'bogus' for global vrrp_notify_priority_changes specified",
                  "(VI_1) State MASTER must match being address owner"}));
  const GlobalDefs& g = r.config.global;
  EXPECT_TRUE(g.vrrp_strict);
  EXPECT_TRUE(g.check_unicast_src);
  EXPECT_TRUE(g.skip_check_adv_addr);
  EXPECT_TRUE(g.log_unknown_vrids);
  EXPECT_TRUE(g.enable_script_security);
  EXPECT_FALSE(g.notify_priority_changes);
}

// keepalived's number readers, each keyword with the reader and wording it
// has in 2.2.7 (checked with -t; tests/data/config/malformed/number_readers).
TEST(GlobalDefsTest, NumberReadersAndTheirMessages) {
  ParseResult r = Parse(
      "global_defs {\n smtp_connect_timeout zz\n vrrp_garp_master_refresh -3\n"
      " vrrp_garp_master_repeat 3000000000\n vrrp_garp_interval 0\n vrrp_garp_interval 1e3\n"
      " vrrp_gna_interval 0.5\n vrrp_startup_delay 0.0000001\n}\n" +
      Instance(""));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(
      Messages(r),
      (Msgs{"invalid number 'zz'", "smtp_connect_timeout 'zz' must be in [0, 4294] - ignoring",
            "negative number '-3'", "Invalid vrrp_garp_master_refresh '-3' - ignoring",
            "number '0' outside range [0.000001, 4294.967295]", "vrrp_garp_interval '0' is invalid",
            "invalid number '1e3'", "number '0.0000001' has too many decimal places",
            "number '0.0000001' outside range [0.001000, 4294.967295]",
            "vrrp_startup_delay '0.0000001' is invalid"}));
  const GlobalDefs& g = r.config.global;
  EXPECT_EQ(g.garp_master_refresh, 0);
  EXPECT_EQ(g.garp_master_repeat, INT_MAX);  // keepalived takes up to UINT_MAX
  // "1e3" is read as the digits before the 'e': 1 µs (keepalived's
  // read_decimal_unsigned with ignore_error), and it is not an error.
  EXPECT_EQ(g.garp_interval, 1);
  EXPECT_EQ(g.startup_delay, 0);
}

// ------------------------------------------------------------ vrrp_script

TEST(VrrpScriptTest, AllKeywords) {
  ParseResult r = Parse(
      "vrrp_script chk {\n script \"/usr/bin/check 'a b'\" \n interval 2\n timeout 5\n"
      " weight -20 reverse\n rise 3\n fall 4\n init_fail\n user nobody\n}\n" +
      Instance("  track_script {\n    chk\n  }\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{kViolation});
  ASSERT_EQ(r.config.scripts.size(), 1u);
  const VrrpScript& s = r.config.scripts[0];
  EXPECT_EQ(s.script, "/usr/bin/check 'a b'");
  EXPECT_EQ(s.interval, Seconds(2));
  EXPECT_EQ(s.timeout, Seconds(5));
  EXPECT_EQ(s.weight, -20);
  EXPECT_TRUE(s.reverse);
  EXPECT_EQ(s.rise, 3);
  EXPECT_EQ(s.fall, 4);
  EXPECT_TRUE(s.init_fail);
  EXPECT_EQ(s.user, "nobody");
  const TrackedScript& t = r.config.instances[0].track_scripts[0];
  EXPECT_EQ(t.weight, -20);
  EXPECT_TRUE(t.reverse);
}

// interval and timeout are whole seconds (read_unsigned, 0..4294).
TEST(VrrpScriptTest, IntervalAndTimeoutAreWholeSeconds) {
  ParseResult r = Parse(
      "vrrp_script chk {\n script /bin/true\n interval 1.5\n timeout -1\n interval 5000\n}\n" +
      Instance("  track_script {\n    chk\n  }\n"));
  ASSERT_TRUE(r.ok());
  Msgs m = Messages(r);
  m.resize(6);
  EXPECT_EQ(m, (Msgs{"invalid number '1.5'",
                     "(chk): vrrp script interval '1.5' must be between 1 and 4294 - ignoring",
                     "negative number '-1'", "(chk): vrrp script timeout '-1' invalid - ignoring",
                     "number '5000' outside range [0, 4294]",
                     "(chk): vrrp script interval '5000' must be between 1 and 4294 - ignoring"}));
  ASSERT_EQ(r.config.scripts.size(), 1u);
  EXPECT_EQ(r.config.scripts[0].interval, Seconds(1));
  EXPECT_EQ(r.config.scripts[0].timeout, Seconds(1));
}

TEST(VrrpScriptTest, WeightOverrideAndReverseFlags) {
  ParseResult r = Parse(
      "vrrp_script a {\n script /a\n weight 5 reverse\n}\n"
      "vrrp_script b {\n script /b\n weight 5\n}\n"
      "vrrp_script c {\n script /c\n weight 5 reverse\n}\n" +
      Instance("  track_script {\n    a weight -7\n    b weight 9 reverse\n    c weight 3 "
               "noreverse\n  }\n"));
  ASSERT_TRUE(r.ok());
  const auto& ts = r.config.instances[0].track_scripts;
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[0].weight, -7);
  EXPECT_FALSE(ts[0].reverse);
  EXPECT_EQ(ts[1].weight, 9);
  EXPECT_TRUE(ts[1].reverse);
  EXPECT_EQ(ts[2].weight, 3);
  EXPECT_FALSE(ts[2].reverse);
}

TEST(VrrpScriptTest, UnusedScriptIsDropped) {
  ParseResult r = Parse("vrrp_script lonely {\n script /x\n}\n" + Instance(""));
  EXPECT_TRUE(r.config.scripts.empty());
  EXPECT_EQ(Messages(r), (Msgs{kViolation, "Warning - script lonely is not used"}));
}

TEST(VrrpScriptTest, ScriptMustBeDefinedBeforeUse) {
  ParseResult r =
      Parse(Instance("  track_script {\n    chk\n  }\n") + "vrrp_script chk {\n script /x\n}\n");
  EXPECT_EQ(Messages(r)[0], "(VI_1) track script chk not found, ignoring...");
  EXPECT_TRUE(r.config.instances[0].track_scripts.empty());
}

TEST(VrrpScriptTest, WeightLimits) {
  // vrrp_script rejects +/-254; a track_script override clamps it (R31).
  ParseResult r = Parse("vrrp_script a {\n script /a\n weight 254\n}\n" +
                        Instance("  track_script {\n    a weight -254\n  }\n"));
  EXPECT_EQ(r.config.scripts[0].weight, 0);
  EXPECT_EQ(r.config.instances[0].track_scripts[0].weight, -253);
  EXPECT_EQ(Messages(r),
            (Msgs{"number '254' outside range [-253, 253]",
                  "vrrp_script a weight 254 must be in [-253, 253]",
                  "(VI_1) weight for a cannot be +/-254. Setting to +/-253", kViolation}));
}

// ------------------------------------------------------------ script security (R37)

// keepalived -t prints the SECURITY VIOLATION line once, without a line
// number, after the reader's messages and before any completion message, for
// any vrrp_script (used or not), instance or sync-group notify script or
// notify FIFO script; vrrpsim points at the first one. Each case checked with
// `keepalived -t` (rc 6).
TEST(ScriptSecurityTest, R37_ViolationForAnyScriptWithoutScriptSecurity) {
  const std::vector<std::string> configs = {
      "vrrp_script chk {\n script /bin/true\n}\n" + Instance(""),  // not even used
      Instance("  notify_master /bin/true\n"),
      Instance("  notify \"/bin/true arg\"\n"),
      "global_defs {\n notify_fifo /run/f\n notify_fifo_script /bin/true\n}\n" + Instance(""),
      "vrrp_sync_group G {\n group {\n  VI_1\n }\n notify_backup /bin/true\n}\n" + Instance(""),
  };
  for (const std::string& text : configs) {
    ParseResult r = Parse(text);
    ASSERT_TRUE(r.ok()) << text;
    auto it = std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                           [](const Diagnostic& d) { return d.message == kViolation; });
    ASSERT_NE(it, r.diagnostics.end()) << text;
    EXPECT_EQ(it->severity, Severity::kWarning);  // lint exit 1
    EXPECT_EQ(std::count_if(r.diagnostics.begin(), r.diagnostics.end(),
                            [](const Diagnostic& d) { return d.message == kViolation; }),
              1);
  }
}

TEST(ScriptSecurityTest, R37_ViolationComesFirstAndPointsAtTheFirstScript) {
  ParseResult r = Parse(
      "vrrp_sync_group G {\n group {\n  VI_1 VI_9\n }\n}\n"
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
      " notify_master /bin/true\n}\nbogus\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r),
            (Msgs{"Unknown keyword 'bogus'", kViolation,
                  "Virtual router VI_9 specified in sync group G doesn't exist - ignoring",
                  "Sync group G has only 1 virtual router(s) - this probably isn't what you want",
                  "(VI_1) No VIP specified; at least one is sensible"}));
  EXPECT_EQ(r.diagnostics[1].where.line, 9);
  EXPECT_EQ(r.diagnostics[1].where.column, 16);
}

// Also before a fatal completion error (the instance without a VRID).
TEST(ScriptSecurityTest, R37_ViolationAlsoBeforeAFatalError) {
  ParseResult r = Parse(
      "vrrp_script chk {\n script /bin/true\n}\n"
      "vrrp_instance VI_1 {\n interface eth0\n track_script {\n  chk\n }\n}\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Messages(r), (Msgs{kViolation, "(VI_1) the virtual router id must be set"}));
}

TEST(ScriptSecurityTest, R37_StartupAndShutdownScriptsHaveTheirOwnLine) {
  ParseResult r = Parse(
      "global_defs {\n startup_script /bin/true\n shutdown_script /bin/true\n}\n"
      "vrrp_script chk {\n script /bin/true\n}\n" +
      Instance("  track_script {\n    chk\n  }\n"));
  EXPECT_EQ(Messages(r), (Msgs{"SECURITY VIOLATION - start/shutdown scripts are being executed "
                               "but script_security not enabled.",
                               kViolation}));
}

// No line: with enable_script_security; for a command whose first word starts
// with '<' (the seeds' `script "</dev/tcp/127.0.0.1/80"` is a file test,
// never executed; "<foo" names nothing keepalived could find); for a
// vrrp_script without `script` (removed).
TEST(ScriptSecurityTest, R37_NoViolation) {
  const std::vector<std::string> configs = {
      "global_defs {\n enable_script_security\n}\nvrrp_script chk {\n script /bin/true\n}\n" +
          Instance("  track_script {\n    chk\n  }\n  notify_master /bin/true\n"),
      "vrrp_script chk {\n script \"</dev/tcp/127.0.0.1/80\"\n}\n" +
          Instance("  track_script {\n    chk\n  }\n"),
      Instance("  notify_master \"</dev/null\"\n"),
      "global_defs {\n startup_script \"</dev/null\"\n}\n" + Instance(""),
      "vrrp_script chk {\n interval 2\n}\n" + Instance(""),
      Instance(""),
  };
  for (const std::string& text : configs) {
    ParseResult r = Parse(text);
    for (const auto& d : r.diagnostics)
      EXPECT_EQ(d.message.find("SECURITY VIOLATION"), std::string::npos) << text;
  }
}

// ------------------------------------------------------------ track_file

TEST(TrackFileTest, GlobalBlockAndInstanceReference) {
  ParseResult r = Parse(
      "track_file tf {\n file /var/run/tf\n weight -3 reverse\n init_file 7 overwrite\n}\n"
      "track_file plain {\n file /p\n}\n" +
      Instance("  track_file {\n    tf\n    plain weight 0\n  }\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{});
  ASSERT_EQ(r.config.track_files.size(), 2u);
  const TrackFile& f = r.config.track_files[0];
  EXPECT_EQ(f.path, "/var/run/tf");
  EXPECT_EQ(f.weight, -3);
  EXPECT_TRUE(f.reverse);
  EXPECT_EQ(f.init_value, 7);
  EXPECT_TRUE(f.init_overwrite);
  EXPECT_EQ(r.config.track_files[1].weight, 1);
  EXPECT_FALSE(r.config.track_files[1].init_value.has_value());
  const auto& tf = r.config.instances[0].track_files;
  ASSERT_EQ(tf.size(), 2u);
  EXPECT_EQ(tf[0].weight, -3);
  EXPECT_TRUE(tf[0].reverse);
  EXPECT_EQ(tf[1].weight, 0);
}

// ------------------------------------------------------------ vrrp_instance

TEST(InstanceTest, ScalarKeywords) {
  ParseResult r = Parse(Instance(
      "  state BACKUP\n  priority 150\n  advert_int 3\n  nopreempt\n  garp_master_delay 1\n"
      "  garp_master_repeat 2\n  garp_master_refresh 10\n  garp_master_refresh_repeat 4\n"
      "  garp_lower_prio_delay 6\n  garp_lower_prio_repeat 0\n  down_timer_adverts 4\n"
      "  lower_prio_no_advert\n  higher_prio_send_advert on\n  skip_check_adv_addr\n"
      "  no_accept\n  notify_priority_changes\n  dont_track_primary\n  mcast_src_ip 10.0.0.1\n"
      "  mcast_dst_ip 224.0.0.20\n  smtp_alert\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{});
  const VrrpInstance& v = r.config.instances[0];
  EXPECT_EQ(v.initial_state, InitialState::kBackup);
  EXPECT_EQ(v.priority, 150);
  EXPECT_EQ(v.advert_int, Seconds(3));
  EXPECT_TRUE(v.nopreempt);
  EXPECT_EQ(v.garp_master_delay, Seconds(1));
  EXPECT_EQ(v.garp_master_repeat, 2);
  EXPECT_EQ(v.garp_master_refresh, Seconds(10));
  EXPECT_EQ(v.garp_master_refresh_repeat, 4);
  EXPECT_EQ(v.garp_lower_prio_delay, Seconds(6));
  EXPECT_EQ(v.garp_lower_prio_repeat, 0);
  EXPECT_EQ(v.down_timer_adverts, 4);
  EXPECT_TRUE(v.lower_prio_no_advert);
  EXPECT_TRUE(v.higher_prio_send_advert);
  EXPECT_TRUE(v.skip_check_adv_addr);
  EXPECT_FALSE(v.accept);
  EXPECT_TRUE(v.notify_priority_changes);
  EXPECT_TRUE(v.dont_track_primary);
  EXPECT_EQ(v.mcast_src_ip, Ipv4(10, 0, 0, 1));
  EXPECT_EQ(v.mcast_dst, Ipv4(224, 0, 0, 20));
}

TEST(InstanceTest, PriorityAndStateDefaults) {
  // R2: no priority + state MASTER = owner; no state + 255 = MASTER.
  ParseResult a = Parse(Instance("  state MASTER\n"));
  EXPECT_EQ(a.config.instances[0].priority, 255);
  ParseResult b = Parse(Instance("  priority 255\n"));
  EXPECT_EQ(b.config.instances[0].initial_state, InitialState::kMaster);
  EXPECT_FALSE(b.config.instances[0].state_given);
  ParseResult c = Parse(Instance(""));
  EXPECT_EQ(c.config.instances[0].priority, 100);
  EXPECT_EQ(c.config.instances[0].initial_state, InitialState::kBackup);
}

TEST(InstanceTest, StateMasterClearsPreemptOptions) {
  ParseResult r =
      Parse(Instance("  state MASTER\n  priority 100\n  nopreempt\n  preempt_delay 3\n"));
  EXPECT_EQ(
      Messages(r),
      (Msgs{"(VI_1) Warning - nopreempt will not work with initial state MASTER - clearing",
            "(VI_1) Warning - preempt delay will not work with initial state MASTER - clearing"}));
  EXPECT_FALSE(r.config.instances[0].nopreempt);
  EXPECT_EQ(r.config.instances[0].preempt_delay, 0);
}

TEST(InstanceTest, PreemptDelayKept) {
  ParseResult r = Parse(Instance("  preempt_delay 2.5\n"));
  EXPECT_EQ(r.config.instances[0].preempt_delay, Millis(2500));
}

// preempt_delay is read like keepalived's read_decimal_unsigned: 6 decimal
// places (rounded on the 7th), and "abc" is taken as 0 after the message.
TEST(InstanceTest, PreemptDelayDecimalReader) {
  ParseResult neg = Parse(Instance("  preempt_delay -1\n"));
  EXPECT_EQ(Messages(neg), (Msgs{"negative number '-1'",
                                 "(VI_1) Preempt_delay not valid! must be between 0-1000"}));
  ParseResult bad = Parse(Instance("  preempt_delay 3\n  preempt_delay abc\n"));
  EXPECT_EQ(Messages(bad), Msgs{"invalid number 'abc'"});
  EXPECT_EQ(bad.config.instances[0].preempt_delay, 0);
  ParseResult fine = Parse(Instance("  preempt_delay 0.0000005\n"));
  EXPECT_EQ(Messages(fine), Msgs{"number '0.0000005' has too many decimal places"});
  EXPECT_EQ(fine.config.instances[0].preempt_delay, 1);
}

// Wordings that differ per keyword (checked with -t).
TEST(InstanceTest, GarpAndFlagMessages) {
  ParseResult r = Parse(
      Instance("  garp_master_refresh -3\n  garp_master_delay x\n  garp_lower_prio_repeat -1\n"
               "  notify_priority_changes bogus\n  smtp_alert bogus\n  check_unicast_src off\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r),
            (Msgs{"negative number '-3'", "(VI_1): Invalid garp_master_refresh '-3' - ignoring",
                  "invalid number 'x'", "(VI_1): garp_master_delay 'x' invalid - ignoring",
                  "negative number '-1'", "(VI_1): Invalid garp_lower_prio_repeat '-1'",
                  "(VI_1) Invalid value 'bogus' for notify_priority_changes specified",
                  "Invalid vrrp_instance smtp_alert parameter bogus",
                  "(VI_1) A unicast keyword has been specified without any unicast peers. "
                  "Defaulting to multicast. This usage is deprecated - please update your "
                  "configuration."}));
  EXPECT_TRUE(r.config.instances[0].check_unicast_src);  // a flag: "off" is ignored
}

TEST(InstanceTest, PreemptClearsNopreempt) {
  ParseResult r = Parse(Instance("  nopreempt\n  preempt\n"));
  EXPECT_FALSE(r.config.instances[0].nopreempt);
}

TEST(InstanceTest, AdvertIntRoundingPerVersion) {
  EXPECT_EQ(Parse(Instance("  advert_int 1.5\n")).config.instances[0].advert_int, Seconds(2));
  EXPECT_EQ(Parse(Instance("  advert_int 0.4\n")).config.instances[0].advert_int, Seconds(1));
  ParseResult v3 = Parse(Instance("  version 3\n  advert_int 0.123\n"));
  EXPECT_EQ(v3.config.instances[0].advert_int, Millis(120));
  EXPECT_EQ(Messages(v3), Msgs{"(VI_1) VRRPv3 advertisement interval 0.123000s must be in units "
                               "of 10ms - rounding"});
  ParseResult big = Parse(Instance("  version 3\n  advert_int 50\n"));
  EXPECT_EQ(big.config.instances[0].advert_int, Millis(40950));
  EXPECT_EQ(Parse(Instance("  version 3\n  advert_int 0.014\n")).config.instances[0].advert_int,
            Millis(10));
}

TEST(InstanceTest, Authentication) {
  ParseResult r =
      Parse(Instance("  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n"));
  EXPECT_EQ(r.config.instances[0].auth_type, AuthType::kPass);
  EXPECT_EQ(r.config.instances[0].auth_pass, "secret");
  ParseResult ah = Parse(Instance("  authentication {\n    auth_type AH\n    auth_pass x\n  }\n"));
  EXPECT_EQ(ah.config.instances[0].auth_type, AuthType::kAh);
  ParseResult v3 = Parse(
      Instance("  version 3\n  authentication {\n    auth_type PASS\n    auth_pass x\n  }\n"));
  EXPECT_EQ(v3.config.instances[0].auth_type, AuthType::kNone);
  EXPECT_EQ(Messages(v3), Msgs{"(VI_1) VRRP version 3 does not support authentication. Ignoring."});
  ParseResult nopass = Parse(Instance("  authentication {\n    auth_type PASS\n  }\n"));
  EXPECT_EQ(nopass.config.instances[0].auth_type, AuthType::kNone);
}

TEST(InstanceTest, VirtualAddresses) {
  ParseResult r = Parse(
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
      " virtual_ipaddress {\n  10.0.0.1/24 dev eth1 label eth1:1 brd 10.0.0.255 scope link\n"
      "  10.0.0.2 no_track\n  10.0.0.3/32 home -nodad\n }\n"
      " virtual_ipaddress_excluded {\n  10.9.9.9/16\n }\n}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{});
  const VrrpInstance& v = r.config.instances[0];
  ASSERT_EQ(v.vips.size(), 3u);
  EXPECT_EQ(v.vips[0].addr, Ipv4(10, 0, 0, 1));
  EXPECT_EQ(v.vips[0].prefix_len, 24);
  EXPECT_EQ(v.vips[0].dev, "eth1");
  EXPECT_EQ(v.vips[0].label, "eth1:1");
  EXPECT_EQ(v.vips[0].broadcast, Ipv4(10, 0, 0, 255));
  EXPECT_EQ(v.vips[0].scope, "link");
  EXPECT_EQ(v.vips[0].where.line, 5);
  EXPECT_EQ(v.vips[1].prefix_len, 32);
  EXPECT_TRUE(v.vips[1].no_track);
  ASSERT_EQ(v.evips.size(), 1u);
  EXPECT_EQ(v.evips[0].prefix_len, 16);
}

// keepalived reads the prefix first; a bad one is reported and replaced by
// /32, the address is kept (checked with -t and a config dump of the daemon).
TEST(InstanceTest, BadVipPrefixKeepsTheAddressWithSlash32) {
  ParseResult r = Parse(
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
      " virtual_ipaddress {\n  10.0.0.101/33\n  10.0.0.102/-1\n  10.0.0.103/\n"
      "  10.0.0.104/032\n  10.0.0.300/33\n  10.0.0.105 scope 200\n  10.0.0.106 scope 0\n"
      "  10.0.0.107 scope universe\n }\n}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), (Msgs{"number '33' outside range [0, 32]",
                               "Invalid address prefix len 33 for address 10.0.0.101/33 - using 32",
                               "negative number '-1'",
                               "Invalid address prefix len -1 for address 10.0.0.102/-1 - using 32",
                               "number '33' outside range [0, 32]",
                               "Invalid address prefix len 33 for address 10.0.0.300/33 - using 32",
                               "VRRP parsed invalid IP 10.0.0.300/33. skipping IP...",
                               "Invalid scope 'universe' specified for 10.0.0.107 - ignoring"}));
  const VrrpInstance& v = r.config.instances[0];
  ASSERT_EQ(v.vips.size(), 7u);
  EXPECT_EQ(v.vips[0].addr, Ipv4(10, 0, 0, 101));
  EXPECT_EQ(v.vips[0].prefix_len, 32);
  EXPECT_EQ(v.vips[1].addr, Ipv4(10, 0, 0, 102));
  EXPECT_EQ(v.vips[1].prefix_len, 32);
  EXPECT_EQ(v.vips[2].prefix_len, 0);  // "a.b.c.d/" is /0, silently
  EXPECT_EQ(v.vips[3].prefix_len, 32);
  EXPECT_EQ(v.vips[4].addr, Ipv4(10, 0, 0, 105));
  EXPECT_EQ(v.vips[4].scope, "200");  // numeric scopes 0..255 are accepted
  EXPECT_EQ(v.vips[5].scope, "");     // 0 = global
  EXPECT_EQ(v.vips[6].scope, "");     // invalid: ignored
}

TEST(InstanceTest, ExcessVipsMoveToEvips) {
  std::string vips;
  for (int i = 0; i < 300; ++i)
    vips += "  10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200) + "\n";
  ParseResult r = Parse(
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
      " virtual_ipaddress {\n" +
      vips + " }\n}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.instances[0].vips.size(), 254u);
  EXPECT_EQ(r.config.instances[0].evips.size(), 46u);
  EXPECT_EQ(Messages(r), Msgs{"(VI_1) Number of VIPs (300) exceeds maximum/space available in "
                              "packet (max 255 addresses) - excess moved to eVIPs"});
}

TEST(InstanceTest, TrackInterface) {
  ParseOptions o;
  o.known_interfaces = {"eth0", "eth1", "eth2"};
  ParseResult r =
      Parse(Instance("  track_interface {\n    eth1\n    eth2 weight -10 reverse\n  }\n"), o);
  ASSERT_TRUE(r.ok());
  const auto& t = r.config.instances[0].track_interfaces;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].name, "eth1");
  EXPECT_EQ(t[0].weight, 0);
  EXPECT_EQ(t[1].weight, -10);
  EXPECT_TRUE(t[1].reverse);
  ParseResult missing = Parse(Instance("  track_interface {\n    eth7\n  }\n"), o);
  // keepalived 2.2.7's closing line for any missing interface
  // (keepalived_t/track_interface_missing).
  EXPECT_EQ(Messages(missing), (Msgs{"(VI_1) tracked interface eth7 doesn't exist",
                                     "Non-existent interface specified in configuration"}));
}

TEST(InstanceTest, UnicastKeywords) {
  ParseResult r = Parse(Instance(
      "  unicast_src_ip 10.0.0.1\n  unicast_ttl 10\n  check_unicast_src\n  unicast_fault_no_peer\n"
      "  unicast_peer {\n    10.0.0.2\n    10.0.0.3 min_ttl 5 max_ttl 200\n  }\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{});
  const VrrpInstance& v = r.config.instances[0];
  EXPECT_TRUE(v.is_unicast());
  EXPECT_EQ(v.unicast_src_ip, Ipv4(10, 0, 0, 1));
  EXPECT_EQ(v.unicast_ttl, 10);
  EXPECT_TRUE(v.check_unicast_src);
  EXPECT_TRUE(v.unicast_fault_no_peer);
  ASSERT_EQ(v.unicast_peers.size(), 2u);
  EXPECT_EQ(v.unicast_peers[1].addr, Ipv4(10, 0, 0, 3));
  EXPECT_EQ(v.unicast_peers[1].min_ttl, 5);
  EXPECT_EQ(v.unicast_peers[1].max_ttl, 200);
}

TEST(InstanceTest, NotifyScriptsAreStoredNotRun) {
  ParseResult r = Parse(
      Instance("  notify_master \"/etc/k/m.sh arg\" root\n  notify_backup /b\n  notify_fault /f\n"
               "  notify_stop /s\n  notify /n\n  notify_master_rx_lower_pri /l\n"));
  ASSERT_TRUE(r.ok());
  const VrrpInstance& v = r.config.instances[0];
  EXPECT_EQ(v.notify_master.command, "/etc/k/m.sh arg");
  EXPECT_EQ(v.notify_master.user, "root");
  EXPECT_EQ(v.notify_backup.command, "/b");
  EXPECT_EQ(v.notify_fault.command, "/f");
  EXPECT_EQ(v.notify_stop.command, "/s");
  EXPECT_EQ(v.notify.command, "/n");
  EXPECT_EQ(v.notify_master_rx_lower_pri.command, "/l");
}

TEST(InstanceTest, OwnerIgnoresWeights) {
  ParseOptions o;
  o.known_interfaces = {"eth0", "eth1"};
  ParseResult r = Parse("vrrp_script s {\n script /s\n weight 10\n}\n" +
                            Instance("  priority 255\n  track_interface {\n    eth1 weight 5\n  }\n"
                                     "  track_script {\n    s\n  }\n"),
                        o);
  EXPECT_EQ(Messages(r),
            (Msgs{kViolation, "(VI_1) ignoring eth1 tracked interface due to address owner",
                  "(VI_1) ignoring tracked script s with weights due to address_owner",
                  "Warning - script s is not used"}));
  EXPECT_TRUE(r.config.instances[0].track_interfaces.empty());
  EXPECT_TRUE(r.config.instances[0].track_scripts.empty());
}

TEST(InstanceTest, StrictModeOverrides) {
  ParseResult r = Parse(Instance("  strict_mode\n  priority 100\n  garp_lower_prio_repeat 3\n"));
  ASSERT_TRUE(r.ok());
  const VrrpInstance& v = r.config.instances[0];
  EXPECT_TRUE(v.strict_mode);
  EXPECT_FALSE(v.accept);
  EXPECT_TRUE(v.lower_prio_no_advert);
  EXPECT_EQ(v.garp_lower_prio_repeat, 0);
  EXPECT_EQ(v.garp_lower_prio_delay, 0);
  EXPECT_EQ(v.down_timer_adverts, 3);
  EXPECT_EQ(Messages(r), Msgs{"(VI_1) Strict mode requires no repeat garps. resetting"});
}

TEST(InstanceTest, UnknownInterfaceIsAnErrorNotFatal) {
  ParseOptions o;
  o.known_interfaces = {"eth0"};
  ParseResult r = Parse(
      "vrrp_instance VI_1 {\n interface eth3\n virtual_router_id 1\n virtual_ipaddress {\n"
      "  10.0.0.1\n }\n}\n",
      o);
  EXPECT_TRUE(r.ok());
  // keepalived 2.2.7's VRRP process then stops (keepalived_t/interface_missing).
  EXPECT_EQ(Messages(r), (Msgs{"WARNING - interface eth3 for vrrp_instance VI_1 doesn't exist",
                               "Non-existent interface specified in configuration"}));
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(r.diagnostics[1].severity, Severity::kError);
}

// ------------------------------------------------------------ vrrp_sync_group

TEST(SyncGroupTest, MembershipAndGroupKeywords) {
  ParseResult r = Parse(
      "vrrp_script s {\n script /s\n}\n"
      "vrrp_sync_group G1 {\n group {\n  VI_1 VI_2\n }\n notify_master /gm\n notify /gn\n"
      " track_script {\n  s\n }\n}\n" +
      Instance("", "VI_1", 1) + Instance("", "VI_2", 2) + Instance("", "VI_3", 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{kViolation});
  ASSERT_EQ(r.config.sync_groups.size(), 1u);
  const SyncGroup& g = r.config.sync_groups[0];
  EXPECT_EQ(g.members, (std::vector<std::string>{"VI_1", "VI_2"}));
  EXPECT_EQ(g.notify_master.command, "/gm");
  EXPECT_EQ(g.notify.command, "/gn");
  ASSERT_EQ(g.track_scripts.size(), 1u);
  EXPECT_EQ(r.config.instances[0].sync_group, "G1");
  EXPECT_EQ(r.config.instances[1].sync_group, "G1");
  EXPECT_EQ(r.config.instances[2].sync_group, "");
  EXPECT_EQ(r.config.instances[0].track_scripts.size(), 1u);  // group trackers apply to members
}

TEST(SyncGroupTest, GlobalTrackingIsDeprecatedNotUnknown) {
  ParseResult r = Parse(
      "vrrp_sync_group G1 {\n group {\n  VI_1 VI_2\n }\n global_tracking\n"
      " notify_priority_changes bogus\n smtp_alert bogus\n}\n" +
      Instance("", "VI_1", 1) + Instance("", "VI_2", 2));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r),
            (Msgs{"(G1) global_tracking is deprecated. Use track_interface/script/file on the "
                  "sync group",
                  "(G1) Invalid value 'bogus' for sync group notify_priority_changes specified",
                  "Invalid vrrp_group smtp_alert parameter bogus"}));
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kWarning);
}

TEST(SyncGroupTest, MemberWeightsBecomeFaultTriggers) {
  ParseOptions o;
  o.known_interfaces = {"eth0", "eth1"};
  ParseResult r = Parse("vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n}\n" +
                            Instance("  track_interface {\n    eth1 weight 10\n  }\n", "VI_1", 1) +
                            Instance("", "VI_2", 2),
                        o);
  EXPECT_EQ(Messages(r), Msgs{"(VI_1) ignoring eth1 tracked interface weight due to SYNC group"});
  EXPECT_EQ(r.config.instances[0].track_interfaces[0].weight, 0);
  ParseResult w =
      Parse("vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n sync_group_tracking_weight\n}\n" +
                Instance("  track_interface {\n    eth1 weight 10\n  }\n", "VI_1", 1) +
                Instance("", "VI_2", 2),
            o);
  EXPECT_EQ(Messages(w), Msgs{});
  EXPECT_EQ(w.config.instances[0].track_interfaces[0].weight, 10);
}

// ------------------------------------------------------------ structure

TEST(StructureTest, OneLineBlocksAndBraceOnNextLine) {
  ParseResult r = Parse(
      "vrrp_script chk\n{\n script /x\n}\n"
      "vrrp_instance VI_1\n{\n interface eth0\n virtual_router_id 9\n"
      " virtual_ipaddress { 10.0.0.1/24 }\n track_script { chk }\n}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{kViolation});
  EXPECT_EQ(r.config.instances[0].vips.size(), 1u);
  EXPECT_EQ(r.config.instances[0].track_scripts.size(), 1u);
}

TEST(StructureTest, UnknownKeywordDoesNotSkipItsBlock) {
  // 2.2.7: the body of an unknown block is read at the outer level.
  ParseResult r = Parse("frobnicate {\n  vrrp_instance X\n}\n");
  EXPECT_EQ(Messages(r), (Msgs{"Unknown keyword 'frobnicate'", "Unexpected '{' - ignoring",
                               "Missing '{' at beginning of configuration block",
                               "(X) the virtual router id must be set"}));
}

// The other processes' blocks are read as keepalived 2.2.7's checker reads
// them (tests/data/config/keepalived_t/lvs_*: the same against keepalived -t).
TEST(StructureTest, OtherProcessesBlocksAreReadNotSimulated) {
  ParseResult r = Parse(
      "virtual_server 10.0.0.1 80 {\n  delay_loop 6\n  protocol TCP\n  lb_algo rr\n"
      "  lb_kind DR\n  real_server 10.0.0.2 80 {\n    weight 1\n    TCP_CHECK {\n"
      "      connect_timeout 3\n    }\n  }\n}\n" +
      Instance(""));
  EXPECT_EQ(Messages(r), Msgs{});
  EXPECT_EQ(r.config.instances.size(), 1u);
}

TEST(StructureTest, OtherProcessesBlocksGetKeepalivedsMessages) {
  ParseResult r = Parse(
      "virtual_server 10.0.0.1 80 {\n  delay_loop 6\n  lb_algo bogus\n  quorum 0\n"
      "  real_server 10.0.0.2 80 {\n    wieght 1\n    TCP_CHECK {\n      nb_get_retry 3\n"
      "    }\n  }\n}\n" +
      Instance(""));
  EXPECT_EQ(Messages(r), (Msgs{"Invalid lvs_scheduler 'bogus' - ignoring",
                               "number '0' outside range [1, 4294967295]",
                               "Quorum 0 must be in [1, 4294967295]. Setting to 1.",
                               "Unknown keyword 'wieght'", "Unknown keyword 'nb_get_retry'",
                               "Virtual server [10.0.0.1]:none:80: no protocol set - defaulting to "
                               "UDP",
                               "Virtual server [10.0.0.1]:udp:80: no scheduler set, setting "
                               "default 'wlc'",
                               "Virtual server [10.0.0.1]:udp:80: no forwarding method set, "
                               "setting default NAT"}));
}

TEST(StructureTest, MissingParameterIsFatalAndStops) {
  ParseResult r = Parse(Instance("  priority\n  bogus\n"));
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].ToString(),
            "t.conf:4:11: fatal: *** Configuration line starting `priority` is missing a "
            "parameter after keyword `priority` at word position 2");
}

TEST(StructureTest, KeywordsAreCaseSensitive) {
  ParseResult r = Parse(Instance("  Priority 10\n"));
  EXPECT_EQ(Messages(r), Msgs{"Unknown keyword 'Priority'"});
}

// ------------------------------------------------------------ includes

TEST(IncludeTest, IncludedLinesAreReadInPlace) {
  MapResolver res;
  res.files["conf.d/a.conf"] = "  priority 42\n";
  res.files["conf.d/b.conf"] = "  nopreempt\n";
  ParseOptions o;
  o.resolver = &res;
  ParseResult r = Parse(Instance("  include conf.d/*\n"), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r), Msgs{});
  EXPECT_EQ(r.config.instances[0].priority, 42);
  EXPECT_TRUE(r.config.instances[0].nopreempt);
}

TEST(IncludeTest, DiagnosticsNameTheIncludedFile) {
  MapResolver res;
  res.files["inc.conf"] = "\n  prio 1\n";
  ParseOptions o;
  o.resolver = &res;
  ParseResult r = Parse(Instance("  include inc.conf\n"), o);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].ToString(), "inc.conf:2:3: warning: Unknown keyword 'prio'");
}

TEST(IncludeTest, MissingFiles) {
  MapResolver res;
  ParseOptions o;
  o.resolver = &res;
  ParseResult plain = Parse("include none.conf\n" + Instance(""), o);
  EXPECT_EQ(Messages(plain), Msgs{"Config files missing 'none.conf'."});
  EXPECT_EQ(plain.diagnostics[0].severity, Severity::kWarning);
  for (const char* kw : {"includer", "includem", "includew", "includeb", "includea"}) {
    ParseResult strict = Parse(std::string(kw) + " none.conf\n" + Instance(""), o);
    ASSERT_EQ(strict.diagnostics.size(), 1u) << kw;
    EXPECT_EQ(strict.diagnostics[0].severity, Severity::kError) << kw;
  }
}

TEST(IncludeTest, RefusedPatternIsAnError) {
  MapResolver res;
  ParseOptions o;
  o.resolver = &res;
  ParseResult r = Parse("include ../etc/passwd\n" + Instance(""), o);
  EXPECT_EQ(Messages(r), Msgs{"refused ../etc/passwd"});
}

TEST(IncludeTest, LoopsStopAtTheDepthLimit) {
  MapResolver res;
  res.files["self.conf"] = "include self.conf\n";
  ParseOptions o;
  o.resolver = &res;
  o.max_include_depth = 5;
  ParseResult r = Parse("include self.conf\n" + Instance(""), o);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message,
            "Include depth limit (5) exceeded at 'self.conf' - skipping (include loop?)");
}

TEST(IncludeTest, TotalSizeLimit) {
  MapResolver res;
  res.files["big.conf"] = std::string(4000, '#');
  ParseOptions o;
  o.resolver = &res;
  o.max_total_bytes = 2000;
  ParseResult r = Parse("include big.conf\n", o);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message,
            "Configuration size limit (2000 bytes) exceeded by 'big.conf' - skipping");
}

TEST(IncludeTest, NoResolverMeansIncludesFail) {
  ParseResult r = Parse("include x.conf\n");
  EXPECT_EQ(Messages(r), Msgs{"include 'x.conf' not possible: no include resolver"});
}

// ------------------------------------------------------------ robustness

TEST(RobustnessTest, ArbitraryBytesNeverCrash) {
  // A cheap deterministic fuzz: mutate a valid config byte by byte.
  std::string base =
      "global_defs {\n vrrp_strict\n}\nvrrp_script s {\n script \"/x\"\n}\n" +
      Instance("  track_script {\n s weight 3\n }\n  unicast_peer {\n 10.0.0.2\n }\n");
  std::uint32_t x = 12345;
  for (int round = 0; round < 400; ++round) {
    std::string t = base;
    for (int k = 0; k < 6; ++k) {
      x = x * 1103515245u + 12345u;
      std::size_t pos = (x >> 8) % t.size();
      const char kChars[] = "{}\"'#!\\ \n\0x9";
      t[pos] = kChars[(x >> 20) % (sizeof kChars - 1)];
    }
    ParseResult r = Parse(t);
    for (const auto& d : r.diagnostics) EXPECT_FALSE(d.message.empty());
  }
}

}  // namespace
}  // namespace vrrp

// The config-reader rules of the semantics doc (R80-R83), one test each,
// named after the rule. Every configuration here was run through the real
// keepalived 2.2.7 (`keepalived -t -l -n -f FILE` in a network namespace with
// eth0; output de-duplicated across its processes); its output is quoted in
// the comment above the test, and where a value is checked, keepalived's
// config dump (`keepalived -n -l -d`) showed it.
#include <gtest/gtest.h>
#include <map>

#include "engine/config/parser.h"

namespace vrrp {
namespace {

using Msgs = std::vector<std::string>;

std::vector<std::string> Messages(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(d.message);
  return out;
}

// "line: severity: message" for each diagnostic, to check where they point.
std::vector<std::string> Lines(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    out.push_back(std::to_string(d.where.line) + ": " + SeverityName(d.severity) + ": " +
                  d.message);
  return out;
}

// Exact names relative to the including file's directory, like keepalived.
class MemResolver : public IncludeResolver {
 public:
  std::map<std::string, std::string> files;
  std::vector<File> Resolve(const std::string&, const std::string& pattern, std::string*) override {
    std::vector<File> out;
    auto it = files.find(pattern);
    if (it != files.end()) out.push_back({it->first, it->second});
    return out;
  }
};

constexpr const char* kViolation =
    "SECURITY VIOLATION - scripts are being executed but script_security not enabled.";

// keepalived -t:
//   (Line 23) Config files missing 'missing.conf'.
//   (r80.conf: Line 8) Unknown keyword '//'
//   (r80.conf: Line 17) Unknown keyword 'Priority'
//   SECURITY VIOLATION - scripts are being executed but script_security not enabled.
//   rc=6
// dump: Wantstate = BACKUP, Interface = eth0, Priority = 90, Advert interval =
// 2 sec (from the include), Preempt = disabled, lower priority advert = false,
// VRRP interface tracking disabled, global Gratuitous ARP repeat = 2 (applied
// although global_defs comes after the instance).
TEST(ConfigRules, R80_LexicalRules) {
  MemResolver res;
  res.files["inc/extra.conf"] = "  advert_int 2\n  dont_track_primary\n";
  ParseOptions o;
  o.resolver = &res;
  ParseResult r = ParseConfig(
      "# comment\n"
      "! another comment\n"
      "vrrp_instance VI_1 {   # trailing comment\n"
      "  state BACKUP ! bang comment\n"
      "  interface \"eth0\"\n"
      "  virtual_router_id 51\n"
      "  priority 90\n"
      "  // not a comment\n"
      "  virtual_ipaddress\n"
      "  {\n"
      "    10.0.0.1/24\n"
      "  }\n"
      "  nopreempt\n"
      "  lower_prio_no_advert on\n"
      "  higher_prio_send_advert no\n"
      "  include inc/extra.conf\n"
      "  Priority 50\n"
      "  notify_master \"/bin/true \\#1\"\n"
      "}\n"
      "global_defs {\n"
      "  vrrp_garp_master_repeat 2\n"
      "}\n"
      "include missing.conf\n",
      "r80.conf", o);
  ASSERT_TRUE(r.ok());
  // `//` is not a comment and keywords are case-sensitive; a missing include
  // is only a warning; vrrpsim reports in file order.
  EXPECT_EQ(Lines(r),
            (Msgs{"8: warning: Unknown keyword '//'", "17: warning: Unknown keyword 'Priority'",
                  "23: warning: Config files missing 'missing.conf'.",
                  std::string("18: warning: ") + kViolation}));
  ASSERT_EQ(r.config.instances.size(), 1u);
  const VrrpInstance& v = r.config.instances[0];
  EXPECT_EQ(v.interface, "eth0");  // quotes removed
  EXPECT_EQ(v.priority, 90);
  EXPECT_EQ(v.initial_state, InitialState::kBackup);
  ASSERT_EQ(v.vips.size(), 1u);  // `{` on the next line opens the block
  EXPECT_TRUE(v.nopreempt);
  EXPECT_TRUE(v.lower_prio_no_advert);  // on|off|yes|no|true|false
  EXPECT_FALSE(v.higher_prio_send_advert);
  EXPECT_EQ(v.advert_int, Seconds(2));  // read in place from the include
  EXPECT_TRUE(v.dont_track_primary);
  EXPECT_EQ(v.garp_master_repeat, 2);  // global_defs applies wherever it is
  // \# escapes the comment character (keepalived's dump: '/usr/bin/true' '#1').
  EXPECT_NE(v.notify_master.command.find("#1"), std::string::npos);
}

// keepalived -t (r81a):
//   (Line 13) Extra '}' found
//   (Line 13) Unknown keyword '}'
//   (Line 4) number '300' outside range [1, 255]
//   (Line 4) (VI_1) Priority not valid! must be between 1 & 255. Using default 100
//   (Line 5) Unknown keyword 'frobnicate'
//   (Line 6) Unknown keyword 'weird_block'
//   (Line 6) Unexpected '{' - ignoring
//   (Line 7) Unknown keyword 'x'
//   (Line 9) Unknown keyword 'virtual_ipaddress'
//   (Line 9) Unexpected '{' - ignoring
//   (Line 10) Unknown keyword '10.0.0.1'
//   (Line 11) Unknown keyword '}'
//   (Line 12) Unknown keyword '}'
//   (Line 16) number '0' outside range [1, 255]
//   (Line 16) (VI_2): VRID '0' not valid - must be between 1 & 255
//   (Line 17) (VI_2): garp_master_repeat must be greater than 0, setting to 1
//   (VI_2) the virtual router id must be set
//   rc=5
// An unknown block keyword leaves its body to be read one level up (so its
// `}` closes the instance early), bad values are reported and defaulted, and
// the missing VRID is fatal before any other completion message (VI_1's "No
// VIP specified" is never printed).
TEST(ConfigRules, R81_ErrorsAreReportedAndReadingGoesOn) {
  ParseResult r = ParseConfig(
      "vrrp_instance VI_1 {\n"
      "  interface eth0\n"
      "  virtual_router_id 51\n"
      "  priority 300\n"
      "  frobnicate 1\n"
      "  weird_block {\n"
      "    x 1\n"
      "  }\n"
      "  virtual_ipaddress {\n"
      "    10.0.0.1\n"
      "  }\n"
      "}\n"
      "}\n"
      "vrrp_instance VI_2 {\n"
      "  interface eth0\n"
      "  virtual_router_id 0\n"
      "  garp_master_repeat 0\n"
      "  virtual_ipaddress {\n"
      "    10.0.0.2\n"
      "  }\n"
      "}\n",
      "r81a.conf");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(
      Lines(r),
      (Msgs{"4: error: number '300' outside range [1, 255]",
            "4: error: (VI_1) Priority not valid! must be between 1 & 255. Using default 100",
            "5: warning: Unknown keyword 'frobnicate'", "6: warning: Unknown keyword 'weird_block'",
            "6: error: Unexpected '{' - ignoring", "7: warning: Unknown keyword 'x'",
            "9: warning: Unknown keyword 'virtual_ipaddress'",
            "9: error: Unexpected '{' - ignoring", "10: warning: Unknown keyword '10.0.0.1'",
            "11: warning: Unknown keyword '}'", "12: warning: Unknown keyword '}'",
            "13: error: Extra '}' found", "13: warning: Unknown keyword '}'",
            "16: error: number '0' outside range [1, 255]",
            "16: error: (VI_2): VRID '0' not valid - must be between 1 & 255",
            "17: error: (VI_2): garp_master_repeat must be greater than 0, setting to 1",
            "14: fatal: (VI_2) the virtual router id must be set"}));
}

// keepalived -t: (r81b) "(Line 4) *** Configuration line starting `priority`
// is missing a parameter after keyword `priority` at word position 2", rc=2,
// and nothing after it (`bogus` is not reported).
TEST(ConfigRules, R81_MissingParameterIsFatalAndStopsReading) {
  ParseResult r = ParseConfig(
      "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority\n  bogus\n}\n",
      "r81b.conf");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Lines(r), (Msgs{"4: fatal: *** Configuration line starting `priority` is missing a "
                            "parameter after keyword `priority` at word position 2"}));
}

// keepalived -t, one configuration each:
//   r81h: (Line 10) Unknown keyword 'zzz' / (VI_1) Unknown interface!
//   r81k: (VI_1) the virtual router id must be set   (not VI_0's "No VIP
//         specified; at least one is required": the VRID/interface check of
//         every instance comes first)
//   r81d: VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0
//   r81e: ... Unknown keyword '}' / There are 1 missing '}'s or extra '{'s
TEST(ConfigRules, R81_CompletionFatalsAndBraceBalance) {
  ParseResult no_if = ParseConfig(
      "vrrp_instance VI_0 {\n  interface eth0\n  virtual_router_id 50\n}\n"
      "vrrp_instance VI_1 {\n  virtual_router_id 51\n}\n"
      "vrrp_instance VI_2 {\n  interface eth0\n  zzz\n  virtual_router_id 52\n}\n",
      "r81h.conf");
  EXPECT_FALSE(no_if.ok());
  EXPECT_EQ(Messages(no_if), (Msgs{"Unknown keyword 'zzz'", "(VI_1) Unknown interface!"}));

  ParseResult no_vrid = ParseConfig(
      "vrrp_instance VI_0 {\n  interface eth0\n  virtual_router_id 50\n  version 3\n}\n"
      "vrrp_instance VI_1 {\n  interface eth0\n}\n",
      "r81k.conf");
  EXPECT_FALSE(no_vrid.ok());
  EXPECT_EQ(Messages(no_vrid), (Msgs{"(VI_1) the virtual router id must be set"}));

  ParseResult dup = ParseConfig(
      "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n"
      "  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n"
      "vrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 51\n"
      "  virtual_ipaddress {\n    10.0.0.2\n  }\n}\n",
      "r81d.conf");
  EXPECT_FALSE(dup.ok());
  EXPECT_EQ(Messages(dup), (Msgs{"VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0"}));

  ParseResult open = ParseConfig(
      "global_defs {\n  router_id lb1\nvrrp_instance VI_1 {\n  interface eth0\n"
      "  virtual_router_id 51\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n",
      "r81e.conf");
  EXPECT_TRUE(open.ok());  // an error, not fatal: keepalived runs with no instance
  EXPECT_TRUE(open.config.instances.empty());
  EXPECT_EQ(Messages(open),
            (Msgs{"Unknown keyword 'vrrp_instance'", "Unexpected '{' - ignoring",
                  "Unknown keyword 'interface'", "Unknown keyword 'virtual_router_id'",
                  "Unknown keyword 'virtual_ipaddress'", "Unexpected '{' - ignoring",
                  "Unknown keyword '10.0.0.1'", "Unknown keyword '}'",
                  "There are 1 missing '}'s or extra '{'s"}));
}

// keepalived -t (r82):
//   (Line 18) (VI_1) notify_master script already specified - ignoring /bin/false
//   SECURITY VIOLATION - scripts are being executed but script_security not enabled.
//   rc=6
// dump of VI_1: VRRP Version = 2, Wantstate = BACKUP, Multicast address
// 224.0.0.18, Gratuitous ARP delay = 5, repeat = 5, refresh = 0, refresh
// repeat = 1, lower priority delay = 5, lower priority repeat = 5, Down timer
// adverts = 3, Send advert after receive lower priority advert = true, ...
// higher priority advert = false, Priority = 90 (the last `priority` wins),
// Advert interval = 1 sec, Accept = enabled, Preempt = enabled, Authentication
// type = SIMPLE_PASSWORD, Password = secret, Virtual IP 10.0.0.100/24 dev eth0,
// Master state transition script = '/usr/bin/true' (the first one).
TEST(ConfigRules, R82_TypicalConfigurationAndItsDefaults) {
  ParseResult r = ParseConfig(
      "global_defs {\n  router_id lb1\n}\n"
      "vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n"
      "  priority 100\n  advert_int 1\n  authentication {\n    auth_type PASS\n"
      "    auth_pass secret\n  }\n  virtual_ipaddress {\n    10.0.0.100/24\n  }\n"
      "  notify_master /bin/true\n  notify_master /bin/false\n  priority 90\n}\n",
      "r82.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Lines(r),
            (Msgs{"18: error: (VI_1) notify_master script already specified - ignoring /bin/false",
                  std::string("17: warning: ") + kViolation}));
  EXPECT_EQ(r.config.global.router_id, "lb1");
  ASSERT_EQ(r.config.instances.size(), 1u);
  const VrrpInstance& v = r.config.instances[0];
  EXPECT_EQ(v.version, 2);
  EXPECT_EQ(v.initial_state, InitialState::kBackup);
  EXPECT_EQ(v.mcast_dst, kVrrpMulticastGroup);
  EXPECT_EQ(v.garp_master_delay, Seconds(5));
  EXPECT_EQ(v.garp_master_repeat, 5);
  EXPECT_EQ(v.garp_master_refresh, 0);
  EXPECT_EQ(v.garp_master_refresh_repeat, 1);
  EXPECT_EQ(v.garp_lower_prio_delay, Seconds(5));
  EXPECT_EQ(v.garp_lower_prio_repeat, 5);
  EXPECT_EQ(v.down_timer_adverts, 3);
  EXPECT_FALSE(v.lower_prio_no_advert);
  EXPECT_FALSE(v.higher_prio_send_advert);
  EXPECT_EQ(v.priority, 90);
  EXPECT_EQ(v.advert_int, Seconds(1));
  EXPECT_TRUE(v.accept);
  EXPECT_FALSE(v.nopreempt);
  EXPECT_EQ(v.auth_type, AuthType::kPass);
  EXPECT_EQ(v.auth_pass, "secret");
  ASSERT_EQ(v.vips.size(), 1u);
  EXPECT_EQ(v.vips[0].prefix_len, 24);
  EXPECT_EQ(v.notify_master.command, "/bin/true");
}

// keepalived -t (r83b):
//   (VI_1) State MASTER must match being address owner
//   (VI_1) Strict mode does not support authentication. Ignoring.
//   (VI_2) preempt_delay is incompatible with strict mode - resetting
//   (VI_2) down_timer_adverts is incompatible with strict mode - resetting
//   (VI_2) warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting
//   (VI_2) Strict mode requires no repeat garps. resetting
//   (VI_2) Strict mode requires no repeat garp delay. resetting
//   (VI_2) Strict mode requires no lower priority advert. resetting
//   (VI_2) strict mode requires higher_prio_send_advert to be clear. resetting
//   rc=5
// The unicast peers of VI_1 draw nothing (2.2.7 checks them before the flag
// is set). dump of both: Wantstate = BACKUP, Enforcing strict VRRP compliance,
// Gratuitous ARP lower priority delay = 0, repeat = 0, Down timer adverts = 3,
// Send advert after receive lower priority advert = false, higher = false,
// Accept = disabled, Authentication type = none.
TEST(ConfigRules, R83_StrictModeOverrides) {
  ParseResult r = ParseConfig(
      "global_defs {\n  vrrp_strict\n}\n"
      "vrrp_instance VI_1 {\n  state MASTER\n  interface eth0\n  virtual_router_id 51\n"
      "  priority 100\n  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n"
      "  unicast_peer {\n    10.0.0.2\n  }\n  virtual_ipaddress {\n    10.0.0.100/24\n  }\n}\n"
      "vrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 52\n  preempt_delay 5\n"
      "  garp_lower_prio_repeat 3\n  down_timer_adverts 5\n  accept\n"
      "  higher_prio_send_advert\n  lower_prio_no_advert off\n  garp_lower_prio_delay 3\n"
      "  virtual_ipaddress {\n    10.0.0.101/24\n  }\n}\n",
      "r83b.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Messages(r),
            (Msgs{"(VI_1) State MASTER must match being address owner",
                  "(VI_1) Strict mode does not support authentication. Ignoring.",
                  "(VI_2) preempt_delay is incompatible with strict mode - resetting",
                  "(VI_2) down_timer_adverts is incompatible with strict mode - resetting",
                  "(VI_2) warning - accept mode for VRRP version 2 does not comply with RFC3768 "
                  "- resetting",
                  "(VI_2) Strict mode requires no repeat garps. resetting",
                  "(VI_2) Strict mode requires no repeat garp delay. resetting",
                  "(VI_2) Strict mode requires no lower priority advert. resetting",
                  "(VI_2) strict mode requires higher_prio_send_advert to be clear. resetting"}));
  ASSERT_EQ(r.config.instances.size(), 2u);
  for (const VrrpInstance& v : r.config.instances) {
    SCOPED_TRACE(v.name);
    EXPECT_TRUE(v.strict_mode);
    EXPECT_EQ(v.initial_state, InitialState::kBackup);
    EXPECT_EQ(v.garp_lower_prio_delay, 0);
    EXPECT_EQ(v.garp_lower_prio_repeat, 0);
    EXPECT_EQ(v.down_timer_adverts, 3);
    EXPECT_TRUE(v.lower_prio_no_advert);
    EXPECT_FALSE(v.higher_prio_send_advert);
    EXPECT_FALSE(v.accept);
    EXPECT_EQ(v.auth_type, AuthType::kNone);
    EXPECT_EQ(v.preempt_delay, 0);
  }
  EXPECT_TRUE(r.config.instances[0].is_unicast());  // not refused in 2.2.7
}

// keepalived -t: `vrrp_strict off` still turns strict mode on (a flag in 2.2.7;
// the dump says "VRRP strict mode = true"), and a global
// vrrp_down_timer_adverts other than 3 is reset with the instance's message.
//   (VI_2) down_timer_adverts is incompatible with strict mode - resetting
TEST(ConfigRules, R83_StrictFlagIgnoresItsArgument) {
  ParseResult r = ParseConfig(
      "global_defs {\n  vrrp_strict off\n  vrrp_down_timer_adverts 5\n}\n"
      "vrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 52\n"
      "  virtual_ipaddress {\n    10.0.0.101/24\n  }\n}\n",
      "dt.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.config.global.vrrp_strict);
  EXPECT_EQ(Messages(r),
            (Msgs{"(VI_2) down_timer_adverts is incompatible with strict mode - resetting"}));
  EXPECT_EQ(r.config.instances[0].down_timer_adverts, 3);
}

}  // namespace
}  // namespace vrrp

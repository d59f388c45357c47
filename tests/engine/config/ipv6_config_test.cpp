// IPv6 instances as keepalived 2.2.7 forms them. Every configuration here was
// run through the real daemon: the runtime cases are in
// tests/data/captures/ipv6 (adverts, logs), and the `-t` messages come from
// `keepalived -t -l -n -f FILE` in a network namespace with an eth0 (quoted
// above each test).
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/config/parser.h"

namespace vrrp {
namespace {

std::string Instance(const std::string& name, const std::string& body) {
  return "vrrp_instance " + name +
         " {\n"
         "    state BACKUP\n"
         "    interface eth0\n"
         "    virtual_router_id 61\n"
         "    priority 100\n" +
         body + "}\n";
}

const char* kVip6 =
    "    virtual_ipaddress {\n"
    "        fd00:250:1::61/64\n"
    "    }\n";

// "line: severity: message" for each diagnostic.
std::vector<std::string> Lines(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    out.push_back(std::to_string(d.where.line) + ": " + SeverityName(d.severity) + ": " +
                  d.message);
  return out;
}

const VrrpInstance& Only(const ParseResult& r) {
  EXPECT_EQ(r.config.instances.size(), 1u);
  return r.config.instances.front();
}

// Family from the first VIP: VRRPv3, ff02::12, no message (captured:
// v3_ip6_mcast).
TEST(Ipv6Config, FamilyFromFirstVipIsVrrpV3ToFf02_12) {
  const ParseResult r = ParseConfig(Instance("VI_1", kVip6), "k.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(Lines(r));
  const VrrpInstance& v = Only(r);
  EXPECT_TRUE(v.ipv6);
  EXPECT_EQ(v.version, 3);
  EXPECT_EQ(v.mcast_dst, kVrrpMulticastGroup6);
}

// The global vrrp_version does not apply to an IPv6 instance (captured:
// v3_ip6_global_v2 sends VRRPv3, no message).
TEST(Ipv6Config, GlobalVersion2DoesNotApply) {
  const ParseResult r =
      ParseConfig("global_defs {\n    vrrp_version 2\n}\n" + Instance("VI_1", kVip6), "k.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(Lines(r));
  EXPECT_EQ(Only(r).version, 3);
}

// `version 2` before the VIPs stays: keepalived sends a VRRPv2 header over
// IPv6, says nothing, and keeps PASS authentication (captured:
// v3_ip6_asked_v2_pass).
TEST(Ipv6Config, Version2BeforeTheFamilyIsKnownStays) {
  const ParseResult r = ParseConfig(Instance("VI_1",
                                             "    version 2\n"
                                             "    authentication {\n"
                                             "        auth_type PASS\n"
                                             "        auth_pass abc\n"
                                             "    }\n" +
                                                 std::string(kVip6)),
                                    "k.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.diagnostics.empty()) << ::testing::PrintToString(Lines(r));
  const VrrpInstance& v = Only(r);
  EXPECT_TRUE(v.ipv6);
  EXPECT_EQ(v.version, 2);
  EXPECT_EQ(v.auth_type, AuthType::kPass);
}

// (k.conf: Line 10) (VI_1) vrrp_version 2 conflicts with configured or
// deduced version 0; ignoring.          (captured: v3_ip6_version2_after_vips)
TEST(Ipv6Config, Version2AfterTheVipsIsRefused) {
  const ParseResult r =
      ParseConfig(Instance("VI_1", std::string(kVip6) + "    version 2\n"), "k.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Lines(r), std::vector<std::string>{"9: error: (VI_1) vrrp_version 2 conflicts with "
                                               "configured or deduced version 0; ignoring."});
  EXPECT_EQ(Only(r).version, 3);
}

// (Line 14) (VI_2) vrrp_version 2 conflicts with configured or deduced version 3; ignoring.
// (Line 35) (VI_4) vrrp_version 2 conflicts with configured or deduced version 3; ignoring.
TEST(Ipv6Config, NativeIpv6SetsVersion3AndAConflictingVersionIsRefused) {
  const ParseResult a = ParseConfig(
      Instance("VI_2", "    native_ipv6\n    version 2\n" + std::string(kVip6)), "k.conf");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(Lines(a), std::vector<std::string>{"7: error: (VI_2) vrrp_version 2 conflicts with "
                                               "configured or deduced version 3; ignoring."});
  EXPECT_TRUE(Only(a).ipv6);
  EXPECT_EQ(Only(a).version, 3);
  // Any second, different version is refused, IPv4 too.
  const ParseResult b = ParseConfig(Instance("VI_4",
                                             "    version 3\n    version 2\n"
                                             "    virtual_ipaddress {\n"
                                             "        10.250.1.64/16\n"
                                             "    }\n"),
                                    "k.conf");
  EXPECT_EQ(Lines(b), std::vector<std::string>{"7: error: (VI_4) vrrp_version 2 conflicts with "
                                               "configured or deduced version 3; ignoring."});
  EXPECT_EQ(Only(b).version, 3);
}

// (Line 29) (VI_3) Cannot specify native_ipv6 with IPv4 addresses
TEST(Ipv6Config, NativeIpv6AfterIpv4AddressesIsRefused) {
  const ParseResult r = ParseConfig(Instance("VI_3",
                                             "    virtual_ipaddress {\n"
                                             "        10.250.1.63/16\n"
                                             "    }\n"
                                             "    native_ipv6\n"),
                                    "k.conf");
  EXPECT_EQ(Lines(r), std::vector<std::string>{
                          "9: error: (VI_3) Cannot specify native_ipv6 with IPv4 addresses"});
  EXPECT_FALSE(Only(r).ipv6);
  EXPECT_EQ(Only(r).version, 2);
}

// (VI_50) No VIP specified; at least one is required   (captured:
// v3_ip6_native_novip; the VRRP process exits)
TEST(Ipv6Config, NativeIpv6WithoutVipsIsFatal) {
  const ParseResult r = ParseConfig(Instance("VI_50", "    native_ipv6\n"), "k.conf");
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.back().message, "(VI_50) No VIP specified; at least one is required");
}

// (VI_48) VRRP version 3 does not support authentication. Ignoring.
// (captured: v3_ip6_asked_ah)
TEST(Ipv6Config, AuthenticationOnAVersion3InstanceIsIgnored) {
  const ParseResult r = ParseConfig(Instance("VI_48",
                                             "    authentication {\n"
                                             "        auth_type AH\n"
                                             "        auth_pass s3cr3t\n"
                                             "    }\n" +
                                                 std::string(kVip6)),
                                    "k.conf");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message,
            "(VI_48) VRRP version 3 does not support authentication. Ignoring.");
  EXPECT_EQ(Only(r).auth_type, AuthType::kNone);
}

// (VI_5) the first IPv6 VIP address must be link local   (strict mode only;
// without it the VRRP process logs "should be", Daemon::Start)
TEST(Ipv6Config, StrictModeWantsALinkLocalFirstVip) {
  const ParseResult r =
      ParseConfig(Instance("VI_5", "    strict_mode\n" + std::string(kVip6)), "k.conf");
  std::vector<std::string> messages;
  for (const auto& d : r.diagnostics) messages.push_back(d.message);
  EXPECT_NE(std::find(messages.begin(), messages.end(),
                      "(VI_5) the first IPv6 VIP address must be link local"),
            messages.end())
      << ::testing::PrintToString(messages);
  const ParseResult ll = ParseConfig(Instance("VI_5",
                                              "    strict_mode\n"
                                              "    virtual_ipaddress {\n"
                                              "        fe80::5/64\n"
                                              "        fd00:250:1::5/64\n"
                                              "    }\n"),
                                     "k.conf");
  for (const auto& d : ll.diagnostics) EXPECT_EQ(d.message.find("link local"), std::string::npos);
}

}  // namespace
}  // namespace vrrp

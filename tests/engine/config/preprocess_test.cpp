// The line stage (parameters, config ids, ~SEQ), message classes and
// keepalived's exit status, and the script advice. The behaviour itself is
// checked against keepalived -t in tests/data/config/keepalived_t (sim_io_tests).
#include <gtest/gtest.h>

#include "engine/config/parser.h"
#include "engine/config/script_advice.h"

namespace vrrp {
namespace {

std::vector<std::string> Strings(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(d.ToString());
  return out;
}

const char* kTail = "  virtual_ipaddress {\n    10.250.0.1\n  }\n}\n";

TEST(PreprocessTest, ExpandedLinesKeepTheUsingLineAndTheDollarsColumn) {
  ParseResult r = ParseConfig(std::string("$P=101\nvrrp_instance V {\n  interface eth0\n"
                                          "  virtual_router_id 1\n  priority $P)\n") +
                                  kTail,
                              "t.conf");
  EXPECT_EQ(Strings(r), (std::vector<std::string>{
                            "t.conf:5:12: error: invalid number '101)'",
                            "t.conf:5:12: error: (V) Priority not valid! must be between 1 & 255. "
                            "Using default 100"}));
}

TEST(PreprocessTest, MultiLineDefinitionGivesLinesOfTheirOwn) {
  ParseResult r = ParseConfig(std::string("$VIPS=10.250.0.2 \\\n  10.250.0.3\n"
                                          "vrrp_instance V {\n  interface eth0\n"
                                          "  virtual_router_id 1\n  virtual_ipaddress {\n"
                                          "    $VIPS\n  }\n}\n"),
                              "t.conf");
  EXPECT_TRUE(r.diagnostics.empty()) << Strings(r)[0];
  ASSERT_EQ(r.config.instances.size(), 1u);
  EXPECT_EQ(r.config.instances[0].vips.size(), 2u);
}

TEST(PreprocessTest, ConfigIdSelectsLines) {
  const std::string text = std::string("vrrp_instance V {\n  interface eth0\n") +
                           "  virtual_router_id 1\n  @lb1 priority 150\n  @^lb1 priority 50\n" +
                           kTail;
  ParseOptions o;
  o.config_id = "lb1";
  EXPECT_EQ(ParseConfig(text, "t.conf", o).config.instances.at(0).priority, 150);
  o.config_id.reset();
  EXPECT_EQ(ParseConfig(text, "t.conf", o).config.instances.at(0).priority, 50);
}

TEST(PreprocessTest, SequencesDefineParameters) {
  ParseResult r = ParseConfig(std::string("~SEQ(i, 1, 3) $V${i}=1${i}\nvrrp_instance V {\n"
                                          "  interface eth0\n  virtual_router_id $V3\n") +
                                  kTail,
                              "t.conf");
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_EQ(r.config.instances.at(0).vrid, 13);
}

TEST(DiagnosticClassTest, KeepalivedExitStatusFromTheUntaggedMessages) {
  Diagnostics d;
  EXPECT_EQ(KeepalivedExitStatus(d), 0);
  d.push_back({Severity::kWarning, {}, "Warning - script x is not used", DiagClass::kDaemon});
  EXPECT_EQ(KeepalivedExitStatus(d), 0);
  d.push_back({Severity::kError, {}, "Invalid smtp server x 25", DiagClass::kHost});
  EXPECT_EQ(KeepalivedExitStatus(d), 0);
  EXPECT_EQ(KeepalivedExitStatus(d, /*with_host=*/true), 5);
  d.push_back({Severity::kWarning,
               {},
               "SECURITY VIOLATION - scripts are being executed but script_security not enabled."});
  EXPECT_EQ(KeepalivedExitStatus(d), 6);
  Diagnostic abort{Severity::kFatal, {}, "*** Configuration line starting `priority` ..."};
  abort.aborts = true;
  d.push_back(abort);
  EXPECT_EQ(KeepalivedExitStatus(d), 2);
  EXPECT_EQ(d[0].ToString(), "<input>: warning: Warning - script x is not used [daemon]");
}

TEST(ScriptAdviceTest, WhatKeepalivedReallyDoes) {
  auto advise = [](const std::string& cmd, const std::string& shell) {
    Diagnostics d;
    AdviseScript(cmd, {"t.conf", 1, 1}, shell, "script", &d);
    for (const auto& x : d) EXPECT_EQ(x.cls, DiagClass::kDaemon);
    return d.size();
  };
  EXPECT_EQ(advise("</dev/tcp/127.0.0.1/80", "dash"), 1u);  // system(): dash has no /dev/tcp
  EXPECT_EQ(advise("</dev/tcp/127.0.0.1/80", "bash"), 0u);
  EXPECT_EQ(advise("/usr/bin/pidof nginx || exit 1", "dash"), 1u);  // execve: no shell
  EXPECT_EQ(advise("killall -0 haproxy", "dash"), 1u);              // PATH search
  EXPECT_EQ(advise("/bin/sh -c '[[ -f /x ]]'", "dash"), 1u);        // dash has no [[
  EXPECT_EQ(advise("/bin/sh -c '[[ -f /x ]]'", "bash"), 0u);
  EXPECT_EQ(advise("/bin/bash -c '</dev/tcp/127.0.0.1/80'", "dash"), 0u);
  EXPECT_EQ(advise("/usr/local/bin/check.sh arg", "dash"), 0u);
}

}  // namespace
}  // namespace vrrp

namespace vrrp {
namespace {

// keepalived 2.2.7 loops forever on these; vrrpsim must end (with a message).
TEST(PreprocessTest, SelfReferencesEnd) {
  for (const char* text :
       {"$A=$A\npriority $A\n", "$B=${B}\npriority ${B}\n", "$C=$D\n$D=$C\npriority $C\n"}) {
    ParseResult r = ParseConfig(text, "t.conf");
    EXPECT_FALSE(r.diagnostics.empty()) << text;
  }
}

TEST(PreprocessTest, GeneratorsThatFeedThemselvesAreStopped) {
  ParseResult r = ParseConfig("$X=~SEQ(i,1,1000) $X\n$X\n", "t.conf");
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.back().cls, DiagClass::kVrrpsim);
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace vrrp

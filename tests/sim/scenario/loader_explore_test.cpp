// The `explore:` section and the expectation kinds added with it
// (vip_available, no_flapping, no_split_brain tolerance/while, converges
// without `after`): values land in the structs, defaults hold when absent,
// and every error names its file:line:column.
#include <gtest/gtest.h>
#include <utility>

#include "sim/scenario/scenario.h"

namespace vsim {
namespace {

using vrrp::Seconds;

const std::string kDataDir = std::string(VRRPSIM_TEST_DATA_DIR) + "/scenarios";

std::string Config(int priority) {
  return "      vrrp_instance VI_1 {\n"
         "          interface eth0\n"
         "          virtual_router_id 51\n"
         "          priority " +
         std::to_string(priority) +
         "\n"
         "          virtual_ipaddress {\n"
         "              10.0.0.100/24\n"
         "          }\n"
         "      }\n";
}

// A two-node scenario of 10 minutes with one labelled operation, then `tail`.
std::string Base(const std::string& tail) {
  return "name: test\nduration: 10min\n"
         "nodes:\n"
         "  - name: node1\n"
         "    address: 10.0.0.1\n"
         "    config: |\n" +
         Config(100) +
         "  - name: node2\n"
         "    address: 10.0.0.2\n"
         "    config: |\n" +
         Config(90) +
         "timeline:\n"
         "  - {at: 10s, op: crash, node: node1, id: c}\n" +
         tail;
}

ScenarioLoad Load(const std::string& yaml) { return LoadScenarioText(yaml, "test.yaml", kDataDir); }

std::string AllDiags(const ScenarioLoad& l) {
  std::string s;
  for (const auto& d : l.diagnostics) s += d.ToString() + "\n";
  return s;
}

// The loaded scenario (by value: the load is a temporary); empty on failure.
Scenario Ok(const std::string& yaml) {
  const ScenarioLoad l = Load(yaml);
  EXPECT_TRUE(l.ok()) << AllDiags(l);
  return l.ok() ? *l.scenario : Scenario{};
}

// 1-based line and column of the first occurrence of `needle` in `text`,
// `skip` characters into it.
std::pair<int, int> Pos(const std::string& text, const std::string& needle, std::size_t skip = 0) {
  std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  if (at != std::string::npos) at += skip;
  int line = 1, col = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

// The load fails with exactly one error, containing `message`, located at
// the first occurrence of `needle` (`skip` characters into it).
void ExpectError(const std::string& yaml, const std::string& needle, const std::string& message,
                 std::size_t skip = 0) {
  const ScenarioLoad l = Load(yaml);
  EXPECT_FALSE(l.ok());
  const auto [line, col] = Pos(yaml, needle, skip);
  int errors = 0;
  bool found = false;
  for (const auto& d : l.diagnostics) {
    if (d.severity == vrrp::Severity::kWarning) continue;
    ++errors;
    found = found || (d.message.find(message) != std::string::npos && d.where.line == line &&
                      d.where.column == col && d.where.file == "test.yaml");
  }
  EXPECT_TRUE(found) << "expected '" << message << "' at " << line << ":" << col << ", got:\n"
                     << AllDiags(l);
  EXPECT_EQ(errors, 1) << AllDiags(l);
}

std::size_t Kind(std::string_view name) { return static_cast<std::size_t>(*ParseFaultKind(name)); }

// ---- the explore section

TEST(LoaderExplore, AbsentMeansDefaults) {
  const Scenario s = Ok(Base(""));
  const ExploreSpec d;
  const ExploreSpec& x = s.explore;
  EXPECT_FALSE(x.present);
  EXPECT_EQ(x.duration, d.duration);
  EXPECT_EQ(x.window_from, d.window_from);
  EXPECT_EQ(x.window_to, d.window_to);
  EXPECT_EQ(x.quiet, d.quiet);
  EXPECT_EQ(x.min_faults, d.min_faults);
  EXPECT_EQ(x.max_faults, d.max_faults);
  EXPECT_EQ(x.min_gap, d.min_gap);
  EXPECT_EQ(x.min_length, d.min_length);
  EXPECT_EQ(x.max_length, d.max_length);
  EXPECT_EQ(x.open_percent, d.open_percent);
  EXPECT_EQ(x.weights, d.weights);
  EXPECT_EQ(x.weights, kDefaultFaultWeights);
  EXPECT_EQ(x.prefix, d.prefix);
  EXPECT_EQ(x.properties.no_split_brain, d.properties.no_split_brain);
  EXPECT_EQ(x.properties.split_tolerance, d.properties.split_tolerance);
  EXPECT_EQ(x.properties.split_while_connected, d.properties.split_while_connected);
  EXPECT_EQ(x.properties.vip_available, d.properties.vip_available);
  EXPECT_EQ(x.properties.vip_within, d.properties.vip_within);
  EXPECT_EQ(x.properties.converges, d.properties.converges);
  EXPECT_EQ(x.properties.converge_within, d.properties.converge_within);
  EXPECT_EQ(x.properties.no_flapping, d.properties.no_flapping);
  EXPECT_EQ(x.properties.flap_max, d.properties.flap_max);
  EXPECT_EQ(x.properties.flap_window, d.properties.flap_window);
  EXPECT_EQ(x.properties.scenario_expect, d.properties.scenario_expect);
}

TEST(LoaderExplore, EmptySectionIsPresentWithDefaults) {
  const std::string yaml = Base("explore:\n");
  const Scenario s = Ok(yaml);
  EXPECT_TRUE(s.explore.present);
  EXPECT_EQ(s.explore.where.line, Pos(yaml, "explore:").first + 1);  // the (null) value
  EXPECT_EQ(s.explore.max_faults, 3);
  EXPECT_EQ(s.explore.weights, kDefaultFaultWeights);
}

TEST(LoaderExplore, FullSectionRoundTrips) {
  const std::string yaml = Base(
      "explore:\n"
      "  duration: 20min\n"
      "  window: {from: 5s, to: 8min}\n"
      "  quiet: 2min\n"
      "  max_faults: 5\n"
      "  min_faults: 2\n"
      "  min_gap: 500ms\n"
      "  length: {min: 2s, max: 90s}\n"
      "  open: 25%\n"
      "  weights: {crash: 3, check: 0, foreign: 4, partition: 7}\n"
      "  prefix: off\n"
      "  properties:\n"
      "    no_split_brain: {tolerance: 4s, while: always}\n"
      "    vip_available: {within: 10s}\n"
      "    converges: {within: 30s}\n"
      "    no_flapping: {max: 8, window: 2min}\n"
      "    expect: off\n");
  const Scenario s = Ok(yaml);
  const ExploreSpec& x = s.explore;
  EXPECT_TRUE(x.present);
  EXPECT_EQ(x.where.line, Pos(yaml, "  duration: 20min").first);
  EXPECT_EQ(x.where.column, 3);
  EXPECT_EQ(x.duration, Seconds(1200));
  EXPECT_EQ(x.window_from, Seconds(5));
  EXPECT_EQ(x.window_to, Seconds(480));
  EXPECT_EQ(x.quiet, Seconds(120));
  EXPECT_EQ(x.max_faults, 5);
  EXPECT_EQ(x.min_faults, 2);
  EXPECT_EQ(x.min_gap, vrrp::Millis(500));
  EXPECT_EQ(x.min_length, Seconds(2));
  EXPECT_EQ(x.max_length, Seconds(90));
  EXPECT_EQ(x.open_percent, 25);
  std::array<int, kFaultKindCount> w = kDefaultFaultWeights;
  w[Kind("crash")] = 3;
  w[Kind("check")] = 0;
  w[Kind("foreign")] = 4;
  w[Kind("partition")] = 7;
  EXPECT_EQ(x.weights, w);
  EXPECT_FALSE(x.prefix);
  EXPECT_TRUE(x.properties.no_split_brain);
  EXPECT_EQ(x.properties.split_tolerance, Seconds(4));
  EXPECT_FALSE(x.properties.split_while_connected);
  EXPECT_TRUE(x.properties.vip_available);
  EXPECT_EQ(x.properties.vip_within, Seconds(10));
  EXPECT_TRUE(x.properties.converges);
  EXPECT_EQ(x.properties.converge_within, Seconds(30));
  EXPECT_TRUE(x.properties.no_flapping);
  EXPECT_EQ(x.properties.flap_max, 8);
  EXPECT_EQ(x.properties.flap_window, Seconds(120));
  EXPECT_FALSE(x.properties.scenario_expect);
}

TEST(LoaderExplore, OpenAsProbabilityRoundsToPercent) {
  EXPECT_EQ(Ok(Base("explore: {open: 0.333}\n")).explore.open_percent, 33);
  EXPECT_EQ(Ok(Base("explore: {open: 1}\n")).explore.open_percent, 100);
  EXPECT_EQ(Ok(Base("explore: {open: 0%}\n")).explore.open_percent, 0);
}

TEST(LoaderExplore, OnlyZeroesEveryOtherKind) {
  const Scenario& s =
      Ok(Base("explore:\n  weights: {crash: 5}\n  only: [crash, partition, foreign]\n"));
  std::array<int, kFaultKindCount> w{};
  w[Kind("crash")] = 5;
  w[Kind("partition")] = 1;
  w[Kind("foreign")] = 1;  // listing an opt-in kind turns it on
  EXPECT_EQ(s.explore.weights, w);
}

TEST(LoaderExplore, PropertiesOnOffAndBare) {
  const Scenario s =
      Ok(Base("explore:\n  properties:\n    no_split_brain: off\n"
              "    vip_available:\n    converges: {}\n"
              "    no_flapping: on\n"));
  const ExploreProperties& p = s.explore.properties;
  EXPECT_FALSE(p.no_split_brain);
  EXPECT_TRUE(p.vip_available);
  EXPECT_FALSE(p.vip_within.has_value());
  EXPECT_TRUE(p.converges);
  EXPECT_FALSE(p.converge_within.has_value());
  EXPECT_TRUE(p.no_flapping);
  EXPECT_FALSE(p.flap_max.has_value());
  EXPECT_TRUE(p.scenario_expect);
  EXPECT_TRUE(p.split_while_connected);  // the default
}

TEST(LoaderExplore, UnknownKeySuggests) {
  const std::string yaml = Base("explore:\n  max_fault: 2\n");
  ExpectError(yaml,
              "max_fault:", "unknown key 'max_fault' in explore (did you mean 'max_faults'?)");
}

TEST(LoaderExplore, UnknownFaultKindInWeights) {
  const std::string yaml = Base("explore:\n  weights: {crash: 1, crsh: 2}\n");
  ExpectError(yaml, "crsh", "unknown fault kind 'crsh' in explore weights (did you mean 'crash'?)");
  const ScenarioLoad l = Load(yaml);
  ASSERT_FALSE(l.diagnostics.empty());
  EXPECT_NE(l.diagnostics[0].message.find("crash, stop, restart, power, pause, reload, check, "
                                          "track_file, link, partition, block, loss, jitter, "
                                          "foreign"),
            std::string::npos)
      << AllDiags(l);
}

TEST(LoaderExplore, UnknownFaultKindInOnly) {
  ExpectError(Base("explore:\n  only: [crash, earthquake]\n"), "earthquake",
              "unknown fault kind 'earthquake' in explore only");
}

TEST(LoaderExplore, MaxFaultsZero) {
  ExpectError(Base("explore:\n  max_faults: 0\n"), "max_faults: 0",
              "explore max_faults must be between 1 and 64, got 0", 12);
}

TEST(LoaderExplore, MinFaultsAboveMax) {
  ExpectError(Base("explore:\n  max_faults: 2\n  min_faults: 3\n"), "min_faults: 3",
              "explore min_faults (3) is more than max_faults (2)", 12);
}

TEST(LoaderExplore, WindowToBeforeFrom) {
  ExpectError(Base("explore:\n  window: {from: 10s, to: 5s}\n"), "5s}",
              "explore window to (5.000000s) must be after window from (10.000000s)");
}

TEST(LoaderExplore, WindowToBeyondDuration) {
  // The scenario's duration (10min) is the run length...
  ExpectError(Base("explore:\n  window: {to: 11min}\n"), "11min",
              "explore window to (660.000000s) is after the end of the run (the scenario's "
              "duration 600.000000s)");
  // ...unless explore gives its own.
  ExpectError(Base("explore:\n  duration: 1min\n  window: {to: 2min}\n"), "2min",
              "is after the end of the run (explore duration 60.000000s)");
  EXPECT_TRUE(Load(Base("explore:\n  duration: 1h\n  window: {to: 50min}\n")).ok());
}

TEST(LoaderExplore, QuietLeavesNoWindow) {
  ExpectError(Base("explore:\n  quiet: 10min\n"), "quiet: 10min",
              "explore: no time left for faults", 7);
}

TEST(LoaderExplore, AllWeightsZero) {
  const std::string yaml = Base(
      "explore:\n  weights: {crash: 0, stop: 0, restart: 0, power: 0, pause: 0, reload: 0,\n"
      "            check: 0, track_file: 0, link: 0, partition: 0, block: 0, loss: 0,\n"
      "            jitter: 0}\n");
  ExpectError(yaml, "{crash", "no fault kind has a weight above 0");
}

TEST(LoaderExplore, OnlyWithZeroWeight) {
  ExpectError(Base("explore:\n  weights: {link: 0}\n  only: [crash, link]\n"), "link]",
              "weight 0 for a kind listed in only");
}

TEST(LoaderExplore, WeightOutOfRange) {
  ExpectError(Base("explore:\n  weights: {crash: 1001}\n"), "1001",
              "explore weight of crash must be between 0 and 1000, got 1001");
}

TEST(LoaderExplore, OpenAbove100Percent) {
  ExpectError(Base("explore:\n  open: 150%\n"), "150%",
              "explore open must be a probability between 0 and 1 (or a percentage such as 5%), "
              "got '150%'");
}

TEST(LoaderExplore, LengthMaxBelowMin) {
  ExpectError(Base("explore:\n  length: {min: 10s, max: 5s}\n"), "5s}",
              "explore length max (5.000000s) is shorter than length min (10.000000s)");
  ExpectError(Base("explore:\n  length: {min: 0}\n"), "{min: 0}",
              "explore length min must be longer than 0", 6);
}

TEST(LoaderExplore, PropertyWhileSometimes) {
  ExpectError(Base("explore:\n  properties:\n    no_split_brain: {while: sometimes}\n"),
              "sometimes", "explore no_split_brain while must be connected");
}

TEST(LoaderExplore, PropertyUnknownParameter) {
  ExpectError(Base("explore:\n  properties:\n    vip_available: {whithin: 5s}\n"), "whithin",
              "unknown key 'whithin' in explore property vip_available (did you mean 'within'?)");
}

TEST(LoaderExplore, EveryPropertyOff) {
  const std::string yaml = Base(
      "explore:\n  properties:\n    no_split_brain: off\n    vip_available: off\n"
      "    converges: off\n    no_flapping: off\n    expect: off\n");
  ExpectError(yaml, "no_split_brain: off", "explore: every property is off; nothing to check");
}

TEST(LoaderExplore, NotAMapping) {
  ExpectError(Base("explore: [crash]\n"), "[crash]", "explore must be a mapping");
}

// ---- expectation kinds

TEST(LoaderExplore, NoSplitBrainToleranceAndWhile) {
  const Scenario s =
      Ok(Base("expect:\n"
              "  - no_split_brain\n"
              "  - no_split_brain: {tolerance: 4s, while: connected}\n"
              "  - no_split_brain: {while: always, vrid: 51, masters_only: true}\n"));
  ASSERT_EQ(s.expect.size(), 3u);
  EXPECT_EQ(s.expect[0].kind, ExpectKind::kNoSplitBrain);
  EXPECT_FALSE(s.expect[0].tolerance.has_value());
  EXPECT_FALSE(s.expect[0].while_connected);
  EXPECT_EQ(s.expect[1].tolerance, Seconds(4));
  EXPECT_TRUE(s.expect[1].while_connected);
  EXPECT_FALSE(s.expect[2].tolerance.has_value());
  EXPECT_FALSE(s.expect[2].while_connected);
  EXPECT_EQ(s.expect[2].vrid, 51);
  EXPECT_TRUE(s.expect[2].masters_only);
}

TEST(LoaderExplore, VipAvailable) {
  const Scenario s = Ok(Base("expect:\n  - vip_available: {within: 10s, vrid: 51}\n"));
  ASSERT_EQ(s.expect.size(), 1u);
  EXPECT_EQ(s.expect[0].kind, ExpectKind::kVipAvailable);
  EXPECT_EQ(s.expect[0].within, Seconds(10));
  EXPECT_EQ(s.expect[0].vrid, 51);
}

TEST(LoaderExplore, NoFlapping) {
  const Scenario s = Ok(Base("expect:\n  - no_flapping: {max: 4, window: 60s}\n"));
  ASSERT_EQ(s.expect.size(), 1u);
  EXPECT_EQ(s.expect[0].kind, ExpectKind::kNoFlapping);
  EXPECT_EQ(s.expect[0].count_max, 4);
  EXPECT_EQ(s.expect[0].window, Seconds(60));
  EXPECT_EQ(s.expect[0].vrid, 0);
}

TEST(LoaderExplore, ConvergesWithoutAfter) {
  const Scenario s =
      Ok(Base("expect:\n  - converges: {within: 8s}\n"
              "  - converges: {after: c, within: 9s}\n"));
  ASSERT_EQ(s.expect.size(), 2u);
  EXPECT_EQ(s.expect[0].kind, ExpectKind::kConverges);
  EXPECT_FALSE(s.expect[0].after.has_value());
  EXPECT_EQ(s.expect[0].within, Seconds(8));
  ASSERT_TRUE(s.expect[1].after.has_value());
  EXPECT_EQ(s.expect[1].after->label, "c");
}

TEST(LoaderExplore, ConvergesStillNeedsWithin) {
  ExpectError(Base("expect:\n  - converges: {after: c}\n"), "{after",
              "expectation converges: missing 'within'");
}

TEST(LoaderExplore, FailoverStillNeedsAfter) {
  ExpectError(Base("expect:\n  - failover: {within: 5s}\n"), "{within",
              "expectation failover: missing 'after'");
}

TEST(LoaderExplore, WhileSometimes) {
  ExpectError(Base("expect:\n  - no_split_brain: {while: sometimes}\n"), "sometimes",
              "expectation no_split_brain while must be connected");
}

TEST(LoaderExplore, VipAvailableWithoutWithin) {
  ExpectError(Base("expect:\n  - vip_available: {vrid: 51}\n"), "{vrid",
              "expectation vip_available: missing 'within'");
}

TEST(LoaderExplore, VipAvailableZeroWithin) {
  ExpectError(Base("expect:\n  - vip_available: {within: 0}\n"), "0}",
              "expectation vip_available within must be longer than 0");
}

TEST(LoaderExplore, NoFlappingWithoutWindow) {
  ExpectError(Base("expect:\n  - no_flapping: {max: 3}\n"), "{max",
              "expectation no_flapping: missing 'window'");
}

TEST(LoaderExplore, NoFlappingMaxOutOfRange) {
  ExpectError(Base("expect:\n  - no_flapping: {max: 1000001, window: 1min}\n"), "1000001",
              "expectation no_flapping max must be between 0 and 1000000");
}

TEST(LoaderExplore, NewKindsNeedParameters) {
  ExpectError(Base("expect:\n  - vip_available\n"), "vip_available",
              "expectation vip_available: needs parameters");
}

TEST(LoaderExplore, KindListsNameTheNewKinds) {
  const ScenarioLoad l = Load(Base("expect:\n  - vip_availble: {within: 1s}\n"));
  EXPECT_FALSE(l.ok());
  const std::string all = AllDiags(l);
  EXPECT_NE(all.find("(did you mean 'vip_available'?)"), std::string::npos) << all;
  EXPECT_NE(all.find("client, vip_available, no_flapping"), std::string::npos) << all;
  const ScenarioLoad l2 = Load(Base("expect:\n  - [a, b]\n"));
  EXPECT_NE(AllDiags(l2).find("client, vip_available, no_flapping)"), std::string::npos)
      << AllDiags(l2);
}

}  // namespace
}  // namespace vsim

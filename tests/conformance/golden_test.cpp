// The simulator against real keepalived 2.2.7: every shipped scenario that
// can be mapped onto real daemons has golden real traces (recorded several
// times each by tests/conformance/record/record.sh) under
// tests/conformance/golden/, and must conform to them. No root needed.
//
// Matrix variants too: a variant that changes the configuration has its own
// golden file (record.sh --variant, DIR-NAME@VARIANT.json) and is compared
// as that variant (VariantScenario: the variant's configs and expectations);
// a variant whose configuration is the base run's is listed in
// kVariantSameAsBase and compared with the base recording (the test checks
// that its simulated run is the base run's); one that cannot be recorded is
// listed in kVariantUnsupported with the reason.
//
// A scenario the recorder cannot map is listed in kUnsupported with the
// reason; a known divergence (an engine difference documented in
// docs/conformance.md, "Scenario conformance") in kKnownDivergence - its test
// then checks that the divergence is still there, so that a fix shows up.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "sim/conform/conform.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/trace/json_trace.h"

namespace vsim {
namespace {

const std::string kSrc = VRRPSIM_SOURCE_DIR;

// Scenario (relative to the source tree) -> why it cannot be recorded.
const std::map<std::string, std::string> kUnsupported = {
    {"scenarios/edges/equal-priorities.yaml",
     "500 us link latency: needs netem, which this kernel does not have; and the scenario's "
     "simultaneous start (within 1 ms) is far below the real start jitter (tens of ms)"},
};

// "SCENARIO@VARIANT" -> why the variant is compared with the base recording.
const std::map<std::string, std::string> kVariantSameAsBase = {
    {"scenarios/seed/modes.yaml@master-backup", "no overrides"},
    {"scenarios/seed/nopreempt-master-backup.yaml@as-seed", "no overrides"},
    {"scenarios/edges/preempt-delay.yaml@preempt_delay=3s",
     "node1's configuration has preempt_delay 3"},
    {"scenarios/edges/weights-cannot-fail-over.yaml@weight.chk=-2",
     "node1's vrrp_script chk has weight -2"},
    {"scenarios/seed/nopreempt-backup-backup.yaml@nopreempt=on",
     "node2's configuration has nopreempt"},
};

// "SCENARIO@VARIANT" -> why the variant cannot be recorded.
const std::map<std::string, std::string> kVariantUnsupported = {};

// Scenario -> the divergence that is documented (and expected to persist).
// Empty since edges/vrid-collision got its timing noise (wakeup_jitter) and
// is compared as an ensemble of seeds (docs/conformance.md).
const std::map<std::string, std::string> kKnownDivergence = {};

// scenarios/seed/master-backup.yaml -> tests/conformance/golden/seed-master-backup.json;
// with a variant: scenarios/edges/preempt-delay.yaml, preempt_delay=0s ->
// tests/conformance/golden/edges-preempt-delay@preempt_delay_0s.json (as
// record_all.sh names them: characters other than letters, digits, '.', '_'
// and '-' written as '_').
std::string GoldenOf(const std::string& scenario, const std::string& variant = "") {
  const std::filesystem::path p(scenario);
  std::string v = variant;
  for (char& c : v)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  return "tests/conformance/golden/" + p.parent_path().filename().string() + "-" +
         p.stem().string() + (v.empty() ? "" : "@" + v) + ".json";
}

std::vector<std::string> ShippedScenarios() {
  std::vector<std::string> out;
  for (const char* dir : {"scenarios/seed", "scenarios/edges", "scenarios/ipv6"})
    for (const auto& e : std::filesystem::directory_iterator(kSrc + "/" + dir))
      if (e.path().extension() == ".yaml")
        out.push_back(std::string(dir) + "/" + e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Golden, EveryShippedScenarioIsRecordedOrListedAsUnsupported) {
  for (const auto& sc : ShippedScenarios()) {
    const bool golden = std::filesystem::exists(kSrc + "/" + GoldenOf(sc));
    const bool unsupported = kUnsupported.count(sc) > 0;
    EXPECT_TRUE(golden != unsupported)
        << sc << ": "
        << (golden ? "has a golden trace but is listed as unsupported"
                   : "has no golden trace (record it with "
                     "tests/conformance/record/record.sh --runs 3, or list it "
                     "in kUnsupported with the reason)");
  }
}

// One comparison: a shipped scenario, or one of its matrix variants.
struct GoldenCase {
  std::string scenario;  // relative to the source tree
  std::string variant;   // "" = the base run
  std::string golden;    // the recording compared with
  std::string key() const { return variant.empty() ? scenario : scenario + "@" + variant; }
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.key() << " vs " << c.golden; }

std::vector<std::string> VariantsOf(const std::string& sc) {
  std::vector<std::string> out;
  ScenarioLoad load = LoadScenarioFile(kSrc + "/" + sc);
  if (load.ok())
    for (const auto& v : load.scenario->variants) out.push_back(v.name);
  return out;
}

TEST(Golden, EveryMatrixVariantIsRecordedOrListed) {
  std::set<std::string> seen;
  for (const auto& sc : ShippedScenarios()) {
    ScenarioLoad load = LoadScenarioFile(kSrc + "/" + sc);
    ASSERT_TRUE(load.ok()) << sc;
    for (const auto& v : load.scenario->variants) {
      const std::string key = sc + "@" + v.name;
      seen.insert(key);
      const bool golden = std::filesystem::exists(kSrc + "/" + GoldenOf(sc, v.name));
      const int listed =
          static_cast<int>(kVariantSameAsBase.count(key) + kVariantUnsupported.count(key));
      EXPECT_EQ((golden ? 1 : 0) + listed, 1)
          << key << ": "
          << (golden ? "has a golden trace (" + GoldenOf(sc, v.name) + ") but is also listed"
              : listed > 1
                  ? std::string("is listed both as same-as-base and unsupported")
                  : "has no golden trace (record it with tests/conformance/record/record.sh "
                    "--runs 3 --variant '" +
                        v.name + "' into " + GoldenOf(sc, v.name) +
                        ", or list it in kVariantSameAsBase / kVariantUnsupported with the "
                        "reason)");
      if (kVariantSameAsBase.count(key)) {
        EXPECT_TRUE(std::filesystem::exists(kSrc + "/" + GoldenOf(sc)))
            << key << " is compared with the base recording, which is missing";
        // The claim: the variant's run is the base run.
        RunResult base = RunScenario(*load.scenario);
        RunResult var = RunScenario(VariantScenario(*load.scenario, v));
        for (RunResult* r : {&base, &var}) {
          r->variant.clear();
          r->expectations.clear();
        }
        EXPECT_EQ(TraceHash(base), TraceHash(var))
            << key << " is listed in kVariantSameAsBase but its run differs from the base run";
      }
    }
  }
  for (const auto* list : {&kVariantSameAsBase, &kVariantUnsupported})
    for (const auto& [key, reason] : *list)
      EXPECT_TRUE(seen.count(key)) << key << " (" << reason << ") is not a shipped variant";
}

class GoldenScenario : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenScenario, ConformsToRealKeepalived) {
  const GoldenCase& c = GetParam();
  const std::string& golden = c.golden;
  ScenarioLoad load = LoadScenarioFile(kSrc + "/" + c.scenario);
  ASSERT_TRUE(load.ok()) << c.scenario;
  Scenario scenario = *load.scenario;
  if (!c.variant.empty()) {
    const Variant* v = FindVariant(scenario, c.variant);
    ASSERT_NE(v, nullptr) << c.key();
    scenario = VariantScenario(scenario, *v);
  }
  std::ifstream in(kSrc + "/" + golden, std::ios::binary);
  ASSERT_TRUE(in) << golden;
  std::ostringstream text;
  text << in.rdbuf();
  TraceRead read = ReadTraceJson(text.str(), golden);
  ASSERT_TRUE(read.ok()) << golden;
  ASSERT_GE(read.runs.size(), 3u) << golden << ": record at least three runs (the real spread)";
  // A variant's own recording names it ("real keepalived 2.2.7 [VARIANT]").
  const bool own = golden == GoldenOf(c.scenario, c.variant);
  for (const auto& r : read.runs) {
    EXPECT_EQ(r.scenario, scenario.name);
    EXPECT_EQ(r.variant, std::string("real keepalived 2.2.7") +
                             (own && !c.variant.empty() ? " [" + c.variant + "]" : ""));
  }
  const ConformReport rep = Conform(scenario, read.runs);
  auto known = kKnownDivergence.find(c.key());
  if (known == kKnownDivergence.end()) {
    EXPECT_TRUE(rep.passed) << c.key() << "\n" << FormatConformText(rep);
  } else {
    EXPECT_FALSE(rep.passed) << c.key() << " is listed as a known divergence (" << known->second
                             << ") but now conforms: remove it from kKnownDivergence and "
                                "docs/conformance.md\n"
                             << FormatConformText(rep);
  }
}

// Every recorded scenario, every recorded variant, and every variant with the
// base configuration (against the base recording).
std::vector<GoldenCase> Recorded() {
  std::vector<GoldenCase> out;
  for (const auto& sc : ShippedScenarios()) {
    if (!std::filesystem::exists(kSrc + "/" + GoldenOf(sc))) continue;
    out.push_back({sc, "", GoldenOf(sc)});
    for (const auto& v : VariantsOf(sc)) {
      if (std::filesystem::exists(kSrc + "/" + GoldenOf(sc, v)))
        out.push_back({sc, v, GoldenOf(sc, v)});
      else if (kVariantSameAsBase.count(sc + "@" + v))
        out.push_back({sc, v, GoldenOf(sc)});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shipped, GoldenScenario, ::testing::ValuesIn(Recorded()),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) {
                           std::string n = info.param.key();
                           n = n.substr(n.find('/') + 1);
                           const std::size_t yaml = n.find(".yaml");
                           n.erase(yaml, 5);
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenScenario);

}  // namespace
}  // namespace vsim

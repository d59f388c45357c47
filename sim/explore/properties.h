// The properties `vrrpsim explore` checks in every run (docs/explore.md).
//
// Each property is a scenario expectation (sim/scenario/expectations.h), so
// the explorer judges a run with the same checkers `vrrpsim run` uses, and a
// finding written as a scenario fails `vrrpsim run` for the same reason:
//   no_split_brain  -> no_split_brain {tolerance, while: connected|always}
//   vip_available   -> vip_available {within}
//   converges       -> converges {after: the last fault's end, within}
//   no_flapping     -> no_flapping {max, window}
//   expect          -> the scenario's own expectations that hold under any
//                      schedule (invariants, not tied to scripted times)
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace vsim {

inline constexpr const char* kPropertyNames[] = {"no_split_brain", "vip_available", "converges",
                                                 "no_flapping", "expect"};

struct ExploreProperty {
  std::string name;  // one of kPropertyNames; "expect:LINE" for a scenario expectation
  Expectation expect;
};

struct PropertySet {
  std::vector<ExploreProperty> properties;
  // The scenario's expectations left out, each with why ("line 35: failover
  // ...: tied to the scripted timeline").
  std::vector<std::string> skipped;
};

// Resolved defaults, from the longest advert_int of any instance (A):
// split-brain tolerance 2A, vip_available and converges within 4A + 2s (the
// master-down interval, about 3A, after a last advert up to A before the fault, plus slack),
// no_flapping 2 x max_faults + 2 per 60 s.
vrrp::Duration LongestAdvertInt(const Scenario& scenario);

// The properties for one variant's scenario (VariantScenario or the base).
// `prefix`: the scenario's timeline is kept (its labels may be used).
PropertySet BuildProperties(const Scenario& scenario, const ExploreProperties& spec, int max_faults,
                            bool prefix);

// Whether one of the scenario's own expectations states an invariant that
// must hold under any fault schedule; `why` says why not.
bool HoldsUnderRandomFaults(const Expectation& e, bool prefix, std::string* why);

}  // namespace vsim

// Shrinking a violating schedule to a minimal one that still violates the
// same property (deterministic: the same input always shrinks to the same
// output, whatever thread or shard does it):
//   1. delta debugging over the fault list (drop faults, greedily, until no
//      single one can go);
//   2. shorter windows (an open window closed, then the shortest length
//      that still fails, to the millisecond);
//   3. times and lengths snapped to round values (10 s, 1 s, 100 ms);
//   4. a shorter run (whole seconds; never shorter than the faults and the
//      property's own horizon, so truncation cannot fake a violation);
//   5. nodes that play no part left out (not hit by a fault, not named by
//      the timeline or the property) where the property still fails.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/explore/properties.h"
#include "sim/explore/schedule.h"
#include "sim/scenario/scenario.h"

namespace vsim {

struct ShrinkInput {
  const Scenario* base = nullptr;  // the variant's scenario
  bool prefix = true;
  vrrp::Duration duration = 0;
  FaultSchedule schedule;
  ExploreProperty property;
  std::uint64_t run_seed = 0;
};

struct ShrinkOutput {
  FaultSchedule schedule;
  vrrp::Duration duration = 0;
  Scenario base;                     // `base` with the removed nodes left out
  std::vector<std::string> removed;  // names of the nodes left out
  std::string evidence;              // the property's evidence in the minimal run
  bool still_fails = false;          // false: the input did not fail (nothing shrunk)
  int runs = 0;                      // simulations spent
};

ShrinkOutput Shrink(const ShrinkInput& in);

}  // namespace vsim

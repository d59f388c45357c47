// Evaluation of one expectation against a finished run.
#pragma once

#include "sim/observe/metrics.h"
#include "sim/scenario/run_result.h"
#include "sim/scenario/scenario.h"

namespace vsim {

// `run` must already hold hosts, split_brain and the run's events.
ExpectationResult EvaluateExpectation(const Expectation& e, const Scenario& scenario,
                                      const RunTimeline& timeline, const RunResult& run);

}  // namespace vsim

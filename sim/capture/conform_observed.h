// `vrrpsim conform SCENARIO --real CAPTURE`: a simulation held against a
// real capture of the same faults (docs/capture.md, "Conformance with a
// capture"). The simulation's adverts go through the same inference as the
// capture's packets (sim/capture/observer.h), so both sides are what the
// wire shows; the sources are matched by address (each node's interface
// address in the scenario), and the capture's clock is aligned so that its
// first MASTER starts when the simulation's does.
#pragma once

#include <string>

#include "sim/capture/analysis.h"
#include "sim/scenario/scenario.h"

namespace vsim::capture {

struct ObservedConform {
  bool passed = true;
  std::string text;  // the report
};

// What the simulation of `scenario` would show on the wire.
CaptureAnalysis SimulatedObservation(const Scenario& scenario);

ObservedConform ConformWithCapture(const Scenario& scenario, const CaptureAnalysis& real,
                                   Duration tolerance);

}  // namespace vsim::capture

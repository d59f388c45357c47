#include "sim/scenario/scenario.h"

namespace vsim {

vrrp::Diagnostics LintScenario(const Scenario&) { return {}; }

}  // namespace vsim

// Simulated time as text: the one format every report, evidence string and
// transcript uses.
#pragma once

#include <string>

#include "engine/time.h"

namespace vsim {

// "12.345678s": seconds with microsecond precision ("-" for kNever).
std::string FormatTime(vrrp::Time t);

}  // namespace vsim

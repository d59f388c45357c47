// Chrome / Perfetto Trace Event JSON export (`--perfetto FILE`), for
// ui.perfetto.dev or chrome://tracing: host = process, instance = thread,
// state intervals as complete events, effective priority as a counter,
// operations as global instant events, split-brain intervals on a process
// of their own.
#pragma once

#include <iosfwd>

#include "sim/scenario/run_result.h"

namespace vsim {

void WritePerfettoJson(const RunResult& run, std::ostream& out);

}  // namespace vsim

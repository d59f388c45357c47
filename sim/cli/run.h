// `vrrpsim run` and `vrrpsim compare`.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace vsim {

struct RunCommandOptions {
  std::vector<std::string> files;
  std::optional<std::uint64_t> seed;
  std::string trace_path;       // --trace
  std::string perfetto_path;    // --perfetto
  std::string junit_path;       // --junit
  std::string format = "text";  // text | json
  bool check_determinism = false;
  bool packets = false;  // record adverts/drops in the trace and timeline
  bool logs = false;     // keepalived log lines
  bool quiet = false;    // no timeline, only metrics and expectations
  std::string variant;   // run this matrix variant instead of the base run ("all": every one)
  bool strict = false;   // a node configuration error (not only a fatal one) is bad input
  int jobs = 0;          // runs at once; 0 = every core. Output is the same for every value.
  // --seeds N: run seeds (--seed or the scenario's) .. + N - 1 and report
  // metrics and expectations as their distribution over the seeds (issue 21).
  int seeds = 0;
};

// Exit status: 0 every expectation passed, 1 an expectation failed (or the
// determinism check failed), 2 bad input (with --strict also a node
// configuration error; the scenarios still run).
int RunRun(const RunCommandOptions& options, std::ostream& out, std::ostream& err);

struct CompareCommandOptions {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string format = "text";  // text | json | csv | markdown
  std::string trace_path;
  bool strict = false;
};

int RunCompare(const CompareCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace vsim

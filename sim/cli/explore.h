// `vrrpsim explore`: the command line of sim/explore (docs/explore.md).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace vsim {

struct ExploreCommandOptions {
  std::vector<std::string> files;  // one scenario, or keepalived.conf files
  std::optional<std::uint64_t> runs;
  std::string time;  // wall-clock budget ("10min"); "" = none
  int jobs = 0;      // 0 = every core
  std::optional<std::uint64_t> seed;
  std::string shard;  // "i/N"
  std::vector<std::string> merge;
  std::string out;  // directory, or the shard file with --shard
  std::string junit;
  std::string jsonl;  // "-" = stdout
  std::string variant;
  std::vector<std::string> properties;
  std::vector<std::string> faults;
  std::optional<int> max_faults;
  bool strict = false;   // a node configuration error is bad input (exit 2 before the search)
  std::string duration;  // run length override
  bool no_prefix = false;
  std::string quiet_period;          // --quiet-period
  std::string min_gap;               // --min-gap
  std::string window;                // --window FROM,TO
  std::vector<std::string> weights;  // --weight KIND=N
  bool quiet = false;                // no progress line
  bool exhaustive = false;           // every schedule within the bound (sim/explore/exhaustive.h)
  std::string grid;                  // --grid: the instants faults start and end at
  bool no_dedup = false;
  std::uint64_t max_states =
      400000;  // --max-states             // --no-dedup: every prefix its own state (measurements)
};

// Exit status: 0 no property violated, 1 violations found, 2 bad input.
int RunExploreCommand(const ExploreCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace vsim

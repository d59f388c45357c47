// What `vrrpsim explore` shows and writes: the summary table (stdout), the
// findings as JSON lines, JUnit XML, and the --out directory with one
// minimal, runnable scenario per finding class.
//
// Everything but the summary table's rate line is a function of the search's
// result alone, so the --out directory of a merged sharded search is byte for
// byte that of the unsharded one (the test in tests/explore checks it).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/explore/explorer.h"
#include "sim/explore/shard_file.h"

namespace vsim {

// File name of class k (0-based) in --out: "finding-001-no_split_brain.yaml".
std::string FindingFileName(std::size_t k, const FindingClass& c);

// One JSON object per line, one line per class.
std::string FindingsJsonl(const std::vector<FindingClass>& classes);
// The search as a whole: header, tallies, coverage, classes (no timings).
std::string SummaryJson(const ExploreHeader& header, const ExploreResult& result,
                        const std::vector<FindingClass>& classes);
// One testsuite; a testcase per property (passing when nothing violated it)
// and a failing testcase per class.
std::string FindingsJunit(const ExploreHeader& header, const ExploreResult& result,
                          const std::vector<FindingClass>& classes);

// The human summary: runs, rate, classes with counts and their minimal
// faults, coverage of fault kind x target role, skipped expectations.
// `seconds` (the runs) and `shrink_seconds` < 0: no timings (a merge).
void WriteSummaryTable(const ExploreHeader& header, const ExploreResult& result,
                       const std::vector<FindingClass>& classes, double seconds,
                       double shrink_seconds, std::ostream& out);

// Writes findings.jsonl, summary.json and one finding-NNN-*.yaml per class
// into `dir` (created if missing; findings of an earlier search there are
// replaced, nothing else is touched). Atomic per file.
bool WriteFindingsDir(const std::string& dir, const ExploreHeader& header,
                      const ExploreResult& result, const std::vector<FindingClass>& classes,
                      std::string* error);

}  // namespace vsim

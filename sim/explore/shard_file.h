// Shard files: the whole result of one shard of a search (`vrrpsim explore
// --shard i/N --out shard-i.json`), and merging them (`--merge`) into the
// result of the unsharded search, byte for byte.
//
// A shard covers the schedule indices i-1, i-1+N, i-1+2N, ... of the search;
// its file holds the search's identity (scenario content, seed, limits,
// properties: ExploreSetup::identity), the tallies, and every violation
// group with its shrunk example and the example's scenario YAML, so merging
// needs neither the scenario nor another run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/explore/exhaustive.h"
#include "sim/explore/explorer.h"

namespace vsim {

struct ExploreHeader {
  std::string identity;
  std::string scenario;  // its name
  std::string file;      // as given on the command line
  std::uint64_t seed = 0;
  std::uint64_t schedules_total = 0;  // the search's --runs (all shards)
  int shard = 0, shards = 0;          // 0/0: unsharded
  std::vector<std::string> variants;
  std::vector<std::string> properties;
  std::vector<std::string> skipped;  // scenario expectations not used, with why
};

ExploreHeader MakeHeader(const ExploreSetup& setup, const std::string& file,
                         std::uint64_t schedules_total);

std::string WriteShardJson(const ExploreHeader& header, const ExploreResult& result);

// Reads one shard file's text; false + error (what is wrong, where).
bool ReadShardJson(const std::string& text, ExploreHeader* header, ExploreResult* result,
                   std::string* error);

struct ShardInput {
  std::string path;
  ExploreHeader header;
  ExploreResult result;
};
// Checks that the shards are one search (same identity, same N and --runs,
// each index 1..N exactly once) and merges them into `*merged`, whose header
// is the unsharded search's. False + a message naming the file and the
// mismatch otherwise.
bool MergeShards(std::vector<ShardInput> shards, ExploreHeader* header, ExploreResult* merged,
                 std::string* error);

// Exhaustive shards (`explore --exhaustive --shard i/N --out FILE`): one
// shard's ExhaustiveResult (counts as decimal strings, each property's
// smallest violating schedule; no timings) and the search's identity.
std::string WriteExhaustiveShardJson(const std::string& identity, int shard, int shards,
                                     const ExhaustiveResult& r);
bool ReadExhaustiveShardJson(const std::string& text, std::string* identity, int* shard,
                             int* shards, ExhaustiveResult* r, std::string* error);

}  // namespace vsim

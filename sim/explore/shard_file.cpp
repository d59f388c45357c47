#include "sim/explore/shard_file.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace vsim {

namespace {

using nlohmann::json;
constexpr const char* kFormat = "vrrpsim-explore-shard/1";

json FaultsJson(const FaultSchedule& s) {
  json a = json::array();
  for (const auto& f : s) {
    json j;
    j["kind"] = std::string(FaultKindName(f.kind));
    j["at_us"] = f.at;
    j["length_us"] = f.length ? json(*f.length) : json(nullptr);
    j["node"] = f.node;
    j["peer"] = f.peer;
    j["name"] = f.name;
    j["value"] = f.value;
    j["vrid"] = f.vrid;
    a.push_back(std::move(j));
  }
  return a;
}

FaultSchedule FaultsFrom(const json& a) {
  FaultSchedule s;
  for (const auto& j : a) {
    Fault f;
    auto k = ParseFaultKind(j.at("kind").get<std::string>());
    if (!k) throw std::runtime_error("unknown fault kind " + j.at("kind").get<std::string>());
    f.kind = *k;
    f.at = j.at("at_us").get<std::int64_t>();
    if (!j.at("length_us").is_null()) f.length = j.at("length_us").get<std::int64_t>();
    f.node = j.at("node").get<int>();
    f.peer = j.at("peer").get<int>();
    f.name = j.at("name").get<std::string>();
    f.value = j.at("value").get<std::int64_t>();
    f.vrid = j.at("vrid").get<int>();
    s.push_back(std::move(f));
  }
  return s;
}

}  // namespace

ExploreHeader MakeHeader(const ExploreSetup& setup, const std::string& file,
                         std::uint64_t schedules_total) {
  ExploreHeader h;
  h.identity = setup.identity;
  h.scenario = setup.source ? setup.source->name : "";
  h.file = file;
  h.seed = setup.seed;
  h.schedules_total = schedules_total;
  for (const auto& v : setup.variants) {
    h.variants.push_back(v.name);
    for (const auto& s : v.properties.skipped)
      h.skipped.push_back(v.name.empty() ? s : "[" + v.name + "] " + s);
  }
  h.properties = setup.property_names;
  return h;
}

std::string WriteShardJson(const ExploreHeader& h, const ExploreResult& r) {
  json j;
  j["format"] = kFormat;
  j["identity"] = h.identity;
  j["scenario"] = h.scenario;
  j["file"] = h.file;
  j["seed"] = h.seed;
  j["schedules_total"] = h.schedules_total;
  j["shard"] = h.shard;
  j["shards"] = h.shards;
  j["variants"] = h.variants;
  j["properties"] = h.properties;
  j["skipped"] = h.skipped;
  j["schedules"] = r.schedules;
  j["runs"] = r.runs;
  j["violating_runs"] = r.violating_runs;
  j["events"] = r.events;
  j["coverage"] = json::object();
  for (const auto& [k, n] : r.coverage) j["coverage"][k] = n;
  j["groups"] = json::array();
  for (const auto& [sig, g] : r.groups) {
    json x;
    x["signature"] = g.signature;
    x["property"] = g.property;
    x["variant"] = g.variant;
    x["count"] = g.count;
    x["first_index"] = g.first_index;
    x["schedule"] = FaultsJson(g.schedule);
    x["shrunk"] = g.shrunk;
    x["minimal"] = FaultsJson(g.minimal);
    x["minimal_duration_us"] = g.minimal_duration;
    x["removed_nodes"] = g.removed_nodes;
    x["minimal_signature"] = g.minimal_signature;
    x["minimal_text"] = g.minimal_text;
    x["evidence"] = g.evidence;
    x["scenario_yaml"] = g.scenario_yaml;
    x["shrink_runs"] = g.shrink_runs;
    j["groups"].push_back(std::move(x));
  }
  return j.dump(1) + "\n";
}

bool ReadShardJson(const std::string& text, ExploreHeader* h, ExploreResult* r,
                   std::string* error) {
  try {
    const json j = json::parse(text);
    if (!j.is_object() || !j.contains("format") || j.at("format") != kFormat) {
      *error = std::string("not a vrrpsim explore shard file (expected \"format\": \"") + kFormat +
               "\")";
      return false;
    }
    h->identity = j.at("identity").get<std::string>();
    h->scenario = j.at("scenario").get<std::string>();
    h->file = j.at("file").get<std::string>();
    h->seed = j.at("seed").get<std::uint64_t>();
    h->schedules_total = j.at("schedules_total").get<std::uint64_t>();
    h->shard = j.at("shard").get<int>();
    h->shards = j.at("shards").get<int>();
    h->variants = j.at("variants").get<std::vector<std::string>>();
    h->properties = j.at("properties").get<std::vector<std::string>>();
    h->skipped = j.at("skipped").get<std::vector<std::string>>();
    r->schedules = j.at("schedules").get<std::uint64_t>();
    r->runs = j.at("runs").get<std::uint64_t>();
    r->violating_runs = j.at("violating_runs").get<std::uint64_t>();
    r->events = j.at("events").get<std::uint64_t>();
    for (const auto& [k, n] : j.at("coverage").items()) r->coverage[k] = n.get<std::uint64_t>();
    for (const auto& x : j.at("groups")) {
      ViolationGroup g;
      g.signature = x.at("signature").get<std::string>();
      g.property = x.at("property").get<std::string>();
      g.variant = x.at("variant").get<std::string>();
      g.count = x.at("count").get<std::uint64_t>();
      g.first_index = x.at("first_index").get<std::uint64_t>();
      g.schedule = FaultsFrom(x.at("schedule"));
      g.shrunk = x.at("shrunk").get<bool>();
      g.minimal = FaultsFrom(x.at("minimal"));
      g.minimal_duration = x.at("minimal_duration_us").get<std::int64_t>();
      g.removed_nodes = x.at("removed_nodes").get<std::vector<std::string>>();
      g.minimal_signature = x.at("minimal_signature").get<std::string>();
      g.minimal_text = x.at("minimal_text").get<std::vector<std::string>>();
      g.evidence = x.at("evidence").get<std::string>();
      g.scenario_yaml = x.at("scenario_yaml").get<std::string>();
      g.shrink_runs = x.at("shrink_runs").get<int>();
      r->groups[g.signature] = std::move(g);
    }
  } catch (const std::exception& e) {
    *error = std::string("malformed shard file: ") + e.what();
    return false;
  }
  if (h->shards < 1 || h->shard < 1 || h->shard > h->shards) {
    *error =
        "malformed shard file: shard " + std::to_string(h->shard) + "/" + std::to_string(h->shards);
    return false;
  }
  return true;
}

bool MergeShards(std::vector<ShardInput> shards, ExploreHeader* header, ExploreResult* merged,
                 std::string* error) {
  if (shards.empty()) {
    *error = "nothing to merge";
    return false;
  }
  const ShardInput& first = shards.front();
  std::vector<std::string> seen(static_cast<std::size_t>(first.header.shards) + 1);
  for (const auto& s : shards) {
    auto differs = [&](const std::string& what, const std::string& a, const std::string& b) {
      *error = s.path + ": not the same search as " + first.path + ": " + what + " differ (" + a +
               " vs " + b + ")";
      return false;
    };
    const ExploreHeader& h = s.header;
    if (h.scenario != first.header.scenario)
      return differs("scenarios", "'" + h.scenario + "'", "'" + first.header.scenario + "'");
    if (h.seed != first.header.seed)
      return differs("seeds", std::to_string(h.seed), std::to_string(first.header.seed));
    if (h.shards != first.header.shards)
      return differs("shard counts", std::to_string(h.shards), std::to_string(first.header.shards));
    if (h.schedules_total != first.header.schedules_total)
      return differs("--runs", std::to_string(h.schedules_total),
                     std::to_string(first.header.schedules_total));
    if (h.properties != first.header.properties || h.variants != first.header.variants)
      return differs("properties or variants", "one set", "another");
    if (h.identity != first.header.identity) {
      // Name the first differing line of the identity.
      std::string a = h.identity, b = first.header.identity;
      std::size_t i = 0;
      while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
      const std::size_t line = a.rfind('\n', i == 0 ? 0 : i - 1);
      const std::size_t start = line == std::string::npos ? 0 : line + 1;
      auto cut = [&](const std::string& s2) {
        return s2.substr(start, s2.find('\n', start) - start);
      };
      return differs("settings (scenario content, limits or fault weights)", "'" + cut(a) + "'",
                     "'" + cut(b) + "'");
    }
    std::string& slot = seen[static_cast<std::size_t>(h.shard)];
    if (!slot.empty()) {
      *error = s.path + ": shard " + std::to_string(h.shard) + "/" + std::to_string(h.shards) +
               " given twice (also " + slot + ")";
      return false;
    }
    slot = s.path;
  }
  for (int i = 1; i <= first.header.shards; ++i)
    if (seen[static_cast<std::size_t>(i)].empty()) {
      *error = "shard " + std::to_string(i) + "/" + std::to_string(first.header.shards) +
               " is missing (merge needs every shard of the search)";
      return false;
    }
  *header = first.header;
  header->shard = header->shards = 0;
  header->file = first.header.file;
  *merged = ExploreResult{};
  for (auto& s : shards) MergeResults(merged, std::move(s.result));
  return true;
}

namespace {

constexpr const char* kExhaustiveFormat = "vrrpsim-exhaustive-shard/2";

ScheduleCount CountFrom(const json& j) {
  const std::string t = j.get<std::string>();
  if (t.empty() || t.size() > 38) throw std::runtime_error("bad count '" + t + "'");
  ScheduleCount n = 0;
  for (char c : t) {
    if (c < '0' || c > '9') throw std::runtime_error("bad count '" + t + "'");
    n = n * 10 + static_cast<ScheduleCount>(c - '0');
  }
  return n;
}

}  // namespace

std::string WriteExhaustiveShardJson(const std::string& identity, int shard, int shards,
                                     const ExhaustiveResult& r) {
  json j;
  j["format"] = kExhaustiveFormat;
  j["identity"] = identity;
  j["shard"] = shard;
  j["shards"] = shards;
  j["grid_us"] = r.bound.grid;
  j["window_from_us"] = r.bound.window_from;
  j["window_to_us"] = r.bound.window_to;
  j["max_faults"] = r.bound.max_faults;
  j["instants"] = r.instants;
  j["duration_us"] = r.duration;
  j["covered"] = CountText(r.covered);
  json vs = json::array();
  for (const auto& v : r.variants) {
    json x;
    x["variant"] = v.variant;
    json types = json::array();
    for (const auto& t : v.alphabet)
      types.push_back({{"kind", std::string(FaultKindName(t.kind))},
                       {"node", t.node},
                       {"peer", t.peer},
                       {"name", t.name}});
    x["alphabet"] = std::move(types);
    x["schedules"] = CountText(v.schedules);
    x["states"] = v.states;
    x["peak_states"] = v.peak_states;
    x["branches"] = v.branches;
    x["after_steps"] = v.after_steps;
    x["end_states"] = v.end_states;
    x["events"] = v.events;
    x["merges"] = v.merges;
    x["tree_branches"] = CountText(v.tree_branches);
    x["confirmed"] = v.confirmed;
    x["disagreement"] = v.disagreement;
    json ps = json::array();
    for (const auto& p : v.properties) {
      json y;
      y["name"] = p.name;
      y["description"] = p.description;
      y["checked"] = p.checked;
      y["why_not"] = p.why_not;
      y["violating"] = CountText(p.violating);
      y["example"] = p.has_example ? FaultsJson(p.example) : json(nullptr);
      ps.push_back(std::move(y));
    }
    x["properties"] = std::move(ps);
    vs.push_back(std::move(x));
  }
  j["variants"] = std::move(vs);
  return j.dump(1) + "\n";
}

bool ReadExhaustiveShardJson(const std::string& text, std::string* identity, int* shard,
                             int* shards, ExhaustiveResult* r, std::string* error) {
  try {
    const json j = json::parse(text);
    if (!j.is_object() || j.value("format", "") != kExhaustiveFormat) {
      *error =
          std::string("not an exhaustive shard file (expected format ") + kExhaustiveFormat + ")";
      return false;
    }
    *identity = j.at("identity").get<std::string>();
    *shard = j.at("shard").get<int>();
    *shards = j.at("shards").get<int>();
    r->bound.grid = j.at("grid_us").get<std::int64_t>();
    r->bound.window_from = j.at("window_from_us").get<std::int64_t>();
    r->bound.window_to = j.at("window_to_us").get<std::int64_t>();
    r->bound.max_faults = j.at("max_faults").get<int>();
    r->instants = j.at("instants").get<int>();
    r->duration = j.at("duration_us").get<std::int64_t>();
    r->covered = CountFrom(j.at("covered"));
    for (const auto& x : j.at("variants")) {
      ExhaustiveVariantResult v;
      v.variant = x.at("variant").get<std::string>();
      for (const auto& t : x.at("alphabet")) {
        FaultType ft;
        auto k = ParseFaultKind(t.at("kind").get<std::string>());
        if (!k) throw std::runtime_error("unknown fault kind");
        ft.kind = *k;
        ft.node = t.at("node").get<int>();
        ft.peer = t.at("peer").get<int>();
        ft.name = t.at("name").get<std::string>();
        v.alphabet.push_back(std::move(ft));
      }
      v.schedules = CountFrom(x.at("schedules"));
      v.states = x.at("states").get<std::uint64_t>();
      v.peak_states = x.at("peak_states").get<std::uint64_t>();
      v.branches = x.at("branches").get<std::uint64_t>();
      v.after_steps = x.at("after_steps").get<std::uint64_t>();
      v.end_states = x.at("end_states").get<std::uint64_t>();
      v.events = x.at("events").get<std::uint64_t>();
      v.merges = x.at("merges").get<std::uint64_t>();
      v.tree_branches = CountFrom(x.at("tree_branches"));
      v.confirmed = x.at("confirmed").get<bool>();
      v.disagreement = x.at("disagreement").get<std::string>();
      for (const auto& y : x.at("properties")) {
        ExhaustivePropertyResult p;
        p.name = y.at("name").get<std::string>();
        p.description = y.at("description").get<std::string>();
        p.checked = y.at("checked").get<bool>();
        p.why_not = y.at("why_not").get<std::string>();
        p.violating = CountFrom(y.at("violating"));
        if (!y.at("example").is_null()) {
          p.has_example = true;
          p.example = FaultsFrom(y.at("example"));
        }
        v.properties.push_back(std::move(p));
      }
      r->variants.push_back(std::move(v));
    }
  } catch (const std::exception& e) {
    *error = std::string("malformed exhaustive shard file: ") + e.what();
    return false;
  }
  return true;
}

}  // namespace vsim

#include "sim/cli/explore.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "sim/core/clip.h"
#include "sim/explore/cluster_from_configs.h"
#include "sim/explore/exhaustive.h"
#include "sim/explore/explorer.h"
#include "sim/explore/findings.h"
#include "sim/explore/shard_file.h"
#include "sim/io/file_io.h"
#include "sim/scenario/scenario.h"

namespace vsim {

namespace {

constexpr std::uint64_t kDefaultRuns = 10000;
constexpr std::uint64_t kMaxRuns = 1'000'000'000'000ull;
constexpr std::size_t kMaxShardBytes = 1024ull * 1024 * 1024;

bool EndsWith(const std::string& s, const char* suffix) {
  const std::string x = suffix;
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

// Progress on stderr while it is a terminal: schedules, rate, violating
// runs, time left. Wall clock for the user only; it never reaches a result.
class ProgressLine {
 public:
  ProgressLine(std::ostream& err, bool enabled, std::uint64_t total, double budget_s)
      : err_(err),
        enabled_(enabled),
        total_(total),
        budget_s_(budget_s),
        start_(std::chrono::steady_clock::now()) {}
  void Update(std::uint64_t done, std::uint64_t violating, std::uint64_t variants) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double s = std::chrono::duration<double>(now - start_).count();
    const double rate = s > 0 ? static_cast<double>(done * variants) / s : 0;
    double eta = total_ > done && done > 0
                     ? s * static_cast<double>(total_ - done) / static_cast<double>(done)
                     : 0;
    if (budget_s_ > 0) eta = std::min(eta > 0 ? eta : budget_s_, std::max(0.0, budget_s_ - s));
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "\rexplore: %llu/%llu schedules, %.0f runs/s, %llu violating, ETA %.0fs   ",
                  static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                  rate, static_cast<unsigned long long>(violating), eta);
    err_ << buf << std::flush;
    shown_ = true;
  }
  void Done() {
    if (shown_) err_ << "\r" << std::string(78, ' ') << "\r" << std::flush;
  }

 private:
  std::ostream& err_;
  bool enabled_;
  std::uint64_t total_;
  double budget_s_;
  std::chrono::steady_clock::time_point start_, last_{};
  bool shown_ = false;
};

// Outputs shared by a search and a merge.
int Report(const ExploreCommandOptions& o, const ExploreHeader& header, const ExploreResult& result,
           double seconds, double shrink_seconds, std::ostream& out, std::ostream& err) {
  const auto classes = ClassifyFindings(result);
  if (o.jsonl != "-") WriteSummaryTable(header, result, classes, seconds, shrink_seconds, out);
  std::string error;
  if (!o.out.empty() && !WriteFindingsDir(o.out, header, result, classes, &error)) {
    err << "vrrpsim explore: " << error << "\n";
    return 2;
  }
  if (!o.junit.empty() &&
      !WriteFileAtomically(o.junit, FindingsJunit(header, result, classes), &error)) {
    err << "vrrpsim explore: " << error << "\n";
    return 2;
  }
  if (o.jsonl == "-") {
    out << FindingsJsonl(classes);
  } else if (!o.jsonl.empty() && !WriteFileAtomically(o.jsonl, FindingsJsonl(classes), &error)) {
    err << "vrrpsim explore: " << error << "\n";
    return 2;
  }
  if (!o.out.empty() && o.jsonl != "-")
    out << "\nfindings written to " << o.out << "/ (findings.jsonl, summary.json"
        << (classes.empty() ? "" : ", one minimal scenario per class") << ")\n";
  return classes.empty() ? 0 : 1;
}

// Every output path must differ from every input and from the others (the
// same file, not only the same spelling).
bool CheckOutputs(const ExploreCommandOptions& o, const std::vector<std::string>& more_inputs,
                  std::ostream& err) {
  std::vector<NamedPath> ins, outs;
  for (const auto& f : o.files) ins.push_back({"input", f});
  for (const auto& f : o.merge) ins.push_back({"shard file", f});
  for (const auto& f : more_inputs) ins.push_back({"configuration file", f});
  if (!o.out.empty()) outs.push_back({"--out", o.out, o.shard.empty()});
  if (!o.junit.empty()) outs.push_back({"--junit", o.junit});
  if (!o.jsonl.empty() && o.jsonl != "-") outs.push_back({"--jsonl", o.jsonl});
  std::string error;
  if (CheckOutputPaths(ins, outs, &error)) return true;
  err << "vrrpsim explore: " << error << "\n";
  return false;
}

int RunExhaustiveCommand(const ExploreCommandOptions& o, const ExploreSetup& setup,
                         ExhaustiveOptions xo, int jobs, std::ostream& out, std::ostream& err) {
  if (xo.kinds.empty()) {
    // The kinds the search draws from that can be enumerated.
    for (int k = 0; k < kFaultKindCount; ++k)
      if (setup.limits.weights[static_cast<std::size_t>(k)] > 0 &&
          ExhaustiveKind(static_cast<FaultKind>(k)))
        xo.kinds.push_back(static_cast<FaultKind>(k));
  }
  ExhaustiveResult result;
  std::string error;
  const std::string identity = ExhaustiveIdentity(setup, xo);
  if (!o.merge.empty()) {
    // The shards' results, each shard 1..N exactly once, added in order.
    std::vector<std::pair<int, ExhaustiveResult>> parts;
    int n = 0;
    for (const auto& path : o.merge) {
      std::string text, id;
      int i = 0, shards = 0;
      ExhaustiveResult part;
      if (!ReadRegularFile(path, kMaxShardBytes, &text, &error) ||
          !ReadExhaustiveShardJson(text, &id, &i, &shards, &part, &error)) {
        err << path << ": " << error << "\n";
        return 2;
      }
      if (id != identity) {
        err << path
            << ": a shard of a different search (give the scenario and the same "
               "--exhaustive flags as the shards had)\n";
        return 2;
      }
      if (n != 0 && shards != n) {
        err << path << ": shard " << i << "/" << shards << " of a search in " << n << " shards\n";
        return 2;
      }
      n = shards;
      for (const auto& [j, p] : parts)
        if (j == i) {
          err << path << ": shard " << i << "/" << shards << " given twice\n";
          return 2;
        }
      parts.emplace_back(i, std::move(part));
    }
    if (static_cast<int>(parts.size()) != n) {
      err << "vrrpsim explore --merge: " << parts.size() << " of " << n
          << " shards given; every shard is needed\n";
      return 2;
    }
    std::sort(parts.begin(), parts.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    result = std::move(parts[0].second);
    for (std::size_t i = 1; i < parts.size(); ++i)
      if (!MergeExhaustive(&result, parts[i].second, &error)) {
        err << "vrrpsim explore --merge: " << error << "\n";
        return 2;
      }
    ScheduleCount all = 0;
    for (const auto& v : result.variants) all += v.schedules;
    if (result.covered != all) {
      err << "vrrpsim explore --merge: the shards cover " << CountText(result.covered) << " of "
          << CountText(all) << " schedules\n";
      return 2;
    }
  } else if (!RunExhaustive(setup, xo, &result, &error)) {
    err << o.files[0] << ": explore --exhaustive: " << error << "\n";
    return 2;
  }
  out << ExhaustiveReport(setup, result, !o.quiet && o.merge.empty());
  if (xo.shards > 0) {
    if (!WriteFileAtomically(o.out, WriteExhaustiveShardJson(identity, xo.shard, xo.shards, result),
                             &error)) {
      err << "vrrpsim explore: " << error << "\n";
      return 2;
    }
    out << "\nshard " << xo.shard << "/" << xo.shards << " written to " << o.out
        << " (merge every shard with: vrrpsim explore FILE --exhaustive FLAGS --merge SHARD... "
           "[--out DIR])\n";
    return 0;
  }
  bool violated = false, internal = false;
  ExploreResult findings;
  for (std::size_t vi = 0; vi < result.variants.size(); ++vi) {
    const auto& vr = result.variants[vi];
    internal = internal || !vr.confirmed;
    for (const auto& p : vr.properties) {
      if (!p.has_example) continue;
      violated = true;
      ViolationGroup g;
      g.property = p.name;
      g.variant = vr.variant;
      g.signature = Signature(setup.variants[vi], p.name, p.example);
      g.count = p.violating > ~std::uint64_t{0} ? ~std::uint64_t{0}
                                                : static_cast<std::uint64_t>(p.violating);
      g.schedule = p.example;
      findings.groups.emplace(g.signature, std::move(g));
    }
  }
  if (internal) return 3;
  if (!o.out.empty()) {
    ShrinkGroups(setup, &findings, jobs);
    const ExploreHeader header = MakeHeader(setup, o.files[0], 0);
    const auto classes = ClassifyFindings(findings);
    if (!WriteFindingsDir(o.out, header, findings, classes, &error)) {
      err << "vrrpsim explore: " << error << "\n";
      return 2;
    }
    out << "\nfindings written to " << o.out << "/ (findings.jsonl, summary.json"
        << (classes.empty() ? "" : ", one minimal scenario per property violated") << ")\n";
  }
  return violated ? 1 : 0;
}

}  // namespace

int RunExploreCommand(const ExploreCommandOptions& o, std::ostream& out, std::ostream& err) {
  if (!CheckOutputs(o, {}, err)) return 2;
  if (!o.merge.empty() && !o.exhaustive) {
    if (!o.files.empty() || !o.shard.empty() || o.runs || !o.time.empty()) {
      err << "vrrpsim explore: --merge takes shard files only (no scenario, --runs, --time or "
             "--shard)\n";
      return 2;
    }
    std::vector<ShardInput> shards;
    for (const auto& path : o.merge) {
      ShardInput s;
      s.path = path;
      std::string text, error;
      if (!ReadRegularFile(path, kMaxShardBytes, &text, &error) ||
          !ReadShardJson(text, &s.header, &s.result, &error)) {
        err << path << ": " << error << "\n";
        return 2;
      }
      shards.push_back(std::move(s));
    }
    ExploreHeader header;
    ExploreResult merged;
    std::string error;
    if (!MergeShards(std::move(shards), &header, &merged, &error)) {
      err << "vrrpsim explore --merge: " << error << "\n";
      return 2;
    }
    return Report(o, header, merged, -1, -1, out, err);
  }

  if (o.files.empty()) {
    err << "vrrpsim explore: give a scenario file, keepalived.conf files, or --merge shard files\n";
    return 2;
  }
  // Flags.
  ExploreOptions eo;
  eo.seed = o.seed;
  eo.max_faults = o.max_faults;
  eo.no_prefix = o.no_prefix;
  eo.variant = o.variant;
  auto split = [](const std::vector<std::string>& in) {
    std::vector<std::string> outv;
    for (const auto& s : in) {
      std::stringstream ss(s);
      std::string item;
      while (std::getline(ss, item, ','))
        if (!item.empty()) outv.push_back(item);
    }
    return outv;
  };
  eo.only_faults = split(o.faults);
  eo.only_properties = split(o.properties);
  if (!o.duration.empty()) {
    std::string e;
    auto d = ParseDuration(o.duration, &e);
    if (!d || *d <= 0 || *d > kMaxDuration) {
      err << "vrrpsim explore: --duration '" << o.duration
          << "': " << (d ? "must be longer than 0 and at most 30d" : e) << "\n";
      return 2;
    }
    eo.duration = d;
  }
  auto duration_flag = [&](const char* flag, const std::string& text,
                           std::optional<vrrp::Duration>* out_d) {
    if (text.empty()) return true;
    std::string e;
    auto d = ParseDuration(text, &e);
    if (!d || *d < 0 || *d > kMaxDuration) {
      err << "vrrpsim explore: " << flag << " '" << text
          << "': " << (d ? "must be between 0 and 30d" : e) << "\n";
      return false;
    }
    *out_d = d;
    return true;
  };
  if (!duration_flag("--quiet-period", o.quiet_period, &eo.quiet) ||
      !duration_flag("--min-gap", o.min_gap, &eo.min_gap))
    return 2;
  if (!o.window.empty() && o.exhaustive && o.window.find(',') == std::string::npos) {
    eo.window_from = 0;
    if (!duration_flag("--window", o.window, &eo.window_to)) return 2;
  } else if (!o.window.empty()) {
    const auto comma = o.window.find(',');
    if (comma == std::string::npos) {
      err << "vrrpsim explore: --window '" << o.window
          << "': expected FROM,TO (e.g. --window 10s,8min)\n";
      return 2;
    }
    if (!duration_flag("--window", o.window.substr(0, comma), &eo.window_from) ||
        !duration_flag("--window", o.window.substr(comma + 1), &eo.window_to))
      return 2;
  }
  for (const auto& w : split(o.weights)) {
    const auto eq = w.find('=');
    const std::string num = eq == std::string::npos ? "" : w.substr(eq + 1);
    bool ok = !num.empty() && num.size() <= 4;
    for (char c : num) ok = ok && std::isdigit(static_cast<unsigned char>(c));
    if (!ok || std::stoi(num) > 1000) {
      err << "vrrpsim explore: --weight '" << Clip(w)
          << "': expected KIND=N with N from 0 to 1000\n";
      return 2;
    }
    eo.weights.emplace_back(w.substr(0, eq), std::stoi(num));
  }
  double budget_s = 0;
  if (!o.time.empty()) {
    std::string e;
    auto d = ParseDuration(o.time, &e);
    if (!d || *d <= 0) {
      err << "vrrpsim explore: --time '" << o.time << "': " << (d ? "must be longer than 0" : e)
          << "\n";
      return 2;
    }
    budget_s = static_cast<double>(*d) / static_cast<double>(vrrp::kSecond);
  }
  if (o.runs && (*o.runs < 1 || *o.runs > kMaxRuns)) {
    err << "vrrpsim explore: --runs must be between 1 and " << kMaxRuns << "\n";
    return 2;
  }
  int shard = 0, shards = 0;
  if (!o.shard.empty()) {
    const auto slash = o.shard.find('/');
    auto num = [](const std::string& s, int* v) {
      if (s.empty() || s.size() > 6) return false;
      for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      *v = std::stoi(s);
      return true;
    };
    if (slash == std::string::npos || !num(o.shard.substr(0, slash), &shard) ||
        !num(o.shard.substr(slash + 1), &shards) || shards < 1 || shard < 1 || shard > shards) {
      err << "vrrpsim explore: --shard '" << o.shard
          << "': expected i/N with 1 <= i <= N (e.g. --shard 3/64)\n";
      return 2;
    }
    if (!o.time.empty()) {
      err << "vrrpsim explore: --shard takes --runs (the whole search's size, default 10000), "
             "not --time: a time budget would make the shards differ\n";
      return 2;
    }
    if (o.out.empty()) {
      err << "vrrpsim explore: --shard needs --out FILE (the shard file to merge later)\n";
      return 2;
    }
  }
  const std::uint64_t runs = o.runs.value_or(o.time.empty() ? kDefaultRuns : kMaxRuns);

  // The scenario.
  std::optional<Scenario> scenario;
  bool config_errors = false;
  const bool yaml =
      o.files.size() == 1 && (EndsWith(o.files[0], ".yaml") || EndsWith(o.files[0], ".yml"));
  if (yaml) {
    ScenarioLoad load = LoadScenarioFile(o.files[0]);
    for (const auto& d : load.diagnostics) err << d.ToString() << "\n";
    if (!load.ok()) return 2;
    config_errors = vrrp::HasAtLeast(load.diagnostics, vrrp::Severity::kError);
    scenario = std::move(load.scenario);
  } else {
    for (const auto& f : o.files)
      if (EndsWith(f, ".yaml") || EndsWith(f, ".yml")) {
        err << "vrrpsim explore: give one scenario file, or keepalived.conf files, not both\n";
        return 2;
      }
    {
      vrrp::Diagnostics diags;
      scenario = ClusterFromConfigs(o.files, &diags);
      for (const auto& d : diags) err << d.ToString() << "\n";
      config_errors = vrrp::HasAtLeast(diags, vrrp::Severity::kError);
    }
    if (!scenario) return 2;
  }

  if (o.strict && config_errors) {
    err << "vrrpsim explore: --strict: node configuration errors (keepalived would start with "
           "the value ignored or defaulted): nothing explored, exit status 2\n";
    return 2;
  }
  if (!CheckOutputs(o, scenario->input_files, err)) return 2;
  ExhaustiveOptions xo;
  if (o.exhaustive) {
    if (o.runs || !o.time.empty() || !o.weights.empty()) {
      err << "vrrpsim explore: --exhaustive takes no --runs, --time or --weight (the bound "
             "decides what is run)\n";
      return 2;
    }
    if (!o.merge.empty() && !o.shard.empty()) {
      err << "vrrpsim explore: --merge and --shard do not go together\n";
      return 2;
    }
    xo.shard = shard;
    xo.shards = shards;
    std::optional<vrrp::Duration> grid;
    if (!duration_flag("--grid", o.grid.empty() ? "250ms" : o.grid, &grid)) return 2;
    if (*grid <= 0) {
      err << "vrrpsim explore: --grid must be longer than 0\n";
      return 2;
    }
    xo.bound.grid = *grid;
    xo.bound.max_faults = eo.max_faults.value_or(2);
    eo.max_faults = xo.bound.max_faults;
    xo.bound.window_from = eo.window_from.value_or(0);
    xo.bound.window_to = eo.window_to.value_or(60 * vrrp::kSecond);
    eo.window_from = xo.bound.window_from;
    eo.window_to = xo.bound.window_to;
    if (xo.bound.max_faults > 4 || (xo.bound.window_to - xo.bound.window_from) / *grid > 100000) {
      err << "vrrpsim explore: --exhaustive bound too large (at most 4 faults and 100000 "
             "instants)\n";
      return 2;
    }
    if (!eo.duration) {
      // After the window the search steps a grid step at a time to the
      // run's end: the run lasts a whole number of them.
      const vrrp::Duration span =
          xo.bound.window_to + eo.quiet.value_or(60 * vrrp::kSecond) - xo.bound.window_from;
      eo.duration = xo.bound.window_from + (span + *grid - 1) / *grid * *grid;
    }
    eo.no_prefix = true;
    xo.dedup = !o.no_dedup;
    xo.max_states = o.max_states;
    xo.baseline_samples = 200;
    xo.jobs = o.jobs;
    for (const auto& f : eo.only_faults) {
      auto k = ParseFaultKind(f);
      if (k) xo.kinds.push_back(*k);
    }
  } else if (!o.grid.empty() || o.no_dedup) {
    err << "vrrpsim explore: --grid and --no-dedup go with --exhaustive\n";
    return 2;
  }
  ExploreSetup setup;
  std::string error;
  if (!PrepareExplore(*scenario, eo, &setup, &error)) {
    err << o.files[0] << ": explore: " << error << "\n";
    return 2;
  }

  const int jobs =
      o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (o.exhaustive) return RunExhaustiveCommand(o, setup, xo, jobs, out, err);
  ExploreRange range;
  range.begin = shard > 0 ? static_cast<std::uint64_t>(shard - 1) : 0;
  range.end = runs;
  range.stride = shard > 0 ? static_cast<std::uint64_t>(shards) : 1;

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  std::thread timer;
  if (budget_s > 0) {
    timer = std::thread([&] {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, std::chrono::duration<double>(budget_s), [&] { return finished; });
      stop = true;
    });
  }
  const std::uint64_t total = (range.end - range.begin + range.stride - 1) / range.stride;
  ProgressLine progress(err, !o.quiet && isatty(2), budget_s > 0 && !o.runs ? 0 : total, budget_s);
  const std::uint64_t variants = setup.variants.size();
  const auto t0 = std::chrono::steady_clock::now();
  ExploreResult result =
      RunExplore(setup, range, jobs, &stop,
                 [&](std::uint64_t d, std::uint64_t v) { progress.Update(d, v, variants); });
  if (timer.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu);
      finished = true;
    }
    cv.notify_all();
    timer.join();
  }
  progress.Done();
  const auto t1 = std::chrono::steady_clock::now();
  ShrinkGroups(setup, &result, jobs);
  const double seconds = std::chrono::duration<double>(t1 - t0).count();
  const double shrink_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();

  ExploreHeader header = MakeHeader(setup, o.files[0], o.time.empty() ? runs : result.schedules);
  if (shard > 0) {
    header.shard = shard;
    header.shards = shards;
    const auto classes = ClassifyFindings(result);
    WriteSummaryTable(header, result, classes, seconds, shrink_seconds, out);
    if (!WriteFileAtomically(o.out, WriteShardJson(header, result), &error)) {
      err << "vrrpsim explore: " << error << "\n";
      return 2;
    }
    out << "\nshard " << shard << "/" << shards << " written to " << o.out
        << " (merge every shard with: vrrpsim explore --merge SHARD... --out DIR)\n";
    return classes.empty() ? 0 : 1;
  }
  return Report(o, header, result, seconds, shrink_seconds, out, err);
}

}  // namespace vsim

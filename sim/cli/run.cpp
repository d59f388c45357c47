#include "sim/cli/run.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "sim/core/rng.h"
#include "sim/core/xml_text.h"
#include "sim/io/file_io.h"
#include "sim/io/spill.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/seed_ensemble.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/trace/json_trace.h"
#include "sim/trace/perfetto.h"
#include "sim/trace/text_report.h"

namespace vsim {
namespace {

// Prints one line on stderr if a run is still going after a second. Wall
// clock is used here only, for the user's benefit; it never reaches a trace.
class ProgressNotice {
 public:
  ProgressNotice(std::ostream& err, std::string what) : err_(err), what_(std::move(what)) {
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; }))
        err_ << "vrrpsim: " << what_ << " ..." << std::endl;
    });
  }
  ~ProgressNotice() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::ostream& err_;
  std::string what_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// A file that could not be loaded (reported, the others still run), or,
// with --strict, one whose node configurations have keepalived errors (it
// still runs). One <error> test case each in the JUnit file.
struct BadFile {
  std::string file;
  std::string error;                   // the first error, as printed on stderr
  std::string test = "load scenario";  // the test case's name
};

void WriteJunit(const std::vector<RunResult>& runs, const std::vector<BadFile>& bad,
                std::ostream& out) {
  int tests = static_cast<int>(bad.size()), failures = 0;
  for (const auto& r : runs) {
    tests += static_cast<int>(r.expectations.size());
    for (const auto& x : r.expectations) failures += x.passed ? 0 : 1;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"vrrpsim\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << bad.size() << "\">\n";
  for (const auto& b : bad) {
    out << " <testsuite name=\"" << XmlEscape(b.file)
        << "\" tests=\"1\" failures=\"0\" errors=\"1\" "
        << "file=\"" << XmlEscape(b.file) << "\">\n";
    out << "  <testcase classname=\"" << XmlEscape(b.file) << "\" name=\"" << XmlEscape(b.test)
        << "\">\n";
    out << "   <error message=\"" << XmlEscape(b.error) << "\"/>\n  </testcase>\n";
    out << " </testsuite>\n";
  }
  for (const auto& r : runs) {
    int f = 0;
    for (const auto& x : r.expectations) f += x.passed ? 0 : 1;
    std::string suite = r.scenario + (r.variant.empty() ? "" : " [" + r.variant + "]");
    out << " <testsuite name=\"" << XmlEscape(suite) << "\" tests=\"" << r.expectations.size()
        << "\" failures=\"" << f << "\" file=\"" << XmlEscape(r.file) << "\">\n";
    for (const auto& x : r.expectations) {
      out << "  <testcase classname=\"" << XmlEscape(suite) << "\" name=\""
          << XmlEscape(x.description) << "\"";
      if (x.where.line > 0)
        out << " file=\"" << XmlEscape(r.file) << "\" line=\"" << x.where.line << "\"";
      if (x.passed) {
        out << "/>\n";
      } else {
        out << ">\n   <failure message=\"" << XmlEscape(x.evidence) << "\"/>\n  </testcase>\n";
      }
    }
    out << " </testsuite>\n";
  }
  out << "</testsuites>\n";
}

bool WriteFile(const std::string& path, const std::string& content, std::ostream& err) {
  std::string error;
  if (!WriteFileAtomically(path, content, &error)) {
    err << "vrrpsim: " << error << "\n";
    return false;
  }
  return true;
}

void PrintDiagnostics(const vrrp::Diagnostics& diags, std::ostream& err) {
  for (const auto& d : diags) err << d.ToString() << "\n";
}

// --- one run, streamed --------------------------------------------------

struct JobContext {
  const RunCommandOptions& options;
  const RunOptions& run_options;
  std::string spill_dir;
  bool want_json;  // --trace, --format json or --check-determinism
};

// What a job leaves for the writing of the outputs, in job order.
struct JobResult {
  RunResult run;                  // state events only (RunOptions::keep_kinds)
  std::unique_ptr<Spill> events;  // its events as trace JSON (TraceEventJson)
  std::uint64_t event_count = 0;
  bool determinism_failed = false;
};

// Sees every event of a run as it happens: its trace JSON goes to a Spill,
// its timeline line to the text report.
class StreamSink : public TraceSink {
 public:
  StreamSink(const std::vector<HostInfo>& hosts, Spill* json, TextReportWriter* text)
      : json_(hosts), spill_(json), text_(text) {
    if (spill_) buffer_.resize(kFlush);
  }
  void OnEvent(const TraceEvent& e) override {
    if (spill_) {
      // Serialised in place into a buffer with room for the event.
      const std::size_t need = json_.MaxBytes(e);
      if (used_ + need > buffer_.size()) {
        Flush();
        if (need > buffer_.size()) buffer_.resize(need);
      }
      used_ = static_cast<std::size_t>(json_.Write(e, buffer_.data() + used_) - buffer_.data());
    }
    if (text_) text_->OnEvent(e);
  }
  void Flush() {
    if (spill_ && used_ > 0) spill_->Write(std::string_view(buffer_.data(), used_));
    used_ = 0;
  }
  std::uint64_t count() const { return json_.count(); }

 private:
  static constexpr std::size_t kFlush = 256 * 1024;
  TraceEventJson json_;
  Spill* spill_;
  TextReportWriter* text_;
  std::string buffer_;
  std::size_t used_ = 0;
};

// The scenario a job runs: the variant's (as RunVariant runs it).
struct JobScenario {
  std::optional<Scenario> variant_scenario;
  const Scenario* sc;
  JobScenario(const JobScenario&) = delete;  // `sc` may point into itself
  JobScenario(const Scenario& scenario, const Variant* variant) : sc(&scenario) {
    if (variant) {
      variant_scenario = VariantScenario(scenario, *variant);
      sc = &*variant_scenario;
    }
  }
};

// One run of `sc` with its events streamed: into `*json` (if not null) and
// into `text` (if not null). The same RunResult as RunVariant, but for the
// events it keeps.
RunResult StreamRun(const Scenario& scenario, const Variant* variant, const RunOptions& options,
                    Spill* json, std::uint64_t* count, const TextReportOptions* text,
                    std::ostream* out) {
  JobScenario js(scenario, variant);
  RunOptions o = options;
  o.keep_kinds = kStateEventKinds;
  ScenarioRun run(*js.sc, o);
  RunResult header;  // what the report's first lines say
  const RunResult& partial = run.partial();
  header.scenario = partial.scenario;
  header.file = partial.file;
  header.variant = variant ? variant->name : "";
  header.seed = partial.seed;
  header.duration = partial.duration;
  header.hosts = partial.hosts;
  std::optional<TextReportWriter> writer;
  if (text) writer.emplace(header, *text, *out);
  StreamSink sink(header.hosts, json, writer ? &*writer : nullptr);
  run.AddSink(&sink);
  RunResult result = run.Finish(*js.sc);
  if (variant) result.variant = variant->name;
  sink.Flush();
  if (count) *count = sink.count();
  if (writer) {
    writer->Finish(result);
    *out << "\n";
  }
  return result;
}

// TraceHash of a streamed run: the hash of its whole single-run trace text.
std::uint64_t StreamedHash(const RunResult& run, Spill& events, std::uint64_t count) {
  const TraceJsonParts parts = TraceJsonAround(run, false, count > 0);
  std::uint64_t h = Fnv1a64(parts.head);
  events.ForEach([&](std::string_view s) { h = Fnv1a64(s, h); });
  return Fnv1a64(parts.tail, h);
}

// Runs one job as the serial loop did, writing its report to `out` and its
// notices to `err` as it goes.
void RunJob(const JobContext& ctx, const Scenario* scenario_ptr, const Variant* variant,
            std::ostream& out, std::ostream& err, JobResult* r) {
  const RunCommandOptions& options = ctx.options;
  const Scenario& scenario = *scenario_ptr;
  TextReportOptions report;
  report.timeline = !options.quiet;
  report.packets = options.packets;
  report.logs = options.logs;
  const bool text = options.format == "text";
  if (ctx.want_json) r->events = std::make_unique<Spill>(ctx.spill_dir);
  {
    ProgressNotice notice(err, "running " + scenario.file);
    r->run = StreamRun(scenario, variant, ctx.run_options, r->events.get(), &r->event_count,
                       text ? &report : nullptr, &out);
  }
  if (options.check_determinism) {
    Spill again_events(ctx.spill_dir);
    std::uint64_t again_count = 0;
    const RunResult again = StreamRun(scenario, variant, ctx.run_options, &again_events,
                                      &again_count, nullptr, nullptr);
    const auto h1 = StreamedHash(r->run, *r->events, r->event_count);
    const auto h2 = StreamedHash(again, again_events, again_count);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h1));
    if (h1 != h2) {
      err << scenario.file << ": determinism check FAILED: two runs with seed " << r->run.seed
          << " gave different traces\n";
      r->determinism_failed = true;
    } else {
      err << scenario.file << ": determinism check passed (trace hash " << buf << ")\n";
    }
  }
}

// Runs the jobs on `threads` threads. Each job's stdout and stderr wait in
// Spills of their own; `finish(i, result)` and the copying out of the
// spills happen here, in job order, so that every byte comes out as with
// -j 1. A thread takes a job only within a window ahead of the next one to
// be written, so that finished jobs waiting for a slow one hold a bounded
// amount of memory.
template <typename Finish>
void RunJobsInParallel(const JobContext& ctx,
                       const std::vector<std::pair<const Scenario*, const Variant*>>& jobs,
                       int threads, std::ostream& out, std::ostream& err, Finish finish) {
  struct Slot {
    JobResult result;
    std::unique_ptr<Spill> out, err;
    bool done = false;
  };
  const std::size_t n = jobs.size();
  const std::size_t window = static_cast<std::size_t>(threads) * 2;
  std::vector<std::unique_ptr<Slot>> slots(n);
  std::mutex mu;
  std::condition_variable cv;
  std::size_t next_job = 0, next_write = 0;
  auto worker = [&] {
    for (;;) {
      std::size_t i;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return next_job >= n || next_job < next_write + window; });
        if (next_job >= n) return;
        i = next_job++;
        slots[i] = std::make_unique<Slot>();
      }
      Slot& slot = *slots[i];
      slot.out = std::make_unique<Spill>(ctx.spill_dir);
      slot.err = std::make_unique<Spill>(ctx.spill_dir);
      {
        SinkStreambuf out_buf(*slot.out), err_buf(*slot.err);
        std::ostream job_out(&out_buf), job_err(&err_buf);
        RunJob(ctx, jobs[i].first, jobs[i].second, job_out, job_err, &slot.result);
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        slot.done = true;
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  OstreamSink out_sink(out), err_sink(err);
  for (std::size_t i = 0; i < n; ++i) {
    Slot* slot;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return slots[i] && slots[i]->done; });
      slot = slots[i].get();
    }
    slot->out->CopyTo(out_sink);
    slot->err->CopyTo(err_sink);
    err.flush();
    finish(i, slot->result);
    {
      std::lock_guard<std::mutex> lock(mu);
      slots[i].reset();
      next_write = i + 1;
    }
    cv.notify_all();
  }
  for (auto& t : pool) t.join();
}

}  // namespace

int RunRun(const RunCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.format != "text" && options.format != "json") {
    err << "vrrpsim run: --format must be text or json, not '" << options.format << "'\n";
    return 2;
  }
  if (options.seeds > 0 && (!options.trace_path.empty() || !options.perfetto_path.empty() ||
                            !options.junit_path.empty() || options.check_determinism)) {
    err << "vrrpsim run: --seeds reports the distribution over seeds; it does not write "
           "--trace, --perfetto or --junit, nor check determinism (run one --seed for those)\n";
    return 2;
  }
  if (!options.perfetto_path.empty() && options.files.size() != 1) {
    err << "vrrpsim run: --perfetto takes exactly one scenario file\n";
    return 2;
  }
  // No output may be an input or another output (the same file, not only
  // the same spelling): checked before anything runs, and again against
  // every configuration file the scenarios read.
  std::vector<NamedPath> inputs, outputs;
  for (const auto& f : options.files) inputs.push_back({"scenario", f});
  if (!options.trace_path.empty()) outputs.push_back({"--trace", options.trace_path});
  if (!options.perfetto_path.empty()) outputs.push_back({"--perfetto", options.perfetto_path});
  if (!options.junit_path.empty()) outputs.push_back({"--junit", options.junit_path});
  if (std::string error; !CheckOutputPaths(inputs, outputs, &error)) {
    err << "vrrpsim run: " << error << "\n";
    return 2;
  }
  // A file that cannot be loaded is reported (stderr, and as an error in the
  // JUnit file) and makes the exit status 2, but the other files still run:
  // one broken file must not hide the results of the rest from CI.
  std::vector<Scenario> scenarios;
  std::vector<BadFile> bad, strict;
  for (const auto& file : options.files) {
    ScenarioLoad load = LoadScenarioFile(file);
    PrintDiagnostics(load.diagnostics, err);
    if (!load.ok()) {
      BadFile b{file, "cannot be loaded"};
      for (const auto& d : load.diagnostics)
        if (d.severity != vrrp::Severity::kWarning) {
          b.error = d.ToString();
          break;
        }
      bad.push_back(std::move(b));
      continue;
    }
    if (options.strict) {
      // keepalived starts with these (a value ignored or defaulted), and so
      // does the run; --strict makes them fail the command.
      for (const auto& d : load.diagnostics)
        if (d.severity == vrrp::Severity::kError) {
          strict.push_back({file, d.ToString(), "node configuration"});
          break;
        }
    }
    scenarios.push_back(std::move(*load.scenario));
  }
  if (!options.perfetto_path.empty() && !bad.empty()) return 2;
  for (const auto& scenario : scenarios)
    for (std::size_t i = 1; i < scenario.input_files.size(); ++i)
      inputs.push_back({"configuration file", scenario.input_files[i]});
  if (std::string error; !CheckOutputPaths(inputs, outputs, &error)) {
    err << "vrrpsim run: " << error << "\n";
    return 2;
  }

  RunOptions run_options;
  run_options.seed = options.seed;
  run_options.record_packets = options.packets;
  run_options.emit_logs = options.logs;

  // Which runs: every matrix variant (the default, so that no expectation of
  // a file goes unchecked; a file without a matrix has just its base run),
  // the base run alone ("base"), or one named variant.
  std::vector<std::pair<const Scenario*, const Variant*>> jobs;
  for (const auto& scenario : scenarios) {
    if (options.variant == "base") {
      jobs.emplace_back(&scenario, nullptr);
    } else if (options.variant.empty() || options.variant == "all") {
      if (scenario.variants.empty()) jobs.emplace_back(&scenario, nullptr);
      for (const auto& v : scenario.variants) jobs.emplace_back(&scenario, &v);
    } else {
      const Variant* found = FindVariant(scenario, options.variant);
      if (!found) {
        err << scenario.file << ": " << UnknownVariantText(scenario, options.variant) << "\n";
        return 2;
      }
      jobs.emplace_back(&scenario, found);
    }
  }

  if (options.seeds > 0) {
    // The distribution over seeds (sim/scenario/seed_ensemble.h): one block
    // (text) or object (json) per run of the matrix.
    // The seeds of each run on -j threads (output as with -j 1).
    int seeds_status = bad.empty() ? 0 : 2;
    const int seed_threads =
        options.jobs > 0 ? options.jobs
                         : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (options.format == "json" && jobs.size() != 1) out << "[";
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const Scenario& sc = *jobs[i].first;
      const SeedEnsemble e = RunSeedEnsemble(sc, jobs[i].second, options.seed.value_or(sc.seed),
                                             options.seeds, run_options, seed_threads);
      if (!e.passed()) seeds_status = std::max(seeds_status, 1);
      if (options.format == "json") {
        if (i) out << ",\n";
        WriteSeedEnsembleJson(e, out);
      } else {
        if (i) out << "\n";
        WriteSeedEnsembleText(e, out);
      }
    }
    if (options.format == "json") out << (jobs.size() != 1 ? "]\n" : "\n");
    return seeds_status;
  }
  if (!options.perfetto_path.empty() && jobs.size() > 1) {
    err << "vrrpsim run: --perfetto writes one run, and " << scenarios[0].file << " has "
        << jobs.size() << " matrix variants: pick one with --variant NAME (or base)\n";
    return 2;
  }
  // Outputs are streamed (docs/cli.md, "Streaming"): the trace file grows
  // beside its target as runs finish, each run's events wait in a Spill
  // (memory, then a temporary file) until its header can be written, and
  // the runs keep only the state-level events their metrics, expectations
  // and reports need.
  const bool want_json =
      !options.trace_path.empty() || options.format == "json" || options.check_determinism;
  StreamedFile trace;
  if (!options.trace_path.empty()) trace.Open(options.trace_path, TempDirectory());
  const std::string spill_dir = trace.directory().empty() ? TempDirectory() : trace.directory();
  JobContext ctx{options, run_options, spill_dir, want_json};

  std::vector<RunResult> runs;
  int status = bad.empty() ? 0 : 2;
  const bool several = jobs.size() > 1;
  // Writes job `i`'s JSON into `sink` as a whole file's part.
  auto write_json = [&](std::size_t i, JobResult& r, ByteSink& sink) {
    if (several) sink.Write(i == 0 ? kTraceRunsHead : kTraceRunsSeparator);
    const TraceJsonParts parts = TraceJsonAround(r.run, several, r.event_count > 0);
    sink.Write(parts.head);
    r.events->CopyTo(sink, several ? 2 : 0);
    sink.Write(parts.tail);
    if (several && i + 1 == jobs.size()) sink.Write(kTraceRunsTail);
  };
  OstreamSink stdout_sink(out);
  // Everything of job `i` that the serial loop wrote after its run, in the
  // same order.
  auto finish_job = [&](std::size_t i, JobResult& r) {
    if (r.determinism_failed) status = 1;  // as the serial loop always did, even over a 2
    if (!r.run.passed()) status = std::max(status, 1);
    if (options.format == "json") write_json(i, r, stdout_sink);
    if (!options.trace_path.empty()) write_json(i, r, trace);
    r.events.reset();
    // --perfetto draws the one run from its state events; the others are
    // done with theirs.
    if (options.perfetto_path.empty()) std::vector<TraceEvent>().swap(r.run.events);
    runs.push_back(std::move(r.run));
  };
  const int threads = std::min<int>(
      static_cast<int>(jobs.size()),
      options.jobs > 0 ? options.jobs
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  if (threads <= 1) {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      JobResult r;
      RunJob(ctx, jobs[i].first, jobs[i].second, out, err, &r);
      finish_job(i, r);
    }
  } else {
    RunJobsInParallel(ctx, jobs, threads, out, err, finish_job);
  }
  if (!options.trace_path.empty() && !jobs.empty()) {
    if (std::string error; !trace.Commit(&error)) {
      err << "vrrpsim: " << error << "\n";
      return 2;
    }
  }
  if (!options.perfetto_path.empty()) {
    std::ostringstream os;
    WritePerfettoJson(runs[0], os);
    if (!WriteFile(options.perfetto_path, os.str(), err)) return 2;
  }
  if (!options.junit_path.empty()) {
    std::ostringstream os;
    std::vector<BadFile> errors = bad;
    errors.insert(errors.end(), strict.begin(), strict.end());
    WriteJunit(runs, errors, os);
    if (!WriteFile(options.junit_path, os.str(), err)) return 2;
  }
  const std::string unloaded = bad.empty()
                                   ? std::string()
                                   : std::to_string(bad.size()) + " file" +
                                         (bad.size() == 1 ? "" : "s") + " could not be loaded";
  if (runs.size() > 1 && options.format == "text") {
    int passed = 0;
    for (const auto& r : runs) passed += r.passed() ? 1 : 0;
    out << runs.size() << " scenarios: " << passed << " passed, " << runs.size() - passed
        << " failed" << (unloaded.empty() ? "" : "; " + unloaded) << "\n";
  } else if (!unloaded.empty() && options.format == "text") {
    out << unloaded << "\n";
  }
  if (!strict.empty()) {
    err << "vrrpsim run: --strict: " << strict.size() << " scenario file"
        << (strict.size() == 1 ? " has" : "s have")
        << " node configuration errors (keepalived would start with the value ignored or "
           "defaulted): exit status 2\n";
    status = 2;
  }
  return status;
}

}  // namespace vsim

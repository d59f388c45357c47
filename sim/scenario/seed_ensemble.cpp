#include "sim/scenario/seed_ensemble.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <ostream>
#include <thread>
#include <utility>

#include "sim/core/time_text.h"

namespace vsim {
namespace {

std::string TimingName(const Scenario& sc) {
  bool measured = false, other = false;
  auto look = [&](const std::shared_ptr<const TimingProfile>& t) {
    if (!t) return;
    if (t->source == "measured")
      measured = true;
    else
      other = true;
  };
  for (const auto& n : sc.nodes) look(n.timing.value_or(sc.timing));
  if (other) return "profile";
  return measured ? "measured" : "ideal";
}

std::string Value(const SeedMetric& m, std::int64_t v) {
  return m.is_duration ? FormatTime(v) : std::to_string(v);
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (const unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::int64_t NearestRank(const std::vector<std::int64_t>& sorted, int p) {
  const auto n = static_cast<std::int64_t>(sorted.size());
  std::int64_t rank = (p * n + 99) / 100;  // ceil(p/100 * n)
  rank = std::clamp<std::int64_t>(rank, 1, n);
  return sorted[static_cast<std::size_t>(rank - 1)];
}

SeedEnsemble RunSeedEnsemble(const Scenario& scenario, const Variant* variant,
                             std::uint64_t first_seed, int seeds, RunOptions options, int threads) {
  SeedEnsemble e;
  e.scenario = scenario.name;
  e.file = scenario.file;
  e.variant = variant ? variant->name : "";
  e.timing = TimingName(scenario);
  e.first_seed = first_seed;
  e.seeds = seeds;
  std::vector<std::pair<std::string, std::string>> order;  // metrics, first appearance
  std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>> values;
  std::map<std::pair<std::string, std::string>, bool> is_duration;
  std::vector<bool> failed;  // per expectation: some seed failed it
  // The runs, on `threads` workers (each takes the next seed); what a run
  // adds is folded in below in seed order, so the figures and the first
  // failing seed are the same for any number of threads.
  std::vector<RunResult> results(static_cast<std::size_t>(std::max(seeds, 0)));
  const int workers = std::clamp(threads, 1, std::max(seeds, 1));
  std::atomic<int> next{0};
  auto work = [&] {
    RunOptions mine = options;
    for (int i = next++; i < seeds; i = next++) {
      mine.seed = first_seed + static_cast<std::uint64_t>(i);
      RunResult r = RunVariant(scenario, variant, mine);
      std::vector<TraceEvent>().swap(r.events);  // only metrics and expectations are kept
      results[static_cast<std::size_t>(i)] = std::move(r);
    }
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < workers; ++t) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  for (int i = 0; i < seeds; ++i) {
    options.seed = first_seed + static_cast<std::uint64_t>(i);
    const RunResult& r = results[static_cast<std::size_t>(i)];
    for (const Metric& m : r.metrics) {
      const auto key = std::make_pair(m.name, m.subject);
      auto& v = values[key];
      if (v.empty()) {
        order.push_back(key);
        is_duration[key] = m.is_duration;
      }
      v.push_back(m.value);
    }
    if (i == 0) {
      failed.assign(r.expectations.size(), false);
      for (const auto& x : r.expectations) {
        SeedExpectation s;
        s.description = x.description;
        s.where = x.where;
        s.first_evidence = x.evidence;
        e.expectations.push_back(std::move(s));
      }
    }
    // The same scenario and variant: the same expectations, in order.
    for (std::size_t k = 0; k < r.expectations.size() && k < e.expectations.size(); ++k) {
      SeedExpectation& s = e.expectations[k];
      if (r.expectations[k].passed) {
        ++s.passed;
      } else if (!failed[k]) {  // the lowest failing seed
        failed[k] = true;
        s.first_failing = *options.seed;
        s.first_evidence = r.expectations[k].evidence;
      }
    }
  }
  for (const auto& key : order) {
    auto v = values[key];
    std::sort(v.begin(), v.end());
    SeedMetric m;
    m.name = key.first;
    m.subject = key.second;
    m.is_duration = is_duration[key];
    m.runs = static_cast<int>(v.size());
    m.min = v.front();
    m.p50 = NearestRank(v, 50);
    m.p95 = NearestRank(v, 95);
    m.max = v.back();
    e.metrics.push_back(std::move(m));
  }
  return e;
}

void WriteSeedEnsembleText(const SeedEnsemble& e, std::ostream& out) {
  out << "scenario " << e.scenario;
  if (!e.variant.empty()) out << " [" << e.variant << "]";
  out << "  seeds " << e.first_seed << ".."
      << e.first_seed + static_cast<std::uint64_t>(e.seeds) - 1 << " (" << e.seeds
      << " runs)  timing " << e.timing << "\n";
  if (!e.metrics.empty()) {
    out << "\nmetrics over seeds (runs with the metric; nearest-rank percentiles):\n";
    std::size_t width = 6;
    for (const auto& m : e.metrics)
      width = std::max(width, m.name.size() + (m.subject.empty() ? 0 : m.subject.size() + 3));
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-*s %6s %13s %13s %13s %13s\n", static_cast<int>(width),
                  "metric", "runs", "min", "p50", "p95", "max");
    out << buf;
    for (const auto& m : e.metrics) {
      const std::string label = m.subject.empty() ? m.name : m.name + " [" + m.subject + "]";
      std::snprintf(buf, sizeof buf, "  %-*s %6d %13s %13s %13s %13s\n", static_cast<int>(width),
                    label.c_str(), m.runs, Value(m, m.min).c_str(), Value(m, m.p50).c_str(),
                    Value(m, m.p95).c_str(), Value(m, m.max).c_str());
      out << buf;
    }
  }
  if (!e.expectations.empty()) {
    out << "\nexpectations over seeds:\n";
    for (const auto& x : e.expectations) {
      const bool all = x.passed == e.seeds;
      out << "  " << (all ? "PASS" : "FAIL") << "  " << x.passed << "/" << e.seeds << "  line "
          << x.where.line << ": " << x.description << "\n";
      if (!all)
        out << "        first failing seed " << x.first_failing << ": " << x.first_evidence << "\n";
    }
  }
}

void WriteSeedEnsembleJson(const SeedEnsemble& e, std::ostream& out) {
  out << "{\"scenario\": " << JsonString(e.scenario) << ", \"file\": " << JsonString(e.file)
      << ", \"variant\": " << JsonString(e.variant) << ", \"timing\": " << JsonString(e.timing)
      << ", \"first_seed\": " << e.first_seed << ", \"seeds\": " << e.seeds
      << ", \"passed\": " << (e.passed() ? "true" : "false") << ",\n \"metrics\": [";
  for (std::size_t i = 0; i < e.metrics.size(); ++i) {
    const auto& m = e.metrics[i];
    out << (i ? ",\n  " : "\n  ") << "{\"name\": " << JsonString(m.name)
        << ", \"subject\": " << JsonString(m.subject)
        << ", \"unit\": " << (m.is_duration ? "\"us\"" : "\"count\"") << ", \"runs\": " << m.runs
        << ", \"min\": " << m.min << ", \"p50\": " << m.p50 << ", \"p95\": " << m.p95
        << ", \"max\": " << m.max << "}";
  }
  out << "],\n \"expectations\": [";
  for (std::size_t i = 0; i < e.expectations.size(); ++i) {
    const auto& x = e.expectations[i];
    out << (i ? ",\n  " : "\n  ") << "{\"line\": " << x.where.line
        << ", \"description\": " << JsonString(x.description) << ", \"passed\": " << x.passed
        << ", \"runs\": " << e.seeds;
    if (x.passed != e.seeds)
      out << ", \"first_failing_seed\": " << x.first_failing
          << ", \"evidence\": " << JsonString(x.first_evidence);
    out << "}";
  }
  out << "]}";
}

}  // namespace vsim

#include "sim/explore/explorer.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "sim/core/rng.h"
#include "sim/core/time_text.h"
#include "sim/explore/shrink.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/scenario/writer.h"

namespace vsim {

namespace {

// Node roles from the configurations: the node with the highest priority
// (ties: configured state MASTER first, then file order) is the primary,
// the others backups by rank ("backup" when there is one, else backup2...).
std::vector<std::string> Roles(const Scenario& sc) {
  struct Rank {
    int prio;
    int master;
    int index;
  };
  std::vector<Rank> ranks;
  for (std::size_t i = 0; i < sc.nodes.size(); ++i) {
    int prio = 0, master = 0;
    for (const auto& inst : sc.nodes[i].config.instances) {
      prio = std::max(prio, inst.priority);
      if (inst.initial_state == vrrp::InitialState::kMaster) master = 1;
    }
    ranks.push_back({prio, master, static_cast<int>(i)});
  }
  std::stable_sort(ranks.begin(), ranks.end(), [](const Rank& a, const Rank& b) {
    return a.prio != b.prio ? a.prio > b.prio : a.master > b.master;
  });
  std::vector<std::string> roles(sc.nodes.size());
  for (std::size_t r = 0; r < ranks.size(); ++r)
    roles[static_cast<std::size_t>(ranks[r].index)] = r == 0 ? "primary"
                                                      : ranks.size() == 2 || r == 1
                                                          ? "backup"
                                                          : "backup" + std::to_string(r);
  if (ranks.size() > 2 && roles.size() > 1)
    for (auto& x : roles)
      if (x == "backup") x = "backup1";
  return roles;
}

std::string SignatureWith(const std::vector<std::string>& roles, const std::string& variant,
                          const std::string& property, const FaultSchedule& s) {
  auto role = [&](int i) {
    return i >= 0 && i < static_cast<int>(roles.size()) ? roles[static_cast<std::size_t>(i)]
                                                        : std::string("?");
  };
  std::string out = property;
  if (!variant.empty()) out += " [" + variant + "]";
  if (s.empty()) out += " (no fault)";
  for (const auto& f : s) {
    out += " " + std::string(FaultKindName(f.kind)) + "(" + role(f.node);
    if (f.kind == FaultKind::kBlock) out += ">" + role(f.peer);
    out += ")";
  }
  return out;
}

std::string ValidVariantName(const std::string& s) {
  std::string out;
  for (char c : s)
    out +=
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ? c : '-';
  if (!ValidName(out.substr(0, 64))) out = "v-" + out;
  return out.substr(0, 64);
}

Duration TotalLength(const FaultSchedule& s) {
  Duration t = 0;
  for (const auto& f : s) t += f.length.value_or(vrrp::kSecond * 3600 * 24);
  return t;
}

}  // namespace

bool PrepareExplore(const Scenario& sc, const ExploreOptions& options, ExploreSetup* setup,
                    std::string* error) {
  const ExploreSpec& spec = sc.explore;
  setup->source = &sc;
  setup->seed = options.seed.value_or(sc.seed);
  setup->prefix = spec.prefix && !options.no_prefix;
  ScheduleLimits& lim = setup->limits;
  lim.duration = options.duration.value_or(spec.duration.value_or(sc.duration));
  if (lim.duration <= 0) {
    *error = "the run length must be longer than 0";
    return false;
  }
  lim.quiet = options.quiet.value_or(spec.quiet);
  if (lim.quiet >= lim.duration) {
    *error = "the quiet period (" + FormatTime(lim.quiet) + ") leaves no time for faults in a " +
             FormatTime(lim.duration) +
             " run: lengthen the run (--duration) or shorten the quiet period (explore: quiet, or "
             "--quiet-period)";
    return false;
  }
  lim.window_from = options.window_from.value_or(spec.window_from);
  lim.window_to = options.window_to.value_or(spec.window_to.value_or(lim.duration - lim.quiet));
  if (lim.window_to > lim.duration) lim.window_to = lim.duration;
  if (lim.window_from > lim.window_to) {
    *error = "the fault window starts at " + FormatTime(lim.window_from) + ", after its end " +
             FormatTime(lim.window_to) + " (run length " + FormatTime(lim.duration) + ", quiet " +
             FormatTime(lim.quiet) + ")";
    return false;
  }
  lim.max_faults = options.max_faults.value_or(spec.max_faults);
  lim.min_faults = std::min(spec.min_faults, lim.max_faults);
  if (lim.max_faults < 1 || lim.max_faults > 64) {
    *error = "--max-faults must be between 1 and 64, got " + std::to_string(lim.max_faults);
    return false;
  }
  lim.min_gap = options.min_gap.value_or(spec.min_gap);
  lim.min_length = spec.min_length;
  lim.max_length = spec.max_length;
  lim.open_percent = spec.open_percent;
  lim.weights = spec.weights;
  auto unknown_kind = [&](const std::string& name) {
    *error = "unknown fault kind '" + name + "' (expected one of:";
    for (auto n : kFaultKindNames) *error += " " + std::string(n);
    *error += ")";
    return false;
  };
  for (const auto& [name, w] : options.weights) {
    auto k = ParseFaultKind(name);
    if (!k) return unknown_kind(name);
    if (w < 0 || w > 1000) {
      *error = "the weight of " + name + " must be between 0 and 1000, got " + std::to_string(w);
      return false;
    }
    lim.weights[static_cast<std::size_t>(*k)] = w;
  }
  if (!options.only_faults.empty()) {
    std::array<int, kFaultKindCount> w{};
    for (const auto& name : options.only_faults) {
      auto k = ParseFaultKind(name);
      if (!k) return unknown_kind(name);
      const auto i = static_cast<std::size_t>(*k);
      w[i] = lim.weights[i] > 0 ? lim.weights[i] : 1;
    }
    lim.weights = w;
  }

  ExploreProperties props = spec.properties;
  if (!options.only_properties.empty()) {
    bool want[5] = {false, false, false, false, false};
    for (const auto& p : options.only_properties) {
      bool found = false;
      for (int i = 0; i < 5; ++i)
        if (p == kPropertyNames[i]) want[i] = found = true;
      if (!found) {
        *error = "unknown property '" + p + "' (expected one of:";
        for (const char* n : kPropertyNames) *error += std::string(" ") + n;
        *error += ")";
        return false;
      }
    }
    props.no_split_brain = want[0];
    props.vip_available = want[1];
    props.converges = want[2];
    props.no_flapping = want[3];
    props.scenario_expect = want[4];
  }

  // Variants.
  setup->variants.clear();
  auto add_variant = [&](const Variant* v) {
    ExploreVariant ev;
    ev.variant = v;
    ev.name = v ? v->name : "";
    ev.scenario = v ? VariantScenario(sc, *v) : sc;
    ev.scenario.variants.clear();
    ev.properties = BuildProperties(ev.scenario, props, lim.max_faults, setup->prefix);
    ev.roles = Roles(ev.scenario);
    setup->variants.push_back(std::move(ev));
  };
  if (!options.variant.empty() && options.variant != "all") {
    if (options.variant == "base") {
      add_variant(nullptr);
    } else {
      const Variant* v = FindVariant(sc, options.variant);
      if (!v) {
        *error = UnknownVariantText(sc, options.variant);
        return false;
      }
      add_variant(v);
    }
  } else if (sc.variants.empty()) {
    add_variant(nullptr);
  } else {
    for (const auto& v : sc.variants) add_variant(&v);
  }
  for (auto& v : setup->variants)
    v.trials = std::make_unique<TrialBuilder>(v.scenario, setup->prefix, lim.duration);

  setup->property_names.clear();
  for (const auto& v : setup->variants)
    for (const auto& p : v.properties.properties)
      if (std::find(setup->property_names.begin(), setup->property_names.end(), p.name) ==
          setup->property_names.end())
        setup->property_names.push_back(p.name);
  if (setup->property_names.empty()) {
    *error =
        "no property to check (every one is off, and the scenario has no expectation that "
        "holds under random faults)";
    return false;
  }

  setup->targets = TargetsOf(setup->variants.front().scenario);
  bool any = false;
  for (int k = 0; k < kFaultKindCount; ++k)
    any = any || (lim.weights[static_cast<std::size_t>(k)] > 0 &&
                  setup->targets.Possible(static_cast<FaultKind>(k)));
  if (!any) {
    *error = "no fault kind with a weight above 0 has a target in this cluster";
    return false;
  }

  // The identity of the search: everything that decides its result.
  std::string id = "vrrpsim-explore-1\nscenario " + sc.name + "\n";
  {
    std::string yaml, err;
    Scenario canon = sc;
    canon.explore = ExploreSpec{};
    if (WriteScenarioYaml(canon, {}, &yaml, &err)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(Fnv1a64(yaml)));
      id += "content " + std::string(buf) + "\n";
    }
  }
  id += "seed " + std::to_string(setup->seed) + "\nduration " + std::to_string(lim.duration) +
        "\nwindow " + std::to_string(lim.window_from) + " " + std::to_string(lim.window_to) +
        "\nquiet " + std::to_string(lim.quiet) + "\nfaults " + std::to_string(lim.min_faults) +
        ".." + std::to_string(lim.max_faults) + "\ngap " + std::to_string(lim.min_gap) +
        "\nlength " + std::to_string(lim.min_length) + ".." + std::to_string(lim.max_length) +
        "\nopen " + std::to_string(lim.open_percent) + "\nweights";
  for (int w : lim.weights) id += " " + std::to_string(w);
  id += "\nprefix " + std::to_string(setup->prefix) + "\n";
  for (const auto& v : setup->variants) {
    id += "variant " + v.name + ":";
    for (const auto& p : v.properties.properties) {
      const Expectation& e = p.expect;
      id += " " + p.name + "(";
      if (e.tolerance) id += "tolerance=" + std::to_string(*e.tolerance) + ",";
      if (e.while_connected) id += "connected,";
      if (e.masters_only) id += "masters_only,";
      if (e.within) id += "within=" + std::to_string(*e.within) + ",";
      if (e.count_max) id += "max=" + std::to_string(*e.count_max) + ",";
      if (e.window) id += "window=" + std::to_string(*e.window) + ",";
      if (e.vrid) id += "vrid=" + std::to_string(e.vrid) + ",";
      if (e.family) id += "family=" + std::to_string(e.family) + ",";
      id += ")";
    }
    id += "\n";
  }
  setup->identity = id;

  RunOptions ro;
  ro.metrics = false;
  for (auto& v : setup->variants)
    v.snapshots = std::make_unique<PrefixSnapshots>(*v.trials, v.properties.properties, ro);
  return true;
}

std::string Signature(const ExploreVariant& v, const std::string& property,
                      const FaultSchedule& schedule) {
  return SignatureWith(v.roles, v.name, property, schedule);
}

TrialOutcome RunTrial(const ExploreSetup& setup, const ExploreVariant& v,
                      const FaultSchedule& schedule, std::uint64_t index, Scenario* scratch) {
  TrialOutcome out;
  std::vector<int> included;
  v.trials->Build(schedule, v.properties.properties, scratch, &included);
  RunResult r;
  if (v.snapshots) {
    r = v.snapshots->Run(*scratch, RunSeed(setup.seed, index));
  } else {
    RunOptions ro;
    ro.seed = RunSeed(setup.seed, index);
    ro.metrics = false;
    r = RunScenario(*scratch, ro);
  }
  out.events = r.events_processed;
  for (std::size_t i = 0; i < r.expectations.size() && i < included.size(); ++i)
    if (!r.expectations[i].passed) {
      out.violated.push_back(v.properties.properties[static_cast<std::size_t>(included[i])].name);
      out.decided_at.push_back(r.expectations[i].decided_at);
      out.evidence.push_back(r.expectations[i].evidence);
    }
  return out;
}

void MergeResults(ExploreResult* a, ExploreResult b) {
  a->schedules += b.schedules;
  a->runs += b.runs;
  a->violating_runs += b.violating_runs;
  a->events += b.events;
  for (auto& [k, n] : b.coverage) a->coverage[k] += n;
  for (auto& [sig, g] : b.groups) {
    auto it = a->groups.find(sig);
    if (it == a->groups.end()) {
      a->groups.emplace(sig, std::move(g));
      continue;
    }
    ViolationGroup& x = it->second;
    const std::uint64_t count = x.count + g.count;
    if (g.first_index < x.first_index) x = std::move(g);
    x.count = count;
  }
}

ExploreResult RunExplore(const ExploreSetup& setup, const ExploreRange& range, int jobs,
                         const std::atomic<bool>* stop, const ExploreProgress& progress) {
  const std::uint64_t stride = std::max<std::uint64_t>(range.stride, 1);
  const std::uint64_t total =
      range.end > range.begin ? (range.end - range.begin + stride - 1) / stride : 0;
  constexpr std::uint64_t kChunk = 64;
  std::atomic<std::uint64_t> next{0}, done{0}, violating{0};
  std::mutex progress_mu;
  jobs = std::max(1, jobs);
  std::vector<ExploreResult> partial(static_cast<std::size_t>(jobs));

  auto worker = [&](int w) {
    ExploreResult& res = partial[static_cast<std::size_t>(w)];
    std::vector<Scenario> scratch(setup.variants.size());
    for (;;) {
      if (stop && stop->load(std::memory_order_relaxed)) break;
      const std::uint64_t k0 = next.fetch_add(kChunk);
      if (k0 >= total) break;
      const std::uint64_t k1 = std::min(total, k0 + kChunk);
      std::uint64_t bad = 0;
      for (std::uint64_t k = k0; k < k1; ++k) {
        const std::uint64_t index = range.begin + k * stride;
        const FaultSchedule schedule =
            GenerateSchedule(setup.limits, setup.targets, setup.seed, index);
        ++res.schedules;
        const auto& roles = setup.variants.front().roles;
        for (const auto& f : schedule) {
          std::string key(FaultKindName(f.kind));
          key += " ";
          key += f.node >= 0 && f.node < static_cast<int>(roles.size())
                     ? roles[static_cast<std::size_t>(f.node)]
                     : "?";
          ++res.coverage[key];
        }
        for (std::size_t vi = 0; vi < setup.variants.size(); ++vi) {
          const ExploreVariant& v = setup.variants[vi];
          TrialOutcome o = RunTrial(setup, v, schedule, index, &scratch[vi]);
          ++res.runs;
          res.events += o.events;
          if (o.violated.empty()) continue;
          ++res.violating_runs;
          ++bad;
          for (std::size_t pi = 0; pi < o.violated.size(); ++pi) {
            const std::string& p = o.violated[pi];
            const vrrp::Time decided = o.decided_at[pi];
            FaultSchedule cause;
            for (const auto& f : schedule)
              if (decided < 0 || f.at <= decided) cause.push_back(f);
            std::string sig = Signature(v, p, cause);
            auto it = res.groups.find(sig);
            if (it == res.groups.end()) {
              ViolationGroup g;
              g.signature = sig;
              g.property = p;
              g.variant = v.name;
              g.first_index = index;
              g.schedule = std::move(cause);
              it = res.groups.emplace(sig, std::move(g)).first;
            }
            ++it->second.count;  // indices rise within a worker: the first seen is its lowest
          }
        }
      }
      const std::uint64_t d = done.fetch_add(k1 - k0) + (k1 - k0);
      const std::uint64_t vb = violating.fetch_add(bad) + bad;
      if (progress && progress_mu.try_lock()) {
        progress(d, vb);
        progress_mu.unlock();
      }
    }
  };
  if (jobs == 1) {
    worker(0);
  } else {
    std::vector<std::thread> threads;
    for (int w = 0; w < jobs; ++w) threads.emplace_back(worker, w);
    for (auto& t : threads) t.join();
  }
  ExploreResult out;
  for (auto& p : partial) MergeResults(&out, std::move(p));
  return out;
}

void ShrinkGroups(const ExploreSetup& setup, ExploreResult* result, int jobs) {
  std::vector<ViolationGroup*> todo;
  for (auto& [sig, g] : result->groups)
    if (!g.shrunk) todo.push_back(&g);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= todo.size()) break;
      ViolationGroup& g = *todo[i];
      const ExploreVariant* v = nullptr;
      for (const auto& x : setup.variants)
        if (x.name == g.variant) v = &x;
      if (!v) continue;
      const ExploreProperty* prop = nullptr;
      for (const auto& p : v->properties.properties)
        if (p.name == g.property) prop = &p;
      if (!prop) continue;
      ShrinkInput in;
      in.base = &v->scenario;
      in.prefix = setup.prefix;
      in.duration = setup.limits.duration;
      in.schedule = g.schedule;
      in.property = *prop;
      in.run_seed = RunSeed(setup.seed, g.first_index);
      ShrinkOutput out = Shrink(in);
      g.shrunk = true;
      g.shrink_runs = out.runs;
      g.minimal = out.schedule;
      g.minimal_duration = out.duration;
      g.removed_nodes = out.removed;
      g.evidence = out.still_fails ? out.evidence
                                   : "the violation did not reproduce when re-run (report this)";
      // Roles of the remaining nodes, by name, as in the full cluster.
      std::vector<std::string> roles, names;
      for (const auto& n : out.base.nodes) {
        names.push_back(n.name);
        std::string role = "?";
        for (std::size_t k = 0; k < v->scenario.nodes.size(); ++k)
          if (v->scenario.nodes[k].name == n.name) role = v->roles[k];
        roles.push_back(role);
      }
      g.minimal_signature = SignatureWith(roles, v->name, g.property, g.minimal);

      // The minimal scenario: the trial with this property as its only
      // expectation, the variant's overrides as a one-variant matrix (the
      // configurations stay the text the user wrote).
      TrialBuilder tb(out.base, setup.prefix, out.duration);
      Scenario trial;
      tb.Build(g.minimal, {*prop}, &trial);
      trial.name = setup.source->name + " - explore finding";
      trial.explore = ExploreSpec{};  // a finding is a fixed run, not a search
      trial.seed = in.run_seed;
      std::string desc = "Found by vrrpsim explore (seed " + std::to_string(setup.seed) + ", run " +
                         std::to_string(g.first_index) + ") and shrunk to " +
                         std::to_string(g.minimal.size()) + " fault(s).\nProperty: " + g.property +
                         "\nSignature: " + g.minimal_signature + "\nFaults:\n";
      g.minimal_text.clear();
      for (const auto& f : g.minimal) {
        g.minimal_text.push_back(DescribeFault(f, names));
        desc += "  - " + g.minimal_text.back() + "\n";
      }
      if (!g.removed_nodes.empty()) {
        desc += "Nodes left out (they play no part):";
        for (const auto& n : g.removed_nodes) desc += " " + n;
        desc += "\n";
      }
      desc += "Why it fails: " + g.evidence +
              "\n`vrrpsim run` on this file fails until the configuration is fixed; keep it in CI "
              "as a regression test.\n";
      trial.description = desc;
      if (v->variant) {
        Variant var;
        var.name = ValidVariantName(v->variant->name);
        for (const auto& o : v->variant->overrides)
          if (trial.FindNode(o.node) >= 0) var.overrides.push_back(o);
        // The configurations above carry the overrides already; the writer
        // writes the text the user wrote and the overrides as `set:`.
        for (const auto& n : trial.nodes) var.configs.push_back(n.config);
        trial.variants.push_back(std::move(var));
      }
      std::string yaml, err;
      WriteScenarioOptions wo;
      wo.header_comment = "vrrpsim explore finding: " + g.minimal_signature +
                          "\nRun it: vrrpsim run THIS_FILE (it fails: exit 1)";
      if (WriteScenarioYaml(trial, wo, &yaml, &err))
        g.scenario_yaml = std::move(yaml);
      else
        g.scenario_yaml.clear(), g.evidence += " (the scenario could not be written: " + err + ")";
    }
  };
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(todo.size())));
  if (jobs <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (int w = 0; w < jobs; ++w) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
}

std::vector<FindingClass> ClassifyFindings(const ExploreResult& result) {
  std::map<std::string, FindingClass> by;
  auto smaller = [](const ViolationGroup& a, const ViolationGroup& b) {
    if (a.minimal.size() != b.minimal.size()) return a.minimal.size() < b.minimal.size();
    if (TotalLength(a.minimal) != TotalLength(b.minimal))
      return TotalLength(a.minimal) < TotalLength(b.minimal);
    if (a.minimal_duration != b.minimal_duration) return a.minimal_duration < b.minimal_duration;
    return a.first_index < b.first_index;
  };
  for (const auto& [sig, g] : result.groups) {
    const std::string key = g.shrunk ? g.minimal_signature : g.signature;
    FindingClass& c = by[key];
    c.signature = key;
    c.property = g.property;
    c.variant = g.variant;
    c.count += g.count;
    c.raw_signatures.push_back(sig);
    if (!c.example || smaller(g, *c.example)) c.example = &g;
  }
  std::vector<FindingClass> out;
  for (auto& [k, c] : by) out.push_back(std::move(c));
  std::stable_sort(out.begin(), out.end(),
                   [](const FindingClass& a, const FindingClass& b) { return a.count > b.count; });
  return out;
}

}  // namespace vsim

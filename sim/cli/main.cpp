// The `vrrpsim` command line. CLI11 is heavy to compile, so it is included in
// this translation unit only; each subcommand lives in its own file.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <vector>

#include "sim/cli/capture.h"
#include "sim/cli/conform.h"
#include "sim/cli/explore.h"
#include "sim/cli/lint.h"
#include "sim/cli/run.h"
#include "sim/core/clip.h"
#include "sim/scenario/schema.h"

namespace {

constexpr const char* kLintExamples = R"(
Examples:
  vrrpsim lint /etc/keepalived/keepalived.conf
  vrrpsim lint --interface eth0 --interface eth1 node1.conf node2.conf
  vrrpsim lint --root configs configs/main.conf     # includes may not leave configs/
  vrrpsim lint scenarios/seed/master-backup.yaml   # every node's config, and across nodes
  vrrpsim lint --config-id lb1 keepalived.conf     # as `keepalived -i lb1 -t`
  vrrpsim lint --keepalived-exit-status keepalived.conf; echo $?   # 0, 5, 6 or 2 as keepalived -t

Exit status: 0 clean, 1 warnings only, 2 errors or unreadable input.
Nothing in a configuration is executed: vrrp_script and notify commands are data.)";

constexpr const char* kRunExamples = R"(
Examples:
  vrrpsim run scenarios/seed/master-backup.yaml
  vrrpsim run scenarios/**/*.yaml --junit results.xml -q
  vrrpsim run split.yaml --seed 7 --trace split.json --perfetto split.perfetto.json
  vrrpsim run split.yaml --packets --logs          # every advert, drop and log line
  vrrpsim run split.yaml --check-determinism       # run twice, compare trace hashes
  vrrpsim run scenarios/seed/modes.yaml --variant nopreempt   # one policy of a matrix

Exit status: 0 every expectation passed, 1 an expectation failed, 2 bad input.)";

constexpr const char* kCompareExamples = R"(
Examples:
  vrrpsim compare scenarios/seed/modes.yaml
  vrrpsim compare scenarios/seed/modes.yaml --format markdown > review.md

Exit status: 0 every expectation of every variant passed, 1 one failed, 2 bad input.)";

constexpr const char* kConformExamples = R"(
Examples:
  vrrpsim conform scenarios/seed/master-backup.yaml \
      --real tests/conformance/golden/seed-master-backup.json
  vrrpsim conform split.yaml --real real.json --tolerance 50ms --format json
  vrrpsim conform scenarios/seed/modes.yaml --variant nopreempt \
      --real tests/conformance/golden/seed-modes@nopreempt.json

The real trace comes from tests/conformance/record/record.sh (real keepalived
2.2.7 in network namespaces). Per host the transitions and VIP changes must be
the same sequence and every time within the tolerance (default 100ms, or the
real spread over the recorded runs if larger); split-brain intervals likewise.
The simulator is re-run with each real run's operation times (--no-align: the
scenario's own times).

A trace of another scenario, or of another matrix variant than --variant (the
recorder names real runs "real keepalived 2.2.7 [VARIANT]"), is bad input.

Exit status: 0 conformant, 1 a divergence (the first is named, with its rules),
2 bad input.)";

constexpr const char* kExploreExamples = R"(
Examples:
  vrrpsim explore scenarios/explore/master-backup.yaml       # every matrix variant, default properties
  vrrpsim explore node1.conf node2.conf                      # just configs: a one-segment cluster
  vrrpsim explore FILE --runs 1000000 -j 8 --out findings/   # budget by runs, or --time 10min
  vrrpsim explore FILE --runs 64000 --shard 3/64 --out shard-3.json   # one shard of a bigger search
  vrrpsim explore --merge shard-*.json --out findings/       # the same result as one unsharded run
  vrrpsim explore FILE --faults crash,partition --property no_split_brain --max-faults 2
  vrrpsim explore FILE --exhaustive --max-faults 2 --grid 250ms --window 60s   # every schedule

Fault kinds: crash stop restart power pause reload check track_file link partition block
loss jitter foreign. Properties: no_split_brain vip_available converges no_flapping expect.
Run i's schedule depends only on (seed, i): the result is the same for any -j and sharding.
Each finding class gets a minimal scenario in --out that `vrrpsim run` fails on: commit it
as a CI regression test. See docs/explore.md.

Exit status: 0 no property violated, 1 violations found, 2 bad input.)";

constexpr const char* kCaptureExamples = R"(
Examples:
  vrrpsim capture incident.pcapng                    # timeline, per-VRID masters, alerts
  vrrpsim capture incident.pcap --format json        # the same as JSON
  vrrpsim capture incident.pcap --trace seen.json    # observed trace: vrrpsim-gui, conform --real
  tcpdump -i eth0 -w vrrp.pcap 'vrrp or arp'         # how to make one

Exit status: 0 no alert, 1 an alert (split brain, master lost, mismatch, VRID
collision), 2 bad input. See docs/capture.md.)";

constexpr const char* kWatchExamples = R"(
Examples:
  vrrpsim watch eth0                                 # until Ctrl-C
  vrrpsim watch eth0 --for 30s --expect-one-master   # a scripted check
  vrrpsim watch eth0 --format json                   # one JSON object per line

Needs CAP_NET_RAW (root, or setcap cap_net_raw+ep on the binary).
Exit status: 0 fine, 1 --expect-one-master failed, 2 bad input or no access.)";

// A decimal whole number from `lo` to `hi`, digits only. CLI11 2.1 converts
// with strtoull(base 0), which takes "-1" and "18446744073709551616" as
// 2^64-1 and "010" as 8; this check runs on the text before that.
CLI::Validator Exact(std::uint64_t lo, std::uint64_t hi) {
  const std::string range = std::to_string(lo) + " to " + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        std::uint64_t v = 0;
        bool ok = !text.empty() && text.size() <= 20;
        for (const char c : text) {
          if (!ok || c < '0' || c > '9') {
            ok = false;
            break;
          }
          const auto d = static_cast<std::uint64_t>(c - '0');
          if (v > (UINT64_MAX - d) / 10) {
            ok = false;
            break;
          }
          v = v * 10 + d;
        }
        if (ok && v >= lo && v <= hi) return {};
        return "expected a whole number from " + range + ", got '" + vsim::Clip(text) + "'";
      },
      "INT " + range);
}

constexpr const char* kSubcommands[] = {"lint",    "run",     "compare", "conform",
                                        "explore", "capture", "watch",   "schema"};

// The closest subcommand to a misspelt one, or "".
std::string Closest(const std::string& word) {
  std::string best;
  std::size_t best_d = 3;
  for (const char* c : kSubcommands) {
    const std::string s = c;
    std::vector<std::size_t> row(s.size() + 1);
    for (std::size_t j = 0; j <= s.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= s.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (word[i - 1] == s[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    if (row[s.size()] < best_d) {
      best_d = row[s.size()];
      best = s;
    }
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  // A first word that is no subcommand: CLI11 would only say "A subcommand
  // is required".
  if (argc >= 2 && argv[1][0] != '-') {
    const std::string word = argv[1];
    bool known = false;
    for (const char* c : kSubcommands) known = known || word == c;
    if (!known) {
      const std::string near = Closest(word);
      std::cerr << "vrrpsim: unknown subcommand '" << vsim::Clip(word)
                << "' (expected lint, run, compare, conform, explore, capture, watch or schema"
                << (near.empty() ? "" : "; did you mean '" + near + "'?") << ")\n"
                << "Run with --help for more information.\n";
      return 2;
    }
  }
  CLI::App app{"vrrpsim - a deterministic simulator for keepalived/VRRP clusters"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("vrrpsim 0.1.0 (keepalived 2.2.7 semantics)"));

  vsim::LintOptions lint;
  CLI::App* lint_cmd = app.add_subcommand(
      "lint",
      "Check keepalived.conf files as keepalived -t does, and scenario files (every node's "
      "config, and the configs across nodes); print the warnings and errors");
  lint_cmd->footer(kLintExamples);
  lint_cmd->add_option("files", lint.files, "keepalived.conf or scenario (.yaml) files")
      ->required();
  lint_cmd->add_option("--root", lint.root,
                       "Directory tree that include directives may read (default: each file's "
                       "directory)");
  lint_cmd->add_option("--interface", lint.interfaces,
                       "An interface the host has (repeatable); instances on other interfaces "
                       "are refused like keepalived's 'Unknown interface!'");
  lint_cmd->add_flag("-q,--quiet", lint.quiet, "Print only the summary line");
  lint_cmd->add_option("--config-id", lint.config_id,
                       "keepalived's configuration id (keepalived -i ID): '@ID' lines are read, "
                       "'@^ID' lines skipped (default: none)");
  lint_cmd->add_flag("--keepalived-exit-status", lint.keepalived_exit_status,
                     "Exit with the status keepalived -t would give: 0 clean, 5 any complaint, 6 "
                     "a SECURITY VIOLATION among them, 2 reading aborted");
  lint_cmd
      ->add_option("--shell", lint.shell,
                   "What /bin/sh is on the keepalived host: dash (Debian's, the default) or "
                   "bash; decides the warnings about commands keepalived hands to the shell")
      ->check(CLI::IsMember({"dash", "bash"}));
  lint_cmd->add_flag("--host-checks", lint.host_checks,
                     "Also make the checks keepalived -t makes against its host (name lookups "
                     "on this machine); their messages are marked [host]");

  vsim::RunCommandOptions run;
  CLI::App* run_cmd =
      app.add_subcommand("run", "Run scenario files: timeline, split-brain, metrics, expectations");
  run_cmd->footer(kRunExamples);
  run_cmd->add_option("files", run.files, "Scenario files (YAML)")->required();
  run_cmd
      ->add_option("--seeds", run.seeds,
                   "Run N seeds from --seed (or the scenario's) on: metrics as p50/p95/max and "
                   "expectations as passes over the seeds (with timing: measured)")
      ->check(CLI::Range(1, 1000000));
  run_cmd->add_option("--seed", run.seed, "Override the scenario's seed (0 to 2^64-1)")
      ->check(Exact(0, UINT64_MAX));
  run_cmd->add_option("--format", run.format, "Output: text (report) or json (trace)")
      ->check(CLI::IsMember({"text", "json"}));
  run_cmd->add_option("--trace", run.trace_path, "Write the trace file (JSON) here");
  run_cmd->add_option("--perfetto", run.perfetto_path,
                      "Write Chrome/Perfetto Trace Event JSON here (one scenario)");
  run_cmd->add_option("--junit", run.junit_path, "Write JUnit XML here");
  run_cmd->add_flag("--packets", run.packets, "Record adverts, drops, GARPs and script runs");
  run_cmd->add_flag("--logs", run.logs, "Record keepalived's log lines");
  run_cmd->add_flag("--check-determinism", run.check_determinism,
                    "Run each scenario twice and compare the trace hashes");
  run_cmd->add_flag("-q,--quiet", run.quiet, "Leave out the timeline");
  run_cmd
      ->add_option("-j,--jobs", run.jobs, "Runs at once (default: every core; output as with -j 1)")
      ->check(Exact(1, 1024));
  run_cmd->add_flag("--strict", run.strict,
                    "Exit 2 when a node configuration has a keepalived error (a value ignored "
                    "or defaulted), not only a fatal one; the scenarios still run");
  run_cmd->add_option("--variant", run.variant,
                      "Run only this matrix variant, or \"base\" for the configurations as "
                      "written (default: every variant of a file with a matrix)");

  vsim::CompareCommandOptions compare;
  CLI::App* compare_cmd =
      app.add_subcommand("compare", "Run a scenario's matrix and print one row per policy");
  compare_cmd->footer(kCompareExamples);
  compare_cmd->add_option("file", compare.file, "Scenario file with a matrix: section")->required();
  compare_cmd->add_option("--seed", compare.seed, "Override the scenario's seed (0 to 2^64-1)")
      ->check(Exact(0, UINT64_MAX));
  compare_cmd->add_flag("--strict", compare.strict,
                        "Exit 2 when a node configuration has a keepalived error (a value "
                        "ignored or defaulted), not only a fatal one");
  compare_cmd->add_option("--format", compare.format, "text, json, csv or markdown")
      ->check(CLI::IsMember({"text", "json", "csv", "markdown"}));
  compare_cmd->add_option("--trace", compare.trace_path, "Write every variant's trace here");

  vsim::ConformCommandOptions conform;
  CLI::App* conform_cmd = app.add_subcommand(
      "conform", "Compare the simulator with a real keepalived trace of the same scenario");
  conform_cmd->footer(kConformExamples);
  conform_cmd->add_option("scenario", conform.scenario, "Scenario file (YAML)")->required();
  conform_cmd->add_option("--real", conform.real_path, "Trace of real runs (tests/conformance)")
      ->required();
  conform_cmd->add_option("--variant", conform.variant,
                          "Compare this matrix variant (its configs and expectations); the "
                          "trace must be a recording of it");
  conform_cmd->add_option("--tolerance", conform.tolerance, "Time tolerance floor (default 100ms)");
  conform_cmd->add_option("--format", conform.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  conform_cmd->add_option("--timing", conform.timing,
                          "ideal, measured or a profile file (calibrate.sh's JSON): every "
                          "node's timing profile, replacing the scenario's (with --no-align: "
                          "medians over seeds, 10ms floor)");
  conform_cmd
      ->add_option("--seeds", conform.seeds,
                   "Seeds of a wakeup_jitter ensemble (default 32) or of the medians with "
                   "--no-align and a timing profile (default 128)")
      ->check(CLI::Range(1, 100000));
  conform_cmd->add_flag("--no-align", conform.no_align,
                        "Compare with the scenario's own times, not the real operation times");
  conform_cmd->add_flag("-v,--verbose", conform.verbose,
                        "List every matched transition, VIP change and interval with both times");

  vsim::ExploreCommandOptions explore;
  CLI::App* explore_cmd = app.add_subcommand(
      "explore",
      "Search random fault schedules for violations of failover properties (split brain, VIP "
      "lost, no convergence, flapping) and shrink each to a minimal scenario");
  explore_cmd->footer(kExploreExamples);
  explore_cmd->add_option("files", explore.files,
                          "A scenario (.yaml), or keepalived.conf files (one node each)");
  explore_cmd
      ->add_option("--runs", explore.runs,
                   "Schedules to run (each on every variant); default 10000")
      ->check(Exact(1, 1'000'000'000'000ull));
  explore_cmd->add_option("--time", explore.time,
                          "Wall-clock budget, e.g. 10min (not deterministic: use --runs for that)");
  explore_cmd->add_option("-j,--jobs", explore.jobs, "Threads (default: every core)")
      ->check(Exact(1, 1024));
  explore_cmd->add_option("--seed", explore.seed, "Seed of the search (default: the scenario's)")
      ->check(Exact(0, UINT64_MAX));
  explore_cmd->add_option("--shard", explore.shard, "Run shard i of N (i/N); --out is its file");
  explore_cmd->add_option("--merge", explore.merge, "Merge these shard files");
  explore_cmd->add_option("--out", explore.out,
                          "Directory for findings (findings.jsonl, summary.json, one scenario "
                          "per class); with --shard, the shard file");
  explore_cmd->add_option("--junit", explore.junit, "Write JUnit XML here");
  explore_cmd->add_option("--jsonl", explore.jsonl,
                          "Write the findings as JSON lines here (- = stdout)");
  explore_cmd->add_option("--variant", explore.variant, "Only this matrix variant (or base)");
  explore_cmd->add_option("--property", explore.properties,
                          "Check only these properties (comma-separated, repeatable)");
  explore_cmd->add_option("--faults", explore.faults,
                          "Draw only these fault kinds (comma-separated, repeatable)");
  explore_cmd->add_option("--max-faults", explore.max_faults, "At most this many faults per run")
      ->check(Exact(1, 64));
  explore_cmd->add_option("--duration", explore.duration, "Run length, e.g. 10min");
  explore_cmd->add_option("--quiet-period", explore.quiet_period,
                          "No fault opens or closes in this last part of a run (default 60s)");
  explore_cmd->add_option("--min-gap", explore.min_gap, "Least time between two faults' starts");
  explore_cmd->add_option("--window", explore.window,
                          "When faults may start: FROM,TO (default 0 to the quiet period)");
  explore_cmd->add_option("--weight", explore.weights,
                          "A fault kind's weight, KIND=N (comma-separated, repeatable)");
  explore_cmd->add_flag("--no-prefix", explore.no_prefix,
                        "Leave out the scenario's own timeline (only the random faults)");
  explore_cmd->add_flag("-q,--quiet", explore.quiet, "No progress line");
  explore_cmd->add_flag("--exhaustive", explore.exhaustive,
                        "Every schedule within the bound (--max-faults, --grid, --window TO or "
                        "FROM,TO) instead of random ones");
  explore_cmd->add_option(
      "--grid", explore.grid,
      "--exhaustive: faults start and end at multiples of this (default 250ms)");
  explore_cmd
      ->add_option("--max-states", explore.max_states,
                   "--exhaustive: stop with an error past this many states at one instant "
                   "(default 400000, about 10 GB)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));
  explore_cmd->add_flag("--no-dedup", explore.no_dedup,
                        "--exhaustive: explore equal states again (to measure what merging saves)");
  explore_cmd->add_flag("--strict", explore.strict,
                        "Exit 2 when a node configuration has a keepalived error (a value "
                        "ignored or defaulted), not only a fatal one");

  vsim::CaptureCommandOptions capture;
  CLI::App* capture_cmd = app.add_subcommand(
      "capture",
      "Read a pcap/pcapng capture: who was MASTER when, split brain, lost masters, mismatches");
  capture_cmd->footer(kCaptureExamples);
  capture_cmd->add_option("file", capture.file, "Capture file (pcap or pcapng)")->required();
  capture_cmd->add_option("--format", capture.format, "Output: text or json (summary)")
      ->check(CLI::IsMember({"text", "json"}));
  capture_cmd->add_option("--trace", capture.trace_path, "Write the observed trace (JSON) here");
  capture_cmd->add_option("--perfetto", capture.perfetto_path,
                          "Write Chrome/Perfetto Trace Event JSON here");
  capture_cmd->add_flag("-q,--quiet", capture.quiet, "Leave out the timeline");

  vsim::WatchCommandOptions watch;
  CLI::App* watch_cmd = app.add_subcommand(
      "watch", "Watch VRRP on a live interface: state changes and alerts as they happen");
  watch_cmd->footer(kWatchExamples);
  watch_cmd->add_option("interface", watch.iface, "Network interface (needs CAP_NET_RAW)")
      ->required();
  watch_cmd->add_option("--format", watch.format, "Output: text or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  watch_cmd->add_option("--for", watch.for_duration, "Stop after this long, e.g. 30s");
  watch_cmd->add_flag("--expect-one-master", watch.expect_one_master,
                      "Exit 1 unless every VRID seen has exactly one MASTER at the end and "
                      "there was no split brain");

  CLI::App* schema_cmd = app.add_subcommand(
      "schema", "Print the JSON Schema of scenario files (for editors: docs/scenario-format.md)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // CLI11 returns 0 for --help/--version; usage errors are "bad input" (2).
    return rc == 0 ? 0 : 2;
  }

  if (lint_cmd->parsed()) return vsim::RunLint(lint, std::cout, std::cerr);
  if (run_cmd->parsed()) return vsim::RunRun(run, std::cout, std::cerr);
  if (compare_cmd->parsed()) return vsim::RunCompare(compare, std::cout, std::cerr);
  if (conform_cmd->parsed()) return vsim::RunConform(conform, std::cout, std::cerr);
  if (explore_cmd->parsed()) return vsim::RunExploreCommand(explore, std::cout, std::cerr);
  if (schema_cmd->parsed()) {
    std::cout << vsim::ScenarioJsonSchema() << std::flush;
    return std::cout ? 0 : 2;
  }
  if (capture_cmd->parsed()) return vsim::RunCaptureCommand(capture, std::cout, std::cerr);
  if (watch_cmd->parsed()) return vsim::RunWatchCommand(watch, std::cout, std::cerr);
  return 2;
}

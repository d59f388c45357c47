// A scenario: a keepalived cluster (nodes with their keepalived.conf, a
// network), a timeline of operations and faults, and expectations about what
// keepalived 2.2.7 does. Read from YAML (docs/scenario-format.md).
//
// A scenario is data only: nothing in it is executed (vrrp_script and notify
// commands are kept for display; script results come from `check` operations).
//
//   ScenarioLoad load = LoadScenarioFile("scenarios/seed/master-backup.yaml");
//   for (const auto& d : load.diagnostics) std::cerr << d.ToString() << "\n";
//   if (load.ok()) RunResult r = RunScenario(*load.scenario);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/model.h"
#include "engine/diagnostic.h"
#include "engine/time.h"
#include "sim/core/time_text.h"
#include "sim/net/topology.h"
#include "sim/scenario/explore_spec.h"
#include "sim/world/simulation.h"
#include "sim/world/timing_profile.h"

namespace vsim {

// Limits on everything that grows with the input.
inline constexpr std::size_t kMaxScenarioBytes = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxNodes = 1000;
inline constexpr std::size_t kMaxOperations = 100000;
inline constexpr std::size_t kMaxExpectations = 100000;
inline constexpr std::size_t kMaxVariants = 1000;
inline constexpr std::size_t kMaxInterfacesPerNode = 64;
inline constexpr Duration kMaxDuration = 30LL * 24 * 3600 * vrrp::kSecond;
// YAML nodes that aliases may add to what the file spells out (`*a` counts
// as the whole tree `&a` names): counted while the file is scanned, before a
// node tree is built, so an alias fan-out costs nothing before its refusal.
inline constexpr std::uint64_t kMaxAliasNodes = 1'000'000;
// The keepalived configuration text one scenario holds in total: every
// node's, every reload's (repeats included), their include files.
inline constexpr std::size_t kMaxConfigBytesTotal = 64 * 1024 * 1024;

// FormatTime ("12.345678s") lives in sim/core/time_text.h.

// Parses a duration with a unit: "500us", "250ms", "1.5s", "2min", "1h", "1d";
// "0" alone is accepted. nullopt + `error` on anything else.
std::optional<Duration> ParseDuration(std::string_view text, std::string* error);

// The rule for node, interface, segment, id and variant names: letters,
// digits, '_', '-', '.'; starting with a letter or '_'; at most 64 characters.
bool ValidName(std::string_view s);

// A time written in the scenario: absolute ("8s") or relative to the time of
// a labelled operation ("crash-1 + 5s", "heal-1", "part - 1s").
struct TimeRef {
  std::string label;  // "" = absolute
  Duration offset = 0;
  vrrp::Location where;
  std::string text;  // as written
};
std::optional<TimeRef> ParseTimeRef(std::string_view text, std::string* error);

struct NodeInterface {
  std::string name = "eth0";
  vrrp::Ipv4 address;
  // IPv6: the link-local address (an IPv6 instance's advert source; the
  // loader fills in DefaultLinkLocal6 when none is written) and global ones.
  vrrp::IpAddress link_local6;
  std::vector<vrrp::IpAddress> addresses6;
  std::string segment = "lan";
  LinkDirection up;    // node -> segment
  LinkDirection down;  // segment -> node
};

// The link-local address a host's k-th interface gets unless the scenario
// names one: fe80::<host + 1> (k = 0), fe80::<k>:<host + 1> (k > 0), where
// `host` counts the nodes, then the clients, from 0. Unique network-wide.
inline vrrp::IpAddress DefaultLinkLocal6(std::size_t host, std::size_t k) {
  return vrrp::IpAddress::V6Words(0xfe800000u, 0, static_cast<std::uint32_t>(k),
                                  static_cast<std::uint32_t>(host) + 1);
}

struct ScenarioNode {
  std::string name;
  vrrp::Location where;
  std::string config_source;  // config_file as written, or "<inline>"
  // The configuration's text as read (the config_file's contents, or the
  // inline block), so that a generated scenario (an explore finding) can
  // carry it verbatim. Includes are not expanded.
  std::string config_text;
  vrrp::Config config;  // parsed and completed
  std::vector<NodeInterface> interfaces;
  Duration script_runtime = 0;
  std::optional<Duration> wakeup_jitter;  // unset: the scenario's wakeup_jitter
  // `timing:` (unset: the scenario's); a null profile is `ideal`.
  std::optional<std::shared_ptr<const TimingProfile>> timing;
  std::optional<Time> start = Time{0};  // nullopt: only started by a timeline op
  // The instances' start offsets at `start` (as ScenarioOp::instance_starts).
  std::vector<InstanceStartOffset> instance_starts;
  // keepalived's configuration id (`keepalived -i`, `@ID` lines): by default
  // the node's name, as keepalived's default is the host name.
  std::string config_id;
  // What /bin/sh is on the node: "dash" (Debian's, the default) or "bash".
  // keepalived hands `<`-file tests (`</dev/tcp/...`) to it; lint warns about
  // commands the node's shell cannot run (engine/config/script_advice.h).
  std::string shell = "dash";
};

// A client host on a segment (network.clients): no keepalived, an ARP cache
// fed by GARPs; the run reports which node its traffic for each VIP reaches.
struct ScenarioClient {
  std::string name;
  vrrp::Ipv4 address;
  vrrp::IpAddress link_local6;  // filled in as a node's
  vrrp::IpAddress address6;     // zero: none
  std::string segment = "lan";
  Duration arp_recovery = 8 * vrrp::kSecond;
  vrrp::Location where;
};

struct Trunk {
  std::string a, b;
  LinkDirection a_to_b, b_to_a;
};

struct ScenarioOp {
  OpKind kind = OpKind::kStart;
  std::string label;  // `id:`
  TimeRef at_ref;
  Time at = 0;  // resolved
  int node = -1;
  int peer = -1;     // block/unblock: the receiving node
  std::string name;  // script, interface or track_file
  CheckMode check = CheckMode::kSucceed;
  Duration duration = 0;
  std::int64_t value = 0;
  std::vector<std::vector<int>> groups;
  LinkDirection up, down;
  std::shared_ptr<const vrrp::Config> config;  // reload
  std::string config_text;                     // reload: its text as read ("" = none given)
  vrrp::Location where;
  // start, restart, power_on: the instances' start offsets (not in the
  // scenario format: conformance alignment sets them from a real run).
  std::vector<InstanceStartOffset> instance_starts;
};

// Config edits applied to the parsed configuration of one node (matrix).
struct ConfigOverride {
  std::string node;
  std::string instance;  // "" = every instance of the node
  std::optional<int> priority;
  std::optional<vrrp::InitialState> state;
  std::optional<bool> nopreempt;
  std::optional<Duration> preempt_delay;
  std::optional<Duration> advert_int;
  std::vector<std::pair<std::string, int>> script_weights;  // vrrp_script name -> weight
  vrrp::Location where;
};

enum class ExpectKind : std::uint8_t {
  kState,         // state of one instance at a time / over an interval
  kMaster,        // who is MASTER of a VRID at a time / over an interval
  kVip,           // who holds the VRID's addresses at a time / over an interval
  kPriority,      // effective priority of an instance at a time
  kNoSplitBrain,  // no split brain (optionally outside given windows)
  kSplitBrain,    // split-brain total / longest bounds
  kFailover,      // after a fault op: a new host is MASTER with the VIP within X
  kVipDowntime,   // time with no holder of the VIP <= X
  kFlaps,         // MASTER entries per host <= N
  kConverges,     // exactly one MASTER per VRID within X after an op
  kTransitions,   // the exact sequence of states entered by an instance
  kFinal,         // state / master at the end of the run
  kClient,        // what a client's traffic for a VIP reaches / its downtime
  kVipAvailable,  // a live MASTER holds the VIP within X whenever a node could hold it
  kNoFlapping,    // at most N mastership changes of a VRID in any window of length W
};
const char* ExpectKindName(ExpectKind k);

struct Window {
  TimeRef from, to;  // to.label == "end" with no offset: end of run
};

struct ExpectedStep {
  vrrp::State state = vrrp::State::kInit;
  std::optional<TimeRef> at;
};

struct Expectation {
  ExpectKind kind = ExpectKind::kState;
  vrrp::Location where;
  std::vector<std::string> variants;       // "" list = every run
  int node = -1;                           // -1: none given
  bool node_none = false;                  // `node: none` (master/vip: nobody)
  std::string instance;                    // "" = by vrid, or the node's only instance
  int vrid = 0;                            // 0 = the scenario's only VRID
  int family = 0;                          // 4 / 6: the IPv4 / IPv6 group (0: either)
  std::optional<vrrp::IpAddress> address;  // vip: one address (IPv4 or IPv6)
  vrrp::State state = vrrp::State::kMaster;
  std::optional<TimeRef> at;
  std::optional<Window> during;
  std::optional<TimeRef> after;  // failover / converges: the operation (converges: unset =
                                 // after the timeline's last operation)
  std::optional<Duration> within, max, min, total_max, total_min, longest_max;
  std::optional<std::int64_t> count_max, count_min, priority;
  std::vector<Window> except;
  std::vector<ExpectedStep> sequence;
  bool masters_only = false;  // split brain: count only two-MASTER time
  // no_split_brain: only split brain longer than this fails; with
  // `while_connected`, only the time during which two of the hosts involved
  // hear each other (both ways) counts.
  std::optional<Duration> tolerance;
  bool while_connected = false;
  std::optional<Duration> window;  // no_flapping: the sliding window
  int client = -1;                 // client: index into Scenario::clients
};

struct Variant {
  std::string name;
  std::vector<ConfigOverride> overrides;
  std::vector<vrrp::Config> configs;  // per node, overrides applied (filled at load)
  std::vector<Expectation> expect;    // variant-only expectations
  vrrp::Location where;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;      // path for messages
  std::string base_dir;  // configs are read from here and below
  // Every file read to load it: the scenario file (when loaded from one),
  // each config_file and every file an include read. No output may be one.
  std::vector<std::string> input_files;
  std::uint64_t seed = 1;
  Duration duration = 0;
  // Default of every node's wakeup_jitter (HostSpec::wakeup_jitter).
  Duration wakeup_jitter = 0;
  // Default of every node's timing profile (`timing:`; null = ideal).
  std::shared_ptr<const TimingProfile> timing;
  std::vector<ScenarioNode> nodes;
  std::vector<std::string> segments;  // declared (empty = created on use)
  std::vector<Trunk> trunks;
  std::vector<ScenarioClient> clients;  // host ids follow the nodes'
  std::vector<ScenarioOp> timeline;     // sorted by time, stable
  std::vector<Expectation> expect;
  std::vector<Variant> variants;  // empty = no matrix
  ExploreSpec explore;            // `explore:` (vrrpsim explore); defaults if absent

  int FindNode(std::string_view name) const;
  // Resolved time of an operation label, nullopt if unknown.
  std::optional<Time> LabelTime(std::string_view label) const;
};

struct ScenarioLoad {
  std::optional<Scenario> scenario;
  vrrp::Diagnostics diagnostics;  // scenario errors, node-config diagnostics, lint is separate
  bool read_ok = true;            // false: the file itself could not be read
  bool ok() const { return scenario.has_value(); }
};

// Reads the file; `config_file:` paths are relative to its directory and must
// stay inside that directory tree.
ScenarioLoad LoadScenarioFile(const std::string& path);
ScenarioLoad LoadScenarioText(std::string_view yaml, const std::string& path_for_messages,
                              const std::string& base_dir);

// Cross-node configuration checks (VRID/auth/advert_int/VIP/version
// mismatches, weights that cannot move mastership, equal priorities, unicast
// peers that are not the other nodes' addresses).
vrrp::Diagnostics LintScenario(const Scenario& scenario);

// Applies overrides to a completed configuration the way keepalived's
// completion would treat the same keywords (R2, R6, R24, R25, R31, R36).
// Messages (e.g. nopreempt cleared by state MASTER) go to `diags`.
void ApplyOverride(const ConfigOverride& o, vrrp::Config* config, vrrp::Diagnostics* diags);

}  // namespace vsim

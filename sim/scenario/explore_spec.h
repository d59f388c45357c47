// The `explore:` section of a scenario: how `vrrpsim explore` draws random
// fault schedules for the scenario's cluster and which properties every run
// must keep (docs/explore.md, docs/scenario-format.md "Explore").
//
// Data only: the loader fills it (with file:line:column errors), sim/explore
// reads it. Every field has a default, so a scenario without the section, or
// a bare pair of keepalived.conf files, can be explored as it is.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/diagnostic.h"
#include "engine/time.h"

namespace vsim {

// What a random schedule can contain. Each kind is a window (it opens, and
// closes `length` later or stays open to the end) or, for restart and
// reload, a single instant.
enum class FaultKind : std::uint8_t {
  kCrash,      // SIGKILL, then start after the window (VIPs stay meanwhile, R46)
  kStop,       // SIGTERM, then start
  kRestart,    // restart (instant)
  kPower,      // power-off, then power-on
  kPause,      // the daemon frozen for the window (VM snapshot)
  kReload,     // SIGHUP with the same configuration (instant)
  kCheck,      // a vrrp_script fails, then succeeds again
  kTrackFile,  // a track_file holds a value, then 0 again
  kLink,       // an interface's carrier down, then up
  kPartition,  // one node cut off from the others, then heal
  kBlock,      // one node's frames stop reaching another (one way), then unblock
  kLoss,       // a loss burst on a node's interface, then its own parameters again
  kJitter,     // a jitter burst (adverts arrive late and out of order)
  kForeign,    // a foreign VRRP speaker on one of the cluster's VRIDs appears, then goes
};
inline constexpr int kFaultKindCount = 14;

inline constexpr std::array<std::string_view, kFaultKindCount> kFaultKindNames = {
    "crash",      "stop", "restart",   "power", "pause", "reload", "check",
    "track_file", "link", "partition", "block", "loss",  "jitter", "foreign"};

inline std::string_view FaultKindName(FaultKind k) {
  return kFaultKindNames[static_cast<std::size_t>(k)];
}
inline std::optional<FaultKind> ParseFaultKind(std::string_view s) {
  for (std::size_t i = 0; i < kFaultKindNames.size(); ++i)
    if (kFaultKindNames[i] == s) return static_cast<FaultKind>(i);
  return std::nullopt;
}

// Default weights: every kind the simulator has, check failures twice as
// likely (they are the most common real trigger); a foreign speaker is
// opt-in (weight 0): it takes any VIP away by design, so it would dominate
// every search that does not ask for it.
inline constexpr std::array<int, kFaultKindCount> kDefaultFaultWeights = {1, 1, 1, 1, 1, 1, 2,
                                                                          1, 1, 1, 1, 1, 1, 0};

// The properties every run must keep (docs/explore.md defines each exactly).
// Unset durations are derived from the configurations (see sim/explore).
struct ExploreProperties {
  bool no_split_brain = true;
  std::optional<vrrp::Duration> split_tolerance;  // default: 2 x the longest advert_int
  bool split_while_connected = true;              // `while: connected` (default) or `always`
  bool split_masters_only = false;  // `masters_only: true`: two MASTERs only, so a SIGKILLed
                                    // keepalived's leftover VIP (R46) is accepted

  bool vip_available = true;
  std::optional<vrrp::Duration> vip_within;  // default: 4 x the longest advert_int + 2 s

  bool converges = true;
  std::optional<vrrp::Duration> converge_within;  // default: 4 x the longest advert_int + 2 s

  bool no_flapping = true;
  std::optional<int> flap_max;  // default: 2 x max_faults + 2
  vrrp::Duration flap_window = 60 * vrrp::kSecond;

  bool scenario_expect = true;  // the scenario's own expectations that apply
};

struct ExploreSpec {
  bool present = false;  // the scenario has an explore: section
  vrrp::Location where;

  std::optional<vrrp::Duration> duration;   // run length; default: the scenario's duration
  vrrp::Duration window_from = 0;           // faults start in [window_from, window_to]
  std::optional<vrrp::Duration> window_to;  // default: duration - quiet
  // The end quiet period: no fault opens or closes in the last `quiet` of the
  // run (a window left open stays open), so convergence can be judged.
  vrrp::Duration quiet = 60 * vrrp::kSecond;
  int min_faults = 1;
  int max_faults = 3;
  vrrp::Duration min_gap = vrrp::kSecond;     // between two faults' starts
  vrrp::Duration min_length = vrrp::kSecond;  // window lengths
  vrrp::Duration max_length = 60 * vrrp::kSecond;
  int open_percent = 10;  // chance a window stays open to the end of the run
  std::array<int, kFaultKindCount> weights = kDefaultFaultWeights;
  bool prefix = true;  // keep the scenario's own timeline as a fixed prefix
  ExploreProperties properties;
};

}  // namespace vsim

// Reads host timing profiles (sim/world/timing_profile.h) from a scenario's
// `timing:` values and from profile files (docs/scenario-format.md, "Timing").
//
//   timing: ideal                          # the default: the rules' exact times
//   timing: measured                       # the built-in profile (data/timing/measured.json)
//   timing: {profile: my-host.json}        # a profile file, relative to the scenario
//   timing: {profile: measured, startup: 30ms, advert_delay: {quantiles: {p0: 0, p100: 1ms}}}
//
// yaml-cpp stays inside sim/scenario; this is its only user besides the loader.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostic.h"
#include "sim/world/timing_profile.h"

namespace YAML {
class Node;
}

namespace vsim {

// Limits: a profile file's size, samples per distribution, each delay.
inline constexpr std::size_t kMaxProfileBytes = 1024 * 1024;
inline constexpr std::size_t kMaxProfileSamples = 100000;
inline constexpr Duration kMaxProfileDelay = 60 * vrrp::kSecond;

struct TimingReadContext {
  std::string file;      // the file `n` is in, for locations
  std::string base_dir;  // a `profile:` path is relative to it and must stay inside it
  // Called for every error; required.
  std::function<void(const vrrp::Location&, std::string)> error;
  // Called for every mapping whose keys are checked (the schema test's hook);
  // optional.
  std::function<void(const vrrp::Location&, const std::vector<std::string_view>&)> keys_checked;
  // Every profile file read is appended (outputs must never overwrite it).
  std::vector<std::string>* files_read = nullptr;
};

// Reads a `timing:` value. Returns false on an error (reported); on success
// *out is null for `ideal` (or a profile whose every delay is 0), else the
// profile.
bool ReadTiming(const YAML::Node& n, TimingReadContext& ctx,
                std::shared_ptr<const TimingProfile>* out);

// Reads a profile file's text (JSON or YAML: a mapping of name, description,
// recorded, and the six distributions). `path` is for messages.
bool ReadTimingProfileText(std::string_view text, const std::string& path,
                           std::vector<vrrp::Diagnostic>* errors, TimingProfile* out);

// The built-in `measured` profile, parsed once (null if its compiled-in text
// is broken, which a test rules out).
std::shared_ptr<const TimingProfile> MeasuredProfile();

// A distribution in the scenario syntax (a duration, or {quantiles: {...}}),
// for the scenario writer.
std::string FormatDistribution(const Distribution& d);

}  // namespace vsim

// Matrix overrides: edits of a parsed, completed keepalived configuration.
//
// The edited fields are re-checked the way keepalived's completion treats the
// same keywords, so a variant behaves like a file with those keywords written
// in: R2 (state), R6 (advert_int rounding per version), R24 (owner clears
// nopreempt), R25 (state MASTER clears nopreempt and preempt_delay),
// preempt_delay vs nopreempt, R31/R36 (weights ignored for owners).
#include <set>

#include "sim/scenario/scenario.h"

namespace vsim {

namespace {

vrrp::Duration RoundAdvert(int version, vrrp::Duration d, std::string* note) {
  if (version == 2) {
    vrrp::Duration s = (d + vrrp::kSecond / 2) / vrrp::kSecond;
    if (s == 0) s = 1;
    if (s > 255) s = 255;
    if (s * vrrp::kSecond != d)
      *note = "VRRPv2 advertisement interval must be an integer. rounding";
    return s * vrrp::kSecond;
  }
  vrrp::Duration cs = (d + 5000) / 10000;
  if (cs == 0) cs = 1;
  if (cs > 4095) cs = 4095;
  if (cs * 10000 != d) *note = "VRRPv3 advertisement interval must be in units of 10ms - rounding";
  return cs * 10000;
}

}  // namespace

void ApplyOverride(const ConfigOverride& o, vrrp::Config* config, vrrp::Diagnostics* diags) {
  auto note = [&](vrrp::Severity s, const std::string& inst, const std::string& msg) {
    diags->push_back({s, o.where, o.node + " (" + inst + ") " + msg});
  };
  bool matched = false;
  std::set<std::string> tracked;
  for (auto& v : config->instances) {
    if (!o.instance.empty() && v.name != o.instance) continue;
    matched = true;
    if (o.priority) v.priority = *o.priority;
    if (o.state) {
      v.initial_state = *o.state;
      v.state_given = true;
    }
    if (o.nopreempt) v.nopreempt = *o.nopreempt;
    if (o.preempt_delay) v.preempt_delay = *o.preempt_delay;
    if (o.advert_int) {
      std::string msg;
      v.advert_int = RoundAdvert(v.version, *o.advert_int, &msg);
      if (!msg.empty()) note(vrrp::Severity::kWarning, v.name, msg);
    }
    for (const auto& [script, weight] : o.script_weights)
      for (auto& ts : v.track_scripts)
        if (ts.name == script) {
          ts.weight = weight;
          tracked.insert(script);
        }
    // Consistency, in keepalived's completion order.
    if (v.priority == 255 && v.nopreempt) {
      note(vrrp::Severity::kWarning, v.name,
           "nopreempt is incompatible with priority 255. resetting nopreempt");
      v.nopreempt = false;
    }
    if (v.initial_state == vrrp::InitialState::kMaster) {
      if (v.nopreempt) {
        note(vrrp::Severity::kWarning, v.name,
             "Warning - nopreempt will not work with initial state MASTER - clearing");
        v.nopreempt = false;
      }
      if (v.preempt_delay) {
        note(vrrp::Severity::kWarning, v.name,
             "Warning - preempt delay will not work with initial state MASTER - clearing");
        v.preempt_delay = 0;
      }
    }
    if (v.preempt_delay && v.nopreempt) {
      note(vrrp::Severity::kWarning, v.name,
           "preempt_delay is incompatible with nopreempt mode - resetting");
      v.preempt_delay = 0;
    }
    if (v.priority == 255 && !v.track_scripts.empty()) {
      std::vector<vrrp::TrackedScript> keep;
      for (const auto& ts : v.track_scripts) {
        if (ts.weight != 0)
          note(vrrp::Severity::kWarning, v.name,
               "ignoring tracked script " + ts.name + " with weights due to address_owner");
        else
          keep.push_back(ts);
      }
      v.track_scripts = std::move(keep);
    }
  }
  for (const auto& [script, weight] : o.script_weights) {
    (void)weight;
    if (matched && !tracked.count(script))
      diags->push_back({vrrp::Severity::kError, o.where,
                        o.node + ": no " + (o.instance.empty() ? "instance" : o.instance) +
                            " tracks vrrp_script " + script + " - weight override impossible",
                        vrrp::DiagClass::kVrrpsim});
  }
  if (!matched)
    diags->push_back({vrrp::Severity::kError, o.where,
                      o.node + ": no vrrp_instance " +
                          (o.instance.empty() ? std::string("at all") : "'" + o.instance + "'") +
                          " to override",
                      vrrp::DiagClass::kVrrpsim});
  // Keep the vrrp_script's own weight in step for display (entries already resolved).
  for (const auto& [script, weight] : o.script_weights)
    for (auto& s : config->scripts)
      if (s.name == script) s.weight = weight;
}

}  // namespace vsim

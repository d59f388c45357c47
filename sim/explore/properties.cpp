#include "sim/explore/properties.h"

#include <algorithm>

namespace vsim {

vrrp::Duration LongestAdvertInt(const Scenario& sc) {
  vrrp::Duration a = 0;
  for (const auto& n : sc.nodes)
    for (const auto& i : n.config.instances) a = std::max(a, i.advert_int);
  return a > 0 ? a : vrrp::kSecond;
}

namespace {

bool UsesLabel(const std::optional<TimeRef>& t) {
  return t && !t->label.empty() && t->label != "end";
}

}  // namespace

bool HoldsUnderRandomFaults(const Expectation& e, bool prefix, std::string* why) {
  switch (e.kind) {
    case ExpectKind::kNoSplitBrain:
      if (!e.except.empty()) {
        *why = "its allowed windows are tied to the scripted timeline";
        return false;
      }
      break;
    case ExpectKind::kVipAvailable:
    case ExpectKind::kNoFlapping:
      break;
    case ExpectKind::kConverges:
      if (e.after) {
        *why = "after a scripted operation: random faults after it decide the outcome";
        return false;
      }
      break;
    default:
      *why =
          "tied to the scripted timeline (times, operations or totals that random faults "
          "change)";
      return false;
  }
  if (!prefix) {
    for (const auto& w : e.except)
      if (UsesLabel(w.from) || UsesLabel(w.to)) {
        *why = "its windows name operations of the timeline, which --no-prefix leaves out";
        return false;
      }
  }
  return true;
}

PropertySet BuildProperties(const Scenario& sc, const ExploreProperties& spec, int max_faults,
                            bool prefix) {
  PropertySet out;
  const vrrp::Duration a = LongestAdvertInt(sc);
  if (spec.no_split_brain) {
    Expectation e;
    e.kind = ExpectKind::kNoSplitBrain;
    e.tolerance = spec.split_tolerance.value_or(2 * a);
    e.while_connected = spec.split_while_connected;
    e.masters_only = spec.split_masters_only;
    out.properties.push_back({"no_split_brain", e});
  }
  if (spec.vip_available) {
    Expectation e;
    e.kind = ExpectKind::kVipAvailable;
    e.within = spec.vip_within.value_or(4 * a + 2 * vrrp::kSecond);
    out.properties.push_back({"vip_available", e});
  }
  if (spec.converges) {
    Expectation e;
    e.kind = ExpectKind::kConverges;
    e.within = spec.converge_within.value_or(4 * a + 2 * vrrp::kSecond);
    out.properties.push_back({"converges", e});  // `after` set per schedule (trial.h)
  }
  if (spec.no_flapping) {
    Expectation e;
    e.kind = ExpectKind::kNoFlapping;
    e.count_max = spec.flap_max.value_or(2 * max_faults + 2);
    e.window = spec.flap_window;
    out.properties.push_back({"no_flapping", e});
  }
  if (spec.scenario_expect) {
    for (const auto& e : sc.expect) {
      std::string why;
      const std::string where = "line " + std::to_string(e.where.line);
      if (HoldsUnderRandomFaults(e, prefix, &why)) {
        out.properties.push_back({"expect:" + std::to_string(e.where.line), e});
      } else {
        out.skipped.push_back(where + ": " + ExpectKindName(e.kind) + ": " + why);
      }
    }
  }
  return out;
}

}  // namespace vsim

// A matrix variant as a scenario of its own: the nodes' configurations are
// the variant's (overrides applied, reloads included, as RunVariant does), and
// the expectations are those that apply to the variant (the scenario's own
// without a `variants:` list or naming it, then the variant's own). Running
// the result with RunScenario gives the variant's run; `vrrpsim conform
// --variant` and the golden tests compare real recordings of a variant with it.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include "sim/scenario/scenario.h"

namespace vsim {

inline const Variant* FindVariant(const Scenario& sc, std::string_view name) {
  for (const auto& v : sc.variants)
    if (v.name == name) return &v;
  return nullptr;
}

// Why `name` names no variant, with the ones there are, for an error message:
// "no matrix variant named 'x' (variants: a, b)".
inline std::string UnknownVariantText(const Scenario& sc, std::string_view name) {
  std::string out = "no matrix variant named '" + std::string(name) + "' (";
  if (sc.variants.empty()) out += "the scenario has no matrix";
  for (std::size_t i = 0; i < sc.variants.size(); ++i)
    out += (i ? ", " : "variants: ") + sc.variants[i].name;
  return out + ")";
}

inline Scenario VariantScenario(const Scenario& sc, const Variant& variant) {
  Scenario out = sc;
  out.variants.clear();
  for (std::size_t i = 0; i < out.nodes.size() && i < variant.configs.size(); ++i)
    out.nodes[i].config = variant.configs[i];
  for (auto& op : out.timeline) {
    if (op.kind != OpKind::kReload || !op.config || op.node < 0 ||
        op.node >= static_cast<int>(out.nodes.size()))
      continue;
    auto cfg = std::make_shared<vrrp::Config>(*op.config);
    vrrp::Diagnostics ignored;  // reported for the node's own config at load time
    for (const auto& o : variant.overrides)
      if (o.node == out.nodes[op.node].name) ApplyOverride(o, cfg.get(), &ignored);
    op.config = cfg;
  }
  out.expect.clear();
  for (const auto& e : sc.expect)
    if (e.variants.empty() ||
        std::find(e.variants.begin(), e.variants.end(), variant.name) != e.variants.end()) {
      out.expect.push_back(e);
      out.expect.back().variants.clear();
    }
  for (const auto& e : variant.expect) out.expect.push_back(e);
  return out;
}

}  // namespace vsim

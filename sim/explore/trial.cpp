#include "sim/explore/trial.h"

#include <algorithm>
#include <memory>

#include "engine/config/parser.h"
#include "sim/core/time_text.h"
#include "sim/world/simulation.h"

namespace vsim {

namespace {

// std::stable_sort for the few operations of a trial: an insertion sort.
// stable_sort's temporary buffer (a large allocation per call) cost more
// than building the trial's operations.
template <typename T, typename Less>
void StableSortSmall(std::vector<T>* v, Less less) {
  for (std::size_t i = 1; i < v->size(); ++i) {
    if (!less((*v)[i], (*v)[i - 1])) continue;
    T x = std::move((*v)[i]);
    std::size_t j = i;
    for (; j > 0 && less(x, (*v)[j - 1]); --j) (*v)[j] = std::move((*v)[j - 1]);
    (*v)[j] = std::move(x);
  }
}

// A foreign VRRP speaker (#2444: another cluster, or a router of another
// team, on one of our VRIDs): same advert interval and version as our
// instance of the VRID (so its adverts are not dropped for an interval
// mismatch), no authentication, and an address of its own.
std::string ForeignConfig(const vrrp::VrrpInstance& ours, const std::string& iface,
                          std::int64_t priority) {
  const long long cs = static_cast<long long>(ours.advert_int / (vrrp::kSecond / 100));
  std::string adv = cs % 100 == 0 ? std::to_string(cs / 100)
                                  : std::to_string(cs / 100) + "." + (cs % 100 < 10 ? "0" : "") +
                                        std::to_string(cs % 100);
  std::string text = "# A foreign VRRP speaker on VRID " + std::to_string(ours.vrid) +
                     " (vrrpsim explore, fault kind 'foreign')\n";
  if (ours.version == 3) text += "global_defs {\n  vrrp_version 3\n}\n";
  text += "vrrp_instance FOREIGN {\n  state BACKUP\n  interface " + iface +
          "\n  virtual_router_id " + std::to_string(ours.vrid) + "\n  priority " +
          std::to_string(priority) + "\n  advert_int " + adv +
          "\n  virtual_ipaddress {\n    192.0.2." + std::to_string(ours.vrid) + "/32\n  }\n}\n";
  return text;
}

bool AddressUsed(const Scenario& sc, vrrp::Ipv4 a) {
  for (const auto& n : sc.nodes)
    for (const auto& i : n.interfaces)
      if (i.address == a) return true;
  for (const auto& c : sc.clients)
    if (c.address == a) return true;
  return false;
}

}  // namespace

TrialBuilder::TrialBuilder(const Scenario& base, bool prefix, vrrp::Duration duration)
    : base_(base) {
  base_.duration = duration;
  base_.variants.clear();
  base_.expect.clear();
  if (!prefix) base_.timeline.clear();
  // Operations of the prefix after the end of the run never happen.
  base_.timeline.erase(std::remove_if(base_.timeline.begin(), base_.timeline.end(),
                                      [&](const ScenarioOp& op) { return op.at > duration; }),
                       base_.timeline.end());
  for (const auto& n : base_.nodes)
    node_configs_.push_back(std::make_shared<const vrrp::Config>(n.config));
  for (;;) {
    bool clash = false;
    for (const auto& op : base_.timeline)
      if (op.label.rfind(label_prefix_, 0) == 0) clash = true;
    if (!clash) break;
    label_prefix_ = "x" + label_prefix_;
  }
}

std::string TrialBuilder::OpenLabel(std::size_t i) const {
  return label_prefix_ + std::to_string(i + 1);
}
std::string TrialBuilder::CloseLabel(std::size_t i) const { return OpenLabel(i) + "-end"; }

vrrp::Time TrialBuilder::OverAt(const Fault& f) {
  return f.kind == FaultKind::kRestart ? f.at + kRestartExitDelay : f.end().value_or(f.at);
}

vrrp::Time TrialBuilder::SettleTime(const FaultSchedule& schedule) {
  vrrp::Time t = 0;
  for (const auto& f : schedule) t = std::max(t, OverAt(f));
  return t;
}

void TrialBuilder::FaultOps(const Fault& f, std::size_t k, int nodes, Scenario* out,
                            std::vector<std::pair<int, ScenarioOp>>* ops) const {
  auto make = [&](OpKind kind, vrrp::Time at, int node, std::string label) {
    ScenarioOp op;
    op.kind = kind;
    op.at = at;
    op.at_ref.offset = at;
    op.at_ref.text = FormatTime(at);
    op.node = node;
    op.label = std::move(label);
    return op;
  };
  auto iface_of = [&](int node, const std::string& name) -> const NodeInterface* {
    for (const auto& i : base_.nodes[static_cast<std::size_t>(node)].interfaces)
      if (i.name == name) return &i;
    return nullptr;
  };
  const std::string open = OpenLabel(k), close = CloseLabel(k);
  const auto end = f.end();
  auto add = [&](ScenarioOp op, bool closing) {
    ops->emplace_back(closing ? 0 : 1, std::move(op));
  };
  switch (f.kind) {
    case FaultKind::kCrash:
    case FaultKind::kStop:
      add(make(f.kind == FaultKind::kCrash ? OpKind::kCrash : OpKind::kStop, f.at, f.node, open),
          false);
      if (end) add(make(OpKind::kStart, *end, f.node, close), true);
      break;
    case FaultKind::kRestart:
      add(make(OpKind::kRestart, f.at, f.node, open), false);
      break;
    case FaultKind::kPower:
      add(make(OpKind::kPowerOff, f.at, f.node, open), false);
      if (end) add(make(OpKind::kPowerOn, *end, f.node, close), true);
      break;
    case FaultKind::kPause: {
      ScenarioOp op = make(OpKind::kPause, f.at, f.node, open);
      op.duration = end ? *f.length : base_.duration - f.at + 1;
      add(std::move(op), false);
      break;
    }
    case FaultKind::kReload: {
      ScenarioOp op = make(OpKind::kReload, f.at, f.node, open);
      const auto& n = base_.nodes[static_cast<std::size_t>(f.node)];
      op.config = node_configs_[static_cast<std::size_t>(f.node)];
      op.config_text = n.config_text;
      add(std::move(op), false);
      break;
    }
    case FaultKind::kCheck: {
      ScenarioOp op = make(OpKind::kSetCheck, f.at, f.node, open);
      op.name = f.name;
      op.check = CheckMode::kFail;
      add(std::move(op), false);
      if (end) {
        ScenarioOp back = make(OpKind::kSetCheck, *end, f.node, close);
        back.name = f.name;
        back.check = CheckMode::kSucceed;
        add(std::move(back), true);
      }
      break;
    }
    case FaultKind::kTrackFile: {
      ScenarioOp op = make(OpKind::kTrackFile, f.at, f.node, open);
      op.name = f.name;
      op.value = f.value;
      add(std::move(op), false);
      if (end) {
        ScenarioOp back = make(OpKind::kTrackFile, *end, f.node, close);
        back.name = f.name;
        back.value = 0;
        add(std::move(back), true);
      }
      break;
    }
    case FaultKind::kLink: {
      ScenarioOp op = make(OpKind::kLinkDown, f.at, f.node, open);
      op.name = f.name;
      add(std::move(op), false);
      if (end) {
        ScenarioOp back = make(OpKind::kLinkUp, *end, f.node, close);
        back.name = f.name;
        add(std::move(back), true);
      }
      break;
    }
    case FaultKind::kLoss:
    case FaultKind::kJitter: {
      const NodeInterface* ni = iface_of(f.node, f.name);
      if (!ni) break;
      ScenarioOp op = make(OpKind::kLinkParams, f.at, f.node, open);
      op.name = f.name;
      op.up = ni->up;
      op.down = ni->down;
      for (LinkDirection* d : {&op.up, &op.down}) {
        if (f.kind == FaultKind::kLoss)
          d->loss = static_cast<double>(f.value) / 1000.0;
        else
          d->jitter = f.value;
      }
      add(std::move(op), false);
      if (end) {
        ScenarioOp back = make(OpKind::kLinkParams, *end, f.node, close);
        back.name = f.name;
        back.up = ni->up;
        back.down = ni->down;
        add(std::move(back), true);
      }
      break;
    }
    case FaultKind::kPartition: {
      ScenarioOp op = make(OpKind::kPartition, f.at, -1, open);
      std::vector<int> rest;
      for (int i = 0; i < nodes; ++i)
        if (i != f.node) rest.push_back(i);
      op.groups = {{f.node}, rest};
      add(std::move(op), false);
      if (end) add(make(OpKind::kHeal, *end, -1, close), true);
      break;
    }
    case FaultKind::kBlock: {
      ScenarioOp op = make(OpKind::kBlock, f.at, f.node, open);
      op.peer = f.peer;
      add(std::move(op), false);
      if (end) {
        ScenarioOp back = make(OpKind::kUnblock, *end, f.node, close);
        back.peer = f.peer;
        add(std::move(back), true);
      }
      break;
    }
    case FaultKind::kForeign: {
      // A node of its own, on the segment of the targeted node's interface.
      const NodeInterface* ni = iface_of(f.node, f.name);
      // The foreign speaker is IPv4 (ForeignConfig): it imitates the VRID's
      // IPv4 instance, the group it collides with; an IPv6 instance of the
      // VRID only where there is no IPv4 one (as before IPv6 had groups).
      const vrrp::VrrpInstance* ours = nullptr;
      for (const auto& n : base_.nodes)
        for (const auto& inst : n.config.instances)
          if (inst.vrid == f.vrid && !inst.ipv6 && !ours) ours = &inst;
      for (const auto& n : base_.nodes)
        for (const auto& inst : n.config.instances)
          if (inst.vrid == f.vrid && !ours) ours = &inst;
      if (!ni || !ours) break;
      ScenarioNode node;
      node.name = "foreign" + std::to_string(k + 1);
      node.config_source = "<inline>";
      node.config_text = ForeignConfig(*ours, "eth0", f.value);
      vrrp::ParseOptions po;
      po.known_interfaces = {"eth0"};
      node.config = vrrp::ParseConfig(node.config_text, node.name, po).config;
      NodeInterface iface;
      iface.name = "eth0";
      iface.segment = ni->segment;
      for (std::uint32_t x = 0xfe01 + static_cast<std::uint32_t>(k);; x += 16) {
        iface.address = vrrp::Ipv4((10u << 24) | (250u << 16) | (x & 0xffffu));
        if (!AddressUsed(*out, iface.address)) break;
      }
      node.interfaces.push_back(iface);
      node.start.reset();
      const int index = static_cast<int>(out->nodes.size());
      out->nodes.push_back(std::move(node));
      add(make(OpKind::kStart, f.at, index, open), false);
      if (end) add(make(OpKind::kStop, *end, index, close), true);
      break;
    }
  }
}

std::vector<ScenarioOp> TrialBuilder::FaultOpsOf(const Fault& f, std::size_t k,
                                                 bool closing) const {
  std::vector<std::pair<int, ScenarioOp>> ops;
  FaultOps(f, k, static_cast<int>(base_.nodes.size()), nullptr, &ops);
  std::vector<ScenarioOp> out;
  for (auto& [order, op] : ops)
    if ((order == 0) == closing) out.push_back(std::move(op));
  return out;
}

void TrialBuilder::AddOps(const FaultSchedule& schedule, Scenario* out) const {
  std::vector<std::pair<int, ScenarioOp>> ops;  // (order at equal times, op)
  ops.reserve(2 * schedule.size());
  for (std::size_t k = 0; k < schedule.size(); ++k)
    FaultOps(schedule[k], k, static_cast<int>(out->nodes.size()), out, &ops);
  // Faults after the prefix's operations at equal times; a window closing at
  // the instant another opens closes first.
  StableSortSmall(&ops, [](const auto& a, const auto& b) {
    return a.second.at != b.second.at ? a.second.at < b.second.at : a.first < b.first;
  });
  for (auto& [order, op] : ops) out->timeline.push_back(std::move(op));
  StableSortSmall(&out->timeline,
                  [](const ScenarioOp& a, const ScenarioOp& b) { return a.at < b.at; });
}

bool TrialBuilder::KeepsApartForever(const FaultSchedule& schedule) {
  for (const auto& f : schedule) {
    if (f.length) continue;
    switch (f.kind) {
      case FaultKind::kPartition:
      case FaultKind::kBlock:
      case FaultKind::kLoss:
      case FaultKind::kJitter:
      case FaultKind::kPause:
      case FaultKind::kForeign:
        return true;
      default:
        break;
    }
  }
  return false;
}

void TrialBuilder::Build(const FaultSchedule& schedule,
                         const std::vector<ExploreProperty>& properties, Scenario* out,
                         std::vector<int>* included) const {
  if (out->nodes.size() != base_.nodes.size() || out->name != base_.name) {
    *out = base_;
  } else {
    out->nodes.resize(base_.nodes.size());  // drop foreign speakers of the last trial
  }
  out->timeline = base_.timeline;
  out->duration = base_.duration;
  AddOps(schedule, out);
  out->expect.clear();
  if (included) included->clear();
  const bool apart = KeepsApartForever(schedule);
  for (std::size_t pi = 0; pi < properties.size(); ++pi) {
    const ExploreProperty& p = properties[pi];
    // The built-in `converges`, or the scenario's own one after the last
    // operation: nothing can settle while a window keeps the cluster apart.
    if (apart &&
        (p.name == "converges" || (p.expect.kind == ExpectKind::kConverges && !p.expect.after)))
      continue;
    if (included) included->push_back(static_cast<int>(pi));
    out->expect.push_back(p.expect);
    Expectation& e = out->expect.back();
    if (p.name == "converges" && !e.after && !schedule.empty()) {
      // After the last fault window closed: its closing operation, or the
      // opening one plus the time until the fault is over.
      std::size_t last = 0;
      vrrp::Time t = -1;
      for (std::size_t i = 0; i < schedule.size(); ++i) {
        const vrrp::Time s = OverAt(schedule[i]);
        if (s >= t) {
          t = s;
          last = i;
        }
      }
      const Fault& f = schedule[last];
      TimeRef r;
      const bool has_close_op = f.end() && f.kind != FaultKind::kPause && !f.instant();
      r.label = has_close_op ? CloseLabel(last) : OpenLabel(last);
      r.offset = has_close_op ? 0 : t - f.at;
      r.text = r.label + (r.offset ? " + " + FormatTime(r.offset) : "");
      e.after = r;
    }
  }
}

PrefixSnapshots::PrefixSnapshots(const TrialBuilder& trials,
                                 const std::vector<ExploreProperty>& properties,
                                 const RunOptions& options)
    : trials_(trials), options_(options) {
  Scenario clean;
  trials.Build({}, properties, &clean);
  const vrrp::Duration duration = clean.duration;
  // About 128 snapshots: a trial re-simulates under 1/128 of the run before
  // its first fault, and a 10-minute seed pair keeps a few MiB of them.
  const vrrp::Duration step = std::max<vrrp::Duration>(vrrp::kSecond, duration / 128);
  ScenarioRun run(clean, options_);
  for (vrrp::Time t = step; t < duration; t += step) {
    run.RunUntil(t);
    if (!run.Reseedable()) break;  // from here on the run depends on its seed
    snapshots_.emplace_back(t, std::make_unique<const ScenarioRun>(run));
  }
}

RunResult PrefixSnapshots::Run(const Scenario& trial, std::uint64_t seed, bool* resumed) const {
  if (resumed) *resumed = false;
  vrrp::Time first = vrrp::kNever;
  std::vector<std::size_t> faults;
  for (std::size_t i = 0; i < trial.timeline.size(); ++i)
    if (trials_.IsFaultOp(trial.timeline[i])) {
      faults.push_back(i);
      first = std::min(first, trial.timeline[i].at);
    }
  // The latest snapshot strictly before the first fault.
  auto it = std::lower_bound(snapshots_.begin(), snapshots_.end(), first,
                             [](const auto& s, vrrp::Time t) { return s.first < t; });
  if (it != snapshots_.begin() && !faults.empty()) {
    ScenarioRun run(*std::prev(it)->second);
    if (run.Reseed(seed) && run.AddOperations(trial, faults)) {
      if (resumed) *resumed = true;
      return run.Finish(trial);
    }
  }
  RunOptions o = options_;
  o.seed = seed;
  return RunScenario(trial, o);
}

}  // namespace vsim

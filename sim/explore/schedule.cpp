#include "sim/explore/schedule.h"

#include <algorithm>

#include "sim/core/rng.h"
#include "sim/core/time_text.h"
#include "sim/scenario/scenario.h"

namespace vsim {

namespace {

constexpr vrrp::Duration kMs = vrrp::kSecond / 1000;

// Values the value-carrying kinds draw from: round numbers a user would
// write, and the extremes keepalived treats specially (a track_file value of
// -254 puts a weight-0 tracker's instance in FAULT; 100 % loss).
constexpr std::int64_t kTrackFileValues[] = {-254, -50, -10, 1, 10, 50};
constexpr std::int64_t kLossPerMille[] = {200, 500, 900, 1000};
constexpr std::int64_t kJitterMs[] = {100, 500, 1000, 3000};
constexpr std::int64_t kForeignPriorities[] = {50, 100, 150, 200, 254};

template <typename T, std::size_t N>
T Pick(Rng& rng, const T (&values)[N]) {
  return values[rng.Below(N)];
}

std::uint64_t Mix(std::uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Network windows that a later one's close would undo: a heal removes every
// partition and one-way block, and a link's parameters are restored as a
// whole.
bool Clashes(const Fault& a, const Fault& b) {
  auto net = [](FaultKind k) { return k == FaultKind::kPartition || k == FaultKind::kBlock; };
  if (net(a.kind) && net(b.kind)) return true;
  auto link = [](FaultKind k) { return k == FaultKind::kLoss || k == FaultKind::kJitter; };
  return link(a.kind) && link(b.kind) && a.node == b.node && a.name == b.name;
}

}  // namespace

bool ExploreTargets::Possible(FaultKind k) const {
  auto any = [](const std::vector<std::vector<std::string>>& v) {
    for (const auto& x : v)
      if (!x.empty()) return true;
    return false;
  };
  switch (k) {
    case FaultKind::kCheck:
      return any(scripts);
    case FaultKind::kTrackFile:
      return any(track_files);
    case FaultKind::kLink:
    case FaultKind::kLoss:
    case FaultKind::kJitter:
      return any(interfaces);
    case FaultKind::kPartition:
    case FaultKind::kBlock:
      return nodes >= 2;
    case FaultKind::kForeign:
      return !vrids.empty() && any(interfaces);
    default:
      return nodes >= 1;
  }
}

ExploreTargets TargetsOf(const Scenario& sc) {
  ExploreTargets t;
  t.nodes = static_cast<int>(sc.nodes.size());
  std::vector<int> vrids;
  for (const auto& node : sc.nodes) {
    std::vector<std::string> scripts, files, ifaces;
    for (const auto& inst : node.config.instances) {
      vrids.push_back(inst.vrid);
      for (const auto& ts : inst.track_scripts)
        if (node.config.FindScript(ts.name) &&
            std::find(scripts.begin(), scripts.end(), ts.name) == scripts.end())
          scripts.push_back(ts.name);
      for (const auto& tf : inst.track_files)
        if (std::find(files.begin(), files.end(), tf.name) == files.end()) files.push_back(tf.name);
    }
    for (const auto& i : node.interfaces) ifaces.push_back(i.name);
    t.scripts.push_back(std::move(scripts));
    t.track_files.push_back(std::move(files));
    t.interfaces.push_back(std::move(ifaces));
  }
  std::sort(vrids.begin(), vrids.end());
  vrids.erase(std::unique(vrids.begin(), vrids.end()), vrids.end());
  t.vrids = std::move(vrids);
  return t;
}

std::uint64_t RunSeed(std::uint64_t seed, std::uint64_t index) {
  return Mix(Mix(seed ^ 0x52554e53454544ull) ^ index);  // "RUNSEED"
}

FaultSchedule GenerateSchedule(const ScheduleLimits& lim, const ExploreTargets& targets,
                               std::uint64_t seed, std::uint64_t index) {
  Rng rng(Mix(Mix(seed) ^ Mix(index ^ 0x5343484544ull)));  // "SCHED"
  std::array<int, kFaultKindCount> weights = lim.weights;
  int total = 0;
  for (int k = 0; k < kFaultKindCount; ++k) {
    if (!targets.Possible(static_cast<FaultKind>(k))) weights[k] = 0;
    total += weights[k];
  }
  FaultSchedule out;
  if (total <= 0 || lim.window_to < lim.window_from) return out;

  const int n =
      static_cast<int>(rng.Between(lim.min_faults, std::max(lim.min_faults, lim.max_faults)));
  // Start times on the millisecond, sorted, at least min_gap apart.
  std::vector<vrrp::Time> starts;
  const std::uint64_t span_ms = static_cast<std::uint64_t>((lim.window_to - lim.window_from) / kMs);
  for (int i = 0; i < n; ++i)
    starts.push_back(lim.window_from + static_cast<vrrp::Time>(rng.Below(span_ms + 1)) * kMs);
  std::sort(starts.begin(), starts.end());
  for (std::size_t i = 1; i < starts.size(); ++i)
    starts[i] = std::max(starts[i], starts[i - 1] + lim.min_gap);
  const vrrp::Time close_by = std::max<vrrp::Time>(lim.duration - lim.quiet, 0);

  for (vrrp::Time at : starts) {
    if (at > lim.window_to) break;
    Fault f;
    f.at = at;
    int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(total)));
    int k = 0;
    while (pick >= weights[k]) pick -= weights[k++];
    f.kind = static_cast<FaultKind>(k);

    // The target: a node that has what the kind needs.
    auto node_with = [&](const std::vector<std::vector<std::string>>& v) {
      std::vector<int> ok;
      for (int i = 0; i < targets.nodes; ++i)
        if (v.empty() || !v[static_cast<std::size_t>(i)].empty()) ok.push_back(i);
      return ok[rng.Below(ok.size())];
    };
    switch (f.kind) {
      case FaultKind::kCheck:
        f.node = node_with(targets.scripts);
        f.name = targets.scripts[f.node][rng.Below(targets.scripts[f.node].size())];
        break;
      case FaultKind::kTrackFile:
        f.node = node_with(targets.track_files);
        f.name = targets.track_files[f.node][rng.Below(targets.track_files[f.node].size())];
        f.value = Pick(rng, kTrackFileValues);
        break;
      case FaultKind::kLink:
      case FaultKind::kLoss:
      case FaultKind::kJitter:
      case FaultKind::kForeign:
        f.node = node_with(targets.interfaces);
        f.name = targets.interfaces[f.node][rng.Below(targets.interfaces[f.node].size())];
        if (f.kind == FaultKind::kLoss) f.value = Pick(rng, kLossPerMille);
        if (f.kind == FaultKind::kJitter) f.value = Pick(rng, kJitterMs) * kMs;
        if (f.kind == FaultKind::kForeign) {
          f.vrid = targets.vrids[rng.Below(targets.vrids.size())];
          f.value = Pick(rng, kForeignPriorities);
        }
        break;
      case FaultKind::kBlock:
        f.node = static_cast<int>(rng.Below(static_cast<std::uint64_t>(targets.nodes)));
        f.peer = static_cast<int>(rng.Below(static_cast<std::uint64_t>(targets.nodes - 1)));
        if (f.peer >= f.node) ++f.peer;
        break;
      default:
        f.node = static_cast<int>(rng.Below(static_cast<std::uint64_t>(targets.nodes)));
        break;
    }

    // The window: instants have none; the others close before the quiet
    // period, or stay open with probability open_percent.
    if (f.instant()) {
      f.length = 0;
    } else if (rng.Below(100) < static_cast<std::uint64_t>(lim.open_percent)) {
      f.length.reset();
    } else {
      const std::uint64_t range_ms = static_cast<std::uint64_t>(
          std::max<vrrp::Duration>(lim.max_length - lim.min_length, 0) / kMs);
      vrrp::Duration len =
          lim.min_length + static_cast<vrrp::Duration>(rng.Below(range_ms + 1)) * kMs;
      if (at + len > close_by) len = std::max<vrrp::Duration>(close_by - at, kMs);
      f.length = len;
    }
    out.push_back(std::move(f));
  }

  // A later window that clashes with an open earlier one closes it first.
  for (std::size_t j = 1; j < out.size(); ++j)
    for (std::size_t i = 0; i < j; ++i) {
      Fault& a = out[i];
      if (!Clashes(a, out[j])) continue;
      const auto end = a.end();
      if (!end || *end > out[j].at) a.length = out[j].at - a.at;
    }
  return out;
}

std::string DescribeFault(const Fault& f, const std::vector<std::string>& names) {
  auto node = [&](int i) {
    return i >= 0 && i < static_cast<int>(names.size()) ? names[static_cast<std::size_t>(i)]
                                                        : std::string("?");
  };
  std::string s(FaultKindName(f.kind));
  switch (f.kind) {
    case FaultKind::kCheck:
      s += " " + node(f.node) + " " + f.name + " fails";
      break;
    case FaultKind::kTrackFile:
      s += " " + node(f.node) + " " + f.name + "=" + std::to_string(f.value);
      break;
    case FaultKind::kLink:
      s += " " + node(f.node) + " " + f.name + " down";
      break;
    case FaultKind::kLoss:
      s += " " + node(f.node) + " " + f.name + " " + std::to_string(f.value / 10) + "%";
      break;
    case FaultKind::kJitter:
      s += " " + node(f.node) + " " + f.name + " " + FormatTime(f.value);
      break;
    case FaultKind::kPartition:
      s += " " + node(f.node) + " away";
      break;
    case FaultKind::kBlock:
      s += " " + node(f.node) + "->" + node(f.peer);
      break;
    case FaultKind::kForeign:
      s += " VRID " + std::to_string(f.vrid) + " prio " + std::to_string(f.value) + " next to " +
           node(f.node);
      break;
    default:
      s += " " + node(f.node);
      break;
  }
  s += " at " + FormatTime(f.at);
  if (!f.instant()) s += f.length ? " for " + FormatTime(*f.length) : " (to the end)";
  return s;
}

}  // namespace vsim

#include "sim/capture/conform_observed.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "sim/core/time_text.h"
#include "sim/scenario/runner.h"

namespace vsim::capture {
namespace {

using vrrp::IpAddress;

// The address a node's instance advertises from, as the daemon picks it
// (R16, engine/daemon.cpp InitSource): unicast_src_ip / mcast_src_ip if
// given, else its interface's address (IPv6: the link-local one).
IpAddress SourceOf(const Scenario& s, int host, int instance) {
  if (host < 0 || host >= static_cast<int>(s.nodes.size())) return {};
  const ScenarioNode& n = s.nodes[host];
  std::string iface;
  bool ipv6 = false;
  if (instance >= 0 && instance < static_cast<int>(n.config.instances.size())) {
    const auto& c = n.config.instances[instance];
    iface = c.interface;
    ipv6 = c.ipv6;
    const auto& explicit_src = c.is_unicast() ? c.unicast_src_ip : c.mcast_src_ip;
    if (explicit_src && !explicit_src->is_zero()) return *explicit_src;
  }
  const NodeInterface* own = n.interfaces.empty() ? nullptr : &n.interfaces[0];
  for (const auto& i : n.interfaces)
    if (i.name == iface) own = &i;
  if (own == nullptr) return {};
  return ipv6 ? own->link_local6 : IpAddress(own->address);
}

std::string Interval(const MasterInterval& m) {
  return m.source.ToString() + " " + GroupName({}, m.family, m.vrid) + " MASTER " +
         FormatTime(m.from) + " to " + FormatTime(m.to) + " (" + m.end + ")";
}

}  // namespace

CaptureAnalysis SimulatedObservation(const Scenario& scenario) {
  RunOptions options;
  options.record_packets = true;
  const RunResult run = RunScenario(scenario, options);
  Observer obs;
  Frame f;
  f.kind = FrameKind::kVrrp;
  std::uint64_t n = 0;
  Time last = 0;
  for (const auto& e : run.events) {
    if (e.kind != TraceKind::kAdvertSent) continue;
    if (e.host < 0 || e.instance < 0) continue;
    const auto& inst = scenario.nodes[e.host].config.instances[e.instance];
    vrrp::VrrpAdvert& a = f.vrrp.advert;
    a = vrrp::VrrpAdvert{};
    a.src = SourceOf(scenario, e.host, e.instance);
    a.version = static_cast<std::uint8_t>(inst.version);
    a.vrid = static_cast<std::uint8_t>(e.vrid);
    a.priority = static_cast<std::uint8_t>(e.priority);
    a.adver_int =
        static_cast<std::uint16_t>(inst.version == 3 ? inst.advert_int / (10 * vrrp::kMillisecond)
                                                     : inst.advert_int / vrrp::kSecond);
    f.vrrp.checksum_ok = true;
    f.vrrp.addresses_complete = true;
    // One advert per send round (unicast sends one per peer at one time).
    obs.OnFrame(e.t, ++n, f);
    last = e.t;
  }
  obs.Finish(std::max(last, run.duration), n);
  CaptureAnalysis a;
  a.file = scenario.file;
  a.duration = run.duration;
  a.counts = obs.counts();
  a.events = obs.SortedEvents();
  a.masters = obs.masters();
  std::stable_sort(
      a.masters.begin(), a.masters.end(),
      [](const MasterInterval& x, const MasterInterval& y) { return x.from < y.from; });
  a.split_brains = obs.split_brains();
  a.groups = obs.Groups();
  return a;
}

ObservedConform ConformWithCapture(const Scenario& scenario, const CaptureAnalysis& real,
                                   Duration tolerance) {
  const CaptureAnalysis sim = SimulatedObservation(scenario);
  ObservedConform r;
  std::string& out = r.text;
  if (real.masters.empty() || sim.masters.empty()) {
    r.passed = real.masters.empty() && sim.masters.empty();
    out = std::string("conform: ") + scenario.name + " against the capture " + real.file + ": " +
          (r.passed ? "PASS (no MASTER on either side)\n"
                    : (real.masters.empty() ? "FAIL: the capture shows no MASTER\n"
                                            : "FAIL: the simulation has no MASTER\n"));
    return r;
  }
  // Align: the capture's first MASTER starts when the simulation's does.
  const Time offset = sim.masters[0].from - real.masters[0].from;
  // The simulation runs to its end; the capture may stop earlier or later:
  // compare what both cover.
  const Time horizon = std::min(sim.duration, real.duration + offset);
  auto covered = [&](const MasterInterval& m, Time shift) { return m.from + shift < horizon; };
  // Keyed by source and VRID: the source's family is the group's.
  std::map<std::pair<IpAddress, int>, std::vector<MasterInterval>> want, got;
  for (const auto& m : sim.masters)
    if (covered(m, 0)) want[{m.source, m.vrid}].push_back(m);
  for (const auto& m : real.masters)
    if (covered(m, offset)) got[{m.source, m.vrid}].push_back(m);
  std::vector<std::string> lines, problems;
  Duration worst = 0;
  auto check = [&](const std::string& what, Time s, Time c) {
    const Duration d = std::llabs(s - c);
    worst = std::max(worst, d);
    lines.push_back("  " + what + ": simulated " + FormatTime(s) + ", capture " + FormatTime(c) +
                    (d > tolerance ? "  <-- off by " + FormatTime(d) : ""));
    if (d > tolerance) problems.push_back(what + " off by " + FormatTime(d));
  };
  std::set<std::pair<IpAddress, int>> keys;
  for (const auto& [k, v] : want) keys.insert(k);
  for (const auto& [k, v] : got) keys.insert(k);
  for (const auto& k : keys) {
    const auto& w = want[k];
    const auto& g = got[k];
    const std::string who = k.first.ToString() + " " + GroupName({}, k.first.family(), k.second);
    if (w.size() != g.size()) {
      std::string detail = who + ": " + std::to_string(w.size()) +
                           " MASTER interval(s) simulated, " + std::to_string(g.size()) +
                           " in the capture";
      for (const auto& m : w) detail += "\n    simulated " + Interval(m);
      for (const auto& m : g) {
        MasterInterval shifted = m;
        shifted.from += offset;
        shifted.to += offset;
        detail += "\n    capture   " + Interval(shifted) + " (packets " +
                  std::to_string(m.from_packet) + ")";
      }
      problems.push_back(detail);
      continue;
    }
    for (std::size_t i = 0; i < w.size(); ++i) {
      check(who + " MASTER from (capture packet " + std::to_string(g[i].from_packet) + ")",
            w[i].from, g[i].from + offset);
      const bool sim_open = w[i].end == "end-of-capture" || w[i].to >= horizon;
      const bool real_open = g[i].end == "end-of-capture" || g[i].to + offset >= horizon;
      if (!sim_open && !real_open)
        check(who + " MASTER until (" + g[i].end + ", capture packet " +
                  std::to_string(g[i].to_packet) + ")",
              w[i].to, g[i].to + offset);
    }
  }
  // Split brain.
  std::vector<ObservedSplitBrain> ws, gs;
  for (const auto& s : sim.split_brains)
    if (s.from < horizon) ws.push_back(s);
  for (const auto& s : real.split_brains)
    if (s.from + offset < horizon) gs.push_back(s);
  if (ws.size() != gs.size()) {
    problems.push_back(std::to_string(ws.size()) + " split brain(s) simulated, " +
                       std::to_string(gs.size()) + " in the capture");
  } else {
    for (std::size_t i = 0; i < ws.size(); ++i) {
      const std::string who = "split brain " + GroupName({}, ws[i].family, ws[i].vrid);
      check(who + " from (capture packet " + std::to_string(gs[i].from_packet) + ")", ws[i].from,
            gs[i].from + offset);
      if (ws[i].to < horizon && gs[i].to + offset < horizon)
        check(who + " until (capture packet " + std::to_string(gs[i].to_packet) + ")", ws[i].to,
              gs[i].to + offset);
    }
  }
  r.passed = problems.empty();
  out = "conform: " + scenario.name + " against the capture " + real.file + ": " +
        (r.passed ? "PASS" : "FAIL") + " (observed on the wire; tolerance " +
        FormatTime(tolerance) + ", max deviation " + FormatTime(worst) +
        "; the capture's time 0 is the simulation's " + FormatTime(offset) + ")\n";
  for (const auto& p : problems) out += "  DIVERGENCE " + p + "\n";
  for (const auto& l : lines) out += l + "\n";
  return r;
}

}  // namespace vsim::capture

#include "sim/scenario/expectations.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

namespace vsim {

namespace {

struct Ctx {
  const Expectation& e;
  const Scenario& sc;
  const RunTimeline& tl;
  const RunResult& run;
  ExpectationResult r;
};

std::string Hosts(const RunResult& run, const std::vector<int>& hosts) {
  if (hosts.empty()) return "nobody";
  std::string s;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    if (i) s += ", ";
    s += hosts[i] >= 0 && hosts[i] < static_cast<int>(run.hosts.size()) ? run.hosts[hosts[i]].name
                                                                        : "?";
  }
  return s;
}

std::string Words(const TimeRef& t) {
  if (t.label.empty()) return FormatTime(t.offset);
  return t.text;
}

// Resolved time; "end" = end of run.
Time Resolve(const Ctx& c, const TimeRef& t) {
  if (t.label.empty()) return t.offset;
  if (t.label == "end") return c.sc.duration + t.offset;
  return c.sc.LabelTime(t.label).value_or(0) + t.offset;
}

std::string At(const Ctx& c, const TimeRef& t) {
  const Time x = Resolve(c, t);
  if (t.label.empty()) return FormatTime(x);
  return FormatTime(x) + " (" + t.text + ")";
}

bool Fail(Ctx& c, std::string why) {
  c.r.passed = false;
  c.r.evidence = std::move(why);
  return false;
}

// The groups (VRID and family, sim/observe/vrrp_group.h) the expectation's
// `vrid` and `family` select.
GroupFilter Filter(const Ctx& c) { return GroupFilter{c.e.vrid, c.e.family}; }

// "VRID 81", "VRID 81 IPv6"; without a VRID `none` ("every VRID"), plus
// " (IPv6)" when a family is given.
std::string Which(const Expectation& e, const std::string& none) {
  const std::string fam = e.family == 6 ? "IPv6" : e.family == 4 ? "IPv4" : "";
  if (e.vrid) return "VRID " + std::to_string(e.vrid) + (fam.empty() ? "" : " " + fam);
  return fam.empty() ? none : none + " (" + fam + ")";
}

std::string BothFamilies(int vrid) {
  return "VRID " + std::to_string(vrid) +
         " has an IPv4 and an IPv6 instance (two VRRP groups); say which one with family: 4 or "
         "family: 6";
}

// The group the expectation is about: given, or the scenario's only one.
// A group key (the VRID for IPv4).
std::optional<int> Vrid(Ctx& c) {
  const GroupFilter f = Filter(c);
  std::set<int> all, match;
  for (const auto& h : c.run.hosts)
    for (std::size_t i = 0; i < h.vrids.size(); ++i) all.insert(h.group(i));
  for (int k : all)
    if (f(k)) match.insert(k);
  if (match.size() == 1) return *match.begin();
  if (c.e.vrid && match.empty())  // nothing has it: the checks say so
    return GroupKey(c.e.vrid, c.e.family == 6 ? vrrp::IpFamily::kV6 : vrrp::IpFamily::kV4);
  if (c.e.vrid) {
    Fail(c, BothFamilies(c.e.vrid));
    return std::nullopt;
  }
  std::set<int> vrids;
  for (int k : match.empty() ? all : match) vrids.insert(GroupVrid(k));
  if (all.empty())
    Fail(c, "no node has a vrrp_instance");
  else if (match.empty())
    Fail(c, "no node has an IPv" + std::to_string(c.e.family) + " vrrp_instance");
  else if (vrids.size() > 1)
    Fail(c,
         "the scenario has " + std::to_string(vrids.size()) + " VRIDs; say which one with vrid:");
  else
    Fail(c, BothFamilies(*vrids.begin()));
  return std::nullopt;
}

// The instance of the expectation's node: by name, by VRID (and family), or
// the only one.
std::optional<int> Instance(Ctx& c) {
  const HostInfo& h = c.run.hosts[c.e.node];
  if (!c.e.instance.empty()) {
    for (std::size_t i = 0; i < h.instances.size(); ++i)
      if (h.instances[i] == c.e.instance) return static_cast<int>(i);
    Fail(c, h.name + " has no vrrp_instance " + c.e.instance);
    return std::nullopt;
  }
  if (c.e.vrid || c.e.family) {
    const GroupFilter f = Filter(c);
    int found = -1;
    for (std::size_t i = 0; i < h.vrids.size(); ++i) {
      if (!f(h.group(i))) continue;
      if (found < 0) {
        found = static_cast<int>(i);
      } else if (h.family(i) != h.family(static_cast<std::size_t>(found))) {
        Fail(c, h.name + ": " + BothFamilies(h.vrids[i]) + " (or instance:)");
        return std::nullopt;
      }
    }
    if (found >= 0) return found;
    Fail(c, h.name + " has no instance with " + Which(c.e, "that family"));
    return std::nullopt;
  }
  if (h.instances.size() == 1) return 0;
  Fail(c, h.name + " has " + std::to_string(h.instances.size()) +
              " instances; say which one with instance: or vrid:");
  return std::nullopt;
}

std::string InstName(const Ctx& c, int inst) {
  const HostInfo& h = c.run.hosts[c.e.node];
  return h.name + " " + h.instances[inst];
}

// Since when the instance has been in its state at t.
Time Since(const RunTimeline& tl, int host, int inst, Time t) {
  Time since = 0;
  for (const auto& ch : tl.changes(host, inst)) {
    if (ch.t > t) break;
    since = ch.t;
  }
  return since;
}

void EvalState(Ctx& c) {
  auto inst = Instance(c);
  if (!inst) return;
  const std::string who = InstName(c, *inst);
  const char* want = vrrp::StateName(c.e.state);
  if (c.e.at) {
    const Time t = Resolve(c, *c.e.at);
    c.r.description = who + " is " + want + " at " + Words(*c.e.at);
    const vrrp::State s = c.tl.StateAt(c.e.node, *inst, t);
    const std::string since = " (since " + FormatTime(Since(c.tl, c.e.node, *inst, t)) + ")";
    c.r.passed = s == c.e.state;
    c.r.evidence = who + " is " + vrrp::StateName(s) + " at " + At(c, *c.e.at) + since;
    if (!c.r.passed) c.r.evidence += ", expected " + std::string(want);
    return;
  }
  const Time from = Resolve(c, c.e.during->from), to = Resolve(c, c.e.during->to);
  c.r.description =
      who + " is " + want + " from " + Words(c.e.during->from) + " to " + Words(c.e.during->to);
  const vrrp::State s0 = c.tl.StateAt(c.e.node, *inst, from);
  if (s0 != c.e.state) {
    Fail(c, who + " is " + vrrp::StateName(s0) + " at " + At(c, c.e.during->from) + ", expected " +
                want);
    return;
  }
  for (const auto& ch : c.tl.changes(c.e.node, *inst)) {
    if (ch.t <= from || ch.t >= to) continue;
    if (ch.to != c.e.state) {
      Fail(c, who + " left " + want + " at " + FormatTime(ch.t) + " (-> " + vrrp::StateName(ch.to) +
                  "), before " + At(c, c.e.during->to));
      return;
    }
  }
  c.r.passed = true;
  c.r.evidence = who + " was " + want + " throughout [" + FormatTime(from) + ", " + FormatTime(to) +
                 ") (since " + FormatTime(Since(c.tl, c.e.node, *inst, from)) + ")";
}

// Who (hosts) at t: masters of the VRID or holders of the VIP(s).
std::vector<int> Who(const Ctx& c, int vrid, Time t) {
  if (c.e.kind == ExpectKind::kMaster) return c.tl.At(vrid, t).masters;
  if (c.e.address) return c.tl.HoldersOf(*c.e.address, t);
  return c.tl.At(vrid, t).holders;
}

void EvalWho(Ctx& c) {
  std::optional<int> vrid;
  if (c.e.kind == ExpectKind::kVip && c.e.address) {
    vrid = GroupKey(c.e.vrid, c.e.family == 6 ? vrrp::IpFamily::kV6 : vrrp::IpFamily::kV4);
  } else {
    vrid = Vrid(c);
    if (!vrid) return;
  }
  const bool master = c.e.kind == ExpectKind::kMaster;
  const std::string what =
      master ? "MASTER of VRID " + GroupText(*vrid)
             : (c.e.address ? "holder of " + c.e.address->ToString()
                            : "holder of VRID " + GroupText(*vrid) + "'s addresses");
  const std::vector<int> want = c.e.node_none ? std::vector<int>{} : std::vector<int>{c.e.node};
  const std::string want_s = Hosts(c.run, want);
  auto check = [&](Time t) { return Who(c, *vrid, t) == want; };
  if (c.e.at) {
    const Time t = Resolve(c, *c.e.at);
    c.r.description =
        (c.e.node_none ? "no " + what : want_s + " is the only " + what) + " at " + Words(*c.e.at);
    const auto got = Who(c, *vrid, t);
    c.r.passed = got == want;
    c.r.evidence = what + " at " + At(c, *c.e.at) + ": " + Hosts(c.run, got);
    if (!c.r.passed) c.r.evidence += "; expected " + want_s;
    return;
  }
  const Time from = Resolve(c, c.e.during->from), to = Resolve(c, c.e.during->to);
  c.r.description = (c.e.node_none ? "no " + what : want_s + " is the only " + what) + " from " +
                    Words(c.e.during->from) + " to " + Words(c.e.during->to);
  if (!check(from)) {
    Fail(c, what + " at " + At(c, c.e.during->from) + ": " + Hosts(c.run, Who(c, *vrid, from)) +
                "; expected " + want_s);
    return;
  }
  // Change points inside the window.
  std::vector<Time> points;
  if (c.e.kind == ExpectKind::kVip && c.e.address) {
    for (const auto& s : c.tl.history(*vrid)) points.push_back(s.t);
    // Addresses may belong to any VRID: scan every VRID's change points.
    for (int v : c.tl.vrids())
      for (const auto& s : c.tl.history(v)) points.push_back(s.t);
  } else {
    for (const auto& s : c.tl.history(*vrid)) points.push_back(s.t);
  }
  std::sort(points.begin(), points.end());
  for (Time t : points) {
    if (t <= from || t >= to) continue;
    if (!check(t)) {
      Fail(c, what + " at " + FormatTime(t) + ": " + Hosts(c.run, Who(c, *vrid, t)) +
                  "; expected " + want_s + " throughout [" + FormatTime(from) + ", " +
                  FormatTime(to) + ")");
      return;
    }
  }
  c.r.passed = true;
  c.r.evidence =
      what + " was " + want_s + " throughout [" + FormatTime(from) + ", " + FormatTime(to) + ")";
}

void EvalPriority(Ctx& c) {
  auto inst = Instance(c);
  if (!inst) return;
  const std::string who = InstName(c, *inst);
  const Time t = Resolve(c, *c.e.at);
  c.r.description =
      who + " has effective priority " + std::to_string(*c.e.priority) + " at " + Words(*c.e.at);
  const int p = c.tl.PriorityAt(c.e.node, *inst, t);
  c.r.passed = p == *c.e.priority;
  c.r.evidence = who + " priority at " + At(c, *c.e.at) + ": " + std::to_string(p);
  if (!c.r.passed) c.r.evidence += ", expected " + std::to_string(*c.e.priority);
}

struct Span {
  Time a, b;
  int vrid;  // group key
  std::vector<int> hosts;
  std::string what;  // "two MASTERs", "two VIP holders", or both
};

std::vector<Span> SplitSpans(const Ctx& c, GroupFilter groups) {
  std::vector<Span> out;
  if (c.e.masters_only) {
    for (int v : c.tl.vrids()) {
      if (!groups(v)) continue;
      for (auto [a, b] : MasterSplitIntervals(c.tl, v)) {
        std::set<int> hs;
        for (const auto& s : c.tl.history(v))
          if (s.t >= a && s.t < std::max(b, a + 1) && s.masters.size() >= 2)
            hs.insert(s.masters.begin(), s.masters.end());
        out.push_back({a, b, v, std::vector<int>(hs.begin(), hs.end()), "two MASTERs"});
      }
    }
  } else {
    for (const auto& iv : c.run.split_brain)
      if (groups(iv.group()))
        out.push_back({iv.start, iv.end, iv.group(), iv.hosts,
                       iv.masters && iv.vip_holders ? "two MASTERs, two VIP holders"
                       : iv.masters                 ? "two MASTERs"
                                                    : "two VIP holders"});
  }
  // A handover within one microsecond (zero latency) is not split brain.
  out.erase(std::remove_if(out.begin(), out.end(), [](const Span& x) { return x.b == x.a; }),
            out.end());
  std::sort(out.begin(), out.end(), [](const Span& x, const Span& y) { return x.a < y.a; });
  return out;
}

// Connectivity among nodes at t (the last sample at or before t); true when
// nothing was recorded.
bool HearBoth(const RunResult& run, Time t, int a, int b) {
  const auto& v = run.connectivity;
  if (v.empty()) return true;
  auto it = std::upper_bound(v.begin(), v.end(), t,
                             [](Time x, const ConnectivitySample& s) { return x < s.t; });
  if (it == v.begin()) return true;
  const auto& h = std::prev(it)->hears;
  const std::size_t n = static_cast<std::size_t>(std::sqrt(static_cast<double>(h.size())) + 0.5);
  if (a < 0 || b < 0 || static_cast<std::size_t>(a) >= n || static_cast<std::size_t>(b) >= n)
    return false;  // a client or foreign host: not a node
  return h[static_cast<std::size_t>(a) * n + static_cast<std::size_t>(b)] &&
         h[static_cast<std::size_t>(b) * n + static_cast<std::size_t>(a)];
}

// `while: connected`: the time during which two MASTERs (or two holders of
// the VRID's addresses) hear each other, from the timeline and the recorded
// connectivity. A partition that keeps two MASTERs apart is not counted;
// the moment it heals, the overlap counts until one of them yields.
std::vector<Span> ConnectedSplitSpans(const Ctx& c, GroupFilter groups) {
  std::vector<Span> out;
  for (int v : c.tl.vrids()) {
    if (!groups(v)) continue;
    std::vector<Time> points;
    for (const auto& s : c.tl.history(v)) points.push_back(s.t);
    for (const auto& s : c.run.connectivity) points.push_back(s.t);
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    Span cur{0, 0, v, {}, ""};
    bool open = false;
    std::set<int> hosts;
    bool two_masters = false, two_holders = false;
    auto offenders = [&](const std::vector<int>& set, Time t, std::set<int>* out_hosts) {
      bool any = false;
      for (std::size_t i = 0; i < set.size(); ++i)
        for (std::size_t j = i + 1; j < set.size(); ++j)
          if (HearBoth(c.run, t, set[i], set[j])) {
            out_hosts->insert(set[i]);
            out_hosts->insert(set[j]);
            any = true;
          }
      return any;
    };
    auto close = [&](Time t) {
      cur.b = t;
      cur.hosts.assign(hosts.begin(), hosts.end());
      cur.what = two_masters && two_holders ? "two MASTERs, two VIP holders"
                 : two_masters              ? "two MASTERs"
                                            : "two VIP holders";
      cur.what += ", hearing each other";
      out.push_back(cur);
      open = false;
    };
    for (Time t : points) {
      if (t >= c.tl.end()) break;
      const auto& snap = c.tl.At(v, t);
      std::set<int> now;
      const bool m = offenders(snap.masters, t, &now);
      const bool h = !c.e.masters_only && offenders(snap.holders, t, &now);
      if (m || h) {
        if (!open) {
          cur.a = t;
          open = true;
          hosts.clear();
          two_masters = two_holders = false;
        }
        hosts.insert(now.begin(), now.end());
        two_masters = two_masters || m;
        two_holders = two_holders || h;
      } else if (open) {
        close(t);
      }
    }
    if (open) close(c.tl.end());
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const Span& x) { return x.b == x.a; }),
            out.end());
  std::sort(out.begin(), out.end(), [](const Span& x, const Span& y) { return x.a < y.a; });
  return out;
}

std::string SpanText(const Ctx& c, const Span& s) {
  std::string text = "VRID " + GroupText(s.vrid) + " " + Hosts(c.run, s.hosts) + " from " +
                     FormatTime(s.a) + " to " + FormatTime(s.b) + " (" + FormatTime(s.b - s.a) +
                     ", " + s.what + ")";
  // A holder whose keepalived is not running keeps the VIP a SIGKILL left
  // configured (R46): say so, it is the usual cause.
  for (int h : s.hosts) {
    if (h < 0 || h >= static_cast<int>(c.run.hosts.size())) continue;
    const auto& info = c.run.hosts[h];
    bool running = false, holds = false;
    for (const auto& snap : c.tl.history(s.vrid))
      if (snap.t <= s.a)
        holds = std::find(snap.holders.begin(), snap.holders.end(), h) != snap.holders.end();
    if (!holds) continue;
    for (std::size_t i = 0; i < info.vrids.size(); ++i)
      if (info.group(i) == s.vrid &&
          c.tl.StateAt(h, static_cast<int>(i), s.a) != vrrp::State::kStop)
        running = true;
    if (!running)
      text += "; " + info.name +
              "'s keepalived is not running: the VIP a SIGKILLed keepalived leaves "
              "configured (R46)";
  }
  return text;
}

void EvalNoSplit(Ctx& c) {
  const std::string kind = c.e.masters_only ? "two MASTERs" : "split brain";
  c.r.description = "no " + kind + (Filter(c).all() ? "" : " on " + Which(c.e, "every VRID"));
  std::vector<std::pair<Time, Time>> allowed;
  for (const auto& w : c.e.except) allowed.emplace_back(Resolve(c, w.from), Resolve(c, w.to));
  if (!allowed.empty())
    c.r.description += " outside " + std::to_string(allowed.size()) + " allowed window(s)";
  if (c.e.tolerance) c.r.description += " longer than " + FormatTime(*c.e.tolerance);
  if (c.e.while_connected) c.r.description += " while the nodes involved hear each other";
  const auto spans =
      c.e.while_connected ? ConnectedSplitSpans(c, Filter(c)) : SplitSpans(c, Filter(c));
  const Duration tolerance = c.e.tolerance.value_or(0);
  for (const Span& s : spans) {
    if (s.b - s.a <= tolerance) continue;
    if (allowed.empty()) c.r.decided_at = s.a + tolerance;
    // Parts of [a, b] not covered by an allowed window.
    Time cur = s.a;
    bool covered_all = false;
    std::sort(allowed.begin(), allowed.end());
    for (auto [wa, wb] : allowed) {
      if (wa > cur) break;
      if (wb >= cur) cur = std::max(cur, wb);
      if (cur >= s.b) {
        covered_all = true;
        break;
      }
    }
    if (!covered_all) {
      Fail(c,
           kind + ": " + SpanText(c, s) + (allowed.empty() ? "" : ", outside the allowed windows"));
      return;
    }
  }
  c.r.passed = true;
  c.r.evidence = spans.empty() ? "no " + kind + " at all"
                 : tolerance > 0 || c.e.except.empty()
                     ? std::to_string(spans.size()) +
                           " split-brain interval(s), none longer than " + FormatTime(tolerance) +
                           (c.e.except.empty() ? "" : " outside the allowed windows")
                     : std::to_string(spans.size()) +
                           " split-brain interval(s), all inside the allowed windows";
}

void EvalSplit(Ctx& c) {
  const auto spans = SplitSpans(c, Filter(c));
  Duration total = 0, longest = 0;
  const Span* worst = nullptr;
  for (const auto& s : spans) {
    total += s.b - s.a;
    if (!worst || s.b - s.a > longest) {
      longest = s.b - s.a;
      worst = &s;
    }
  }
  std::string d = c.e.masters_only ? "two-MASTER time" : "split brain";
  std::vector<std::string> parts;
  if (c.e.total_max) parts.push_back("total <= " + FormatTime(*c.e.total_max));
  if (c.e.total_min) parts.push_back("total >= " + FormatTime(*c.e.total_min));
  if (c.e.longest_max) parts.push_back("longest <= " + FormatTime(*c.e.longest_max));
  c.r.description = d;
  for (std::size_t i = 0; i < parts.size(); ++i) c.r.description += (i ? ", " : " ") + parts[i];
  c.r.evidence = d + " total " + FormatTime(total) + " in " + std::to_string(spans.size()) +
                 " interval(s), longest " + FormatTime(longest) +
                 (worst ? " (" + SpanText(c, *worst) + ")" : "");
  c.r.passed = (!c.e.total_max || total <= *c.e.total_max) &&
               (!c.e.total_min || total >= *c.e.total_min) &&
               (!c.e.longest_max || longest <= *c.e.longest_max);
}

void EvalFailover(Ctx& c) {
  auto vrid = Vrid(c);
  if (!vrid) return;
  const Time t0 = Resolve(c, *c.e.after);
  c.r.description = "failover of VRID " + GroupText(*vrid) + " within " + FormatTime(*c.e.within) +
                    " after " + Words(*c.e.after);
  if (c.e.node >= 0) c.r.description += " to " + c.run.hosts[c.e.node].name;
  const FailoverResult f = FindFailover(c.tl, *vrid, t0, c.tl.end());
  if (f.old_masters.empty()) {
    Fail(c, "no MASTER of VRID " + GroupText(*vrid) + " just before " + At(c, *c.e.after) +
                ": nothing to fail over");
    return;
  }
  if (!f.happened) {
    Fail(c, "no other host than " + Hosts(c.run, f.old_masters) +
                " became MASTER holding the VIP after " + At(c, *c.e.after) +
                " (until the end of the run)");
    return;
  }
  const Duration took = f.at - t0;
  const std::string label = c.e.after->label.empty() ? FormatTime(t0) : c.e.after->text;
  c.r.evidence = Hosts(c.run, {f.new_master}) + " became MASTER holding the VIP at " +
                 FormatTime(f.at) + ", " + FormatTime(took) + " after " + label;
  c.r.passed = took <= *c.e.within && (c.e.node < 0 || f.new_master == c.e.node);
  if (took > *c.e.within) c.r.evidence += " (limit " + FormatTime(*c.e.within) + ")";
  if (c.e.node >= 0 && f.new_master != c.e.node)
    c.r.evidence += "; expected " + c.run.hosts[c.e.node].name;
}

void EvalDowntime(Ctx& c) {
  auto vrid = Vrid(c);
  if (!vrid) return;
  Time from, to;
  if (c.e.during) {
    from = Resolve(c, c.e.during->from);
    to = Resolve(c, c.e.during->to);
  } else {
    auto first = FirstHeld(c.tl, *vrid);
    from = first.value_or(c.tl.end());
    to = c.tl.end();
  }
  c.r.description =
      "VIP of VRID " + GroupText(*vrid) + " unheld at most " + FormatTime(*c.e.max) +
      (c.e.during ? " between " + Words(c.e.during->from) + " and " + Words(c.e.during->to)
                  : std::string(" after it was first held"));
  if (!c.e.during && !FirstHeld(c.tl, *vrid)) {
    Fail(c, "the VIP of VRID " + GroupText(*vrid) + " was never held");
    return;
  }
  const Duration down = VipDowntime(c.tl, *vrid, from, to);
  // Longest gap for the evidence.
  Duration longest = 0;
  Time gap_at = 0;
  const auto& h = c.tl.history(*vrid);
  for (std::size_t i = 0; i < h.size(); ++i) {
    const Time a = std::max(h[i].t, from);
    const Time b = std::min(i + 1 < h.size() ? h[i + 1].t : c.tl.end(), to);
    if (b > a && h[i].holders.empty() && b - a > longest) {
      longest = b - a;
      gap_at = a;
    }
  }
  c.r.passed = down <= *c.e.max;
  c.r.evidence = "VIP unheld for " + FormatTime(down) + " in [" + FormatTime(from) + ", " +
                 FormatTime(to) + ")";
  if (longest > 0)
    c.r.evidence += ", longest gap " + FormatTime(longest) + " from " + FormatTime(gap_at);
  if (!c.r.passed) c.r.evidence += " (limit " + FormatTime(*c.e.max) + ")";
}

void EvalFlaps(Ctx& c) {
  std::vector<int> hosts;
  if (c.e.node >= 0)
    hosts.push_back(c.e.node);
  else
    // Every keepalived node; clients (hosts after the nodes) have no states.
    for (std::size_t h = 0; h < c.sc.nodes.size() && h < c.run.hosts.size(); ++h)
      hosts.push_back(static_cast<int>(h));
  c.r.description = "MASTER entries of " +
                    (c.e.node >= 0 ? c.run.hosts[c.e.node].name : std::string("every node"));
  if (c.e.count_min) c.r.description += " >= " + std::to_string(*c.e.count_min);
  if (c.e.count_max) c.r.description += " <= " + std::to_string(*c.e.count_max);
  c.r.passed = true;
  std::string ev = "MASTER entries:";
  int omitted = 0;
  for (int h : hosts) {
    const int n = MasterEntries(c.tl, c.run.hosts, h, Filter(c));
    const bool bad = (c.e.count_max && n > *c.e.count_max) || (c.e.count_min && n < *c.e.count_min);
    if (bad) c.r.passed = false;
    // Large clusters: name the nodes that matter, count the rest.
    if (hosts.size() > 16 && n == 0 && !bad) {
      ++omitted;
      continue;
    }
    ev += " " + c.run.hosts[h].name + " " + std::to_string(n);
  }
  if (omitted) ev += " (" + std::to_string(omitted) + " other nodes 0)";
  c.r.evidence = ev;
}

// Once the VRID's addresses were first held, whenever some node could hold
// them (keepalived running with the instance in BACKUP or MASTER, not
// paused), a MASTER whose keepalived runs must hold them again within
// `within`: a stretch longer than that with an eligible node and no live
// MASTER holding an address fails. A crashed keepalived's leftover
// VIP (R46) does not count as available: nobody answers for the VRID there.
void EvalVipAvailable(Ctx& c) {
  const Duration within = *c.e.within;
  c.r.description = "the VIP of " + Which(c.e, "every VRID") + " held by a live MASTER within " +
                    FormatTime(within) + " whenever a node could hold it";
  // A frozen keepalived (`pause`) cannot take over: it is not eligible while
  // paused (a paused MASTER still holds its VIP).
  std::vector<std::tuple<Time, Time, int>> paused;  // [from, to), node
  for (const auto& op : c.sc.timeline)
    if (op.kind == OpKind::kPause) paused.emplace_back(op.at, op.at + op.duration, op.node);
  auto eligible_at = [&](const RunTimeline::Snapshot& s, Time t) {
    for (int h : s.eligible) {
      bool frozen = false;
      for (const auto& [a, b, n] : paused) frozen = frozen || (n == h && a <= t && t < b);
      if (!frozen) return true;
    }
    return false;
  };
  Duration worst = 0;
  for (int v : c.tl.vrids()) {
    if (!Filter(c)(v)) continue;
    const auto& hist = c.tl.history(v);
    // Change points of the VRID plus the pauses' ends and starts.
    std::vector<Time> points;
    for (const auto& s : hist) points.push_back(s.t);
    for (const auto& [a, b, n] : paused) {
      points.push_back(a);
      points.push_back(b);
    }
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    while (!points.empty() && points.back() >= c.tl.end()) points.pop_back();
    Time since = vrrp::kNever;  // start of the current unavailable stretch
    bool held_once = false;     // the clock starts once the VIP was first held (startup)
    for (std::size_t i = 0; i <= points.size(); ++i) {
      const Time t = i < points.size() ? points[i] : c.tl.end();
      bool down = false;
      if (i < points.size()) {
        const auto& snap = c.tl.At(v, t);
        bool live = false;
        for (int m : snap.masters)
          if (std::find(snap.holders.begin(), snap.holders.end(), m) != snap.holders.end())
            live = true;
        held_once = held_once || live;
        down = held_once && !live && eligible_at(snap, t);
      }
      if (down && since == vrrp::kNever) since = t;
      if (!down && since != vrrp::kNever) {
        worst = std::max(worst, t - since);
        if (t - since > within) {
          c.r.decided_at = since + within;
          const auto& snap = c.tl.At(v, since);
          std::string why =
              "VRID " + GroupText(v) + " had no live MASTER holding its VIP from " +
              FormatTime(since) + " to " + FormatTime(t) + " (" + FormatTime(t - since) +
              ", limit " + FormatTime(within) + ") although " + Hosts(c.run, snap.eligible) +
              (snap.eligible.size() == 1 ? " was" : " were") + " running and could hold it";
          if (!snap.masters.empty()) why += "; MASTER: " + Hosts(c.run, snap.masters);
          if (!snap.holders.empty()) why += "; holding it: " + Hosts(c.run, snap.holders);
          Fail(c, why);
          return;
        }
        since = vrrp::kNever;
      }
    }
  }
  c.r.passed = true;
  c.r.evidence = "longest wait for a live MASTER with the VIP: " + FormatTime(worst);
}

// At most `max` MASTER entries of one VRID (any node) in any window of
// length `window`.
void EvalNoFlapping(Ctx& c) {
  const std::int64_t max = *c.e.count_max;
  const Duration window = *c.e.window;
  c.r.description = "at most " + std::to_string(max) + " MASTER changes of " +
                    Which(c.e, "any VRID") + " in any " + FormatTime(window);
  std::int64_t most = 0;
  for (int v : c.tl.vrids()) {
    if (!Filter(c)(v)) continue;
    std::vector<std::pair<Time, int>> entries;  // (time, host)
    for (std::size_t h = 0; h < c.run.hosts.size(); ++h)
      for (std::size_t i = 0; i < c.run.hosts[h].vrids.size(); ++i) {
        if (c.run.hosts[h].group(i) != v) continue;
        for (const auto& ch : c.tl.changes(static_cast<int>(h), static_cast<int>(i)))
          if (ch.to == vrrp::State::kMaster) entries.emplace_back(ch.t, static_cast<int>(h));
      }
    std::sort(entries.begin(), entries.end());
    std::size_t lo = 0;
    for (std::size_t hi = 0; hi < entries.size(); ++hi) {
      while (entries[hi].first - entries[lo].first >= window) ++lo;
      const auto n = static_cast<std::int64_t>(hi - lo + 1);
      most = std::max(most, n);
      if (n > max) {
        c.r.decided_at = entries[hi].first;
        std::string who;
        for (std::size_t k = lo; k <= hi && k < lo + 12; ++k)
          who += (who.empty() ? "" : ", ") + c.run.hosts[entries[k].second].name + " " +
                 FormatTime(entries[k].first);
        if (hi - lo + 1 > 12) who += ", ...";
        Fail(c, "VRID " + GroupText(v) + ": " + std::to_string(n) + " MASTER entries from " +
                    FormatTime(entries[lo].first) + " to " + FormatTime(entries[hi].first) +
                    " (within " + FormatTime(window) + "; limit " + std::to_string(max) +
                    "): " + who);
        return;
      }
    }
  }
  c.r.passed = true;
  c.r.evidence = "at most " + std::to_string(most) + " MASTER entries in any " + FormatTime(window);
}

void EvalConverges(Ctx& c) {
  // Without `after`: after the timeline's last operation.
  TimeRef after;
  if (c.e.after) {
    after = *c.e.after;
  } else {
    after.offset = c.sc.timeline.empty() ? 0 : c.sc.timeline.back().at;
    after.text = "the last operation";
    if (!c.sc.timeline.empty() && !c.sc.timeline.back().label.empty()) {
      after.label = c.sc.timeline.back().label;
      after.offset = 0;
      after.text = after.label;
    }
  }
  const Time t0 = Resolve(c, after);
  c.r.description = "exactly one MASTER per VRID within " + FormatTime(*c.e.within) + " after " +
                    (c.e.after ? Words(after) : std::string("the last operation"));
  // Until the next operation after t0 (or the end of the run).
  Time until = c.tl.end();
  for (const auto& op : c.sc.timeline)
    if (op.at > t0) {
      until = op.at;
      break;
    }
  auto t = ConvergedFrom(c.tl, t0, until);
  if (!t && until - t0 <= *c.e.within && until < c.tl.end()) {
    // The next operation comes before the limit: too soon to judge.
    c.r.passed = true;
    c.r.evidence = "not judged: the next operation, at " + FormatTime(until) + ", comes " +
                   FormatTime(until - t0) + " after " + At(c, after) + ", before the limit";
    return;
  }
  if (!t) {
    std::string now;
    for (int v : c.tl.vrids())
      now += " VRID " + GroupText(v) + ": " +
             Hosts(c.run, c.tl.At(v, std::max(t0, until - 1)).masters) + ";";
    if (!now.empty()) now.pop_back();  // the last VRID's ';'
    Fail(c, "not converged between " + At(c, after) + " and " + FormatTime(until) +
                "; MASTERs at " + FormatTime(std::max(t0, until - 1)) + ":" + now);
    return;
  }
  std::string who;
  for (int v : c.tl.vrids())
    who += (who.empty() ? "" : ", ") + Hosts(c.run, c.tl.At(v, *t).masters) + " for VRID " +
           GroupText(v);
  const Duration took = *t - t0;
  c.r.passed = took <= *c.e.within;
  c.r.evidence = "every VRID has exactly one MASTER from " + FormatTime(*t) + ", " +
                 FormatTime(took) + " after " +
                 (after.label.empty() ? FormatTime(t0) : after.text) + " (" + who + ")";
  if (!c.r.passed) c.r.evidence += " (limit " + FormatTime(*c.e.within) + ")";
}

void EvalTransitions(Ctx& c) {
  auto inst = Instance(c);
  if (!inst) return;
  const std::string who = InstName(c, *inst);
  Time from = 0, to = c.tl.end() + 1;
  if (c.e.during) {
    from = Resolve(c, c.e.during->from);
    to = Resolve(c, c.e.during->to);
  }
  std::string want;
  for (const auto& s : c.e.sequence) {
    if (!want.empty()) want += ", ";
    want += vrrp::StateName(s.state);
    if (s.at) want += "@" + Words(*s.at);
  }
  c.r.description =
      who + " enters [" + want + "]" +
      (c.e.during ? " between " + Words(c.e.during->from) + " and " + Words(c.e.during->to)
                  : std::string());
  std::vector<RunTimeline::Change> got;
  for (const auto& ch : c.tl.changes(c.e.node, *inst))
    if (ch.t >= from && ch.t < to) got.push_back(ch);
  std::string actual;
  for (const auto& ch : got) {
    if (!actual.empty()) actual += ", ";
    actual += std::string(vrrp::StateName(ch.to)) + "@" + FormatTime(ch.t);
  }
  c.r.evidence = who + " entered [" + actual + "]";
  c.r.passed = true;
  for (std::size_t i = 0; i < std::max(got.size(), c.e.sequence.size()); ++i) {
    if (i >= got.size()) {
      c.r.passed = false;
      c.r.evidence += "; missing step " + std::to_string(i + 1) + " (" +
                      vrrp::StateName(c.e.sequence[i].state) + ")";
      break;
    }
    if (i >= c.e.sequence.size()) {
      c.r.passed = false;
      c.r.evidence += "; unexpected step " + std::to_string(i + 1) + " (" +
                      vrrp::StateName(got[i].to) + " at " + FormatTime(got[i].t) + ")";
      break;
    }
    const auto& want_step = c.e.sequence[i];
    if (want_step.state != got[i].to) {
      c.r.passed = false;
      c.r.evidence += "; step " + std::to_string(i + 1) + " is " + vrrp::StateName(got[i].to) +
                      ", expected " + vrrp::StateName(want_step.state);
      break;
    }
    if (want_step.at && Resolve(c, *want_step.at) != got[i].t) {
      c.r.passed = false;
      c.r.evidence += "; step " + std::to_string(i + 1) + " (" + vrrp::StateName(got[i].to) +
                      ") at " + FormatTime(got[i].t) + ", expected at " + At(c, *want_step.at);
      break;
    }
  }
}

// What a client's traffic for one VIP reached over time, from the
// client-view events: (time, host or -1), starting unresolved at 0.
void EvalClient(Ctx& c) {
  const ScenarioClient& client = c.sc.clients[static_cast<std::size_t>(c.e.client)];
  const int host = static_cast<int>(c.sc.nodes.size()) + c.e.client;
  std::set<vrrp::IpAddress> seen;
  for (const auto& ev : c.run.events)
    if (ev.kind == TraceKind::kClientView && ev.host == host) seen.insert(ev.addr);
  vrrp::IpAddress vip;
  if (c.e.address) {
    vip = *c.e.address;
  } else if (seen.size() == 1) {
    vip = *seen.begin();
  } else {
    c.r.description = "client " + client.name;
    Fail(c, seen.empty() ? "the client never reached any VIP"
                         : "the client used several VIPs: give 'address'");
    return;
  }
  std::vector<std::pair<Time, int>> steps = {{0, -1}};
  for (const auto& ev : c.run.events)
    if (ev.kind == TraceKind::kClientView && ev.host == host && ev.addr == vip)
      steps.emplace_back(ev.t, ev.peer_host);
  if (!seen.count(vip)) {
    c.r.description = "client " + client.name + " traffic for " + vip.ToString();
    Fail(c, "client " + client.name + " never had traffic for " + vip.ToString() +
                " (not an address of any node's configuration?)");
    return;
  }
  auto at = [&](Time t) {  // after every event at t
    int who = -1;
    for (const auto& [when, h] : steps)
      if (when <= t) who = h;
    return who;
  };
  auto name = [&](int h) { return h < 0 ? std::string("nobody (lost)") : Hosts(c.run, {h}); };
  const std::string subject = "client " + client.name + " traffic for " + vip.ToString();
  std::vector<std::string> parts;
  bool passed = true;
  std::string evidence;
  if (c.e.at || c.e.during) {
    const int want = c.e.node_none ? -1 : c.e.node;
    if (c.e.at) {
      const Time t = Resolve(c, *c.e.at);
      parts.push_back("reaches " + name(want) + " at " + Words(*c.e.at));
      const int got = at(t);
      if (got != want) passed = false;
      evidence = subject + " at " + At(c, *c.e.at) + ": " + name(got);
    } else {
      const Time from = Resolve(c, c.e.during->from), to = Resolve(c, c.e.during->to);
      parts.push_back("reaches " + name(want) + " from " + Words(c.e.during->from) + " to " +
                      Words(c.e.during->to));
      int got = at(from);
      Time when = from;
      if (got == want)
        for (const auto& [t, h] : steps)
          if (t > from && t < to && h != want) {
            got = h;
            when = t;
            break;
          }
      if (got != want) {
        passed = false;
        evidence = subject + " reached " + name(got) + " at " + FormatTime(when);
      } else {
        evidence = subject + " reached " + name(want) + " throughout [" + FormatTime(from) + ", " +
                   FormatTime(to) + ")";
      }
    }
  }
  if (c.e.max) {
    Duration lost = 0;
    bool reached_once = false;
    Time lost_since = vrrp::kNever;
    for (const auto& [t, h] : steps) {
      if (h >= 0) {
        if (lost_since != vrrp::kNever) lost += t - lost_since;
        lost_since = vrrp::kNever;
        reached_once = true;
      } else if (reached_once && lost_since == vrrp::kNever) {
        lost_since = t;
      }
    }
    if (lost_since != vrrp::kNever) lost += c.sc.duration - lost_since;
    parts.push_back("is lost at most " + FormatTime(*c.e.max));
    if (lost > *c.e.max) passed = false;
    if (!evidence.empty()) evidence += "; ";
    evidence += subject + " was lost for " + FormatTime(lost) + " in all";
  }
  c.r.description = subject;
  for (std::size_t i = 0; i < parts.size(); ++i) c.r.description += (i ? " and " : " ") + parts[i];
  c.r.passed = passed;
  c.r.evidence = evidence;
}

void EvalFinal(Ctx& c) {
  const Time end = c.tl.end();
  if (!c.e.masters_only) {  // node + state form
    if (c.e.node < 0) {
      Fail(c, "final: needs a node");
      return;
    }
    auto inst = Instance(c);
    if (!inst) return;
    const std::string who = InstName(c, *inst);
    const vrrp::State s = c.tl.StateAt(c.e.node, *inst, end);
    c.r.description = who + " ends " + vrrp::StateName(c.e.state);
    c.r.passed = s == c.e.state;
    c.r.evidence = who + " is " + vrrp::StateName(s) + " at the end (" + FormatTime(end) +
                   ", since " + FormatTime(Since(c.tl, c.e.node, *inst, end)) + ")";
    if (!c.r.passed) c.r.evidence += ", expected " + std::string(vrrp::StateName(c.e.state));
    return;
  }
  auto vrid = Vrid(c);
  if (!vrid) return;
  const std::vector<int> want = c.e.node_none ? std::vector<int>{} : std::vector<int>{c.e.node};
  const auto got = c.tl.At(*vrid, end).masters;
  c.r.description = "MASTER of VRID " + GroupText(*vrid) + " at the end is " + Hosts(c.run, want);
  c.r.passed = got == want;
  c.r.evidence = "MASTER of VRID " + GroupText(*vrid) + " at the end (" + FormatTime(end) +
                 "): " + Hosts(c.run, got);
  if (!c.r.passed) c.r.evidence += "; expected " + Hosts(c.run, want);
}

}  // namespace

ExpectationResult EvaluateExpectation(const Expectation& e, const Scenario& sc,
                                      const RunTimeline& tl, const RunResult& run) {
  Ctx c{e, sc, tl, run, {}};
  c.r.where = e.where;
  c.r.description = ExpectKindName(e.kind);
  if (e.node >= static_cast<int>(run.hosts.size())) {
    Fail(c, "unknown node");
    return c.r;
  }
  switch (e.kind) {
    case ExpectKind::kState:
      EvalState(c);
      break;
    case ExpectKind::kMaster:
    case ExpectKind::kVip:
      EvalWho(c);
      break;
    case ExpectKind::kPriority:
      EvalPriority(c);
      break;
    case ExpectKind::kNoSplitBrain:
      EvalNoSplit(c);
      break;
    case ExpectKind::kSplitBrain:
      EvalSplit(c);
      break;
    case ExpectKind::kFailover:
      EvalFailover(c);
      break;
    case ExpectKind::kVipDowntime:
      EvalDowntime(c);
      break;
    case ExpectKind::kFlaps:
      EvalFlaps(c);
      break;
    case ExpectKind::kConverges:
      EvalConverges(c);
      break;
    case ExpectKind::kTransitions:
      EvalTransitions(c);
      break;
    case ExpectKind::kFinal:
      EvalFinal(c);
      break;
    case ExpectKind::kClient:
      EvalClient(c);
      break;
    case ExpectKind::kVipAvailable:
      EvalVipAvailable(c);
      break;
    case ExpectKind::kNoFlapping:
      EvalNoFlapping(c);
      break;
  }
  return c.r;
}

}  // namespace vsim

// A synthetic trace as large as the viewer promises to handle: 100 hosts,
// 50 VRIDs, one hour, mastership moving every few seconds somewhere, a
// priority change per move, and adverts recorded (one per second per VRID).
#pragma once

#include <algorithm>
#include <memory>
#include <string>

#include "sim/scenario/run_result.h"

namespace vsim::gui::testing {

inline std::shared_ptr<RunResult> BigTrace(int hosts = 100, Time duration = 3600 * vrrp::kSecond) {
  auto r = std::make_shared<RunResult>();
  r->scenario = "big";
  r->duration = duration;
  const int vrids = hosts / 2;
  for (int h = 0; h < hosts; ++h)
    r->hosts.push_back(
        {"host" + std::to_string(h), {"VI_" + std::to_string(h / 2)}, {100 + h / 2}});
  auto ev = [&](Time t, TraceKind k, int host) {
    TraceEvent e;
    e.t = t;
    e.kind = k;
    e.host = host;
    e.instance = 0;
    e.vrid = 100 + host / 2;
    return e;
  };
  std::vector<int> master(std::size_t(vrids), 0);  // 0: even host of the pair, 1: odd
  for (int h = 0; h < hosts; ++h) {
    TraceEvent e = ev(0, TraceKind::kTransition, h);
    e.to = vrrp::State::kBackup;
    e.priority = 100 - h % 2;
    e.reason = vrrp::Reason::kStartup;
    r->events.push_back(e);
    if (h % 2 == 0) {
      e.t = 3 * vrrp::kSecond;
      e.from = vrrp::State::kBackup;
      e.to = vrrp::State::kMaster;
      e.reason = vrrp::Reason::kMasterDownTimer;
      r->events.push_back(e);
      TraceEvent v = ev(3 * vrrp::kSecond, TraceKind::kVipAdded, h);
      v.addr = vrrp::Ipv4(0x0a640000u + std::uint32_t(h / 2));
      r->events.push_back(v);
    }
  }
  std::uint64_t x = 12345;
  auto rnd = [&] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  };
  for (Time t = vrrp::kSecond; t < duration; t += vrrp::kSecond) {
    for (int v = 0; v < vrids; ++v) {
      const int m = 2 * v + master[std::size_t(v)];
      TraceEvent s = ev(t, TraceKind::kAdvertSent, m);
      s.priority = 100;
      r->events.push_back(s);
      TraceEvent rcv = ev(t + 200, TraceKind::kAdvertReceived, m ^ 1);
      rcv.peer_host = m;
      rcv.priority = 100;
      r->events.push_back(rcv);
    }
    // Every second, one VRID hands over.
    if (rnd() % 4 == 0) {
      const int v = int(rnd() % std::uint64_t(vrids));
      const int old_m = 2 * v + master[std::size_t(v)];
      master[std::size_t(v)] ^= 1;
      const int new_m = old_m ^ 1;
      TraceEvent p = ev(t + 300, TraceKind::kPriority, old_m);
      p.priority = 98, p.value = 100;
      r->events.push_back(p);
      TraceEvent a = ev(t + 400, TraceKind::kTransition, old_m);
      a.from = vrrp::State::kMaster, a.to = vrrp::State::kBackup, a.priority = 98;
      a.reason = vrrp::Reason::kHigherPriorityAdvert;
      r->events.push_back(a);
      TraceEvent b = ev(t + 400, TraceKind::kTransition, new_m);
      b.from = vrrp::State::kBackup, b.to = vrrp::State::kMaster, b.priority = 100;
      b.reason = vrrp::Reason::kMasterDownTimer;
      r->events.push_back(b);
      TraceEvent vr = ev(t + 400, TraceKind::kVipRemoved, old_m);
      vr.addr = vrrp::Ipv4(0x0a640000u + std::uint32_t(v));
      r->events.push_back(vr);
      TraceEvent va = ev(t + 400, TraceKind::kVipAdded, new_m);
      va.addr = vr.addr;
      r->events.push_back(va);
      TraceEvent g = ev(t + 400, TraceKind::kGarp, new_m);
      r->events.push_back(g);
    }
  }
  std::stable_sort(r->events.begin(), r->events.end(),
                   [](const TraceEvent& a, const TraceEvent& b) { return a.t < b.t; });
  return r;
}

}  // namespace vsim::gui::testing

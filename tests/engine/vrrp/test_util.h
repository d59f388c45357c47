// Test helpers for the VRRP state machine: a Config builder (the model holds
// FINAL values, so every default is set here explicitly), decoded-packet
// construction, and a harness that renders actions as a timestamped
// transcript ("t=3609375 SendAdvert VI_1 prio=100 dst=224.0.0.18").
#pragma once

#include <algorithm>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

#include "engine/config/model.h"
#include "engine/daemon.h"
#include "engine/packet/vrrp_packet.h"
#include "engine/vrrp/action.h"

namespace vrrp::test {

inline Ipv4 Ip(const char* text) { return *Ipv4::Parse(text); }

// A v2 multicast instance on eth0 with keepalived's defaults resolved:
// priority 100, advert_int 1 s, garp repeat 5 / delay 5 s, VIP 10.0.0.100/24.
inline VrrpInstance MakeInstance(std::string name = "VI_1", int vrid = 51, int priority = 100) {
  VrrpInstance v;
  v.name = std::move(name);
  v.interface = "eth0";
  v.vrid = vrid;
  v.priority = priority;
  v.initial_state = priority == 255 ? InitialState::kMaster : InitialState::kBackup;
  v.advert_int = kSecond;
  v.version = 2;
  VirtualAddress vip;
  vip.addr = Ip("10.0.0.100");
  vip.prefix_len = 24;
  v.vips.push_back(vip);
  return v;
}

inline Config MakeConfig(std::vector<VrrpInstance> instances) {
  Config c;
  c.instances = std::move(instances);
  return c;
}

inline HostIdentity MakeHost(const char* primary = "10.0.0.1") {
  HostIdentity h;
  h.interfaces.push_back({"eth0", Ip(primary), true});
  h.interfaces.push_back({"eth1", Ip("192.168.1.1"), true});
  return h;
}

struct AdvertSpec {
  const char* src = "10.0.0.2";
  const char* dst = "224.0.0.18";
  int vrid = 51;
  int priority = 100;
  int version = 2;
  int adver_int = 1;  // v2 seconds, v3 centiseconds
  int ttl = 255;
  std::vector<const char*> addresses = {"10.0.0.100"};
  AuthType auth = AuthType::kNone;
  std::string pass;

  // Chainable setters (designated initializers would trip
  // -Wmissing-field-initializers).
  AdvertSpec& Src(const char* v) {
    src = v;
    return *this;
  }
  AdvertSpec& Dst(const char* v) {
    dst = v;
    return *this;
  }
  AdvertSpec& Vrid(int v) {
    vrid = v;
    return *this;
  }
  AdvertSpec& Prio(int v) {
    priority = v;
    return *this;
  }
  AdvertSpec& Version(int v) {
    version = v;
    return *this;
  }
  AdvertSpec& Interval(int v) {
    adver_int = v;
    return *this;
  }
  AdvertSpec& Ttl(int v) {
    ttl = v;
    return *this;
  }
  AdvertSpec& Addrs(std::vector<const char*> v) {
    addresses = std::move(v);
    return *this;
  }
  AdvertSpec& Auth(AuthType t, std::string p) {
    auth = t;
    pass = std::move(p);
    return *this;
  }
};

// An advert from 10.0.0.2 (by default) with the given priority.
inline AdvertSpec Adv(int priority = 100, const char* src = "10.0.0.2") {
  AdvertSpec s;
  s.priority = priority;
  s.src = src;
  return s;
}

inline SyncGroup MakeGroup(std::string name, std::vector<std::string> members) {
  SyncGroup g;
  g.name = std::move(name);
  g.members = std::move(members);
  return g;
}

// A well-formed, checksum-correct decoded advert as the codec would produce.
inline DecodedPacket MakePacket(const AdvertSpec& s) {
  DecodedPacket p;
  VrrpAdvert& a = p.advert;
  a.src = Ip(s.src);
  a.dst = Ip(s.dst);
  a.ttl = static_cast<std::uint8_t>(s.ttl);
  a.version = static_cast<std::uint8_t>(s.version);
  a.type = 1;
  a.vrid = static_cast<std::uint8_t>(s.vrid);
  a.priority = static_cast<std::uint8_t>(s.priority);
  a.adver_int = static_cast<std::uint16_t>(s.adver_int);
  a.auth_type = s.auth;
  a.auth_type_raw = static_cast<std::uint8_t>(s.auth);
  for (std::size_t i = 0; i < s.pass.size() && i < 8; ++i)
    a.auth_data[i] = static_cast<std::uint8_t>(s.pass[i]);
  for (const char* addr : s.addresses) a.addresses.push_back(Ip(addr));
  a.count = static_cast<std::uint8_t>(a.addresses.size());
  p.ip_header_length = 20;
  p.vrrp_length = 8 + 4 * a.addresses.size() + (s.version == 2 ? 8 : 0);
  p.received_length = p.ip_header_length + p.vrrp_length;
  p.ip_total_length = static_cast<std::uint16_t>(p.received_length);
  p.addresses_complete = true;
  p.checksum_ok = true;
  p.ip_checksum_ok = true;
  p.plain = PlainShape(p);  // as the decoder would
  return p;
}

// `removed_from`: the configuration before a Reload, whose instances the
// reload removed are named instance_count() + their old index.
inline std::string Render(const Daemon& d, Time t, const Action& action,
                          const Config* removed_from = nullptr) {
  auto iname = [&](int i) {
    const int n = static_cast<int>(d.config().instances.size());
    if (i >= n && removed_from != nullptr) return removed_from->instances[i - n].name;
    return i >= 0 ? d.config().instances[i].name : std::string("?");
  };
  std::string s = "t=" + std::to_string(t) + " ";
  if (auto* a = std::get_if<SendAdvert>(&action)) {
    s += "SendAdvert " + iname(a->instance) + " prio=" + std::to_string(a->advert.priority) +
         " dst=" + a->advert.dst.ToString();
    if (a->advert.ttl != 255) s += " ttl=" + std::to_string(a->advert.ttl);
  } else if (auto* v = std::get_if<AddVip>(&action)) {
    s += "AddVip " + iname(v->instance) + " " + v->vip.addr.ToString() + "/" +
         std::to_string(v->vip.prefix_len) + " " + v->dev + (v->excluded ? " excluded" : "");
  } else if (auto* r = std::get_if<RemoveVip>(&action)) {
    s += "RemoveVip " + iname(r->instance) + " " + r->vip.addr.ToString() + "/" +
         std::to_string(r->vip.prefix_len) + " " + r->dev + (r->excluded ? " excluded" : "");
  } else if (auto* g = std::get_if<SendGarp>(&action)) {
    s += "SendGarp " + iname(g->instance) + " " + g->vip.ToString() + " " + g->dev;
  } else if (auto* n = std::get_if<Notify>(&action)) {
    std::string who = n->instance >= 0 ? iname(n->instance) : d.config().sync_groups[n->group].name;
    s += std::string("Notify ") + who + " " + StateName(n->from) + "->" + StateName(n->to) +
         " prio=" + std::to_string(n->priority) + " " + ReasonName(n->reason);
  } else if (auto* p = std::get_if<PriorityChanged>(&action)) {
    s += "Priority " + iname(p->instance) + " " + std::to_string(p->from) + "->" +
         std::to_string(p->to);
  } else if (auto* ta = std::get_if<TimerArmed>(&action)) {
    s += "Timer " + iname(ta->instance) +
         " at=" + (ta->at == kNever ? std::string("never") : std::to_string(ta->at));
  } else if (auto* rs = std::get_if<RunScript>(&action)) {
    s += "RunScript " + rs->name;
  } else if (auto* l = std::get_if<LogLine>(&action)) {
    s += "Log " + l->text;
  }
  return s;
}

// Drives one Daemon by hand and records what it does.
class Harness {
 public:
  explicit Harness(Config config, HostIdentity host = MakeHost(), DaemonOptions options = {})
      : d_(std::move(config), std::move(host), options) {}

  Daemon& daemon() { return d_; }
  int idx(const char* name) const { return d_.FindInstance(name); }

  void Start(Time t) {
    Record(t, [&](Actions* a) { d_.Start(t, a); });
  }
  // Start with per-instance start offsets (Daemon::Start's second form).
  void Start(Time t, std::vector<Duration> offsets) {
    Record(t, [&](Actions* a) { d_.Start(t, offsets, a); });
  }
  void Stop(Time t) {
    Record(t, [&](Actions* a) { d_.Stop(t, a); });
  }
  void Rx(Time t, const AdvertSpec& spec, const char* ifname = "eth0") {
    Rx(t, MakePacket(spec), ifname);
  }
  void Rx(Time t, const DecodedPacket& p, const char* ifname = "eth0") {
    Record(t, [&](Actions* a) { d_.OnDecoded(t, p, ifname, a); });
  }
  void Link(Time t, const char* ifname, bool up) {
    Record(t, [&](Actions* a) { d_.OnLink(t, ifname, up, a); });
  }
  void Check(Time t, const char* script, CheckResult r) {
    Record(t, [&](Actions* a) { d_.OnCheckResult(t, script, r, a); });
  }
  void File(Time t, const char* name, std::int64_t value) {
    Record(t, [&](Actions* a) { d_.OnTrackFile(t, name, value, a); });
  }
  void Timer(Time t) {
    Record(t, [&](Actions* a) { d_.OnTimer(t, a); });
  }
  void Reload(Time t, Config config) {
    const Config before = d_.config();
    Record(
        t, [&](Actions* a) { d_.Reload(t, std::move(config), a); }, &before);
  }

  // Fires every deadline up to and including `t`, each at its own time.
  void RunUntil(Time t) {
    for (int guard = 0; guard < 1000000; ++guard) {
      Time next = d_.NextDeadline();
      if (next == kNever || next > t) return;
      Timer(next);
    }
  }

  // The transcript since the last Take(). By default without LogLine and
  // TimerArmed lines, which most tests do not care about.
  std::vector<std::string> Take(bool logs = false, bool timers = false) {
    std::vector<std::string> out;
    for (const Entry& e : lines_) {
      if (!logs && std::holds_alternative<LogLine>(e.action)) continue;
      if (!timers && std::holds_alternative<TimerArmed>(e.action)) continue;
      out.push_back(e.line);
    }
    lines_.clear();
    return out;
  }
  // Only the log lines (text only) since the last Take().
  std::vector<std::string> TakeLogs() {
    std::vector<std::string> out;
    for (const Entry& e : lines_)
      if (auto* l = std::get_if<LogLine>(&e.action)) out.push_back(l->text);
    lines_.clear();
    return out;
  }
  void Clear() { lines_.clear(); }

 private:
  template <typename F>
  void Record(Time t, F&& f, const Config* removed_from = nullptr) {
    Actions actions;
    f(&actions);
    for (const Action& a : actions) lines_.push_back({t, a, Render(d_, t, a, removed_from)});
  }

  struct Entry {
    Time t;
    Action action;
    std::string line;
  };
  Daemon d_;
  std::vector<Entry> lines_;
};

}  // namespace vrrp::test

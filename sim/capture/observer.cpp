#include "sim/capture/observer.h"

#include <algorithm>

#include "sim/core/time_text.h"

namespace vsim::capture {
namespace {

using vrrp::IpAddress;
using vrrp::IpFamily;

// A source is silent when it has not advertised for 1.5 of its intervals.
Time StaleAfter(Time adver_int) { return adver_int + adver_int / 2; }

Time AdverIntUs(const vrrp::VrrpAdvert& a) {
  return a.version == 3 ? Time{a.adver_int} * 10 * vrrp::kMillisecond
                        : Time{a.adver_int} * vrrp::kSecond;
}

// Whether an advert of (p, a) beats one of (q, b): keepalived's order
// (higher priority, then higher address).
bool Beats(int p, IpAddress a, int q, IpAddress b) { return p > q || (p == q && a > b); }

std::string IntervalText(Time us) { return FormatTime(us); }

const char* AuthName(vrrp::AuthType a) {
  switch (a) {
    case vrrp::AuthType::kNone:
      return "none";
    case vrrp::AuthType::kPass:
      return "PASS";
    case vrrp::AuthType::kAh:
      return "AH";
  }
  return "?";
}

std::string VipsText(const std::vector<IpAddress>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += ' ';
    if (i == 8) {
      s += "... " + std::to_string(v.size()) + " in all";
      break;
    }
    s += v[i].ToString();
  }
  return s + "]";
}

bool Disjoint(const std::vector<IpAddress>& a, const std::vector<IpAddress>& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return false;
    if (a[i] < b[j])
      ++i;
    else
      ++j;
  }
  return true;
}

}  // namespace

const char* ObservedKindName(ObservedKind k) {
  switch (k) {
    case ObservedKind::kMaster:
      return "master";
    case ObservedKind::kMasterEnd:
      return "master-end";
    case ObservedKind::kPriority:
      return "priority";
    case ObservedKind::kInterval:
      return "interval";
    case ObservedKind::kPriorityZero:
      return "priority-zero";
    case ObservedKind::kGarp:
      return "garp";
    case ObservedKind::kVipMoved:
      return "vip-moved";
    case ObservedKind::kSplitBrain:
      return "split-brain";
    case ObservedKind::kSplitBrainEnd:
      return "split-brain-end";
    case ObservedKind::kMasterLost:
      return "master-lost";
    case ObservedKind::kMismatch:
      return "mismatch";
    case ObservedKind::kCollision:
      return "vrid-collision";
  }
  return "?";
}

bool IsAlert(ObservedKind k) {
  return k == ObservedKind::kSplitBrain || k == ObservedKind::kMasterLost ||
         k == ObservedKind::kMismatch || k == ObservedKind::kCollision;
}

void Observer::Emit(ObservedEvent e) {
  e.seq = seq_++;
  if (sink_) sink_(e);
  events_.push_back(std::move(e));
}

std::vector<ObservedEvent> Observer::SortedEvents() const {
  std::vector<ObservedEvent> v = events_;
  std::stable_sort(v.begin(), v.end(), [](const ObservedEvent& a, const ObservedEvent& b) {
    return a.t < b.t || (a.t == b.t && a.packet < b.packet);
  });
  return v;
}

std::vector<ObservedEvent> Observer::TakeSortedEvents() {
  std::vector<ObservedEvent> v = std::move(events_);
  events_.clear();
  std::stable_sort(v.begin(), v.end(), [](const ObservedEvent& a, const ObservedEvent& b) {
    return a.t < b.t || (a.t == b.t && a.packet < b.packet);
  });
  return v;
}

std::vector<Observer::GroupInfo> Observer::Groups() const {
  std::vector<GroupInfo> out;
  for (const auto& [key, g] : groups_) {
    GroupInfo info;
    info.domain = g.domain;
    info.family = g.family;
    info.vrid = g.vrid;
    for (const auto& [ip, s] : g.sources) info.sources.push_back(ip);
    out.push_back(std::move(info));
  }
  return out;
}

void Observer::OnFrame(Time t, std::uint64_t packet, const Frame& frame) {
  ++counts_.packets;
  if (t >= next_advance_) {
    Advance(t);
    next_advance_ = t + 100 * vrrp::kMillisecond;
  }
  switch (frame.kind) {
    case FrameKind::kVrrp:
      return OnAdvert(t, packet, frame);
    case FrameKind::kArp:
      return OnArp(t, packet, frame);
    case FrameKind::kNa:
      return OnNa(t, packet, frame);
    case FrameKind::kBad:
      ++counts_.bad;
      if (warn_) warn_(packet, frame.problem);
      return;
    case FrameKind::kOther:
      return;
  }
}

void Observer::Close(Group& g, IpAddress src, Source& s, Time end, std::uint64_t end_packet,
                     const char* how, IpAddress by) {
  s.active = false;
  --g.active;
  MasterInterval m;
  m.domain = g.domain;
  m.family = g.family;
  m.vrid = g.vrid;
  m.source = src;
  m.from = s.first;
  m.to = end;
  m.from_packet = s.first_packet;
  m.to_packet = end_packet;
  m.priority = s.start_priority;
  m.adver_int = s.adver_int;
  m.version = s.version;
  m.end = how;
  m.by = by;
  m.adverts = s.adverts;
  masters_.push_back(m);
  ObservedEvent e;
  e.t = end;
  e.packet = end_packet;
  e.kind = ObservedKind::kMasterEnd;
  e.domain = g.domain;
  e.family = g.family;
  e.vrid = g.vrid;
  e.source = src;
  e.other = by;
  e.priority = s.priority;
  e.detail = how;
  Emit(std::move(e));
  if (g.split && g.active <= 1) {
    g.split = false;
    ObservedSplitBrain& sb = split_brains_[g.split_index];
    sb.to = end;
    sb.to_packet = end_packet;
    ObservedEvent x;
    x.t = end;
    x.packet = end_packet;
    x.kind = ObservedKind::kSplitBrainEnd;
    x.domain = g.domain;
    x.family = g.family;
    x.vrid = g.vrid;
    x.source = src;
    x.value = end - sb.from;
    x.detail = "after " + FormatTime(end - sb.from);
    Emit(std::move(x));
  }
}

void Observer::AdvanceGroup(Group& g, Time now) {
  if (g.active > 0) {
    for (auto& [ip, s] : g.sources) {
      if (!s.active || now - s.last <= StaleAfter(s.adver_int)) continue;
      if (!s.in_split && s.sup_before_last >= 0)
        Close(g, ip, s, s.last, s.last_packet, "superseded", s.sup_before_last_src);
      else if (s.next_sup >= 0 && s.next_sup - s.last <= StaleAfter(s.adver_int))
        Close(g, ip, s, s.next_sup, s.next_sup_packet, "superseded", s.next_sup_src);
      else if (s.next_any >= 0 && s.next_any - s.last <= StaleAfter(s.adver_int))
        Close(g, ip, s, s.next_any, s.next_any_packet, "superseded", s.next_any_src);
      else
        Close(g, ip, s, s.last, s.last_packet, "silent", IpAddress{});
    }
  }
  if (g.active == 0 && g.last_advert >= 0 && !g.lost_reported &&
      now - g.last_advert > g.last_down_interval) {
    g.lost_reported = true;
    ObservedEvent e;
    e.t = g.last_advert + g.last_down_interval;
    e.packet = g.last_packet;
    e.kind = ObservedKind::kMasterLost;
    e.domain = g.domain;
    e.family = g.family;
    e.vrid = g.vrid;
    e.value = g.last_down_interval;
    e.detail = "no advert for " + FormatTime(g.last_down_interval) +
               " (3 advert intervals) since packet " + std::to_string(g.last_packet);
    Emit(std::move(e));
  }
}

void Observer::Advance(Time now) {
  for (auto& [key, g] : groups_) AdvanceGroup(g, now);
}

void Observer::Finish(Time end, std::uint64_t last_packet) {
  Advance(end);
  for (auto& [key, g] : groups_)
    for (auto& [ip, s] : g.sources)
      if (s.active) Close(g, ip, s, end, last_packet, "end-of-capture", IpAddress{});
}

void Observer::CheckSplit(Group& g) {
  if (g.active < 2) return;
  // The latest start among the pairs that both advertised at least half an
  // interval after the later of their starts.
  std::vector<IpAddress> members;
  Time start = -1;
  std::uint64_t start_packet = 0;
  for (auto a = g.sources.begin(); a != g.sources.end(); ++a) {
    if (!a->second.active) continue;
    for (auto b = std::next(a); b != g.sources.end(); ++b) {
      if (!b->second.active) continue;
      const Source& sa = a->second;
      const Source& sb = b->second;
      const Time from = std::max(sa.first, sb.first);
      const Time half = std::max(sa.adver_int, sb.adver_int) / 2;
      if (std::min(sa.last, sb.last) < from + half) continue;
      if (std::find(members.begin(), members.end(), a->first) == members.end())
        members.push_back(a->first);
      if (std::find(members.begin(), members.end(), b->first) == members.end())
        members.push_back(b->first);
      if (start < 0 || from < start) {
        start = from;
        start_packet = sa.first >= sb.first ? sa.first_packet : sb.first_packet;
      }
    }
  }
  if (members.size() < 2) return;
  std::sort(members.begin(), members.end());
  for (const IpAddress m : members) g.sources[m].in_split = true;
  if (g.split) {
    ObservedSplitBrain& sb = split_brains_[g.split_index];
    if (sb.sources != members && members.size() > sb.sources.size()) sb.sources = members;
    return;
  }
  g.split = true;
  g.split_index = split_brains_.size();
  ObservedSplitBrain sb;
  sb.domain = g.domain;
  sb.family = g.family;
  sb.vrid = g.vrid;
  sb.sources = members;
  sb.from = start;
  sb.from_packet = start_packet;
  split_brains_.push_back(sb);
  ObservedEvent e;
  e.t = start;
  e.packet = start_packet;
  e.kind = ObservedKind::kSplitBrain;
  e.domain = g.domain;
  e.family = g.family;
  e.vrid = g.vrid;
  e.source = members[0];
  e.other = members[1];
  std::string who;
  for (const IpAddress m : members) who += (who.empty() ? "" : ", ") + m.ToString();
  e.detail = who + " advertise at once";
  Emit(std::move(e));
}

void Observer::CheckMismatch(Group& g, IpAddress src, const Source& s, Time t,
                             std::uint64_t packet) {
  for (const auto& entry : g.sources) {
    const IpAddress ip = entry.first;  // a plain variable: lambdas capture it (clang 14)
    const Source& o = entry.second;
    if (ip == src || o.version == 0) continue;
    auto report = [&](int what, ObservedKind kind, std::string detail) {
      const IpAddress lo = std::min(ip, src), hi = std::max(ip, src);
      if (!mismatches_reported_.emplace(g.domain, g.vrid, what, lo, hi).second) return;
      ObservedEvent e;
      e.t = t;
      e.packet = packet;
      e.kind = kind;
      e.domain = g.domain;
      e.family = g.family;
      e.vrid = g.vrid;
      e.source = src;
      e.other = ip;
      e.detail = std::move(detail);
      Emit(std::move(e));
    };
    const std::string a = src.ToString(), b = ip.ToString();
    if (o.version != s.version)
      report(1, ObservedKind::kMismatch,
             "version: " + a + " sends VRRPv" + std::to_string(s.version) + ", " + b + " VRRPv" +
                 std::to_string(o.version));
    if (o.adver_int != s.adver_int)
      report(0, ObservedKind::kMismatch,
             "advert interval: " + a + " " + IntervalText(s.adver_int) + ", " + b + " " +
                 IntervalText(o.adver_int));
    if (o.auth != s.auth || o.auth_data != s.auth_data)
      report(2, ObservedKind::kMismatch,
             std::string("authentication: ") + a + " " + AuthName(s.auth) + ", " + b + " " +
                 AuthName(o.auth) + (o.auth == s.auth ? " (different passwords)" : ""));
    if (o.vips != s.vips) {
      if (!s.vips.empty() && !o.vips.empty() && Disjoint(s.vips, o.vips))
        report(3, ObservedKind::kCollision,
               "unrelated clusters share the VRID: " + a + " announces " + VipsText(s.vips) + ", " +
                   b + " " + VipsText(o.vips));
      else
        report(3, ObservedKind::kMismatch,
               "VIP list: " + a + " announces " + VipsText(s.vips) + ", " + b + " " +
                   VipsText(o.vips));
    }
  }
}

void Observer::OnAdvert(Time t, std::uint64_t packet, const Frame& f) {
  ++counts_.vrrp;
  const vrrp::DecodedPacket& p = f.vrrp;
  const vrrp::VrrpAdvert& a = p.advert;
  if ((a.version != 2 && a.version != 3) || a.type != 1) {
    ++counts_.invalid_adverts;
    if (warn_)
      warn_(packet, "VRRP version " + std::to_string(a.version) + " type " +
                        std::to_string(a.type) + " from " + a.src.ToString() +
                        ": not an advertisement (expected version 2 or 3, type 1); ignored");
    return;
  }
  if (warn_) {
    if (!p.checksum_ok && !(a.version == 3 && p.checksum_ok_old_unicast))
      warn_(packet, "VRRP checksum wrong in the advert of " + a.src.ToString() + " for VRID " +
                        std::to_string(a.vrid) + " (receivers drop it; counted as sent)");
    if (a.src.is_v6()) {
      // keepalived checks the hop limit of multicast adverts only; its
      // unicast IPv6 adverts leave the kernel's default (64).
      if (a.dst.is_multicast() && a.ttl != vrrp::kVrrpTtl)
        warn_(packet, "hop limit " + std::to_string(a.ttl) + " in the advert of " +
                          a.src.ToString() + " for VRID " + std::to_string(a.vrid) +
                          " (expected 255: it was routed, receivers drop it)");
    } else if (a.ttl != vrrp::kVrrpTtl) {
      warn_(packet, "TTL " + std::to_string(a.ttl) + " in the advert of " + a.src.ToString() +
                        " for VRID " + std::to_string(a.vrid) +
                        " (expected 255: it was routed, receivers drop it)");
    }
    if (!p.addresses_complete)
      warn_(packet, "the advert of " + a.src.ToString() + " for VRID " + std::to_string(a.vrid) +
                        " is cut short: " + std::to_string(a.count) +
                        " addresses announced, fewer captured");
  }
  const IpFamily family = a.src.family();
  if (family == IpFamily::kV6) ++counts_.ipv6;
  Group* gp = last_group_;
  if (gp == nullptr || gp->vrid != a.vrid || gp->family != family || !(gp->domain == f.domain)) {
    auto [it, fresh] = groups_.try_emplace({f.domain, family, a.vrid});
    gp = &it->second;
    if (fresh) {
      gp->domain = f.domain;
      gp->family = family;
      gp->vrid = a.vrid;
    }
    last_group_ = gp;
  }
  Group& g = *gp;
  AdvanceGroup(g, t);  // anything stale closes before this advert counts
  const Time adv = AdverIntUs(a);
  const IpAddress src = a.src;
  auto [sit, fresh_source] = g.sources.try_emplace(src);
  Source& s = sit->second;

  if (a.priority == 0) {
    ObservedEvent e;
    e.t = t;
    e.packet = packet;
    e.kind = ObservedKind::kPriorityZero;
    e.domain = g.domain;
    e.family = g.family;
    e.vrid = g.vrid;
    e.source = src;
    e.detail = "graceful stop (keepalived shutting down or going to FAULT)";
    Emit(std::move(e));
    if (s.active) Close(g, src, s, t, packet, "priority-0", IpAddress{});
    s.next_sup = s.next_any = -1;
    if (s.version == 0) {
      s.version = a.version;
      s.adver_int = adv;
    }
    return;
  }

  // Other sources learn of a later advert (who superseded them).
  for (auto& [ip, o] : g.sources) {
    if (ip == src) continue;
    if (o.next_any < 0) {
      o.next_any = t;
      o.next_any_packet = packet;
      o.next_any_src = src;
    }
    if (o.next_sup < 0 && Beats(a.priority, src, o.priority, ip)) {
      o.next_sup = t;
      o.next_sup_packet = packet;
      o.next_sup_src = src;
    }
  }

  std::vector<IpAddress> vips;
  vips.reserve(a.addresses.size());
  for (const vrrp::IpAddress& x : a.addresses) vips.push_back(x);
  std::sort(vips.begin(), vips.end());
  vips.erase(std::unique(vips.begin(), vips.end()), vips.end());
  const bool params_changed = fresh_source || s.version != a.version || s.adver_int != adv ||
                              s.auth != a.auth_type || s.auth_data != a.auth_data || s.vips != vips;

  if (!s.active) {
    s.active = true;
    ++g.active;
    s.first = t;
    s.first_packet = packet;
    s.adverts = 0;
    s.start_priority = a.priority;
    s.in_split = false;
    s.sup_before_last = -1;
    ObservedEvent e;
    e.t = t;
    e.packet = packet;
    e.kind = ObservedKind::kMaster;
    e.domain = g.domain;
    e.family = g.family;
    e.vrid = g.vrid;
    e.source = src;
    e.priority = a.priority;
    e.value = adv;
    e.detail = "v" + std::to_string(a.version) + " adver_int " + FormatTime(adv) + " auth " +
               AuthName(a.auth_type) + " " + VipsText(vips);
    if (g.lost_reported && g.last_advert >= 0)
      e.detail += "; after " + FormatTime(t - g.last_advert) + " without adverts";
    Emit(std::move(e));
  } else {
    if (s.priority != a.priority) {
      ObservedEvent e;
      e.t = t;
      e.packet = packet;
      e.kind = ObservedKind::kPriority;
      e.domain = g.domain;
      e.family = g.family;
      e.vrid = g.vrid;
      e.source = src;
      e.priority = a.priority;
      e.value = s.priority;
      Emit(std::move(e));
    }
    if (s.adver_int != adv) {
      ObservedEvent e;
      e.t = t;
      e.packet = packet;
      e.kind = ObservedKind::kInterval;
      e.domain = g.domain;
      e.family = g.family;
      e.vrid = g.vrid;
      e.source = src;
      e.priority = a.priority;
      e.value = s.adver_int;
      e.detail = FormatTime(s.adver_int) + " -> " + FormatTime(adv);
      Emit(std::move(e));
    }
  }
  s.priority = a.priority;
  s.last = t;
  s.last_packet = packet;
  ++s.adverts;
  if (s.next_sup >= 0 && s.adverts > 1) {
    s.sup_before_last = s.next_sup;
    s.sup_before_last_packet = s.next_sup_packet;
    s.sup_before_last_src = s.next_sup_src;
  } else {
    s.sup_before_last = -1;
  }
  s.next_sup = s.next_any = -1;
  if (f.src_mac != 0) s.mac = f.src_mac;
  g.last_advert = t;
  g.last_packet = packet;
  g.last_down_interval = 3 * adv;
  g.lost_reported = false;
  if (params_changed) {
    s.version = a.version;
    s.adver_int = adv;
    s.auth = a.auth_type;
    s.auth_data = a.auth_data;
    for (const IpAddress v : vips) vip_vrid_.try_emplace({g.domain, v}, g.vrid);
    s.vips = std::move(vips);
    CheckMismatch(g, src, s, t, packet);
  }
  if (g.active >= 2) CheckSplit(g);
}

void Observer::OnArp(Time t, std::uint64_t packet, const Frame& f) {
  ++counts_.arp;
  if (!f.arp.gratuitous()) return;
  ++counts_.garp;
  OnAnnounce(t, packet, f.domain, f.arp.sender_ip, f.arp.sender_mac);
}

void Observer::OnNa(Time t, std::uint64_t packet, const Frame& f) {
  ++counts_.na;
  // keepalived's NAs for a VIP are unsolicited with the override flag; a
  // solicited one is a neighbour answering a question.
  if (f.na.solicited) return;
  ++counts_.unsolicited_na;
  std::uint64_t mac = f.src_mac;
  if (f.na.target_mac) {
    mac = 0;
    for (const std::uint8_t b : *f.na.target_mac) mac = (mac << 8) | b;
  }
  OnAnnounce(t, packet, f.domain, f.na.target, mac);
}

void Observer::OnAnnounce(Time t, std::uint64_t packet, const Domain& domain, IpAddress vip,
                          std::uint64_t mac) {
  const auto vit = vip_vrid_.find({domain, vip});
  if (vit == vip_vrid_.end()) return;
  const int vrid = vit->second;
  VipOwner& owner = vip_owner_[{domain, vip}];
  // Who sent it: the advertising source with that MAC.
  IpAddress source;
  if (auto g = groups_.find({domain, vip.family(), vrid}); g != groups_.end())
    for (const auto& [ip, s] : g->second.sources)
      if (s.mac == mac && mac != 0) source = ip;
  const bool moved = owner.mac != 0 && owner.mac != mac;
  if (moved) {
    ObservedEvent e;
    e.t = t;
    e.packet = packet;
    e.kind = ObservedKind::kVipMoved;
    e.domain = domain;
    e.family = vip.family();
    e.vrid = vrid;
    e.source = source;
    e.other = vip;
    e.detail = vip.ToString() + " from " + MacText(owner.mac) + " to " + MacText(mac);
    Emit(std::move(e));
  }
  if (moved || owner.last_garp < 0 || t - owner.last_garp > 5 * vrrp::kSecond) {
    ObservedEvent e;
    e.t = t;
    e.packet = packet;
    e.kind = ObservedKind::kGarp;
    e.domain = domain;
    e.family = vip.family();
    e.vrid = vrid;
    e.source = source;
    e.other = vip;
    e.detail = vip.ToString() + " is-at " + MacText(mac);
    Emit(std::move(e));
  }
  owner.mac = mac;
  owner.last_garp = t;
}

}  // namespace vsim::capture

#include "sim/capture/analysis.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include "sim/capture/pcap_source.h"
#include "sim/core/time_text.h"

namespace vsim::capture {
namespace {

using nlohmann::ordered_json;
using vrrp::IpAddress;
using vrrp::IpFamily;

// "2026-12-07T01:02:03.123456Z": the capture's own clock (input data).
std::string UtcText(std::int64_t us) {
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(us % 1'000'000));
  return buf;
}

// The domain, and "family": 6 for an IPv6 group (IPv4's is left out, as it
// was before IPv6 was read).
void DomainJson(const Domain& d, IpFamily family, ordered_json* j) {
  if (d.ifindex != 0) (*j)["ifindex"] = d.ifindex;
  if (d.vlan >= 0) (*j)["vlan"] = d.vlan;
  if (d.inner_vlan >= 0) (*j)["inner_vlan"] = d.inner_vlan;
  if (family == IpFamily::kV6) (*j)["family"] = 6;
}

ordered_json EventJson(const ObservedEvent& e) {
  ordered_json j;
  j["t"] = e.t;
  j["packet"] = e.packet;
  j["kind"] = ObservedKindName(e.kind);
  j["alert"] = IsAlert(e.kind);
  DomainJson(e.domain, e.family, &j);
  j["vrid"] = e.vrid;
  if (!e.source.is_zero()) j["source"] = e.source.ToString();
  if (!e.other.is_zero()) j["other"] = e.other.ToString();
  switch (e.kind) {
    case ObservedKind::kMaster:
      j["priority"] = e.priority;
      j["adver_int_us"] = e.value;
      break;
    case ObservedKind::kPriority:
      j["from"] = e.value;
      j["priority"] = e.priority;
      break;
    case ObservedKind::kInterval:
      j["from_us"] = e.value;
      break;
    case ObservedKind::kSplitBrainEnd:
    case ObservedKind::kMasterLost:
      j["duration_us"] = e.value;
      break;
    default:
      break;
  }
  if (!e.detail.empty()) j["detail"] = e.detail;
  return j;
}

std::string Dump(const ordered_json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string GroupName(const Domain& d, IpFamily family, int vrid) {
  const std::string dn = DomainName(d);
  return (dn.empty() ? "" : dn + " ") + "vrid " + std::to_string(vrid) +
         (family == IpFamily::kV6 ? " IPv6" : "");
}

void CaptureAnalysis::Warn(std::uint64_t packet, std::string text) {
  ++warnings_total;
  if (warnings.size() < kMaxWarnings) warnings.emplace_back(packet, std::move(text));
}

void CaptureAnalysis::NoteSourceMac(IpAddress src, std::uint64_t mac) {
  if (mac == 0) return;
  auto [it, fresh] = source_macs.try_emplace(src);
  if (fresh) {
    it->second.mac = mac;
  } else if (it->second.mac != mac) {
    it->second.several = true;
  }
}

Time Clock::Relative(std::int64_t ts_us, std::uint64_t packet, CaptureAnalysis* a) {
  if (start_ < 0) start_ = ts_us;
  Time t = ts_us - start_;
  if (t < last_) {
    a->Warn(packet, "timestamp " + FormatTime(last_ - t) +
                        " before the previous packet's; taken as the previous packet's time");
    t = last_;
  }
  last_ = t;
  return t;
}

bool AnalyzeCaptureFile(const std::string& path, CaptureAnalysis* out, std::string* error) {
  out->file = path;
  std::string why;
  auto src = PcapSource::OpenFile(path, &why);
  if (!src) {
    *error = why;
    return false;
  }
  out->link_type = src->LinkTypeName();
  if (!LinkTypeSupported(src->link_type())) {
    *error = "link type " + out->link_type +
             " is not supported (expected Ethernet EN10MB with or without VLAN tags, Linux "
             "cooked LINUX_SLL or LINUX_SLL2, or raw IPv4/IPv6)";
    return false;
  }
  Observer obs;
  obs.SetWarningSink([out](std::uint64_t p, const std::string& w) { out->Warn(p, w); });
  Clock clock;
  Frame frame;
  RawPacket raw;
  std::uint64_t n = 0;
  Time t = 0;
  IpAddress last_src;  // the last advert's source and MAC, noted already
  std::uint64_t last_mac = 0;
  for (;;) {
    const auto st = src->Next(&raw, &why);
    if (st == PcapSource::Status::kEnd) break;
    if (st == PcapSource::Status::kError) {
      out->Warn(n + 1, "the capture breaks off here: " + why +
                           " (a truncated or corrupt file?); what came before is reported");
      break;
    }
    if (st != PcapSource::Status::kPacket) continue;
    ++n;
    t = clock.Relative(raw.ts_us, n, out);
    DecodeFrame(src->link_type(), raw.bytes, &frame);
    if (frame.kind == FrameKind::kBad && raw.bytes.size() < raw.wire_length)
      frame.problem += " (only " + std::to_string(raw.bytes.size()) + " of " +
                       std::to_string(raw.wire_length) + " bytes captured: snap length)";
    obs.OnFrame(t, n, frame);
    if (frame.kind == FrameKind::kVrrp && frame.vrrp.error == vrrp::DecodeError::kNone &&
        (frame.src_mac != last_mac || !(frame.vrrp.advert.src == last_src))) {
      last_src = frame.vrrp.advert.src;
      last_mac = frame.src_mac;
      out->NoteSourceMac(last_src, last_mac);
    }
  }
  obs.Finish(t, n);
  out->start_us = clock.start();
  out->duration = t;
  out->counts = obs.counts();
  out->events = obs.TakeSortedEvents();
  out->masters = obs.masters();
  std::stable_sort(out->masters.begin(), out->masters.end(),
                   [](const MasterInterval& a, const MasterInterval& b) {
                     return a.from < b.from || (a.from == b.from && a.from_packet < b.from_packet);
                   });
  out->split_brains = obs.split_brains();
  out->groups = obs.Groups();
  out->alerts = 0;
  for (const auto& e : out->events) out->alerts += IsAlert(e.kind) ? 1 : 0;
  return true;
}

std::string EventLine(const ObservedEvent& e) {
  std::string s = GroupName(e.domain, e.family, e.vrid) + "  ";
  const std::string src = e.source.is_zero() ? "?" : e.source.ToString();
  switch (e.kind) {
    case ObservedKind::kMaster:
      return s + src + " MASTER prio " + std::to_string(e.priority) + " (" + e.detail + ")";
    case ObservedKind::kMasterEnd:
      s += src + " no longer MASTER (" + e.detail;
      if (!e.other.is_zero()) s += " by " + e.other.ToString();
      return s + ")";
    case ObservedKind::kPriority:
      return s + src + " priority " + std::to_string(e.value) + " -> " + std::to_string(e.priority);
    case ObservedKind::kInterval:
      return s + src + " advert interval " + e.detail;
    case ObservedKind::kPriorityZero:
      return s + src + " priority 0: " + e.detail;
    case ObservedKind::kGarp:
      return s + (e.other.is_v6() ? "unsolicited NA " : "gratuitous ARP ") + e.detail +
             (e.source.is_zero() ? "" : " (" + src + ")");
    case ObservedKind::kVipMoved:
      return s + "VIP moved: " + e.detail + (e.source.is_zero() ? "" : " (" + src + ")");
    case ObservedKind::kSplitBrain:
      return s + "! split brain: " + e.detail;
    case ObservedKind::kSplitBrainEnd:
      return s + "split brain over " + e.detail;
    case ObservedKind::kMasterLost:
      return s + "! master lost: " + e.detail;
    case ObservedKind::kMismatch:
      return s + "! mismatch, " + e.detail;
    case ObservedKind::kCollision:
      return s + "! VRID collision: " + e.detail;
  }
  return s;
}

std::string TimelineLine(const ObservedEvent& e) {
  std::string t = FormatTime(e.t);
  std::string p = "#" + std::to_string(e.packet);
  if (t.size() < 12) t.insert(0, 12 - t.size(), ' ');
  if (p.size() < 8) p.append(8 - p.size(), ' ');
  return t + "  " + p + " " + EventLine(e);
}

void WriteCaptureText(const CaptureAnalysis& a, std::ostream& out, bool timeline) {
  const CaptureCounts& c = a.counts;
  out << "capture " << a.file << "  link " << a.link_type << "  packets " << c.packets << " (VRRP "
      << c.vrrp << ", ARP " << c.arp << ", gratuitous " << c.garp;
  // IPv6 counts only when there is IPv6: an IPv4 capture's line is as before.
  if (c.ipv6 > 0 || c.na > 0)
    out << ", VRRP over IPv6 " << c.ipv6 << ", NA " << c.na << ", unsolicited " << c.unsolicited_na;
  out << ")";
  if (a.start_us >= 0) out << "  from " << UtcText(a.start_us) << " for " << FormatTime(a.duration);
  out << "\n";
  if (c.vrrp == 0) out << "no VRRP advertisement in this capture\n";
  if (timeline && !a.events.empty()) {
    out << "\n        time  packet   event\n";
    for (const auto& e : a.events)
      if (e.kind != ObservedKind::kMasterEnd || e.detail != "end-of-capture")
        out << TimelineLine(e) << "\n";
  }
  if (!a.groups.empty()) {
    out << "\nper group (VRID and address family):\n";
    for (const auto& g : a.groups) {
      out << "  " << GroupName(g.domain, g.family, g.vrid) << ": sources";
      for (const auto& s : g.sources) out << ' ' << s.ToString();
      out << "\n";
      for (const auto& m : a.masters) {
        if (!(m.domain == g.domain) || m.family != g.family || m.vrid != g.vrid) continue;
        out << "    MASTER " << m.source.ToString() << "  " << FormatTime(m.from) << " (#"
            << m.from_packet << ") to " << FormatTime(m.to) << " (#" << m.to_packet << ")  "
            << FormatTime(m.to - m.from) << "  prio " << m.priority << "  v" << m.version
            << " adver_int " << FormatTime(m.adver_int) << "  " << m.adverts << " adverts  ended "
            << m.end << (m.by.is_zero() ? "" : " by " + m.by.ToString()) << "\n";
      }
      for (const auto& sb : a.split_brains) {
        if (!(sb.domain == g.domain) || sb.family != g.family || sb.vrid != g.vrid) continue;
        out << "    SPLIT BRAIN";
        for (const auto& s : sb.sources) out << ' ' << s.ToString();
        out << "  " << FormatTime(sb.from) << " (#" << sb.from_packet << ") to "
            << FormatTime(sb.to) << " (#" << sb.to_packet << ")  " << FormatTime(sb.to - sb.from)
            << "\n";
      }
    }
  }
  if (a.warnings_total > 0) {
    out << "\nwarnings: " << a.warnings_total << "\n";
    for (const auto& [p, w] : a.warnings) out << "  packet " << p << ": " << w << "\n";
    if (a.warnings_total > a.warnings.size())
      out << "  ... and " << a.warnings_total - a.warnings.size() << " more\n";
  }
  out << "\n" << a.alerts << (a.alerts == 1 ? " alert" : " alerts");
  std::uint64_t sb = 0, lost = 0, mism = 0, coll = 0;
  for (const auto& e : a.events) {
    sb += e.kind == ObservedKind::kSplitBrain;
    lost += e.kind == ObservedKind::kMasterLost;
    mism += e.kind == ObservedKind::kMismatch;
    coll += e.kind == ObservedKind::kCollision;
  }
  if (a.alerts > 0)
    out << " (split brain " << sb << ", master lost " << lost << ", mismatch " << mism
        << ", VRID collision " << coll << ")";
  out << "\n";
}

std::string EventJsonLine(const ObservedEvent& e) { return Dump(EventJson(e), -1); }

std::string JsonEscape(const std::string& text) {
  const std::string quoted = Dump(ordered_json(text), -1);
  return quoted.substr(1, quoted.size() - 2);
}

// Streamed: the arrays (which grow with the capture's state changes) one
// element per line, never as one JSON tree.
void WriteCaptureJson(const CaptureAnalysis& a, std::ostream& out) {
  ordered_json c;
  c["packets"] = a.counts.packets;
  c["vrrp"] = a.counts.vrrp;
  c["arp"] = a.counts.arp;
  c["gratuitous_arp"] = a.counts.garp;
  c["ipv6"] = a.counts.ipv6;
  if (a.counts.na > 0) {
    c["na"] = a.counts.na;
    c["unsolicited_na"] = a.counts.unsolicited_na;
  }
  c["bad"] = a.counts.bad;
  c["invalid_adverts"] = a.counts.invalid_adverts;
  out << "{\n \"format\": \"vrrpsim-capture\",\n \"version\": 1,\n \"file\": "
      << Dump(ordered_json(a.file), -1)
      << ",\n \"link_type\": " << Dump(ordered_json(a.link_type), -1)
      << ",\n \"start_us\": " << a.start_us << ",\n \"duration_us\": " << a.duration
      << ",\n \"counts\": " << Dump(c, -1);
  auto array = [&out](const char* key, std::size_t n, const auto& element) {
    out << ",\n \"" << key << "\": [";
    for (std::size_t i = 0; i < n; ++i) out << (i == 0 ? "\n  " : ",\n  ") << Dump(element(i), -1);
    out << (n == 0 ? "]" : "\n ]");
  };
  array("events", a.events.size(), [&](std::size_t i) { return EventJson(a.events[i]); });
  array("masters", a.masters.size(), [&](std::size_t i) {
    const MasterInterval& m = a.masters[i];
    ordered_json mj;
    DomainJson(m.domain, m.family, &mj);
    mj["vrid"] = m.vrid;
    mj["source"] = m.source.ToString();
    mj["from"] = m.from;
    mj["to"] = m.to;
    mj["from_packet"] = m.from_packet;
    mj["to_packet"] = m.to_packet;
    mj["priority"] = m.priority;
    mj["version"] = m.version;
    mj["adver_int_us"] = m.adver_int;
    mj["adverts"] = m.adverts;
    mj["end"] = m.end;
    if (!m.by.is_zero()) mj["by"] = m.by.ToString();
    return mj;
  });
  array("split_brain", a.split_brains.size(), [&](std::size_t i) {
    const ObservedSplitBrain& sb = a.split_brains[i];
    ordered_json s;
    DomainJson(sb.domain, sb.family, &s);
    s["vrid"] = sb.vrid;
    ordered_json srcs = ordered_json::array();
    for (const auto& ip : sb.sources) srcs.push_back(ip.ToString());
    s["sources"] = srcs;
    s["from"] = sb.from;
    s["to"] = sb.to;
    s["from_packet"] = sb.from_packet;
    s["to_packet"] = sb.to_packet;
    return s;
  });
  array("warnings", a.warnings.size(), [&](std::size_t i) {
    ordered_json wj;
    wj["packet"] = a.warnings[i].first;
    wj["message"] = a.warnings[i].second;
    return wj;
  });
  out << ",\n \"warnings_total\": " << a.warnings_total << ",\n \"alerts\": " << a.alerts
      << "\n}\n";
}

RunResult ObservedRun(const CaptureAnalysis& a) {
  RunResult run;
  run.scenario = "capture";
  run.file = a.file;
  run.observed = true;
  run.duration = a.duration;
  run.events_processed = a.counts.packets;
  // Sources, ascending (IPv4 before IPv6), with the groups they advertised in.
  std::map<IpAddress, std::vector<std::size_t>> groups_of;
  for (std::size_t i = 0; i < a.groups.size(); ++i)
    for (const auto& s : a.groups[i].sources) groups_of[s].push_back(i);
  // Sources that advertised from one MAC are one node: keepalived (without
  // use_vmac) sends its IPv4 and IPv6 adverts from the interface's own MAC.
  // Not tied: a source without a MAC (raw IP captures), one seen from two
  // MACs (which node it is the capture does not say: a moved address, a
  // bond failing over, or two nodes claiming it), one from a VRRP virtual MAC
  // (use_vmac: every MASTER of the VRID sends from it), and sources that
  // share a group (two routers of one VRID on one box: two hosts, or the
  // host would hold one instance name twice).
  std::map<std::uint64_t, std::vector<IpAddress>> by_mac;  // sources ascending
  for (const auto& [s, gs] : groups_of) {
    const auto m = a.source_macs.find(s);
    if (m == a.source_macs.end() || m->second.several || m->second.mac == 0 ||
        IsVrrpVirtualMac(m->second.mac))
      continue;
    by_mac[m->second.mac].push_back(s);
  }
  std::map<IpAddress, IpAddress> lowest;  // a tied source -> its host's lowest source
  for (const auto& [mac, sources] : by_mac) {
    if (sources.size() < 2) continue;
    std::set<std::size_t> seen;
    bool apart = true;
    for (const auto& s : sources)
      for (const std::size_t g : groups_of[s]) apart = seen.insert(g).second && apart;
    if (!apart) continue;
    for (const auto& s : sources) lowest.emplace(s, sources.front());
  }
  // Hosts in the order of their lowest source; named by it, or by their
  // sources joined with " + " (ascending: IPv4 first) when there are several.
  std::map<IpAddress, int> host_of;
  for (const auto& [s, gs] : groups_of) {
    const auto l = lowest.find(s);
    if (l == lowest.end() || l->second == s) {
      host_of[s] = static_cast<int>(run.hosts.size());
      HostInfo h;
      h.name = s.ToString();
      run.hosts.push_back(h);
    } else {
      const int index = host_of.at(l->second);  // lower: placed already
      host_of[s] = index;
      run.hosts[static_cast<std::size_t>(index)].name += " + " + s.ToString();
    }
  }
  // Instances: a host's groups, in group order (a source is of one family,
  // so (source, domain, VRID) is one group).
  std::map<std::tuple<IpAddress, Domain, int>, int> instance_of;
  for (const auto& g : a.groups)
    for (const auto& s : g.sources) {
      HostInfo& h = run.hosts[static_cast<std::size_t>(host_of[s])];
      instance_of[{s, g.domain, g.vrid}] = static_cast<int>(h.instances.size());
      h.instances.push_back(GroupName(g.domain, g.family, g.vrid));
      h.vrids.push_back(g.vrid);
    }
  auto host = [&](IpAddress ip) {
    auto it = host_of.find(ip);
    return it == host_of.end() ? -1 : it->second;
  };
  auto instance = [&](IpAddress ip, const Domain& d, int vrid) {
    auto it = instance_of.find({ip, d, vrid});
    return it == instance_of.end() ? -1 : it->second;
  };
  for (const auto& e : a.events) {
    TraceEvent t;
    t.t = e.t;
    t.vrid = e.vrid;
    t.host = host(e.source);
    t.instance = t.host >= 0 ? instance(e.source, e.domain, e.vrid) : -1;
    const std::string where = " (packet " + std::to_string(e.packet) + ")";
    switch (e.kind) {
      case ObservedKind::kMaster:
        t.kind = TraceKind::kTransition;
        t.from = vrrp::State::kBackup;
        t.to = vrrp::State::kMaster;
        t.priority = e.priority;
        t.detail = "observed: first advert" + where;
        break;
      case ObservedKind::kMasterEnd:
        if (e.detail == "end-of-capture") continue;
        t.kind = TraceKind::kTransition;
        t.from = vrrp::State::kMaster;
        t.to = vrrp::State::kBackup;
        t.priority = e.priority;
        t.detail = "observed: " + e.detail +
                   (e.other.is_zero() ? "" : " by " + e.other.ToString()) + where;
        break;
      case ObservedKind::kPriority:
        t.kind = TraceKind::kPriority;
        t.priority = e.priority;
        t.value = e.value;
        break;
      case ObservedKind::kGarp:
        if (t.host < 0) continue;
        t.kind = TraceKind::kGarp;
        t.addr = e.other;
        t.detail = "observed" + where;
        break;
      default:
        t.kind = TraceKind::kLog;
        t.instance = -1;
        if (!IsAlert(e.kind)) t.host = -1;
        t.detail = EventLine(e) + where;
        break;
    }
    run.events.push_back(std::move(t));
  }
  for (const auto& sb : a.split_brains) {
    vsim::SplitBrainInterval iv;
    iv.vrid = sb.vrid;
    iv.start = sb.from;
    iv.end = sb.to;
    for (const auto& s : sb.sources) iv.hosts.push_back(host(s));
    std::sort(iv.hosts.begin(), iv.hosts.end());
    // (Sources of one group are never one host; kept as a guard.)
    iv.hosts.erase(std::unique(iv.hosts.begin(), iv.hosts.end()), iv.hosts.end());
    iv.masters = true;
    run.split_brain.push_back(iv);
  }
  return run;
}

}  // namespace vsim::capture

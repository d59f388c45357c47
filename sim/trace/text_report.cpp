#include "sim/trace/text_report.h"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <vector>

#include "sim/world/simulation.h"

namespace vsim {

std::string FormatMetric(const RunResult& run, const Metric& m) {
  if (m.name == "final_master") {
    if (m.value >= 0 && m.value < static_cast<std::int64_t>(run.hosts.size()))
      return run.hosts[static_cast<std::size_t>(m.value)].name;
    return m.value == -1 ? "none" : "several";
  }
  return m.is_duration ? FormatTime(m.value) : std::to_string(m.value);
}

namespace {

std::string Pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string HostName(const std::vector<HostInfo>& hosts, int host) {
  return host >= 0 && host < static_cast<int>(hosts.size()) ? hosts[host].name : "?";
}

std::string HostName(const RunResult& run, int host) { return HostName(run.hosts, host); }

std::string InstanceName(const std::vector<HostInfo>& hosts, int host, int instance) {
  if (host < 0 || host >= static_cast<int>(hosts.size())) return "?";
  const auto& names = hosts[host].instances;
  return instance >= 0 && instance < static_cast<int>(names.size()) ? names[instance] : "?";
}

std::string Describe(const std::vector<HostInfo>& run, const TraceEvent& e) {
  const std::string host = HostName(run, e.host);
  switch (e.kind) {
    case TraceKind::kOperation:
      return "! " + e.detail;
    case TraceKind::kTransition: {
      std::string s = host + " " + InstanceName(run, e.host, e.instance) + " " +
                      vrrp::StateName(e.from) + " -> " + vrrp::StateName(e.to) + " prio " +
                      std::to_string(e.priority) + " (" + vrrp::ReasonName(e.reason);
      if (!e.detail.empty()) s += ": " + e.detail;
      return s + ")";
    }
    case TraceKind::kGroupTransition:
      return host + " group " + std::to_string(e.instance) + " " + vrrp::StateName(e.from) +
             " -> " + vrrp::StateName(e.to);
    case TraceKind::kPriority:
      return host + " " + InstanceName(run, e.host, e.instance) + " priority " +
             std::to_string(e.value) + " -> " + std::to_string(e.priority);
    case TraceKind::kVipAdded:
      return host + " + " + e.addr.ToString() + (e.detail.empty() ? "" : " (" + e.detail + ")");
    case TraceKind::kVipRemoved:
      return host + " - " + e.addr.ToString() + (e.detail.empty() ? "" : " (" + e.detail + ")");
    case TraceKind::kGarp:
      // An IPv6 address: an unsolicited neighbour advertisement (where IPv4 sends GARP).
      return host + (e.addr.is_v6() ? " na " : " garp ") + e.addr.ToString();
    case TraceKind::kAdvertSent:
      return host + " > advert vrid " + std::to_string(e.vrid) + " prio " +
             std::to_string(e.priority) + " to " + e.addr.ToString();
    case TraceKind::kAdvertReceived:
      return host + " < advert vrid " + std::to_string(e.vrid) + " prio " +
             std::to_string(e.priority) + " from " + HostName(run, e.peer_host);
    case TraceKind::kPacketDropped:
      return "x advert vrid " + std::to_string(e.vrid) + " from " + HostName(run, e.peer_host) +
             " to " + (e.host >= 0 ? host : std::string("nobody")) + " dropped (" + e.detail + ")";
    case TraceKind::kScriptRun:
      return host + " runs " + e.detail;
    case TraceKind::kScriptResult:
      return host + " " + e.detail + (e.value ? " ok" : " failed");
    case TraceKind::kLog:
      return host + ": " + e.detail;
    case TraceKind::kClientView:
      return host + " traffic for " + e.addr.ToString() +
             (e.peer_host >= 0 ? " reaches " + HostName(run, e.peer_host)
                               : std::string(" is lost")) +
             " (" + e.detail + ")";
  }
  return "";
}

bool Shown(const TraceEvent& e, const TextReportOptions& o) {
  switch (e.kind) {
    case TraceKind::kOperation:
    case TraceKind::kTransition:
    case TraceKind::kGroupTransition:
    case TraceKind::kPriority:
    case TraceKind::kVipAdded:
    case TraceKind::kVipRemoved:
    case TraceKind::kClientView:
      return true;
    case TraceKind::kLog:
      return o.logs;
    case TraceKind::kGarp:  // bursts of five: summarised by the VIP lines
      return o.packets;
    default:
      return o.packets;
  }
}

}  // namespace

TextReportWriter::TextReportWriter(const RunResult& run, const TextReportOptions& options,
                                   std::ostream& out)
    : options_(options), out_(out), hosts_(run.hosts) {
  out_ << "scenario " << run.scenario;
  if (!run.variant.empty()) out_ << " [" << run.variant << "]";
  out_ << "  seed " << run.seed << "  duration " << FormatTime(run.duration) << "\n";
  if (!options_.timeline) return;
  for (int h = 0; h < static_cast<int>(hosts_.size()); ++h) {
    const auto& info = hosts_[h];
    for (int i = 0; i < static_cast<int>(info.instances.size()); ++i)
      columns_.push_back(
          {h, i, info.instances.size() == 1 ? info.name : info.name + "/" + info.instances[i]});
  }
  // Wide enough for the longest label and for "MASTER*" / "(dead)".
  width_ = 10;
  for (const auto& c : columns_) width_ = std::max(width_, c.label.size() + 2);
  cell_.assign(columns_.size(), "-");
  out_ << "\n" << Pad("time", 14);
  for (const auto& c : columns_) out_ << Pad(c.label, width_);
  out_ << "event\n";
}

void TextReportWriter::OnEvent(const TraceEvent& e) {
  if (!options_.timeline || !Shown(e, options_)) return;
  auto column_of = [&](int host, int instance) {
    for (std::size_t c = 0; c < columns_.size(); ++c)
      if (columns_[c].host == host && columns_[c].instance == instance) return static_cast<int>(c);
    return -1;
  };
  int changed = -1;
  if (e.kind == TraceKind::kTransition) {
    changed = column_of(e.host, e.instance);
    if (changed >= 0) cell_[changed] = vrrp::StateName(e.to);
  } else if (e.kind == TraceKind::kOperation && e.host >= 0 &&
             (e.op == static_cast<int>(OpKind::kCrash) ||
              e.op == static_cast<int>(OpKind::kPowerOff))) {
    // A killed daemon notifies nothing; show its columns as gone.
    for (std::size_t c = 0; c < columns_.size(); ++c)
      if (columns_[c].host == e.host) cell_[c] = "(dead)";
  }
  std::string t = FormatTime(e.t);
  out_ << std::string(t.size() < 12 ? 12 - t.size() : 0, ' ') << t << "  ";
  for (std::size_t c = 0; c < columns_.size(); ++c)
    out_ << Pad(cell_[c] + (static_cast<int>(c) == changed ? "*" : ""), width_);
  out_ << Describe(hosts_, e) << "\n";
}

void TextReportWriter::Finish(const RunResult& run) { WriteTextReportEnd(run, out_); }

void WriteTextReport(const RunResult& run, const TextReportOptions& options, std::ostream& out) {
  TextReportWriter writer(run, options, out);
  for (const auto& e : run.events) writer.OnEvent(e);
  writer.Finish(run);
}

void WriteTextReportEnd(const RunResult& run, std::ostream& out) {
  out << "\nsplit-brain: ";
  if (run.split_brain.empty()) {
    out << "none\n";
  } else {
    out << run.split_brain.size() << " interval(s)\n";
    for (const auto& iv : run.split_brain) {
      out << "  vrid " << GroupText(iv.group()) << "  " << FormatTime(iv.start) << " .. "
          << FormatTime(iv.end) << "  (" << FormatTime(iv.length()) << ")  hosts";
      for (int h : iv.hosts) out << " " << HostName(run, h);
      out << (iv.masters ? "  two masters" : "") << (iv.vip_holders ? "  duplicate VIP" : "")
          << "\n";
    }
  }

  if (!run.metrics.empty()) {
    out << "\nmetrics:\n";
    for (const auto& m : run.metrics) {
      out << "  " << m.name;
      if (!m.subject.empty()) out << " [" << m.subject << "]";
      out << " = " << FormatMetric(run, m) << "\n";
    }
  }

  if (!run.expectations.empty()) {
    int failed = 0;
    out << "\nexpectations:\n";
    for (const auto& x : run.expectations) {
      failed += x.passed ? 0 : 1;
      out << "  " << (x.passed ? "PASS" : "FAIL") << "  ";
      if (x.where.line > 0) out << "line " << x.where.line << ": ";
      out << x.description;
      if (!x.evidence.empty()) out << "\n        " << x.evidence;
      out << "\n";
    }
    out << "result: " << (failed ? "FAIL" : "PASS") << " (" << run.expectations.size() - failed
        << " passed, " << failed << " failed)\n";
  }
}

}  // namespace vsim

#include "sim/cli/capture.h"

#include <atomic>
#include <csignal>
#include <ctime>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <tuple>

#include "sim/capture/analysis.h"
#include "sim/capture/pcap_source.h"
#include "sim/core/clip.h"
#include "sim/core/time_text.h"
#include "sim/io/file_io.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"
#include "sim/trace/perfetto.h"

namespace vsim {
namespace {

bool WriteOut(const std::string& path, const std::string& content, std::ostream& err,
              const char* cmd) {
  std::string error;
  if (!WriteFileAtomically(path, content, &error)) {
    err << "vrrpsim " << cmd << ": " << error << "\n";
    return false;
  }
  return true;
}

std::atomic<capture::PcapSource*> g_watch_source{nullptr};
std::atomic<bool> g_watch_stop{false};

void OnWatchSignal(int) {
  g_watch_stop = true;
  if (capture::PcapSource* s = g_watch_source.load()) s->BreakLoop();
}

std::int64_t NowUs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

}  // namespace

int RunCaptureCommand(const CaptureCommandOptions& o, std::ostream& out, std::ostream& err) {
  std::vector<NamedPath> outputs;
  if (!o.trace_path.empty()) outputs.push_back({"--trace", o.trace_path});
  if (!o.perfetto_path.empty()) outputs.push_back({"--perfetto", o.perfetto_path});
  if (std::string error; !CheckOutputPaths({{"capture", o.file}}, outputs, &error)) {
    err << "vrrpsim capture: " << error << "\n";
    return 2;
  }
  capture::CaptureAnalysis a;
  if (std::string error; !capture::AnalyzeCaptureFile(o.file, &a, &error)) {
    err << "vrrpsim capture: " << o.file << ": error: " << error << "\n";
    return 2;
  }
  if (o.format == "json") {
    capture::WriteCaptureJson(a, out);
  } else {
    capture::WriteCaptureText(a, out, !o.quiet);
  }
  for (const auto& [p, w] : a.warnings)
    err << o.file << ": packet " << p << ": warning: " << w << "\n";
  if (a.warnings_total > a.warnings.size())
    err << o.file << ": " << a.warnings_total - a.warnings.size() << " more warnings\n";
  if (!o.trace_path.empty() || !o.perfetto_path.empty()) {
    if (a.duration > kMaxDuration) {
      err << "vrrpsim capture: " << o.file << ": the capture spans " << FormatTime(a.duration)
          << ", more than a trace holds (30 days)\n";
      return 2;
    }
    const RunResult run = capture::ObservedRun(a);
    if (!o.trace_path.empty() && !WriteOut(o.trace_path, TraceJson(run), err, "capture")) return 2;
    if (!o.perfetto_path.empty()) {
      std::ostringstream s;
      WritePerfettoJson(run, s);
      if (!WriteOut(o.perfetto_path, s.str(), err, "capture")) return 2;
    }
  }
  return a.alerts > 0 ? 1 : 0;
}

int RunWatchCommand(const WatchCommandOptions& o, std::ostream& out, std::ostream& err) {
  Duration limit = -1;
  if (!o.for_duration.empty()) {
    std::string error;
    auto d = ParseDuration(o.for_duration, &error);
    if (!d || *d <= 0) {
      err << "vrrpsim watch: --for: " << (d ? "expected a duration above 0" : error) << ", got '"
          << Clip(o.for_duration) << "'\n";
      return 2;
    }
    limit = *d;
  }
  std::string error;
  auto src = capture::PcapSource::OpenLive(o.iface, &error);
  if (!src) {
    err << "vrrpsim watch: " << Clip(o.iface) << ": " << error << "\n";
    return 2;
  }
  if (!capture::LinkTypeSupported(src->link_type())) {
    err << "vrrpsim watch: " << Clip(o.iface) << ": link type " << src->LinkTypeName()
        << " is not supported (expected Ethernet, Linux cooked or raw IPv4/IPv6)\n";
    return 2;
  }
  const bool json = o.format == "json";
  const std::int64_t start = NowUs();
  if (json)
    out << "{\"watch\": \"" << capture::JsonEscape(o.iface) << "\", \"link_type\": \""
        << src->LinkTypeName() << "\", \"start_us\": " << start << "}\n"
        << std::flush;
  else
    out << "watching " << o.iface << " (link " << src->LinkTypeName() << ")"
        << (limit >= 0 ? " for " + FormatTime(limit) : std::string()) << "\n"
        << std::flush;

  capture::Observer obs;
  capture::CaptureAnalysis warnings;  // per-packet warnings go straight out
  // Who advertises now, per group (domain, family, VRID), from the events as
  // they are decided.
  std::map<std::tuple<capture::Domain, vrrp::IpFamily, int>, std::set<vrrp::IpAddress>> masters;
  std::uint64_t split_brains = 0, alerts = 0;
  bool finishing = false;
  obs.SetSink([&](const capture::ObservedEvent& e) {
    const auto key = std::make_tuple(e.domain, e.family, e.vrid);
    if (e.kind == capture::ObservedKind::kMaster) masters[key].insert(e.source);
    if (e.kind == capture::ObservedKind::kMasterEnd) {
      masters[key].erase(e.source);
      if (finishing) return;  // the watch ends, not the mastership
    }
    split_brains += e.kind == capture::ObservedKind::kSplitBrain;
    alerts += capture::IsAlert(e.kind);
    if (json)
      out << capture::EventJsonLine(e) << "\n" << std::flush;
    else
      out << capture::TimelineLine(e) << "\n" << std::flush;
  });
  obs.SetWarningSink([&](std::uint64_t p, const std::string& w) {
    err << o.iface << ": packet " << p << ": warning: " << w << "\n";
  });

  g_watch_stop = false;
  g_watch_source = src.get();
  struct sigaction sa {};
  sa.sa_handler = OnWatchSignal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  capture::RawPacket raw;
  capture::Frame frame;
  std::uint64_t n = 0;
  capture::Time last = 0;
  int rc = 0;
  while (!g_watch_stop) {
    const capture::Time now = NowUs() - start;
    if (limit >= 0 && now >= limit) break;
    const auto st = src->Next(&raw, &error);
    if (st == capture::PcapSource::Status::kEnd) break;
    if (st == capture::PcapSource::Status::kError) {
      err << "vrrpsim watch: " << o.iface << ": " << error << "\n";
      rc = 2;
      break;
    }
    if (st == capture::PcapSource::Status::kTimeout) {
      obs.Advance(std::max(last, NowUs() - start));
      continue;
    }
    ++n;
    // The kernel's timestamps, relative to the start (never backwards).
    capture::Time t = raw.ts_us - start;
    if (t < last) t = last;
    if (limit >= 0 && t > limit) break;
    last = t;
    capture::DecodeFrame(src->link_type(), raw.bytes, &frame);
    obs.OnFrame(t, n, frame);
  }
  g_watch_source = nullptr;
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  const capture::Time end = std::max(last, limit >= 0 ? limit : NowUs() - start);
  obs.Advance(end);
  finishing = true;
  // Who is MASTER now, per group.
  std::uint64_t groups_ok = 0, groups_bad = 0;
  std::ostringstream summary;
  for (const auto& [key, who] : masters) {
    std::string names;
    for (const auto& ip : who) names += (names.empty() ? "" : ", ") + ip.ToString();
    const auto& [domain, family, vrid] = key;
    summary << "  " << capture::GroupName(domain, family, vrid) << ": "
            << (who.empty() ? "no MASTER" : "MASTER " + names) << "\n";
    (who.size() == 1 ? groups_ok : groups_bad) += 1;
  }
  obs.Finish(end, n);
  if (rc != 0) return rc;
  const auto& c = obs.counts();
  if (!json) {
    out << "after " << FormatTime(end) << ": " << c.packets << " packets (VRRP " << c.vrrp
        << ", ARP " << c.arp << "), " << alerts << (alerts == 1 ? " alert" : " alerts") << "\n"
        << summary.str();
  }
  if (o.expect_one_master) {
    std::string why;
    if (masters.empty())
      why = "no VRRP advert seen";
    else if (groups_bad > 0)
      why = std::to_string(groups_bad) + " VRID(s) without exactly one MASTER at the end";
    else if (split_brains > 0)
      why = std::to_string(split_brains) + " split brain(s) during the watch";
    if (!why.empty()) {
      if (json)
        out << "{\"expect_one_master\": false, \"reason\": \"" << why << "\"}\n";
      else
        out << "FAIL  expect one master: " << why << "\n";
      return 1;
    }
    if (json)
      out << "{\"expect_one_master\": true}\n";
    else
      out << "PASS  expect one master: " << groups_ok
          << " VRID(s), one MASTER each, no split brain\n";
  }
  return 0;
}

}  // namespace vsim

#include "sim/trace/perfetto.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

namespace vsim {

using nlohmann::ordered_json;

void WritePerfettoJson(const RunResult& run, std::ostream& out) {
  ordered_json events = ordered_json::array();
  auto meta = [&](const char* what, int pid, int tid, const std::string& name) {
    ordered_json m;
    m["name"] = what;
    m["ph"] = "M";
    m["pid"] = pid;
    m["tid"] = tid;
    m["args"] = {{"name", name}};
    events.push_back(m);
  };
  const int nhosts = static_cast<int>(run.hosts.size());
  for (int h = 0; h < nhosts; ++h) {
    meta("process_name", h + 1, 0, run.hosts[h].name);
    for (std::size_t i = 0; i < run.hosts[h].instances.size(); ++i)
      meta("thread_name", h + 1, static_cast<int>(i) + 1,
           run.hosts[h].instances[i] + " (vrid " + GroupText(run.hosts[h].group(i)) + ")");
  }
  const int sb_pid = nhosts + 1;
  meta("process_name", sb_pid, 0, "split-brain");

  // Open state interval per (host, instance).
  struct Open {
    Time since = 0;
    std::string state;
  };
  std::vector<std::vector<Open>> open(static_cast<std::size_t>(nhosts));
  for (int h = 0; h < nhosts; ++h) open[h].resize(run.hosts[h].instances.size());
  auto close = [&](int h, int i, Time t) {
    Open& o = open[h][i];
    if (o.state.empty()) return;
    ordered_json x;
    x["name"] = o.state;
    x["cat"] = "state";
    x["ph"] = "X";
    x["ts"] = o.since;
    x["dur"] = t - o.since;
    x["pid"] = h + 1;
    x["tid"] = i + 1;
    events.push_back(x);
    o.state.clear();
  };

  auto priority_counter = [&](const TraceEvent& e) {
    ordered_json c;
    c["name"] = "priority " + run.hosts[e.host].instances[e.instance];
    c["ph"] = "C";
    c["ts"] = e.t;
    c["pid"] = e.host + 1;
    c["args"] = {{"priority", e.priority}};
    events.push_back(c);
  };

  for (const auto& e : run.events) {
    const bool valid_instance = e.host >= 0 && e.host < nhosts && e.instance >= 0 &&
                                e.instance < static_cast<int>(open[e.host].size());
    switch (e.kind) {
      case TraceKind::kTransition:
        if (!valid_instance) break;
        close(e.host, e.instance, e.t);
        if (e.to != vrrp::State::kStop) open[e.host][e.instance] = {e.t, vrrp::StateName(e.to)};
        priority_counter(e);
        break;
      case TraceKind::kPriority:
        if (!valid_instance) break;
        priority_counter(e);
        break;
      case TraceKind::kOperation: {
        if (e.host >= 0 && e.host < nhosts &&
            (e.detail.rfind("crash", 0) == 0 || e.detail.rfind("power-off", 0) == 0)) {
          for (int i = 0; i < static_cast<int>(open[e.host].size()); ++i) close(e.host, i, e.t);
        }
        ordered_json x;
        x["name"] = e.detail;
        x["cat"] = "operation";
        x["ph"] = "i";
        x["s"] = "g";
        x["ts"] = e.t;
        x["pid"] = e.host >= 0 ? e.host + 1 : sb_pid;
        x["tid"] = 0;
        events.push_back(x);
        break;
      }
      case TraceKind::kVipAdded:
      case TraceKind::kVipRemoved:
      case TraceKind::kGarp: {
        if (e.host < 0) break;
        ordered_json x;
        x["name"] = std::string(e.kind == TraceKind::kVipAdded     ? "+"
                                : e.kind == TraceKind::kVipRemoved ? "-"
                                : e.addr.is_v6()                   ? "na "
                                                                   : "garp ") +
                    e.addr.ToString();
        x["cat"] = TraceKindName(e.kind);
        x["ph"] = "i";
        x["s"] = "t";
        x["ts"] = e.t;
        x["pid"] = e.host + 1;
        x["tid"] = e.instance >= 0 ? e.instance + 1 : 0;
        events.push_back(x);
        break;
      }
      default:
        break;
    }
  }
  for (int h = 0; h < nhosts; ++h)
    for (int i = 0; i < static_cast<int>(open[h].size()); ++i) close(h, i, run.duration);

  for (const auto& iv : run.split_brain) {
    ordered_json x;
    x["name"] = "split-brain vrid " + GroupText(iv.group());
    x["cat"] = "split-brain";
    x["ph"] = "X";
    x["ts"] = iv.start;
    x["dur"] = iv.length();
    x["pid"] = sb_pid;
    x["tid"] = iv.group();
    events.push_back(x);
  }

  ordered_json j;
  j["displayTimeUnit"] = "ms";
  j["traceEvents"] = events;
  out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace vsim

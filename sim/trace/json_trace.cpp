// nlohmann/json is heavy to compile: it is included here only.
#include "sim/trace/json_trace.h"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "sim/core/rng.h"
#include "sim/scenario/scenario.h"  // kMaxDuration

namespace vsim {

using nlohmann::ordered_json;

namespace {

const char* kFormatName = "vrrpsim-trace";

// Reverse lookups over the engine's name functions. The enums are small and
// dense, so scanning their values keeps one table of names (the engine's).
template <typename Enum, typename NameFn>
bool ParseEnum(const std::string& text, NameFn name, Enum* out) {
  for (int i = 0; i < 64; ++i) {
    const auto v = static_cast<Enum>(i);
    const std::string n = name(v);
    if (n == "?") continue;
    if (n == text) {
      *out = v;
      return true;
    }
  }
  return false;
}

std::string HostName(const RunResult& run, int host) {
  if (host >= 0 && host < static_cast<int>(run.hosts.size())) return run.hosts[host].name;
  return "";
}

std::string InstanceName(const RunResult& run, int host, int instance) {
  if (host >= 0 && host < static_cast<int>(run.hosts.size()) && instance >= 0 &&
      instance < static_cast<int>(run.hosts[host].instances.size()))
    return run.hosts[host].instances[instance];
  return "";
}

ordered_json EventJson(const RunResult& run, const TraceEvent& e) {
  ordered_json j;
  j["t"] = e.t;
  j["kind"] = TraceKindName(e.kind);
  if (e.host >= 0) j["host"] = HostName(run, e.host);
  switch (e.kind) {
    case TraceKind::kTransition:
      j["instance"] = InstanceName(run, e.host, e.instance);
      j["vrid"] = e.vrid;
      j["from"] = vrrp::StateName(e.from);
      j["to"] = vrrp::StateName(e.to);
      j["priority"] = e.priority;
      j["reason"] = vrrp::ReasonName(e.reason);
      break;
    case TraceKind::kGroupTransition:
      j["group"] = e.instance;
      j["from"] = vrrp::StateName(e.from);
      j["to"] = vrrp::StateName(e.to);
      j["reason"] = vrrp::ReasonName(e.reason);
      break;
    case TraceKind::kPriority:
      j["instance"] = InstanceName(run, e.host, e.instance);
      j["vrid"] = e.vrid;
      j["from"] = e.value;
      j["priority"] = e.priority;
      break;
    case TraceKind::kVipAdded:
    case TraceKind::kVipRemoved:
    case TraceKind::kGarp:
      if (e.instance >= 0) j["instance"] = InstanceName(run, e.host, e.instance);
      j["vrid"] = e.vrid;
      j["address"] = e.addr.ToString();
      break;
    case TraceKind::kAdvertSent:
      if (e.instance >= 0) j["instance"] = InstanceName(run, e.host, e.instance);
      j["vrid"] = e.vrid;
      j["priority"] = e.priority;
      j["address"] = e.addr.ToString();  // destination
      break;
    case TraceKind::kAdvertReceived:
    case TraceKind::kPacketDropped:
      j["vrid"] = e.vrid;
      j["priority"] = e.priority;
      if (e.peer_host >= 0) j["peer"] = HostName(run, e.peer_host);
      break;
    case TraceKind::kScriptResult:
      j["ok"] = e.value != 0;
      break;
    case TraceKind::kOperation:
      if (e.peer_host >= 0) j["peer"] = HostName(run, e.peer_host);
      break;
    case TraceKind::kClientView:
      j["address"] = e.addr.ToString();
      j["reaches"] = e.peer_host >= 0 ? ordered_json(HostName(run, e.peer_host)) : ordered_json();
      break;
    case TraceKind::kScriptRun:
    case TraceKind::kLog:
      if (e.instance >= 0) j["instance"] = InstanceName(run, e.host, e.instance);
      break;
  }
  if (!e.detail.empty()) j["detail"] = e.detail;
  return j;
}

ordered_json RunJson(const RunResult& run) {
  ordered_json j;
  j["scenario"] = run.scenario;
  j["file"] = run.file;
  j["variant"] = run.variant;
  j["seed"] = run.seed;
  j["duration_us"] = run.duration;
  j["events_processed"] = run.events_processed;
  ordered_json hosts = ordered_json::array();
  for (const auto& h : run.hosts) {
    ordered_json hj;
    hj["name"] = h.name;
    ordered_json inst = ordered_json::array();
    for (std::size_t i = 0; i < h.instances.size(); ++i) {
      ordered_json ij;
      ij["name"] = h.instances[i];
      ij["vrid"] = i < h.vrids.size() ? h.vrids[i] : 0;
      inst.push_back(ij);
    }
    hj["instances"] = inst;
    hosts.push_back(hj);
  }
  j["hosts"] = hosts;
  ordered_json events = ordered_json::array();
  for (const auto& e : run.events) events.push_back(EventJson(run, e));
  j["events"] = events;
  ordered_json sb = ordered_json::array();
  for (const auto& iv : run.split_brain) {
    ordered_json s;
    s["vrid"] = iv.vrid;
    s["domain"] = iv.domain;
    s["start"] = iv.start;
    s["end"] = iv.end;
    ordered_json hs = ordered_json::array();
    for (int h : iv.hosts) hs.push_back(HostName(run, h));
    s["hosts"] = hs;
    s["masters"] = iv.masters;
    s["vip_holders"] = iv.vip_holders;
    sb.push_back(s);
  }
  j["split_brain"] = sb;
  ordered_json metrics = ordered_json::array();
  for (const auto& m : run.metrics) {
    ordered_json mj;
    mj["name"] = m.name;
    mj["subject"] = m.subject;
    mj["value"] = m.value;
    mj["unit"] = m.is_duration ? "us" : "count";
    metrics.push_back(mj);
  }
  j["metrics"] = metrics;
  ordered_json exps = ordered_json::array();
  for (const auto& x : run.expectations) {
    ordered_json xj;
    xj["description"] = x.description;
    xj["passed"] = x.passed;
    xj["evidence"] = x.evidence;
    xj["line"] = x.where.line;
    xj["column"] = x.where.column;
    exps.push_back(xj);
  }
  j["expectations"] = exps;
  j["passed"] = run.passed();
  return j;
}

ordered_json Envelope() {
  ordered_json j;
  j["format"] = kFormatName;
  j["version"] = kTraceFormatVersion;
  return j;
}

// --- reading -------------------------------------------------------------

// Where a value sits in the text: nlohmann 3.11 keeps no positions, so the
// few diagnostics that point at a value find it again by walking the (already
// parsed, hence valid) text along the value's path.
class Locator {
 public:
  explicit Locator(const std::string& text) : s_(text) {}

  // A step is an object key or an array index.
  struct Step {
    std::string key;
    std::size_t index = 0;
    bool is_key = true;
  };
  static Step Key(std::string k) { return {std::move(k), 0, true}; }
  static Step Index(std::size_t i) { return {{}, i, false}; }

  // Line and column (1-based) of the value at `path`; {0, 0} if not found.
  std::pair<int, int> Find(const std::vector<Step>& path) const {
    std::size_t pos = Ws(0);
    for (const Step& step : path) {
      if (pos >= s_.size()) return {0, 0};
      std::size_t found = std::string::npos;
      if (step.is_key) {
        if (s_[pos] != '{') return {0, 0};
        pos = Ws(pos + 1);
        while (pos < s_.size() && s_[pos] == '"') {
          const std::size_t key_end = String(pos);
          const bool match = s_.compare(pos + 1, key_end - pos - 2, step.key) == 0 &&
                             key_end - pos - 2 == step.key.size();
          pos = Ws(key_end);
          if (pos < s_.size() && s_[pos] == ':') pos = Ws(pos + 1);
          if (match) found = pos;  // the last of duplicate keys wins, as in nlohmann
          pos = Ws(Value(pos));
          if (pos < s_.size() && s_[pos] == ',') pos = Ws(pos + 1);
        }
      } else {
        if (s_[pos] != '[') return {0, 0};
        pos = Ws(pos + 1);
        for (std::size_t i = 0; pos < s_.size() && s_[pos] != ']'; ++i) {
          if (i == step.index) {
            found = pos;
            break;
          }
          pos = Ws(Value(pos));
          if (pos < s_.size() && s_[pos] == ',') pos = Ws(pos + 1);
        }
      }
      if (found == std::string::npos) return {0, 0};
      pos = found;
    }
    int line = 1, column = 1;
    for (std::size_t i = 0; i < pos && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return {line, column};
  }

 private:
  std::size_t Ws(std::size_t p) const {
    while (p < s_.size() && (s_[p] == ' ' || s_[p] == '\n' || s_[p] == '\r' || s_[p] == '\t')) ++p;
    return p;
  }
  // Past the string starting at p (a '"').
  std::size_t String(std::size_t p) const {
    for (++p; p < s_.size(); ++p) {
      if (s_[p] == '\\')
        ++p;
      else if (s_[p] == '"')
        return p + 1;
    }
    return p;
  }
  // Past the value starting at p.
  std::size_t Value(std::size_t p) const {
    if (p >= s_.size()) return p;
    if (s_[p] == '"') return String(p);
    if (s_[p] == '{' || s_[p] == '[') {
      int depth = 0;
      for (; p < s_.size(); ++p) {
        const char c = s_[p];
        if (c == '"') {
          p = String(p) - 1;
        } else if (c == '{' || c == '[') {
          ++depth;
        } else if (c == '}' || c == ']') {
          if (--depth == 0) return p + 1;
        }
      }
      return p;
    }
    while (p < s_.size() && s_[p] != ',' && s_[p] != '}' && s_[p] != ']' && s_[p] != ' ' &&
           s_[p] != '\n' && s_[p] != '\r' && s_[p] != '\t')
      ++p;
    return p;
  }

  const std::string& s_;
};

struct Reader {
  const std::string& file;
  vrrp::Diagnostics* diags;
  const Locator* locator = nullptr;
  int located = 0;

  void Error(const std::string& what) {
    diags->push_back({vrrp::Severity::kError, {file, 0, 0}, what});
  }

  // An error about the value at `path`, with its line:column (for the first
  // few: each one walks the text).
  void ErrorAt(const std::vector<Locator::Step>& path, const std::string& what) {
    std::pair<int, int> lc{0, 0};
    if (locator && located < 20) {
      ++located;
      lc = locator->Find(path);
    }
    diags->push_back({vrrp::Severity::kError, {file, lc.first, lc.second}, what});
  }

  template <typename T>
  bool Get(const nlohmann::json& j, const char* key, T* out, const std::string& where,
           bool required = true) {
    auto it = j.find(key);
    if (it == j.end()) {
      if (required) Error(where + ": missing \"" + key + "\"");
      return false;
    }
    try {
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        // nlohmann converts a float (or an out-of-range integer) with a
        // static_cast: UB or a silent wrap (fuzz finding F6). Integers only.
        bool in_range = false;
        if (it->is_number_unsigned())
          in_range = std::in_range<T>(it->template get<std::uint64_t>());
        else if (it->is_number_integer())
          in_range = std::in_range<T>(it->template get<std::int64_t>());
        if (!in_range) throw std::out_of_range("not an integer in range");
      }
      *out = it->get<T>();
      return true;
    } catch (const std::exception&) {
      Error(where + ": \"" + key + "\" has the wrong type (" + it->type_name() + ")");
      return false;
    }
  }

  int HostIndex(const RunResult& run, const std::string& name, const std::string& where) {
    for (std::size_t i = 0; i < run.hosts.size(); ++i)
      if (run.hosts[i].name == name) return static_cast<int>(i);
    Error(where + ": unknown host \"" + name + "\"");
    return -1;
  }

  bool ReadRun(const nlohmann::json& j, RunResult* run, const std::string& where,
               const std::vector<Locator::Step>& path) {
    if (!j.is_object()) {
      Error(where + ": expected an object");
      return false;
    }
    Get(j, "scenario", &run->scenario, where);
    Get(j, "file", &run->file, where, false);
    Get(j, "variant", &run->variant, where, false);
    Get(j, "seed", &run->seed, where);
    // The scenario's limit (30 days): beyond it a trace is not one vrrpsim
    // writes, and times near 2^63 overflow whoever computes with them.
    bool duration_ok = false;
    if (Get(j, "duration_us", &run->duration, where)) {
      duration_ok = run->duration >= 0 && run->duration <= kMaxDuration;
      if (!duration_ok) {
        auto p = path;
        p.push_back(Locator::Key("duration_us"));
        ErrorAt(p, where + ": \"duration_us\" " + std::to_string(run->duration) +
                       " is outside 0.." + std::to_string(kMaxDuration) + " (30 days)");
      }
    }
    Get(j, "events_processed", &run->events_processed, where, false);
    nlohmann::json hosts;
    if (Get(j, "hosts", &hosts, where)) {
      if (!hosts.is_array()) {
        Error(where + ": \"hosts\" must be an array");
        return false;
      }
      for (std::size_t i = 0; i < hosts.size(); ++i) {
        const std::string hw = where + ".hosts[" + std::to_string(i) + "]";
        HostInfo h;
        Get(hosts[i], "name", &h.name, hw);
        nlohmann::json inst;
        if (Get(hosts[i], "instances", &inst, hw) && inst.is_array()) {
          for (std::size_t k = 0; k < inst.size(); ++k) {
            std::string name;
            int vrid = 0;
            const std::string iw = hw + ".instances[" + std::to_string(k) + "]";
            Get(inst[k], "name", &name, iw);
            Get(inst[k], "vrid", &vrid, iw);
            h.instances.push_back(name);
            h.vrids.push_back(vrid);
          }
        }
        run->hosts.push_back(std::move(h));
      }
    }
    nlohmann::json events;
    if (Get(j, "events", &events, where)) {
      if (!events.is_array()) {
        Error(where + ": \"events\" must be an array");
        return false;
      }
      Time last = 0;
      for (std::size_t i = 0; i < events.size(); ++i) {
        const std::string ew = where + ".events[" + std::to_string(i) + "]";
        const auto& ej = events[i];
        TraceEvent e;
        std::string kind;
        if (!Get(ej, "t", &e.t, ew) || !Get(ej, "kind", &kind, ew)) continue;
        if (!ParseEnum(kind, TraceKindName, &e.kind)) {
          Error(ew + ": unknown event kind \"" + kind + "\"");
          continue;
        }
        if (e.t < 0 || (duration_ok && e.t > run->duration)) {
          auto p = path;
          p.push_back(Locator::Key("events"));
          p.push_back(Locator::Index(i));
          p.push_back(Locator::Key("t"));
          ErrorAt(p, ew + ": time " + std::to_string(e.t) +
                         (e.t < 0 ? " is negative"
                                  : " is after the end of the run (duration_us " +
                                        std::to_string(run->duration) + ")"));
          continue;
        }
        if (e.t < last) Error(ew + ": events are not in time order");
        last = e.t;
        std::string s;
        if (Get(ej, "host", &s, ew, false)) e.host = HostIndex(*run, s, ew);
        if (Get(ej, "peer", &s, ew, false)) e.peer_host = HostIndex(*run, s, ew);
        if (auto r = ej.find("reaches"); r != ej.end() && r->is_string())
          e.peer_host = HostIndex(*run, r->get<std::string>(), ew);
        if (Get(ej, "instance", &s, ew, false) && e.host >= 0) {
          const auto& names = run->hosts[e.host].instances;
          for (std::size_t k = 0; k < names.size(); ++k)
            if (names[k] == s) e.instance = static_cast<int>(k);
        }
        Get(ej, "vrid", &e.vrid, ew, false);
        Get(ej, "priority", &e.priority, ew, false);
        // "from" is a state name for transitions and the old priority for
        // priority changes.
        if (auto f = ej.find("from"); f != ej.end()) {
          if (f->is_string()) {
            if (!ParseEnum(f->get<std::string>(), vrrp::StateName, &e.from))
              Error(ew + ": unknown state \"" + f->get<std::string>() + "\"");
          } else if (f->is_number_integer()) {
            e.value = f->get<std::int64_t>();
          } else {
            Error(ew + ": \"from\" has the wrong type (" + f->type_name() + ")");
          }
        }
        if (Get(ej, "to", &s, ew, false) && !ParseEnum(s, vrrp::StateName, &e.to))
          Error(ew + ": unknown state \"" + s + "\"");
        if (Get(ej, "reason", &s, ew, false) && !ParseEnum(s, vrrp::ReasonName, &e.reason))
          Error(ew + ": unknown reason \"" + s + "\"");
        if (Get(ej, "address", &s, ew, false)) {
          auto a = vrrp::Ipv4::Parse(s);
          if (!a)
            Error(ew + ": bad address \"" + s + "\"");
          else
            e.addr = *a;
        }
        bool ok = false;
        if (Get(ej, "ok", &ok, ew, false)) e.value = ok ? 1 : 0;
        if (e.kind == TraceKind::kGroupTransition) Get(ej, "group", &e.instance, ew, false);
        Get(ej, "detail", &e.detail, ew, false);
        run->events.push_back(std::move(e));
      }
    }
    nlohmann::json sb;
    if (Get(j, "split_brain", &sb, where, false) && sb.is_array()) {
      for (std::size_t i = 0; i < sb.size(); ++i) {
        const std::string sw = where + ".split_brain[" + std::to_string(i) + "]";
        SplitBrainInterval iv;
        Get(sb[i], "vrid", &iv.vrid, sw);
        Get(sb[i], "domain", &iv.domain, sw, false);
        const bool has_start = Get(sb[i], "start", &iv.start, sw);
        const bool times = Get(sb[i], "end", &iv.end, sw) && has_start;
        if (times && duration_ok && (iv.start < 0 || iv.end < iv.start || iv.end > run->duration)) {
          auto p = path;
          p.push_back(Locator::Key("split_brain"));
          p.push_back(Locator::Index(i));
          ErrorAt(p, sw + ": interval " + std::to_string(iv.start) + ".." + std::to_string(iv.end) +
                         " is not within 0..duration_us (" + std::to_string(run->duration) + ")");
          continue;
        }
        Get(sb[i], "masters", &iv.masters, sw, false);
        Get(sb[i], "vip_holders", &iv.vip_holders, sw, false);
        std::vector<std::string> names;
        if (Get(sb[i], "hosts", &names, sw, false))
          for (const auto& n : names) iv.hosts.push_back(HostIndex(*run, n, sw));
        run->split_brain.push_back(std::move(iv));
      }
    }
    nlohmann::json metrics;
    if (Get(j, "metrics", &metrics, where, false) && metrics.is_array()) {
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        const std::string mw = where + ".metrics[" + std::to_string(i) + "]";
        Metric m;
        std::string unit;
        Get(metrics[i], "name", &m.name, mw);
        Get(metrics[i], "subject", &m.subject, mw, false);
        Get(metrics[i], "value", &m.value, mw);
        if (Get(metrics[i], "unit", &unit, mw, false)) m.is_duration = unit == "us";
        run->metrics.push_back(std::move(m));
      }
    }
    nlohmann::json exps;
    if (Get(j, "expectations", &exps, where, false) && exps.is_array()) {
      for (std::size_t i = 0; i < exps.size(); ++i) {
        const std::string xw = where + ".expectations[" + std::to_string(i) + "]";
        ExpectationResult x;
        Get(exps[i], "description", &x.description, xw);
        Get(exps[i], "passed", &x.passed, xw);
        Get(exps[i], "evidence", &x.evidence, xw, false);
        Get(exps[i], "line", &x.where.line, xw, false);
        Get(exps[i], "column", &x.where.column, xw, false);
        run->expectations.push_back(std::move(x));
      }
    }
    return true;
  }
};

}  // namespace

void WriteTraceJson(const RunResult& run, std::ostream& out) {
  ordered_json j = Envelope();
  const ordered_json body = RunJson(run);  // keep alive: items() only refers to it
  for (const auto& item : body.items()) j[item.key()] = item.value();
  out << j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

std::string TraceJson(const RunResult& run) {
  std::ostringstream os;
  WriteTraceJson(run, os);
  return os.str();
}

void WriteTraceJsonRuns(const std::vector<RunResult>& runs, std::ostream& out) {
  ordered_json j = Envelope();
  ordered_json arr = ordered_json::array();
  for (const auto& r : runs) arr.push_back(RunJson(r));
  j["runs"] = arr;
  out << j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

TraceRead ReadTraceJson(const std::string& text, const std::string& filename) {
  TraceRead result;
  const Locator locator(text);
  Reader reader{filename, &result.diagnostics, &locator};
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is a 1-based offset; turn it into line:column.
    int line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    result.diagnostics.push_back({vrrp::Severity::kError,
                                  {filename, line, column},
                                  "not valid JSON: " + std::string(e.what())});
    return result;
  } catch (const nlohmann::json::exception& e) {
    // E.g. out_of_range 406, a number too large for a double (fuzz finding F5).
    result.diagnostics.push_back(
        {vrrp::Severity::kError, {filename, 0, 0}, "not valid JSON: " + std::string(e.what())});
    return result;
  }
  if (!j.is_object()) {
    reader.Error("expected a JSON object at the top level");
    return result;
  }
  std::string format;
  int version = 0;
  if (!reader.Get(j, "format", &format, "trace") || format != kFormatName) {
    if (result.diagnostics.empty())
      reader.Error("not a vrrpsim trace (format is \"" + format + "\")");
    return result;
  }
  if (!reader.Get(j, "version", &version, "trace")) return result;
  if (version != kTraceFormatVersion) {
    reader.Error("unsupported trace version " + std::to_string(version) + " (this vrrpsim reads " +
                 std::to_string(kTraceFormatVersion) + ")");
    return result;
  }
  if (j.contains("runs")) {
    const auto& runs = j["runs"];
    if (!runs.is_array()) {
      reader.Error("\"runs\" must be an array");
      return result;
    }
    for (std::size_t i = 0; i < runs.size(); ++i) {
      RunResult r;
      if (reader.ReadRun(runs[i], &r, "runs[" + std::to_string(i) + "]",
                         {Locator::Key("runs"), Locator::Index(i)}))
        result.runs.push_back(std::move(r));
    }
  } else {
    RunResult r;
    if (reader.ReadRun(j, &r, "trace", {})) result.runs.push_back(std::move(r));
  }
  return result;
}

std::uint64_t TraceHash(const RunResult& run) { return Fnv1a64(TraceJson(run)); }

}  // namespace vsim

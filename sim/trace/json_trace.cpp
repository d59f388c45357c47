// nlohmann/json is heavy to compile: it is included here only.
#include "sim/trace/json_trace.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "sim/core/clip.h"
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

ordered_json RunJson(const RunResult& run, bool with_events = true) {
  ordered_json j;
  j["scenario"] = run.scenario;
  j["file"] = run.file;
  j["variant"] = run.variant;
  if (run.observed) j["observed"] = true;  // only then: simulated traces stay byte for byte
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
      // Only IPv6 says its family: an IPv4 trace is as it was before IPv6.
      if (h.family(i) == vrrp::IpFamily::kV6) ij["family"] = 6;
      inst.push_back(ij);
    }
    hj["instances"] = inst;
    hosts.push_back(hj);
  }
  j["hosts"] = hosts;
  ordered_json events = ordered_json::array();
  if (with_events)
    for (const auto& e : run.events) events.push_back(EventJson(run, e));
  j["events"] = events;
  ordered_json sb = ordered_json::array();
  for (const auto& iv : run.split_brain) {
    ordered_json s;
    s["vrid"] = iv.vrid;
    if (iv.family == vrrp::IpFamily::kV6) s["family"] = 6;
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
//
// The text is parsed once through nlohmann's SAX interface into a DOM, with
// limits applied while it is read (a string's length, the number of values),
// so a hostile file is refused before its cost is paid. Positions: nlohmann
// 3.11 keeps none in the DOM, so a diagnostic about a value names the value's
// path, and one more SAX pass over the text, only when there are such
// diagnostics, finds every path's line:column at once. The byte each event
// ends at comes from the input iterator (the lexer reads through it).

// Every string of a trace is at most this long; names (scenario, file,
// variant, hosts, instances) at most kMaxTraceName: a 50 MB scenario name
// made the viewer take minutes and gigabytes.
constexpr std::size_t kMaxTraceString = 1024 * 1024;
constexpr std::size_t kMaxTraceName = 4096;
// JSON values in one trace (a 512 MiB file of `1,` would be 256 million).
constexpr std::uint64_t kMaxTraceValues = 50'000'000;
// Diagnostics about values; past it one more says how many were left out.
constexpr std::size_t kMaxTraceDiagnostics = 100;

bool IsNameKey(std::string_view key) {
  return key == "scenario" || key == "file" || key == "variant" || key == "name" || key == "host" ||
         key == "hosts" || key == "peer" || key == "reaches" || key == "instance";
}

// An input iterator over the text that remembers the last byte the parser
// read through it.
class TrackingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* p, const char** last) : p_(p), last_(last) {}
  char operator*() const {
    *last_ = p_;
    return *p_;
  }
  TrackingIterator& operator++() {
    ++p_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++p_;
    return old;
  }
  bool operator==(const TrackingIterator& o) const { return p_ == o.p_; }
  bool operator!=(const TrackingIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_;
  const char** last_;
};

// Where the value whose last read byte is `last` starts: a string's opening
// quote; a number or literal back over its characters (a number's lexer has
// read one byte past it).
std::size_t ScalarStart(const std::string& s, std::size_t last) {
  if (last >= s.size()) last = s.empty() ? 0 : s.size() - 1;
  if (s.empty()) return 0;
  auto token_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-';
  };
  if (s[last] == '"') {
    // Back to the quote that is not escaped (an even number of backslashes
    // before it).
    for (std::size_t i = last; i-- > 0;) {
      if (s[i] != '"') continue;
      std::size_t backslashes = 0;
      while (backslashes < i && s[i - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return i;
    }
    return 0;
  }
  std::size_t i = last;
  if (!token_char(s[i]) && i > 0) --i;  // the byte read past a number
  while (i > 0 && token_char(s[i - 1])) --i;
  return i;
}

// A path to a value: object keys and array indices, serialised so that
// paths compare as strings.
struct JsonPath {
  std::string text;  // for messages: "trace", "runs[1].events[3]"
  std::string key;   // serialised steps

  JsonPath Key(const std::string& k) const { return {text + "." + k, key + '\x01' + k + '\x03'}; }
  JsonPath Index(std::size_t i) const {
    return {text + "[" + std::to_string(i) + "]", key + '\x02' + std::to_string(i) + '\x03'};
  }
};

// Builds the DOM (nlohmann's own SAX DOM builder) and refuses, as soon as it
// is read, a string over its length limit or one value too many.
class LimitedDom {
 public:
  using json = nlohmann::json;
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  LimitedDom(json* root, const std::string& text, const char* const* last)
      : dom_(*root, false), text_(text), last_(last) {}

  bool null() { return Count() && dom_.null(); }
  bool boolean(bool v) { return Count() && dom_.boolean(v); }
  bool number_integer(number_integer_t v) { return Count() && dom_.number_integer(v); }
  bool number_unsigned(number_unsigned_t v) { return Count() && dom_.number_unsigned(v); }
  bool number_float(number_float_t v, const string_t& s) {
    return Count() && dom_.number_float(v, s);
  }
  bool string(string_t& s) {
    const std::string_view key = containers_.empty()         ? std::string_view()
                                 : containers_.back().object ? std::string_view(key_)
                                                             : containers_.back().key;
    const std::size_t limit = IsNameKey(key) ? kMaxTraceName : kMaxTraceString;
    if (s.size() > limit) {
      return Refuse(
          "a string of " + std::to_string(s.size()) + " bytes (" +
              (limit == kMaxTraceName ? "\"" + std::string(key) + "\" is a name: at most " +
                                            std::to_string(kMaxTraceName) + " bytes"
                                      : "at most " + std::to_string(kMaxTraceString) + " bytes") +
              "): \"" + Clip(s, 40) + "\"",
          ScalarStart(text_, Offset()));
    }
    return Count() && dom_.string(s);
  }
  bool binary(binary_t& b) { return dom_.binary(b); }
  bool start_object(std::size_t n) {
    containers_.push_back({true, ParentKey()});
    return Count() && dom_.start_object(n);
  }
  bool key(string_t& k) {
    if (k.size() > kMaxTraceName)
      return Refuse("a key of " + std::to_string(k.size()) + " bytes (at most " +
                        std::to_string(kMaxTraceName) + ")",
                    ScalarStart(text_, Offset()));
    key_ = k;
    return dom_.key(k);
  }
  bool end_object() {
    containers_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    containers_.push_back({false, ParentKey()});
    return Count() && dom_.start_array(n);
  }
  bool end_array() {
    containers_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    // `position` counts the bytes read (1-based); a number too large for a
    // double (out_of_range 406, fuzz finding F5) comes here too.
    error_ = std::string("not valid JSON: ") + e.what();
    error_at_ = position > 0 ? position - 1 : 0;
    return false;
  }

  const std::string& error() const { return error_; }
  std::size_t error_at() const { return error_at_; }

 private:
  struct Container {
    bool object;
    std::string key;  // the key it is the value of ("" in an array or at the top)
  };
  std::string ParentKey() const {
    return !containers_.empty() && containers_.back().object ? key_ : std::string();
  }
  std::size_t Offset() const {
    return *last_ ? static_cast<std::size_t>(*last_ - text_.data()) : 0;
  }
  bool Count() {
    if (++values_ <= kMaxTraceValues) return true;
    return Refuse("more than " + std::to_string(kMaxTraceValues) + " JSON values in one trace",
                  Offset());
  }
  bool Refuse(std::string message, std::size_t at) {
    error_ = std::move(message);
    error_at_ = at;
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  const std::string& text_;
  const char* const* last_;
  std::vector<Container> containers_;
  std::string key_;
  std::uint64_t values_ = 0;
  std::string error_;
  std::size_t error_at_ = 0;
};

// The second pass: where each of the wanted paths' values starts.
class PathLocator {
 public:
  using json = nlohmann::json;

  PathLocator(const std::string& text, const char* const* last,
              std::map<std::string, std::size_t>* wanted)
      : text_(text), last_(last), wanted_(wanted), left_(wanted->size()) {}

  bool null() { return Scalar(); }
  bool boolean(bool) { return Scalar(); }
  bool number_integer(json::number_integer_t) { return Scalar(); }
  bool number_unsigned(json::number_unsigned_t) { return Scalar(); }
  bool number_float(json::number_float_t, const json::string_t&) { return Scalar(); }
  bool string(json::string_t&) { return Scalar(); }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return Open(true); }
  bool key(json::string_t& k) {
    path_.resize(frames_.back().base);
    path_ += '\x01';
    path_ += k;
    path_ += '\x03';
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(std::size_t) { return Open(false); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  struct Frame {
    bool object;
    std::size_t base;  // path_ length of the container itself
    std::size_t index = 0;
  };
  std::size_t Offset() const {
    return *last_ ? static_cast<std::size_t>(*last_ - text_.data()) : 0;
  }
  // Called at the start of every value; false stops the pass (all found).
  bool Found(std::size_t at) {
    if (!frames_.empty() && !frames_.back().object) {
      Frame& f = frames_.back();
      path_.resize(f.base);
      path_ += '\x02';
      path_ += std::to_string(f.index++);
      path_ += '\x03';
    }
    auto it = wanted_->find(path_);
    if (it != wanted_->end() && it->second == std::string::npos) {
      it->second = at;
      if (--left_ == 0) return false;
    }
    return true;
  }
  bool Scalar() { return Found(ScalarStart(text_, Offset())); }
  bool Open(bool object) {
    if (!Found(Offset())) return false;
    frames_.push_back({object, path_.size()});
    return true;
  }
  bool Close() {
    frames_.pop_back();
    if (!frames_.empty()) path_.resize(frames_.back().base);
    return true;
  }

  const std::string& text_;
  const char* const* last_;
  std::map<std::string, std::size_t>* wanted_;
  std::size_t left_;
  std::vector<Frame> frames_;
  std::string path_;
};

// Line and column (1-based, columns in bytes) of each offset, in one walk.
std::vector<std::pair<int, int>> LinesAndColumns(const std::string& text,
                                                 const std::vector<std::size_t>& offsets) {
  std::vector<std::size_t> order(offsets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return offsets[a] < offsets[b]; });
  std::vector<std::pair<int, int>> out(offsets.size(), {0, 0});
  int line = 1;
  std::size_t line_start = 0, pos = 0;
  for (std::size_t k : order) {
    const std::size_t target = std::min(offsets[k], text.size());
    for (; pos < target; ++pos)
      if (text[pos] == '\n') {
        ++line;
        line_start = pos + 1;
      }
    out[k] = {line, static_cast<int>(target - line_start + 1)};
  }
  return out;
}

struct Reader {
  using json = nlohmann::json;

  const std::string& file;
  vrrp::Diagnostics* diags;
  std::vector<std::string> paths;  // per diagnostic: its value's serialised path
  std::size_t left_out = 0;

  // An error about the value at `at`; its line:column is filled in by
  // Locate() once the whole trace has been read.
  void Error(const JsonPath& at, const std::string& what) {
    if (diags->size() >= kMaxTraceDiagnostics) {
      ++left_out;
      return;
    }
    diags->push_back({vrrp::Severity::kError, {file, 0, 0}, what});
    paths.push_back(at.key);
  }

  // Fills in the positions in one SAX pass over `text`.
  void Locate(const std::string& text) {
    if (!paths.empty()) {
      std::map<std::string, std::size_t> wanted;
      for (const auto& p : paths) wanted.emplace(p, std::string::npos);
      const char* last = nullptr;
      PathLocator locator(text, &last, &wanted);
      json::sax_parse(TrackingIterator(text.data(), &last),
                      TrackingIterator(text.data() + text.size(), &last), &locator);
      std::vector<std::size_t> offsets;
      std::vector<std::size_t> which;
      for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::size_t at = wanted[paths[i]];
        if (at == std::string::npos) continue;
        offsets.push_back(at);
        which.push_back(i);
      }
      const auto lc = LinesAndColumns(text, offsets);
      for (std::size_t k = 0; k < which.size(); ++k) {
        (*diags)[which[k]].where.line = lc[k].first;
        (*diags)[which[k]].where.column = lc[k].second;
      }
    }
    if (left_out > 0)
      diags->push_back({vrrp::Severity::kError,
                        {file, 0, 0},
                        "... and " + std::to_string(left_out) + " more error" +
                            (left_out == 1 ? "" : "s") + " (the first " +
                            std::to_string(kMaxTraceDiagnostics) + " are shown)"});
  }

  static const json* Find(const json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
  }

  // The member `key` of object `j` at `at` as a T; false (an error if it is
  // required or has the wrong type) otherwise. Integers must be JSON integers
  // within [lo, hi]: nlohmann converts a float or an out-of-range integer with
  // a static_cast (UB or a silent wrap, fuzz finding F6).
  // An optional "family": 4 (the default) or 6.
  vrrp::IpFamily Family(const json& j, const JsonPath& at) {
    int family = 4;
    if (Get(j, "family", &family, at, false, 4, 6) && family == 5)
      Error(at.Key("family"), at.text + ": \"family\" is 5, expected 4 or 6");
    return family == 6 ? vrrp::IpFamily::kV6 : vrrp::IpFamily::kV4;
  }

  template <typename T>
  bool Get(const json& j, const char* key, T* out, const JsonPath& at, bool required = true,
           std::int64_t lo = std::numeric_limits<std::int64_t>::min(),
           std::int64_t hi = std::numeric_limits<std::int64_t>::max()) {
    const json* v = Find(j, key);
    if (v == nullptr) {
      if (required) Error(at, at.text + ": missing \"" + key + "\"");
      return false;
    }
    const JsonPath here = at.Key(key);
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      bool in_type = false, in_range = false;
      std::string shown;
      if (v->is_number_unsigned()) {
        const auto u = v->get<std::uint64_t>();
        in_type = std::in_range<T>(u);
        in_range =
            in_type && static_cast<std::int64_t>(u) >= lo && static_cast<std::int64_t>(u) <= hi;
        shown = std::to_string(u);
      } else if (v->is_number_integer()) {
        const auto s = v->get<std::int64_t>();
        in_type = std::in_range<T>(s);
        in_range = in_type && s >= lo && s <= hi;
        shown = std::to_string(s);
      }
      if (!in_type) {
        Error(here, at.text + ": \"" + key + "\" has the wrong type (" + v->type_name() +
                        (v->is_number() ? ", not an integer in range" : "") + ")");
        return false;
      }
      if (!in_range) {
        Error(here, at.text + ": \"" + key + "\" " + shown + " is outside " + std::to_string(lo) +
                        ".." + std::to_string(hi));
        return false;
      }
      *out = static_cast<T>(v->is_number_unsigned()
                                ? static_cast<std::int64_t>(v->get<std::uint64_t>())
                                : v->get<std::int64_t>());
      return true;
    } else {
      try {
        *out = v->get<T>();
        return true;
      } catch (const std::exception&) {
        Error(here, at.text + ": \"" + key + "\" has the wrong type (" + v->type_name() + ")");
        return false;
      }
    }
  }

  // An array member; false (with an error if present but not an array).
  const json* Array(const json& j, const char* key, const JsonPath& at, bool required) {
    const json* v = Find(j, key);
    if (v == nullptr) {
      if (required) Error(at, at.text + ": missing \"" + key + "\"");
      return nullptr;
    }
    if (!v->is_array()) {
      Error(at.Key(key), at.text + ": \"" + key + "\" must be an array");
      return nullptr;
    }
    return v;
  }

  // The index of host `name`; -1 and an error at `value` (said of `where`).
  int HostIndex(const RunResult& run, const std::string& name, const JsonPath& where,
                const JsonPath& value) {
    for (std::size_t i = 0; i < run.hosts.size(); ++i)
      if (run.hosts[i].name == name) return static_cast<int>(i);
    Error(value, where.text + ": unknown host \"" + Clip(name) + "\"");
    return -1;
  }

  bool ReadRun(const json& j, RunResult* run, const JsonPath& at) {
    if (!j.is_object()) {
      Error(at, at.text + ": expected an object");
      return false;
    }
    Get(j, "scenario", &run->scenario, at);
    Get(j, "file", &run->file, at, false);
    Get(j, "variant", &run->variant, at, false);
    Get(j, "observed", &run->observed, at, false);
    Get(j, "seed", &run->seed, at);
    // The scenario's limit (30 days): beyond it a trace is not one vrrpsim
    // writes, and times near 2^63 overflow whoever computes with them.
    bool duration_ok = false;
    if (Get(j, "duration_us", &run->duration, at)) {
      duration_ok = run->duration >= 0 && run->duration <= kMaxDuration;
      if (!duration_ok)
        Error(at.Key("duration_us"), at.text + ": \"duration_us\" " +
                                         std::to_string(run->duration) + " is outside 0.." +
                                         std::to_string(kMaxDuration) + " (30 days)");
    }
    Get(j, "events_processed", &run->events_processed, at, false, 0);
    const json* hosts = Array(j, "hosts", at, true);
    if (Find(j, "hosts") && !hosts) return false;
    if (hosts) {
      const JsonPath hp = at.Key("hosts");
      for (std::size_t i = 0; i < hosts->size(); ++i) {
        const JsonPath hw = hp.Index(i);
        const json& hj = (*hosts)[i];
        if (!hj.is_object()) {
          Error(hw, hw.text + ": expected an object");
          continue;
        }
        HostInfo h;
        Get(hj, "name", &h.name, hw);
        if (const json* inst = Array(hj, "instances", hw, true)) {
          const JsonPath ip = hw.Key("instances");
          for (std::size_t k = 0; k < inst->size(); ++k) {
            const JsonPath iw = ip.Index(k);
            std::string name;
            int vrid = 0;
            Get((*inst)[k], "name", &name, iw);
            Get((*inst)[k], "vrid", &vrid, iw, true, 1, 255);
            h.instances.push_back(name);
            h.vrids.push_back(vrid);
            h.families.push_back(Family((*inst)[k], iw));
          }
        }
        run->hosts.push_back(std::move(h));
      }
    }
    const json* events = Array(j, "events", at, true);
    if (Find(j, "events") && !events) return false;
    if (events) {
      const JsonPath ep = at.Key("events");
      Time last = 0;
      for (std::size_t i = 0; i < events->size(); ++i) {
        const JsonPath ew = ep.Index(i);
        const json& ej = (*events)[i];
        if (!ej.is_object()) {
          Error(ew, ew.text + ": expected an object");
          continue;
        }
        TraceEvent e;
        std::string kind;
        if (!Get(ej, "t", &e.t, ew) || !Get(ej, "kind", &kind, ew)) continue;
        if (!ParseEnum(kind, TraceKindName, &e.kind)) {
          Error(ew.Key("kind"), ew.text + ": unknown event kind \"" + Clip(kind) + "\"");
          continue;
        }
        if (e.t < 0 || (duration_ok && e.t > run->duration)) {
          Error(ew.Key("t"), ew.text + ": time " + std::to_string(e.t) +
                                 (e.t < 0 ? " is negative"
                                          : " is after the end of the run (duration_us " +
                                                std::to_string(run->duration) + ")"));
          continue;
        }
        if (e.t < last)
          Error(ew.Key("t"), ew.text + ": events are not in time order (time " +
                                 std::to_string(e.t) + " after " + std::to_string(last) + ")");
        last = e.t;
        std::string s;
        if (Get(ej, "host", &s, ew, false)) e.host = HostIndex(*run, s, ew, ew.Key("host"));
        if (Get(ej, "peer", &s, ew, false)) e.peer_host = HostIndex(*run, s, ew, ew.Key("peer"));
        if (const json* r = Find(ej, "reaches"); r != nullptr && r->is_string())
          e.peer_host = HostIndex(*run, r->get<std::string>(), ew, ew.Key("reaches"));
        if (Get(ej, "instance", &s, ew, false) && e.host >= 0) {
          const auto& names = run->hosts[e.host].instances;
          for (std::size_t k = 0; k < names.size(); ++k)
            if (names[k] == s) e.instance = static_cast<int>(k);
        }
        // The kinds the writer writes a "vrid" for must have one: read as 0,
        // it would be written back as the VRID 0 the reader refuses (fuzz
        // finding F8: a trace must read back what it writes).
        const bool has_vrid = e.kind == TraceKind::kTransition || e.kind == TraceKind::kPriority ||
                              e.kind == TraceKind::kVipAdded || e.kind == TraceKind::kVipRemoved ||
                              e.kind == TraceKind::kGarp || e.kind == TraceKind::kAdvertSent ||
                              e.kind == TraceKind::kAdvertReceived ||
                              e.kind == TraceKind::kPacketDropped;
        Get(ej, "vrid", &e.vrid, ew, has_vrid, 1, 255);
        Get(ej, "priority", &e.priority, ew, false, 0, 255);
        // "from" is a state name for transitions and the old priority for
        // priority changes.
        if (const json* f = Find(ej, "from")) {
          if (f->is_string()) {
            if (!ParseEnum(f->get<std::string>(), vrrp::StateName, &e.from))
              Error(ew.Key("from"),
                    ew.text + ": unknown state \"" + Clip(f->get<std::string>()) + "\"");
          } else {
            Get(ej, "from", &e.value, ew, false, 0, 255);
          }
        }
        if (Get(ej, "to", &s, ew, false) && !ParseEnum(s, vrrp::StateName, &e.to))
          Error(ew.Key("to"), ew.text + ": unknown state \"" + Clip(s) + "\"");
        if (Get(ej, "reason", &s, ew, false) && !ParseEnum(s, vrrp::ReasonName, &e.reason))
          Error(ew.Key("reason"), ew.text + ": unknown reason \"" + Clip(s) + "\"");
        if (Get(ej, "address", &s, ew, false)) {
          auto a = vrrp::IpAddress::Parse(s);
          if (!a)
            Error(ew.Key("address"), ew.text + ": bad address \"" + Clip(s) + "\"");
          else
            e.addr = *a;
        }
        bool ok = false;
        if (Get(ej, "ok", &ok, ew, false)) e.value = ok ? 1 : 0;
        if (e.kind == TraceKind::kGroupTransition) Get(ej, "group", &e.instance, ew, true, 0);
        Get(ej, "detail", &e.detail, ew, false);
        run->events.push_back(std::move(e));
      }
    }
    if (const json* sb = Array(j, "split_brain", at, false)) {
      const JsonPath sp = at.Key("split_brain");
      for (std::size_t i = 0; i < sb->size(); ++i) {
        const JsonPath sw = sp.Index(i);
        const json& sj = (*sb)[i];
        SplitBrainInterval iv;
        Get(sj, "vrid", &iv.vrid, sw, true, 1, 255);
        iv.family = Family(sj, sw);
        Get(sj, "domain", &iv.domain, sw, false, 0);
        const bool has_start = Get(sj, "start", &iv.start, sw);
        const bool times = Get(sj, "end", &iv.end, sw) && has_start;
        if (times && duration_ok && (iv.start < 0 || iv.end < iv.start || iv.end > run->duration)) {
          Error(sw, sw.text + ": interval " + std::to_string(iv.start) + ".." +
                        std::to_string(iv.end) + " is not within 0..duration_us (" +
                        std::to_string(run->duration) + ")");
          continue;
        }
        Get(sj, "masters", &iv.masters, sw, false);
        Get(sj, "vip_holders", &iv.vip_holders, sw, false);
        if (const json* names = Array(sj, "hosts", sw, false)) {
          const JsonPath np = sw.Key("hosts");
          for (std::size_t k = 0; k < names->size(); ++k) {
            const json& n = (*names)[k];
            if (!n.is_string()) {
              Error(np.Index(k), np.text + ": host names are strings");
              continue;
            }
            iv.hosts.push_back(HostIndex(*run, n.get<std::string>(), sw, np.Index(k)));
          }
        }
        run->split_brain.push_back(std::move(iv));
      }
    }
    if (const json* metrics = Array(j, "metrics", at, false)) {
      const JsonPath mp = at.Key("metrics");
      for (std::size_t i = 0; i < metrics->size(); ++i) {
        const JsonPath mw = mp.Index(i);
        Metric m;
        std::string unit;
        Get((*metrics)[i], "name", &m.name, mw);
        Get((*metrics)[i], "subject", &m.subject, mw, false);
        Get((*metrics)[i], "value", &m.value, mw);
        if (Get((*metrics)[i], "unit", &unit, mw, false)) m.is_duration = unit == "us";
        run->metrics.push_back(std::move(m));
      }
    }
    if (const json* exps = Array(j, "expectations", at, false)) {
      const JsonPath xp = at.Key("expectations");
      for (std::size_t i = 0; i < exps->size(); ++i) {
        const JsonPath xw = xp.Index(i);
        ExpectationResult x;
        Get((*exps)[i], "description", &x.description, xw);
        Get((*exps)[i], "passed", &x.passed, xw);
        Get((*exps)[i], "evidence", &x.evidence, xw, false);
        Get((*exps)[i], "line", &x.where.line, xw, false, 0);
        Get((*exps)[i], "column", &x.where.column, xw, false, 0);
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
  nlohmann::json j;
  {
    const char* last = nullptr;
    LimitedDom dom(&j, text, &last);
    bool parsed = false;
    try {
      parsed = nlohmann::json::sax_parse(TrackingIterator(text.data(), &last),
                                         TrackingIterator(text.data() + text.size(), &last), &dom);
    } catch (const std::exception& e) {
      // The DOM builder does not throw with exceptions off; anything else
      // (allocation) is still a refusal, not a crash.
      result.diagnostics.push_back({vrrp::Severity::kError,
                                    {filename, 0, 0},
                                    "cannot read the trace: " + std::string(e.what())});
      return result;
    }
    if (!parsed) {
      const auto lc = LinesAndColumns(text, {dom.error_at()});
      result.diagnostics.push_back(
          {vrrp::Severity::kError,
           {filename, lc[0].first, lc[0].second},
           dom.error().empty() ? std::string("not valid JSON") : dom.error()});
      return result;
    }
  }
  Reader reader{filename, &result.diagnostics, {}, 0};
  const JsonPath top{"trace", ""};
  if (!j.is_object()) {
    reader.Error(top, "expected a JSON object at the top level");
    reader.Locate(text);
    return result;
  }
  std::string format;
  int version = 0;
  if (!reader.Get(j, "format", &format, top) || format != kFormatName) {
    if (result.diagnostics.empty())
      reader.Error(top.Key("format"), "not a vrrpsim trace (format is \"" + Clip(format) + "\")");
    reader.Locate(text);
    return result;
  }
  if (!reader.Get(j, "version", &version, top)) {
    reader.Locate(text);
    return result;
  }
  if (version != kTraceFormatVersion) {
    reader.Error(top.Key("version"), "unsupported trace version " + std::to_string(version) +
                                         " (this vrrpsim reads " +
                                         std::to_string(kTraceFormatVersion) + ")");
    reader.Locate(text);
    return result;
  }
  if (j.contains("runs")) {
    if (const nlohmann::json* runs = reader.Array(j, "runs", top, true)) {
      const JsonPath rp{"runs", std::string("\x01") + "runs" + '\x03'};
      for (std::size_t i = 0; i < runs->size(); ++i) {
        RunResult r;
        if (reader.ReadRun((*runs)[i], &r, rp.Index(i))) result.runs.push_back(std::move(r));
      }
    }
  } else {
    RunResult r;
    if (reader.ReadRun(j, &r, top)) result.runs.push_back(std::move(r));
  }
  reader.Locate(text);
  return result;
}

std::uint64_t TraceHash(const RunResult& run) { return Fnv1a64(TraceJson(run)); }

// --- streaming ---------------------------------------------------------------

namespace {

// A string as nlohmann's dump writes it (ensure_ascii off, invalid UTF-8
// replaced). Printable ASCII other than '"' and '\\' goes through as it is
// (0x7f too: nlohmann escapes it only with ensure_ascii); anything else is
// left to nlohmann itself, so that the bytes cannot differ.
template <typename Out>
void AppendQuoted(std::string_view s, Out* out) {
  bool plain = true;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7f || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out->push_back('"');
    out->append(s);
    out->push_back('"');
    return;
  }
  out->append(std::string_view(
      ordered_json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

std::string Quoted(std::string_view s) {
  std::string out;
  AppendQuoted(s, &out);
  return out;
}

template <typename Out>
void AppendInt(std::int64_t v, Out* out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

// The quoted names of an enum's values (they are few and dense, as in
// ParseEnum), built once.
template <typename NameFn>
std::vector<std::string> QuotedNames(NameFn name) {
  std::vector<std::string> out;
  for (int i = 0; i < 64; ++i) out.push_back(Quoted(name(i)));
  return out;
}

const std::string& KindQuoted(TraceKind k) {
  static const std::vector<std::string> names =
      QuotedNames([](int i) { return TraceKindName(static_cast<TraceKind>(i)); });
  return names[static_cast<std::size_t>(k) & 63];
}
const std::string& StateQuoted(vrrp::State s) {
  static const std::vector<std::string> names =
      QuotedNames([](int i) { return vrrp::StateName(static_cast<vrrp::State>(i)); });
  return names[static_cast<std::size_t>(s) & 63];
}
const std::string& ReasonQuoted(vrrp::Reason r) {
  static const std::vector<std::string> names =
      QuotedNames([](int i) { return vrrp::ReasonName(static_cast<vrrp::Reason>(i)); });
  return names[static_cast<std::size_t>(r) & 63];
}

// Ipv4::ToString, quoted, without a string of its own.
template <typename Out>
void AppendAddress(const vrrp::IpAddress& ip, Out* out) {
  if (ip.is_v6()) {  // RFC 5952 text, as IpAddress::ToString writes it
    const std::string text = '"' + ip.ToString() + '"';
    out->append(std::string_view(text));
    return;
  }
  const vrrp::Ipv4 a = ip.v4();
  // Digits written by hand: std::to_chars's error path (ptr == last) made
  // GCC 12 at -O3 warn of a write past the buffer that cannot happen.
  char buf[18];
  char* p = buf;
  *p++ = '"';
  for (int shift = 24; shift >= 0; shift -= 8) {
    const unsigned v = (a.value >> shift) & 0xffu;
    if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
    if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
    *p++ = static_cast<char>('0' + v % 10);
    if (shift) *p++ = '.';
  }
  *p++ = '"';
  out->append(std::string_view(buf, static_cast<std::size_t>(p - buf)));
}

// A literal's bytes, without measuring it at run time.
template <typename Out, std::size_t N>
void Lit(Out* out, const char (&s)[N]) {
  out->append(std::string_view(s, N - 1));
}

// Bytes written at a cursor with room enough (TraceEventJson::MaxBytes):
// no capacity check per piece, and a literal's memcpy has a constant size.
struct RawOut {
  char* p;
  [[gnu::always_inline]] void append(std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  [[gnu::always_inline]] void push_back(char c) { *p++ = c; }
};

[[gnu::always_inline]] inline void AppendInt(std::int64_t v, RawOut* out) {
  out->p = std::to_chars(out->p, out->p + 24, v).ptr;
}

// A name at a cursor: `padded` is followed by at least 32 readable bytes
// (TraceEventJson's arena), so a short one is one copy of constant size.
[[gnu::always_inline]] inline void AppendName(const char* padded, std::uint32_t size, RawOut* out) {
  if (size <= 32)
    std::memcpy(out->p, padded, 32);
  else
    std::memcpy(out->p, padded, size);
  out->p += size;
}

// A literal at a cursor: a copy of constant size, a few moves once inlined.
template <std::size_t N>
[[gnu::always_inline]] inline void Lit(RawOut* out, const char (&s)[N]) {
  std::memcpy(out->p, s, N - 1);
  out->p += N - 1;
}

// Keys at the indentation of a single run's event members (three spaces).
#define VSIM_KEY(k) "\n   \"" k "\": "

}  // namespace

TraceEventJson::TraceEventJson(const std::vector<HostInfo>& hosts) {
  auto add = [&](const std::string& quoted) {
    names_.push_back(
        {static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(quoted.size())});
    arena_ += quoted;
    arena_.append(32, '\0');  // AppendName reads 32 bytes
    max_name_ = std::max(max_name_, quoted.size());
  };
  add("\"\"");  // names_[0]: a name out of range
  for (int k = 0; k < 64; ++k) add(KindQuoted(static_cast<TraceKind>(k)));
  for (int k = 0; k < 64; ++k) add(StateQuoted(static_cast<vrrp::State>(k)));
  for (int k = 0; k < 64; ++k) add(ReasonQuoted(static_cast<vrrp::Reason>(k)));
  for (const auto& h : hosts) {
    host_name_.push_back(names_.size());
    add(Quoted(h.name));
    instance_name_.emplace_back();
    for (const auto& i : h.instances) {
      instance_name_.back().push_back(names_.size());
      add(Quoted(i));
    }
  }
}

void TraceEventJson::Append(const TraceEvent& e, std::string* out) {
  const std::size_t old = out->size();
  out->resize(old + MaxBytes(e));
  char* end = Write(e, out->data() + old);
  out->resize(static_cast<std::size_t>(end - out->data()));
}

std::size_t TraceEventJson::MaxBytes(const TraceEvent& e) const {
  // Keys, punctuation and numbers of the longest event (a transition: ten
  // members) are well under 1 KiB; a name is written at most twice (host and
  // peer), an escaped byte takes at most 6 ("\u00XX"; U+FFFD for an
  // invalid one takes 3).
  return 1024 + 2 * max_name_ + 6 * e.detail.size();
}

char* TraceEventJson::Write(const TraceEvent& e, char* at) {
  RawOut raw{at};
  RawOut* out = &raw;
  auto name = [&](std::size_t index) __attribute__((always_inline)) {
    const Name& n = names_[index];
    AppendName(arena_.data() + n.offset, n.size, out);
  };
  // EventJson's HostName / InstanceName: "" when out of range.
  auto host = [&](int h) __attribute__((always_inline)) {
    name(h >= 0 && h < static_cast<int>(host_name_.size()) ? host_name_[static_cast<std::size_t>(h)]
                                                           : 0);
  };
  auto instance = [&](int h, int i) {
    if (h >= 0 && h < static_cast<int>(instance_name_.size()) && i >= 0 &&
        i < static_cast<int>(instance_name_[static_cast<std::size_t>(h)].size()))
      name(instance_name_[static_cast<std::size_t>(h)][static_cast<std::size_t>(i)]);
    else
      name(0);
  };
  if (count_++ == 0)
    Lit(out, "\n  {");
  else
    Lit(out, ",\n  {");
  Lit(out, VSIM_KEY("t"));
  AppendInt(e.t, out);
  Lit(out, "," VSIM_KEY("kind"));
  name(1 + (static_cast<std::size_t>(e.kind) & 63));
  if (e.host >= 0) {
    Lit(out, "," VSIM_KEY("host"));
    host(e.host);
  }
  // The members in EventJson's order.
  switch (e.kind) {
    case TraceKind::kTransition:
      Lit(out, "," VSIM_KEY("instance"));
      instance(e.host, e.instance);
      Lit(out, "," VSIM_KEY("vrid"));
      AppendInt(e.vrid, out);
      Lit(out, "," VSIM_KEY("from"));
      name(65 + (static_cast<std::size_t>(e.from) & 63));
      Lit(out, "," VSIM_KEY("to"));
      name(65 + (static_cast<std::size_t>(e.to) & 63));
      Lit(out, "," VSIM_KEY("priority"));
      AppendInt(e.priority, out);
      Lit(out, "," VSIM_KEY("reason"));
      name(129 + (static_cast<std::size_t>(e.reason) & 63));
      break;
    case TraceKind::kGroupTransition:
      Lit(out, "," VSIM_KEY("group"));
      AppendInt(e.instance, out);
      Lit(out, "," VSIM_KEY("from"));
      name(65 + (static_cast<std::size_t>(e.from) & 63));
      Lit(out, "," VSIM_KEY("to"));
      name(65 + (static_cast<std::size_t>(e.to) & 63));
      Lit(out, "," VSIM_KEY("reason"));
      name(129 + (static_cast<std::size_t>(e.reason) & 63));
      break;
    case TraceKind::kPriority:
      Lit(out, "," VSIM_KEY("instance"));
      instance(e.host, e.instance);
      Lit(out, "," VSIM_KEY("vrid"));
      AppendInt(e.vrid, out);
      Lit(out, "," VSIM_KEY("from"));
      AppendInt(e.value, out);
      Lit(out, "," VSIM_KEY("priority"));
      AppendInt(e.priority, out);
      break;
    case TraceKind::kVipAdded:
    case TraceKind::kVipRemoved:
    case TraceKind::kGarp:
      if (e.instance >= 0) {
        Lit(out, "," VSIM_KEY("instance"));
        instance(e.host, e.instance);
      }
      Lit(out, "," VSIM_KEY("vrid"));
      AppendInt(e.vrid, out);
      Lit(out, "," VSIM_KEY("address"));
      AppendAddress(e.addr, out);
      break;
    case TraceKind::kAdvertSent:
      if (e.instance >= 0) {
        Lit(out, "," VSIM_KEY("instance"));
        instance(e.host, e.instance);
      }
      Lit(out, "," VSIM_KEY("vrid"));
      AppendInt(e.vrid, out);
      Lit(out, "," VSIM_KEY("priority"));
      AppendInt(e.priority, out);
      Lit(out, "," VSIM_KEY("address"));
      AppendAddress(e.addr, out);
      break;
    case TraceKind::kAdvertReceived:
    case TraceKind::kPacketDropped:
      Lit(out, "," VSIM_KEY("vrid"));
      AppendInt(e.vrid, out);
      Lit(out, "," VSIM_KEY("priority"));
      AppendInt(e.priority, out);
      if (e.peer_host >= 0) {
        Lit(out, "," VSIM_KEY("peer"));
        host(e.peer_host);
      }
      break;
    case TraceKind::kScriptResult:
      Lit(out, "," VSIM_KEY("ok"));
      if (e.value != 0)
        Lit(out, "true");
      else
        Lit(out, "false");
      break;
    case TraceKind::kOperation:
      if (e.peer_host >= 0) {
        Lit(out, "," VSIM_KEY("peer"));
        host(e.peer_host);
      }
      break;
    case TraceKind::kClientView:
      Lit(out, "," VSIM_KEY("address"));
      AppendAddress(e.addr, out);
      Lit(out, "," VSIM_KEY("reaches"));
      if (e.peer_host >= 0)
        host(e.peer_host);
      else
        Lit(out, "null");
      break;
    case TraceKind::kScriptRun:
    case TraceKind::kLog:
      if (e.instance >= 0) {
        Lit(out, "," VSIM_KEY("instance"));
        instance(e.host, e.instance);
      }
      break;
  }
  if (!e.detail.empty()) {
    Lit(out, "," VSIM_KEY("detail"));
    AppendQuoted(e.detail, out);
  }
  Lit(out, "\n  }");
  return raw.p;
}

#undef VSIM_KEY

TraceJsonParts TraceJsonAround(const RunResult& run, bool in_runs, bool has_events) {
  std::string text;
  if (in_runs) {
    ordered_json j = Envelope();
    ordered_json arr = ordered_json::array();
    arr.push_back(RunJson(run, false));
    j["runs"] = arr;
    text = j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
    // The run object alone: between "runs": [\n and \n ]\n}.
    const std::size_t begin = text.find("\"runs\": [\n") + 10;
    text = text.substr(begin, text.size() - 5 - begin);
  } else {
    ordered_json j = Envelope();
    const ordered_json body = RunJson(run, false);
    for (const auto& item : body.items()) j[item.key()] = item.value();
    text = j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
  }
  // The member at the start of its line: a string's newlines are escaped,
  // so nothing in a name can look like it.
  const std::string key = in_runs ? "\n   \"events\": [" : "\n \"events\": [";
  const std::size_t at = text.find(key + "]");
  TraceJsonParts parts;
  parts.head = text.substr(0, at + key.size());
  parts.tail = (has_events ? (in_runs ? "\n   " : "\n ") : "") + text.substr(at + key.size());
  return parts;
}

}  // namespace vsim

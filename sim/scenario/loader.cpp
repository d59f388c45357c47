// Scenario YAML reader. Every problem is a diagnostic with file:line:column;
// unknown keys are errors (a typo must never silently drop an expectation);
// yaml-cpp exceptions are caught here, at the boundary.
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "engine/config/parser.h"
#include "sim/core/clip.h"
#include "sim/io/file_io.h"
#include "sim/io/fs_include_resolver.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/schema.h"
#include "sim/scenario/timing_reader.h"

namespace vsim {

namespace {

using vrrp::DiagClass;
using vrrp::Diagnostic;
using vrrp::Diagnostics;
using vrrp::Location;
using vrrp::Severity;

// Total number of YAML nodes we are willing to visit (aliases can make a
// small file describe a huge tree).
constexpr std::int64_t kVisitBudget = 5'000'000;

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<vrrp::State> ParseState(std::string_view s) {
  if (s == "MASTER") return vrrp::State::kMaster;
  if (s == "BACKUP") return vrrp::State::kBackup;
  if (s == "FAULT") return vrrp::State::kFault;
  if (s == "STOP") return vrrp::State::kStop;
  if (s == "INIT") return vrrp::State::kInit;
  return std::nullopt;
}

// Includes of inline configurations resolve relative to the base directory.
class InlineResolver : public vrrp::IncludeResolver {
 public:
  InlineResolver(std::string base_dir, std::string inline_name)
      : fs_(base_dir), base_dir_(std::move(base_dir)), inline_name_(std::move(inline_name)) {}
  std::vector<File> Resolve(const std::string& including_file, const std::string& pattern,
                            std::string* error) override {
    const std::string from =
        including_file == inline_name_ ? base_dir_ + "/inline.conf" : including_file;
    return fs_.Resolve(from, pattern, error);
  }
  const std::vector<std::string>& files_read() const { return fs_.files_read(); }
  std::size_t bytes_read() const { return fs_.bytes_read(); }

 private:
  FsIncludeResolver fs_;
  std::string base_dir_;
  std::string inline_name_;
};

thread_local KeysCheckedHook keys_checked_hook;  // SetKeysCheckedHook (tests)

struct OverrideKeyInfo {
  const char* key;
};

class Loader {
 public:
  Loader(std::string file, std::string base_dir, std::string_view text, Diagnostics* diags)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), text_(text), diags_(diags) {}

  std::optional<Scenario> Load(const YAML::Node& root);

 private:
  // ---- diagnostics
  Location Loc(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }
  void Error(const Location& where, std::string msg) {
    ++errors_;
    diags_->push_back({Severity::kError, where, ClipQuoted(std::move(msg)), DiagClass::kVrrpsim});
  }
  void Error(const YAML::Node& n, std::string msg) { Error(Loc(n), std::move(msg)); }
  void Warn(const Location& where, std::string msg) {
    diags_->push_back({Severity::kWarning, where, ClipQuoted(std::move(msg)), DiagClass::kVrrpsim});
  }
  bool Spend() { return --budget_ >= 0; }
  // Counts `bytes` of configuration text against kMaxConfigBytesTotal; false
  // (one error, at `n`) once the total is over it.
  bool ChargeConfig(std::uint64_t bytes, const Location& where) {
    if (config_over_) return false;
    config_bytes_ += bytes;
    if (config_bytes_ <= kMaxConfigBytesTotal) return true;
    config_over_ = true;
    Error(where, "the scenario's keepalived configurations are larger than " +
                     std::to_string(kMaxConfigBytesTotal) +
                     " bytes in total (every node's, every reload's with its repeats, and their "
                     "includes)");
    return false;
  }

  // ---- typed access
  bool IsMap(const YAML::Node& n, const std::string& what) {
    if (n.IsMap()) return true;
    Error(n, what + " must be a mapping (key: value lines)");
    return false;
  }
  bool IsSeq(const YAML::Node& n, const std::string& what) {
    if (n.IsSequence()) return true;
    Error(n, what + " must be a list");
    return false;
  }
  // Checks keys: strings, known, not duplicated. Returns false on any error.
  bool Keys(const YAML::Node& map, const std::vector<std::string_view>& allowed,
            const std::string& what) {
    if (keys_checked_hook) keys_checked_hook(Loc(map), allowed);
    bool ok = true;
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const auto kvp = *it;  // keep the pair alive (iterator proxies are temporaries)
      if (!Spend()) return false;
      const YAML::Node k = kvp.first;
      if (!k.IsScalar()) {
        Error(k, "keys of " + what + " must be plain words");
        ok = false;
        continue;
      }
      const std::string key = k.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string msg = "unknown key '" + key + "' in " + what;
        std::string_view best;
        std::size_t best_d = 3;
        for (auto a : allowed) {
          const std::size_t d = EditDistance(key, a);
          if (d < best_d) {
            best_d = d;
            best = a;
          }
        }
        if (!best.empty()) {
          msg += " (did you mean '" + std::string(best) + "'?)";
        } else {
          msg += " (expected one of:";
          for (auto a : allowed) msg += " " + std::string(a);
          msg += ")";
        }
        Error(k, msg);
        ok = false;
      } else if (!seen.insert(key).second) {
        Error(k, "duplicate key '" + key + "' in " + what);
        ok = false;
      }
    }
    return ok;
  }
  static std::optional<YAML::Node> Find(const YAML::Node& map, std::string_view key) {
    for (const auto& kvp : map)  // bound to the pair: iterator proxies are temporaries
      if (kvp.first.IsScalar() && kvp.first.Scalar() == key) return YAML::Node(kvp.second);
    return std::nullopt;
  }
  std::optional<std::string> Str(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      Error(n, what + " must be a single value, not a " + (n.IsMap() ? "mapping" : "list"));
      return std::nullopt;
    }
    return n.Scalar();
  }
  // A map's `link_local6` (one fe80::/10 address) and `address6` (one IPv6
  // address or a list of them, not link-local, multicast or ::).
  void Ipv6Keys(const YAML::Node& map, const std::string& what, vrrp::IpAddress* link_local,
                std::vector<vrrp::IpAddress>* globals) {
    if (auto v = Find(map, "link_local6")) {
      if (auto s = Str(*v, what + " link_local6")) {
        auto a = vrrp::IpAddress::Parse(*s);
        if (!a || !a->is_link_local_v6())
          Error(*v, what + " link_local6: '" + *s +
                        "' is not an IPv6 link-local address (fe80::/10, e.g. fe80::1)");
        else
          *link_local = *a;
      }
    }
    if (auto v = Find(map, "address6")) {
      std::vector<YAML::Node> items;
      if (v->IsSequence()) {
        for (const auto& x : *v) items.push_back(x);
      } else {
        items.push_back(*v);
      }
      for (const auto& x : items) {
        auto s = Str(x, what + " address6");
        if (!s) continue;
        auto a = vrrp::IpAddress::Parse(*s);
        if (!a || !a->is_v6() || a->is_zero() || a->is_multicast() || a->is_link_local_v6())
          Error(x, what + " address6: '" + *s +
                       "' is not a global or unique-local IPv6 address (e.g. fd00::1; a "
                       "link-local one goes in link_local6)");
        else
          globals->push_back(*a);
      }
    }
  }
  std::optional<std::string> NameOf(const YAML::Node& n, const std::string& what) {
    auto s = Str(n, what);
    if (!s) return std::nullopt;
    if (!ValidName(*s)) {
      Error(n, what + " '" + *s +
                   "' is not a valid name (letters, digits, '_', '-', '.'; starting with a "
                   "letter; at most 64 characters)");
      return std::nullopt;
    }
    return s;
  }
  std::optional<std::int64_t> Int(const YAML::Node& n, const std::string& what, std::int64_t lo,
                                  std::int64_t hi) {
    auto s = Str(n, what);
    if (!s) return std::nullopt;
    std::string_view v = *s;
    bool neg = false;
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
      neg = v[0] == '-';
      v.remove_prefix(1);
    }
    std::int64_t x = 0;
    bool ok = !v.empty() && v.size() <= 18;
    // At most 18 digits fit in int64 without overflow; stop at anything else
    // (fuzz finding F1: accumulating past that was signed overflow).
    for (char c : v) {
      if (!ok || !std::isdigit(static_cast<unsigned char>(c))) {
        ok = false;
        break;
      }
      x = x * 10 + (c - '0');
    }
    if (!ok) {
      Error(n, what + " must be an integer, got '" + *s + "'");
      return std::nullopt;
    }
    if (neg) x = -x;
    if (x < lo || x > hi) {
      Error(n, what + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                   ", got " + *s);
      return std::nullopt;
    }
    return x;
  }
  std::optional<bool> Bool(const YAML::Node& n, const std::string& what) {
    auto s = Str(n, what);
    if (!s) return std::nullopt;
    std::string v = *s;
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "true" || v == "on" || v == "yes") return true;
    if (v == "false" || v == "off" || v == "no") return false;
    Error(n, what + " must be true/false (or on/off), got '" + *s + "'");
    return std::nullopt;
  }
  std::optional<Duration> Dur(const YAML::Node& n, const std::string& what) {
    auto s = Str(n, what);
    if (!s) return std::nullopt;
    std::string err;
    auto d = ParseDuration(*s, &err);
    if (!d) {
      Error(n, what + ": " + err);
    } else if (*d > kMaxDuration) {
      // Nothing in a run can be longer than the run (and this keeps the
      // time arithmetic far from overflow).
      Error(n, what + ": '" + *s + "' is longer than a run can be (at most 30 days, 30d)");
      return std::nullopt;
    }
    return d;
  }
  // A daemon's timer wake-up delay: up to a second (beyond that it is no
  // longer scheduling noise but a stalled daemon: use `pause`).
  std::optional<Duration> WakeupJitter(const YAML::Node& n) {
    auto d = Dur(n, "wakeup_jitter");
    if (d && (*d < 0 || *d > vrrp::kSecond)) {
      Error(n, "wakeup_jitter must be between 0 and 1s (a timer's scheduling delay, e.g. 100us)");
      return std::nullopt;
    }
    return d;
  }
  // A `timing:` value (sim/scenario/timing_reader.h); false on an error.
  bool Timing(const YAML::Node& n, std::shared_ptr<const TimingProfile>* out) {
    TimingReadContext ctx;
    ctx.file = file_;
    ctx.base_dir = base_dir_;
    ctx.error = [&](const Location& where, std::string msg) { Error(where, std::move(msg)); };
    ctx.keys_checked = [&](const Location& where, const std::vector<std::string_view>& keys) {
      if (keys_checked_hook) keys_checked_hook(where, keys);
    };
    ctx.files_read = &sc_.input_files;
    return ReadTiming(n, ctx, out);
  }
  std::optional<TimeRef> TimeR(const YAML::Node& n, const std::string& what) {
    auto s = Str(n, what);
    if (!s) return std::nullopt;
    std::string err;
    auto t = ParseTimeRef(*s, &err);
    if (!t) {
      Error(n, what + ": " + err);
      return std::nullopt;
    }
    if (t->offset > kMaxDuration || t->offset < -kMaxDuration) {
      Error(n, what + ": offset in '" + *s + "' is longer than a run can be (at most 30 days)");
      return std::nullopt;
    }
    t->where = Loc(n);
    pending_refs_.push_back(*t);
    return t;
  }
  std::optional<double> Loss(const YAML::Node& n, const std::string& what) {
    auto s = Str(n, what);
    if (!s) return std::nullopt;
    std::string v = *s;
    double scale = 1.0;
    if (!v.empty() && v.back() == '%') {
      v.pop_back();
      scale = 100.0;
    }
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || errno != 0 || !(x >= 0.0) ||
        !(x / scale <= 1.0)) {
      Error(n, what + " must be a probability between 0 and 1 (or a percentage such as 5%), got '" +
                   *s + "'");
      return std::nullopt;
    }
    return x / scale;
  }
  // A duration that must be longer than 0 (a deadline or a window).
  std::optional<Duration> PositiveDur(const YAML::Node& n, const std::string& what) {
    auto d = Dur(n, what);
    if (d && *d <= 0) {
      Error(n, what + " must be longer than 0, got '" + n.Scalar() + "'");
      return std::nullopt;
    }
    return d;
  }
  // no_split_brain `while:`: connected (true) or always (false).
  std::optional<bool> WhileConnected(const YAML::Node& n, const std::string& what) {
    auto s = Str(n, what);
    if (!s) return std::nullopt;
    if (*s == "connected") return true;
    if (*s == "always") return false;
    Error(n, what +
                 " must be connected (only time during which two of the nodes involved hear "
                 "each other counts) or always, got '" +
                 *s + "'");
    return std::nullopt;
  }
  std::optional<int> NodeRef(const YAML::Node& n, const std::string& what) {
    auto s = Str(n, what);
    if (!s) return std::nullopt;
    const int i = sc_.FindNode(*s);
    if (i < 0) {
      Error(n, what + ": no node named '" + *s + "'");
      return std::nullopt;
    }
    return i;
  }

  // ---- sections
  bool LinkDir(const YAML::Node& n, LinkDirection* d, const std::string& what);
  bool LinkParams(const YAML::Node& n, const std::vector<std::string_view>& extra,
                  LinkDirection* up, LinkDirection* down, const std::string& what);
  void Nodes(const YAML::Node& n);
  void Network(const YAML::Node& n);
  void Timeline(const YAML::Node& n);
  void ResolveTimes();
  void Expectations(const YAML::Node& n, std::vector<Expectation>* out);
  std::optional<Expectation> OneExpectation(const YAML::Node& item);
  void Matrix(const YAML::Node& n);
  void Explore(const YAML::Node& n);
  std::optional<FaultKind> FaultKindOf(const YAML::Node& n, const std::string& what);
  bool ExploreProperty(const YAML::Node& n, const std::string& name, bool* on,
                       const std::vector<std::string_view>& keys,
                       const std::function<bool(const YAML::Node& params)>& parse);
  std::optional<ConfigOverride> Override(const YAML::Node& n, const std::string& node,
                                         const std::string& what);
  std::optional<vrrp::Config> NodeConfig(const YAML::Node& map, const std::string& node_name,
                                         const std::string& config_id, const std::string& shell,
                                         const std::vector<std::string>& ifaces,
                                         std::string* source, std::string* text);
  void CheckRefs();

  std::string file_, base_dir_;
  std::string_view text_;
  Diagnostics* diags_;
  Scenario sc_;
  int errors_ = 0;
  std::int64_t budget_ = kVisitBudget;
  std::uint64_t config_bytes_ = 0;  // ChargeConfig
  bool config_over_ = false;
  std::vector<TimeRef> pending_refs_;     // every time reference, checked after the timeline
  std::set<vrrp::IpAddress> addresses6_;  // every node's and client's IPv6 address
  std::vector<std::pair<std::string, Location>> variant_refs_;
};

bool Loader::LinkDir(const YAML::Node& n, LinkDirection* d, const std::string& what) {
  if (!IsMap(n, what) || !Keys(n, {"latency", "jitter", "loss"}, what)) return false;
  bool ok = true;
  if (auto v = Find(n, "latency")) {
    if (auto x = Dur(*v, what + " latency"))
      d->latency = *x;
    else
      ok = false;
  }
  if (auto v = Find(n, "jitter")) {
    if (auto x = Dur(*v, what + " jitter"))
      d->jitter = *x;
    else
      ok = false;
  }
  if (auto v = Find(n, "loss")) {
    if (auto x = Loss(*v, what + " loss"))
      d->loss = *x;
    else
      ok = false;
  }
  return ok;
}

// latency/jitter/loss for both directions, then `up:` / `down:` per direction.
bool Loader::LinkParams(const YAML::Node& n, const std::vector<std::string_view>& extra,
                        LinkDirection* up, LinkDirection* down, const std::string& what) {
  std::vector<std::string_view> keys = {"latency", "jitter", "loss", "up", "down"};
  keys.insert(keys.end(), extra.begin(), extra.end());
  if (!IsMap(n, what) || !Keys(n, keys, what)) return false;
  bool ok = true;
  if (auto v = Find(n, "latency")) {
    if (auto x = Dur(*v, what + " latency"))
      up->latency = down->latency = *x;
    else
      ok = false;
  }
  if (auto v = Find(n, "jitter")) {
    if (auto x = Dur(*v, what + " jitter"))
      up->jitter = down->jitter = *x;
    else
      ok = false;
  }
  if (auto v = Find(n, "loss")) {
    if (auto x = Loss(*v, what + " loss"))
      up->loss = down->loss = *x;
    else
      ok = false;
  }
  if (auto v = Find(n, "up")) ok = LinkDir(*v, up, what + " up") && ok;
  if (auto v = Find(n, "down")) ok = LinkDir(*v, down, what + " down") && ok;
  return ok;
}

std::optional<vrrp::Config> Loader::NodeConfig(const YAML::Node& map, const std::string& node_name,
                                               const std::string& config_id,
                                               const std::string& shell,
                                               const std::vector<std::string>& ifaces,
                                               std::string* source, std::string* text_out) {
  auto inline_text = Find(map, "config");
  auto file = Find(map, "config_file");
  if (inline_text && file) {
    Error(*file, "node " + node_name + ": give either config or config_file, not both");
    return std::nullopt;
  }
  if (!inline_text && !file) {
    Error(map, "node " + node_name +
                   ": missing its keepalived configuration (config: | ... or config_file: path)");
    return std::nullopt;
  }
  vrrp::ParseOptions options;
  options.known_interfaces = ifaces;
  options.config_id = config_id;
  options.shell = shell;
  std::size_t fatal_before = 0;
  Diagnostics cfg_diags;
  vrrp::Config config;
  if (file) {
    auto rel = Str(*file, "config_file");
    if (!rel) return std::nullopt;
    if (rel->empty()) {
      Error(*file, "config_file is empty");
      return std::nullopt;
    }
    const std::string path = (*rel)[0] == '/' ? *rel : base_dir_ + "/" + *rel;
    const std::string canon = CanonicalPath(path);
    const std::string root = CanonicalPath(base_dir_);
    if (canon.empty()) {
      const std::string kind = DescribeFileType(path);  // "a symbolic link loop", or ""
      Error(*file, "config_file '" + *rel + "' " +
                       (kind.empty() ? "not found (looked for " + path + ")" : "is " + kind));
      return std::nullopt;
    }
    if (root.empty() || !IsUnder(canon, root)) {
      Error(*file, "config_file '" + *rel + "' is outside the scenario's directory " + base_dir_ +
                       " - refused");
      return std::nullopt;
    }
    *source = *rel;
    auto r = LoadConfigFile(path, base_dir_, options);
    if (!r.read_ok) {
      // A directory, a named pipe, a device, too large: the node would run
      // unconfigured. An error at the scenario's line, not the file's.
      const std::string why =
          r.parse.diagnostics.empty() ? "cannot be read" : r.parse.diagnostics.front().message;
      Error(*file, "node " + node_name + ": config_file '" + Clip(*rel) + "': " + why);
      return std::nullopt;
    }
    if (!ChargeConfig(r.bytes, Loc(*file))) return std::nullopt;
    cfg_diags = std::move(r.parse.diagnostics);
    config = std::move(r.parse.config);
    *text_out = std::move(r.text);
    sc_.input_files.insert(sc_.input_files.end(), r.files.begin(), r.files.end());
  } else {
    auto text = Str(*inline_text, "config");
    if (!text) return std::nullopt;
    *source = "<inline>";
    *text_out = *text;
    InlineResolver resolver(base_dir_, file_);
    options.resolver = &resolver;
    auto r = vrrp::ParseConfig(*text, file_, options);
    if (!ChargeConfig(text->size() + resolver.bytes_read(), Loc(*inline_text))) return std::nullopt;
    sc_.input_files.insert(sc_.input_files.end(), resolver.files_read().begin(),
                           resolver.files_read().end());
    config = std::move(r.config);
    // Map lines of a block scalar (`config: |`) back to the scenario file:
    // content line 1 is the line after the indicator (a literal block keeps
    // leading blank lines); columns shift by the block's indentation.
    const YAML::Mark m = inline_text->Mark();
    int line0 = -1, indent = 0;
    if (!m.is_null() && m.pos >= 0 && static_cast<std::size_t>(m.pos) < text_.size() &&
        (text_[m.pos] == '|' || text_[m.pos] == '>')) {
      line0 = m.line + 1;  // 0-based line of content line 1
      std::size_t p = text_.find('\n', static_cast<std::size_t>(m.pos));
      while (p != std::string_view::npos && p + 1 < text_.size()) {
        const std::size_t q = p + 1;
        const std::size_t e = text_.find('\n', q);
        std::string_view l = text_.substr(q, e == std::string_view::npos ? e : e - q);
        const std::size_t ind = l.find_first_not_of(' ');
        if (ind != std::string_view::npos && l[ind] != '\r') {
          indent = static_cast<int>(ind);
          break;
        }
        p = e;
      }
    }
    auto remap = [&](Location& w) {
      if (w.file != file_) return;
      if (line0 >= 0 && w.line > 0) {
        w.line = line0 + w.line;  // line0 is 0-based, w.line 1-based
        if (w.column > 0) w.column += indent;
      } else if (line0 < 0 && !m.is_null()) {
        w = Loc(*inline_text);
      }
    };
    for (auto& d : r.diagnostics) remap(d.where);
    // The model keeps locations too (lint findings point at them).
    for (auto& x : config.instances) {
      remap(x.where);
      for (auto& v : x.vips) remap(v.where);
      for (auto& v : x.evips) remap(v.where);
    }
    for (auto& x : config.scripts) remap(x.where);
    for (auto& x : config.track_files) remap(x.where);
    for (auto& x : config.sync_groups) remap(x.where);
    cfg_diags = std::move(r.diagnostics);
  }
  bool fatal = false;
  for (auto& d : cfg_diags) {
    if (d.severity == Severity::kFatal) fatal = true;
    d.message = "node " + node_name + ": " + d.message;
    diags_->push_back(std::move(d));
  }
  (void)fatal_before;
  if (fatal) {
    ++errors_;
    return std::nullopt;
  }
  return config;
}

void Loader::Nodes(const YAML::Node& n) {
  if (!IsSeq(n, "nodes")) return;
  if (n.size() == 0) {
    Error(n, "nodes: at least one node is needed");
    return;
  }
  if (n.size() > kMaxNodes) {
    Error(n, "nodes: too many nodes (" + std::to_string(n.size()) + ", at most " +
                 std::to_string(kMaxNodes) + ")");
    return;
  }
  // Pass 1: names (so that later sections can refer to any node).
  std::set<std::string> names;
  std::vector<YAML::Node> items;
  for (const auto& item : n) {
    if (!Spend()) return;
    items.push_back(item);
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const YAML::Node& item = items[i];
    ScenarioNode node;
    node.where = Loc(item);
    const std::string what = "node " + std::to_string(i + 1);
    if (!IsMap(item, what)) {
      sc_.nodes.push_back(std::move(node));
      continue;
    }
    Keys(item,
         {"name", "config", "config_file", "address", "address6", "link_local6", "interface",
          "segment", "interfaces", "script_runtime", "wakeup_jitter", "timing", "start",
          "config_id", "shell"},
         what);
    if (auto v = Find(item, "name")) {
      if (auto s = NameOf(*v, "node name")) {
        if (!names.insert(*s).second)
          Error(*v, "duplicate node name '" + *s + "'");
        else
          node.name = *s;
      }
    } else {
      Error(item, what + ": missing 'name'");
    }
    sc_.nodes.push_back(std::move(node));
  }
  // Pass 2: everything else.
  std::set<std::uint32_t> addresses;
  std::set<vrrp::IpAddress>& addresses6 = addresses6_;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const YAML::Node& item = items[i];
    if (!item.IsMap()) continue;
    ScenarioNode& node = sc_.nodes[i];
    const std::string label = node.name.empty() ? "node " + std::to_string(i + 1) : node.name;
    const std::uint32_t host_part = static_cast<std::uint32_t>(i + 1);
    auto default_address = [&](std::size_t k) {
      return vrrp::Ipv4(10, static_cast<std::uint8_t>(k), static_cast<std::uint8_t>(host_part >> 8),
                        static_cast<std::uint8_t>(host_part & 0xff));
    };
    auto interfaces = Find(item, "interfaces");
    auto address = Find(item, "address");
    auto iface = Find(item, "interface");
    auto segment = Find(item, "segment");
    if (interfaces && (address || iface || segment)) {
      Error(*interfaces, label +
                             ": use either 'interfaces' or the address/interface/segment "
                             "shorthand, not both");
    } else if (interfaces) {
      if (IsSeq(*interfaces, label + " interfaces")) {
        if (interfaces->size() == 0 || interfaces->size() > kMaxInterfacesPerNode)
          Error(*interfaces, label + " interfaces: between 1 and " +
                                 std::to_string(kMaxInterfacesPerNode) + " interfaces");
        std::size_t k = 0;
        for (const auto& f : *interfaces) {
          if (!Spend() || k >= kMaxInterfacesPerNode) break;
          NodeInterface ni;
          ni.address = default_address(k);
          const std::string w = label + " interface " + std::to_string(k + 1);
          ++k;
          if (!IsMap(f, w) ||
              !Keys(f, {"name", "address", "address6", "link_local6", "segment"}, w))
            continue;
          Ipv6Keys(f, w, &ni.link_local6, &ni.addresses6);
          if (auto v = Find(f, "name")) {
            if (auto s = NameOf(*v, "interface name")) ni.name = *s;
          } else {
            Error(f, w + ": missing 'name'");
          }
          if (auto v = Find(f, "address")) {
            if (auto s = Str(*v, "address")) {
              auto a = vrrp::Ipv4::Parse(*s);
              if (!a)
                Error(*v, "address '" + *s + "' is not an IPv4 address (a.b.c.d)");
              else
                ni.address = *a;
            }
          }
          if (auto v = Find(f, "segment")) {
            if (auto s = NameOf(*v, "segment")) ni.segment = *s;
          }
          for (const auto& other : node.interfaces)
            if (other.name == ni.name) Error(f, label + ": duplicate interface '" + ni.name + "'");
          node.interfaces.push_back(ni);
        }
      }
    } else {
      NodeInterface ni;
      ni.address = default_address(0);
      if (iface)
        if (auto s = NameOf(*iface, "interface")) ni.name = *s;
      if (segment)
        if (auto s = NameOf(*segment, "segment")) ni.segment = *s;
      if (address) {
        if (auto s = Str(*address, "address")) {
          auto a = vrrp::Ipv4::Parse(*s);
          if (!a)
            Error(*address, "address '" + *s + "' is not an IPv4 address (a.b.c.d)");
          else
            ni.address = *a;
        }
      }
      Ipv6Keys(item, label, &ni.link_local6, &ni.addresses6);
      node.interfaces.push_back(ni);
    }
    if (interfaces) {
      for (const char* key : {"address6", "link_local6"})
        if (auto v = Find(item, key))
          Error(*v, label + ": with 'interfaces', give '" + key + "' per interface");
    }
    for (std::size_t k = 0; k < node.interfaces.size(); ++k) {
      NodeInterface& ni = node.interfaces[k];
      if (ni.link_local6.is_zero()) ni.link_local6 = DefaultLinkLocal6(i, k);
      if (!addresses6.insert(ni.link_local6).second)
        Error(item, label + ": address " + ni.link_local6.ToString() + " is used twice");
      for (const auto& a : ni.addresses6)
        if (!addresses6.insert(a).second)
          Error(item, label + ": address " + a.ToString() + " is used twice");
    }
    for (const auto& ni : node.interfaces) {
      if (!addresses.insert(ni.address.value).second)
        Error(item, label + ": address " + ni.address.ToString() + " is used twice");
      if (ni.address.is_zero() || ni.address.is_multicast())
        Error(item, label + ": address " + ni.address.ToString() + " cannot be a host address");
    }
    if (auto v = Find(item, "script_runtime")) {
      if (auto d = Dur(*v, "script_runtime")) node.script_runtime = *d;
    }
    if (auto v = Find(item, "wakeup_jitter")) node.wakeup_jitter = WakeupJitter(*v);
    if (auto v = Find(item, "timing")) {
      std::shared_ptr<const TimingProfile> t;
      if (Timing(*v, &t)) node.timing = std::move(t);
    }
    if (auto v = Find(item, "start")) {
      if (v->IsScalar() && (v->Scalar() == "never" || v->Scalar() == "false" ||
                            v->Scalar() == "no" || v->Scalar() == "off")) {
        node.start.reset();
      } else if (auto d = Dur(*v, "start (a time, or 'never')")) {
        node.start = *d;
      }
    }
    node.config_id = node.name;
    if (auto v = Find(item, "config_id")) {
      if (auto s = Str(*v, "config_id")) node.config_id = *s;
    }
    if (auto v = Find(item, "shell")) {
      if (auto s = Str(*v, "shell")) {
        if (*s == "dash" || *s == "bash")
          node.shell = *s;
        else
          Error(*v, label + " shell: expected dash or bash (what /bin/sh is on the node), got '" +
                        *s + "'");
      }
    }
    std::vector<std::string> ifnames;
    for (const auto& ni : node.interfaces) ifnames.push_back(ni.name);
    if (auto c = NodeConfig(item, label, node.config_id, node.shell, ifnames, &node.config_source,
                            &node.config_text))
      node.config = std::move(*c);
  }
}

void Loader::Network(const YAML::Node& n) {
  if (!IsMap(n, "network") ||
      !Keys(n, {"segments", "default_link", "links", "trunks", "clients"}, "network"))
    return;
  std::set<std::string> declared;
  if (auto segs = Find(n, "segments")) {
    if (IsSeq(*segs, "network segments")) {
      for (const auto& s : *segs) {
        if (!Spend()) return;
        if (auto name = NameOf(s, "segment")) {
          if (!declared.insert(*name).second)
            Error(s, "duplicate segment '" + *name + "'");
          else
            sc_.segments.push_back(*name);
        }
      }
    }
    for (const auto& node : sc_.nodes)
      for (const auto& ni : node.interfaces)
        if (!declared.count(ni.segment))
          Error(node.where, node.name + " interface " + ni.name + ": segment '" + ni.segment +
                                "' is not declared in network.segments");
  }
  if (auto d = Find(n, "default_link")) {
    LinkDirection up, down;
    if (LinkParams(*d, {}, &up, &down, "network default_link"))
      for (auto& node : sc_.nodes)
        for (auto& ni : node.interfaces) {
          ni.up = up;
          ni.down = down;
        }
  }
  if (auto links = Find(n, "links")) {
    if (IsSeq(*links, "network links")) {
      for (const auto& l : *links) {
        if (!Spend()) return;
        if (!IsMap(l, "link")) continue;
        auto nodev = Find(l, "node");
        if (!nodev) {
          Error(l, "link: missing 'node'");
          Keys(l, {"node", "interface", "latency", "jitter", "loss", "up", "down"}, "link");
          continue;
        }
        auto node = NodeRef(*nodev, "link node");
        if (!node) continue;
        auto& sn = sc_.nodes[*node];
        NodeInterface* ni = sn.interfaces.empty() ? nullptr : &sn.interfaces.front();
        if (auto f = Find(l, "interface")) {
          ni = nullptr;
          if (auto s = Str(*f, "interface"))
            for (auto& x : sn.interfaces)
              if (x.name == *s) ni = &x;
          if (!ni) {
            Error(*f, "link: node " + sn.name + " has no interface '" + f->Scalar() + "'");
            continue;
          }
        }
        if (!ni) continue;
        LinkDirection up = ni->up, down = ni->down;
        if (LinkParams(l, {"node", "interface"}, &up, &down, "link")) {
          ni->up = up;
          ni->down = down;
        }
      }
    }
  }
  if (auto clients = Find(n, "clients")) {
    if (IsSeq(*clients, "network clients")) {
      for (const auto& c : *clients) {
        if (!Spend()) return;
        if (!IsMap(c, "client") ||
            !Keys(c, {"name", "address", "address6", "link_local6", "segment", "arp_recovery"},
                  "client"))
          continue;
        ScenarioClient client;
        client.where = Loc(c);
        auto name = Find(c, "name");
        if (!name) {
          Error(c, "client: missing 'name'");
          continue;
        }
        auto nm = NameOf(*name, "client");
        if (!nm) continue;
        bool taken = sc_.FindNode(*nm) >= 0;
        for (const auto& other : sc_.clients) taken = taken || other.name == *nm;
        if (taken) {
          Error(*name, "client: the name '" + *nm + "' is already used by a node or a client");
          continue;
        }
        client.name = *nm;
        auto addr = Find(c, "address");
        if (!addr) {
          Error(c, "client " + client.name + ": missing 'address' (e.g. address: 10.0.0.50)");
          continue;
        }
        auto ip = vrrp::Ipv4::Parse(addr->IsScalar() ? addr->Scalar() : std::string());
        if (!ip) {
          Error(*addr, "client " + client.name + ": expected an IPv4 address, got '" +
                           (addr->IsScalar() ? addr->Scalar() : std::string("?")) + "'");
          continue;
        }
        bool used = false;
        for (const auto& node : sc_.nodes)
          for (const auto& ni : node.interfaces) used = used || ni.address == *ip;
        for (const auto& other : sc_.clients) used = used || other.address == *ip;
        if (used) {
          Error(*addr,
                "client " + client.name + ": address " + ip->ToString() + " is already used");
          continue;
        }
        client.address = *ip;
        {
          std::vector<vrrp::IpAddress> globals;
          Ipv6Keys(c, "client " + client.name, &client.link_local6, &globals);
          if (globals.size() > 1) Error(c, "client " + client.name + ": one address6 at most");
          if (!globals.empty()) client.address6 = globals.front();
          if (client.link_local6.is_zero())
            client.link_local6 = DefaultLinkLocal6(sc_.nodes.size() + sc_.clients.size(), 0);
          for (const vrrp::IpAddress* a : {&client.link_local6, &client.address6})
            if (!a->is_zero() && !addresses6_.insert(*a).second) {
              Error(c, "client " + client.name + ": address " + a->ToString() + " is already used");
              used = true;
            }
          if (used) continue;
        }
        if (auto seg = Find(c, "segment")) {
          auto s = NameOf(*seg, "segment");
          if (!s) continue;
          if (!declared.empty() && !declared.count(*s)) {
            Error(*seg, "client " + client.name + ": segment '" + *s +
                            "' is not declared in network.segments");
            continue;
          }
          client.segment = *s;
        }
        if (auto r = Find(c, "arp_recovery")) {
          if (auto d = Dur(*r, "arp_recovery")) client.arp_recovery = *d;
        }
        sc_.clients.push_back(std::move(client));
      }
    }
  }
  if (auto trunks = Find(n, "trunks")) {
    if (IsSeq(*trunks, "network trunks")) {
      for (const auto& t : *trunks) {
        if (!Spend()) return;
        if (!IsMap(t, "trunk")) continue;
        Trunk tr;
        if (!Keys(t, {"between", "latency", "jitter", "loss", "up", "down"}, "trunk")) continue;
        auto b = Find(t, "between");
        if (!b || !b->IsSequence() || b->size() != 2) {
          Error(b ? *b : YAML::Node(t), "trunk: 'between' must list exactly two segments");
          continue;
        }
        auto a = NameOf((*b)[0], "segment");
        auto c = NameOf((*b)[1], "segment");
        if (!a || !c) continue;
        if (*a == *c) {
          Error(*b, "trunk: a segment cannot be joined to itself");
          continue;
        }
        if (!declared.empty() && (!declared.count(*a) || !declared.count(*c))) {
          Error(*b, "trunk: segments must be declared in network.segments");
          continue;
        }
        tr.a = *a;
        tr.b = *c;
        if (LinkParams(t, {"between"}, &tr.a_to_b, &tr.b_to_a, "trunk")) sc_.trunks.push_back(tr);
      }
    }
  }
}

struct OpName {
  const char* name;
  OpKind kind;
};
constexpr OpName kOpNames[] = {
    {"start", OpKind::kStart},         {"stop", OpKind::kStop},
    {"crash", OpKind::kCrash},         {"restart", OpKind::kRestart},
    {"power-off", OpKind::kPowerOff},  {"power-on", OpKind::kPowerOn},
    {"pause", OpKind::kPause},         {"reload", OpKind::kReload},
    {"check", OpKind::kSetCheck},      {"link-down", OpKind::kLinkDown},
    {"link-up", OpKind::kLinkUp},      {"partition", OpKind::kPartition},
    {"heal", OpKind::kHeal},           {"block", OpKind::kBlock},
    {"unblock", OpKind::kUnblock},     {"link-params", OpKind::kLinkParams},
    {"track-file", OpKind::kTrackFile}};

void Loader::Timeline(const YAML::Node& n) {
  if (!IsSeq(n, "timeline")) return;
  if (n.size() > kMaxOperations) {
    Error(n, "timeline: too many operations (" + std::to_string(n.size()) + ", at most " +
                 std::to_string(kMaxOperations) + ")");
    return;
  }
  std::map<std::string, Location> labels;
  for (const auto& item : n) {
    if (!Spend()) return;
    const std::string what = "timeline entry";
    if (!IsMap(item, what)) continue;
    ScenarioOp op;
    op.where = Loc(item);
    auto opv = Find(item, "op");
    if (!opv) {
      Error(item,
            "timeline entry: missing 'op' (one of start, stop, crash, restart, power-off, "
            "power-on, pause, reload, check, link-down, link-up, partition, heal, block, "
            "unblock, link-params, track-file)");
      continue;
    }
    auto opname = Str(*opv, "op");
    if (!opname) continue;
    bool found = false;
    for (const auto& o : kOpNames)
      if (*opname == o.name) {
        op.kind = o.kind;
        found = true;
      }
    if (!found && *opname == "link") {
      op.kind = OpKind::kLinkParams;
      found = true;
    }
    if (!found) {
      std::string msg = "unknown operation '" + *opname + "' (expected one of:";
      for (const auto& o : kOpNames) msg += std::string(" ") + o.name;
      Error(*opv, msg + ")");
      continue;
    }
    const std::string w = std::string("operation ") + OpKindName(op.kind);
    std::vector<std::string_view> keys = {"op", "at", "id", "repeat"};
    switch (op.kind) {
      case OpKind::kPause:
        keys.insert(keys.end(), {"node", "for"});
        break;
      case OpKind::kReload:
        keys.insert(keys.end(), {"node", "config", "config_file"});
        break;
      case OpKind::kSetCheck:
        keys.insert(keys.end(), {"node", "script", "result"});
        break;
      case OpKind::kLinkDown:
      case OpKind::kLinkUp:
        keys.insert(keys.end(), {"node", "interface"});
        break;
      case OpKind::kPartition:
        keys.insert(keys.end(), {"groups"});
        break;
      case OpKind::kHeal:
        break;
      case OpKind::kBlock:
      case OpKind::kUnblock:
        keys.insert(keys.end(), {"from", "to"});
        break;
      case OpKind::kLinkParams:
        keys.insert(keys.end(), {"node", "interface", "latency", "jitter", "loss", "up", "down"});
        break;
      case OpKind::kTrackFile:
        keys.insert(keys.end(), {"node", "file", "value"});
        break;
      default:
        keys.insert(keys.end(), {"node"});
        break;
    }
    if (!Keys(item, keys, w)) continue;
    bool ok = true;
    if (auto v = Find(item, "at")) {
      if (auto t = TimeR(*v, w + " at"))
        op.at_ref = *t;
      else
        ok = false;
    } else {
      Error(item, w + ": missing 'at' (when it happens, e.g. at: 10s)");
      ok = false;
    }
    if (auto v = Find(item, "id")) {
      if (auto s = NameOf(*v, "id")) {
        if (*s == "end") {
          Error(*v, "id 'end' is reserved (it means the end of the run)");
        } else if (labels.count(*s)) {
          const Location& prev = labels[*s];
          Error(*v,
                "duplicate id '" + *s + "' (first used at line " + std::to_string(prev.line) + ")");
        } else {
          labels[*s] = Loc(*v);
          op.label = *s;
        }
      }
    }
    const bool needs_node = op.kind != OpKind::kPartition && op.kind != OpKind::kHeal &&
                            op.kind != OpKind::kBlock && op.kind != OpKind::kUnblock;
    if (needs_node) {
      if (auto v = Find(item, "node")) {
        if (auto i = NodeRef(*v, w + " node"))
          op.node = *i;
        else
          ok = false;
      } else {
        Error(item, w + ": missing 'node'");
        ok = false;
      }
    }
    const ScenarioNode* node = op.node >= 0 ? &sc_.nodes[op.node] : nullptr;
    auto iface_of = [&](const YAML::Node& map) -> bool {
      if (!node) return false;
      if (auto v = Find(map, "interface")) {
        auto s = Str(*v, "interface");
        if (!s) return false;
        for (const auto& ni : node->interfaces)
          if (ni.name == *s) {
            op.name = *s;
            return true;
          }
        Error(*v, w + ": node " + node->name + " has no interface '" + *s + "'");
        return false;
      }
      if (node->interfaces.empty()) return false;
      op.name = node->interfaces.front().name;
      return true;
    };
    switch (op.kind) {
      case OpKind::kPause:
        if (auto v = Find(item, "for")) {
          auto d = Dur(*v, "pause for");
          if (d && *d <= 0) {
            Error(*v, "pause for: must be longer than 0");
            ok = false;
          } else if (d) {
            op.duration = *d;
          } else {
            ok = false;
          }
        } else {
          Error(item, w + ": missing 'for' (how long the node is frozen)");
          ok = false;
        }
        break;
      case OpKind::kReload: {
        if (!node) break;
        std::vector<std::string> ifnames;
        for (const auto& ni : node->interfaces) ifnames.push_back(ni.name);
        std::string src;
        auto c = NodeConfig(item, node->name + " (reload)", node->config_id, node->shell, ifnames,
                            &src, &op.config_text);
        if (c)
          op.config = std::make_shared<const vrrp::Config>(std::move(*c));
        else
          ok = false;
        break;
      }
      case OpKind::kSetCheck: {
        if (auto v = Find(item, "result")) {
          auto s = Str(*v, "result");
          if (s && (*s == "succeed" || *s == "success" || *s == "ok"))
            op.check = CheckMode::kSucceed;
          else if (s && (*s == "fail" || *s == "failure"))
            op.check = CheckMode::kFail;
          else if (s && *s == "timeout")
            op.check = CheckMode::kTimeout;
          else {
            if (s) Error(*v, "check result must be succeed, fail or timeout, got '" + *s + "'");
            ok = false;
          }
        } else {
          Error(item, w + ": missing 'result' (succeed, fail or timeout)");
          ok = false;
        }
        if (auto v = Find(item, "script")) {
          auto s = Str(*v, "script");
          if (s && node) {
            if (!node->config.FindScript(*s)) {
              Error(*v, w + ": node " + node->name + " has no (used) vrrp_script '" + *s + "'");
              ok = false;
            } else {
              op.name = *s;
            }
          }
        } else if (node && node->config.scripts.size() == 1) {
          op.name = node->config.scripts.front().name;
        } else {
          Error(item, w + ": missing 'script' (the vrrp_script whose runs change result)");
          ok = false;
        }
        break;
      }
      case OpKind::kLinkDown:
      case OpKind::kLinkUp:
        ok = iface_of(item) && ok;
        break;
      case OpKind::kPartition: {
        auto g = Find(item, "groups");
        if (!g) {
          Error(item, w + ": missing 'groups' (e.g. groups: [[node1], [node2]])");
          ok = false;
          break;
        }
        if (!IsSeq(*g, "partition groups") || g->size() < 2) {
          if (g->IsSequence()) Error(*g, "partition groups: at least two groups are needed");
          ok = false;
          break;
        }
        std::set<int> seen;
        for (const auto& grp : *g) {
          if (!Spend()) return;
          std::vector<int> members;
          if (!IsSeq(grp, "partition group")) {
            ok = false;
            continue;
          }
          for (const auto& m : grp) {
            if (!Spend()) return;
            auto i = NodeRef(m, "partition group member");
            if (!i) {
              ok = false;
              continue;
            }
            if (!seen.insert(*i).second) {
              Error(m, "partition: node " + sc_.nodes[*i].name + " is in two groups");
              ok = false;
            }
            members.push_back(*i);
          }
          op.groups.push_back(std::move(members));
        }
        break;
      }
      case OpKind::kBlock:
      case OpKind::kUnblock: {
        auto f = Find(item, "from");
        auto t = Find(item, "to");
        if (!f || !t) {
          Error(item, w + ": needs 'from' (the sender) and 'to' (the receiver that stops hearing "
                          "it)");
          ok = false;
          break;
        }
        auto a = NodeRef(*f, w + " from");
        auto b = NodeRef(*t, w + " to");
        if (!a || !b) {
          ok = false;
          break;
        }
        if (*a == *b) {
          Error(*t, w + ": from and to must be different nodes");
          ok = false;
        }
        op.node = *a;
        op.peer = *b;
        break;
      }
      case OpKind::kLinkParams: {
        ok = iface_of(item) && ok;
        LinkDirection up, down;
        if (LinkParams(item, {"op", "at", "id", "node", "interface"}, &up, &down, w)) {
          op.up = up;
          op.down = down;
        } else {
          ok = false;
        }
        break;
      }
      case OpKind::kTrackFile: {
        auto f = Find(item, "file");
        auto v = Find(item, "value");
        if (!f || !v) {
          Error(item, w + ": needs 'file' (a track_file name) and 'value'");
          ok = false;
          break;
        }
        auto s = Str(*f, "file");
        if (s && node && !node->config.FindTrackFile(*s)) {
          Error(*f, w + ": node " + node->name + " has no track_file '" + *s + "'");
          ok = false;
        } else if (s) {
          op.name = *s;
        }
        if (auto x = Int(*v, "value", -1'000'000'000'000LL, 1'000'000'000'000LL))
          op.value = *x;
        else
          ok = false;
        break;
      }
      default:
        break;
    }
    // repeat: {every: D, times: N}: N occurrences, D apart; the copies are
    // labelled <id>.2, <id>.3, ... when the entry has an id.
    std::int64_t times = 1;
    Duration every = 0;
    if (auto r = Find(item, "repeat")) {
      if (!IsMap(*r, "repeat") || !Keys(*r, {"every", "times"}, "repeat")) {
        ok = false;
      } else {
        auto e = Find(*r, "every");
        auto t = Find(*r, "times");
        if (!e || !t) {
          Error(*r, "repeat: needs 'every' (a duration) and 'times' (how many occurrences)");
          ok = false;
        } else {
          auto d = Dur(*e, "repeat every");
          auto n = Int(*t, "repeat times", 1, static_cast<std::int64_t>(kMaxOperations));
          if (d && *d <= 0) {
            Error(*e, "repeat every: must be longer than 0");
            ok = false;
          } else if (d && n) {
            every = *d;
            times = *n;
          } else {
            ok = false;
          }
        }
      }
    }
    if (!ok) continue;
    if (sc_.timeline.size() + static_cast<std::size_t>(times) > kMaxOperations) {
      Error(item, "timeline: more than " + std::to_string(kMaxOperations) +
                      " operations once repeats are expanded");
      return;
    }
    // A repeated reload holds its configuration once per occurrence.
    if (!op.config_text.empty() &&
        !ChargeConfig(op.config_text.size() * static_cast<std::uint64_t>(times - 1), Loc(item)))
      return;
    std::vector<ScenarioOp> copies;
    for (std::int64_t k = 1; k < times; ++k) {
      ScenarioOp copy = op;
      copy.at_ref.offset += every * k;
      if (!op.label.empty()) {
        copy.label = op.label + "." + std::to_string(k + 1);
        if (labels.count(copy.label)) {
          Error(item, "repeat: id '" + copy.label + "' is already used");
          return;
        }
        labels[copy.label] = op.where;
      }
      copies.push_back(std::move(copy));
    }
    sc_.timeline.push_back(std::move(op));
    for (auto& c : copies) sc_.timeline.push_back(std::move(c));
  }
}

void Loader::ResolveTimes() {
  std::map<std::string, std::size_t> by_label;
  for (std::size_t i = 0; i < sc_.timeline.size(); ++i)
    if (!sc_.timeline[i].label.empty()) by_label[sc_.timeline[i].label] = i;
  std::vector<int> mark(sc_.timeline.size(), 0);  // 0 new, 1 visiting, 2 done, 3 failed
  std::function<bool(std::size_t, int)> resolve = [&](std::size_t i, int depth) -> bool {
    ScenarioOp& op = sc_.timeline[i];
    if (mark[i] == 2) return true;
    if (mark[i] == 3) return false;
    if (mark[i] == 1 || depth > 10000) {
      Error(op.at_ref.where, "time '" + op.at_ref.text + "' refers to itself (a cycle of ids)");
      mark[i] = 3;
      return false;
    }
    mark[i] = 1;
    Time base = 0;
    if (!op.at_ref.label.empty()) {
      auto it = by_label.find(op.at_ref.label);
      if (op.at_ref.label == "end") {
        base = sc_.duration;
      } else if (it == by_label.end()) {
        Error(op.at_ref.where,
              "unknown id '" + op.at_ref.label + "' in time '" + op.at_ref.text + "'");
        mark[i] = 3;
        return false;
      } else {
        if (!resolve(it->second, depth + 1)) {
          mark[i] = 3;
          return false;
        }
        base = sc_.timeline[it->second].at;
      }
    }
    op.at = base + op.at_ref.offset;
    if (op.at < 0 || op.at > sc_.duration) {
      Error(op.at_ref.where, "operation time " + FormatTime(op.at) + " ('" + op.at_ref.text +
                                 "') is outside the run [0s, " + FormatTime(sc_.duration) + "]");
      mark[i] = 3;
      return false;
    }
    mark[i] = 2;
    return true;
  };
  for (std::size_t i = 0; i < sc_.timeline.size(); ++i) resolve(i, 0);
  std::stable_sort(sc_.timeline.begin(), sc_.timeline.end(),
                   [](const ScenarioOp& a, const ScenarioOp& b) { return a.at < b.at; });
}

std::optional<Expectation> Loader::OneExpectation(const YAML::Node& item) {
  Expectation e;
  e.where = Loc(item);
  YAML::Node params;
  std::string kind;
  if (item.IsScalar()) {
    kind = item.Scalar();
  } else if (item.IsMap() && item.size() == 1) {
    const auto kvp = *item.begin();
    kind = kvp.first.IsScalar() ? kvp.first.Scalar() : "";
    params = kvp.second;
  } else {
    Error(item,
          "an expectation is one key naming its kind (state, master, vip, priority, "
          "no_split_brain, split_brain, failover, vip_downtime, flaps, converges, transitions, "
          "final, client, vip_available, no_flapping) with its parameters below it");
    return std::nullopt;
  }
  static const std::pair<const char*, ExpectKind> kKinds[] = {
      {"state", ExpectKind::kState},
      {"master", ExpectKind::kMaster},
      {"vip", ExpectKind::kVip},
      {"priority", ExpectKind::kPriority},
      {"no_split_brain", ExpectKind::kNoSplitBrain},
      {"split_brain", ExpectKind::kSplitBrain},
      {"failover", ExpectKind::kFailover},
      {"vip_downtime", ExpectKind::kVipDowntime},
      {"flaps", ExpectKind::kFlaps},
      {"converges", ExpectKind::kConverges},
      {"transitions", ExpectKind::kTransitions},
      {"final", ExpectKind::kFinal},
      {"client", ExpectKind::kClient},
      {"vip_available", ExpectKind::kVipAvailable},
      {"no_flapping", ExpectKind::kNoFlapping}};
  bool found = false;
  for (const auto& [name, k] : kKinds)
    if (kind == name) {
      e.kind = k;
      found = true;
    }
  if (!found) {
    std::string msg = "unknown expectation '" + kind + "'";
    std::string_view best;
    std::size_t best_d = 4;
    for (const auto& [name, k] : kKinds) {
      (void)k;
      const std::size_t d = EditDistance(kind, name);
      if (d < best_d) {
        best_d = d;
        best = name;
      }
    }
    if (!best.empty()) msg += " (did you mean '" + std::string(best) + "'?)";
    msg +=
        "; expected one of state, master, vip, priority, no_split_brain, split_brain, "
        "failover, vip_downtime, flaps, converges, transitions, final, client, vip_available, "
        "no_flapping";
    Error(item.IsMap() ? YAML::Node((*item.begin()).first) : item, msg);
    return std::nullopt;
  }
  const std::string w = std::string("expectation ") + ExpectKindName(e.kind);
  if (!params.IsDefined() || params.IsNull()) {
    if (e.kind != ExpectKind::kNoSplitBrain) {
      Error(item, w + ": needs parameters");
      return std::nullopt;
    }
    return e;
  }
  if (!IsMap(params, w)) return std::nullopt;
  std::vector<std::string_view> keys = {"variants"};
  switch (e.kind) {
    case ExpectKind::kState:
      keys.insert(keys.end(), {"node", "instance", "vrid", "family", "is", "at", "from", "to"});
      break;
    case ExpectKind::kMaster:
      keys.insert(keys.end(), {"node", "vrid", "family", "at", "from", "to"});
      break;
    case ExpectKind::kVip:
      keys.insert(keys.end(), {"node", "vrid", "family", "address", "at", "from", "to"});
      break;
    case ExpectKind::kPriority:
      keys.insert(keys.end(), {"node", "instance", "vrid", "family", "is", "at"});
      break;
    case ExpectKind::kNoSplitBrain:
      keys.insert(keys.end(), {"vrid", "family", "except", "masters_only", "tolerance", "while"});
      break;
    case ExpectKind::kSplitBrain:
      keys.insert(keys.end(),
                  {"vrid", "family", "total_max", "total_min", "longest_max", "masters_only"});
      break;
    case ExpectKind::kFailover:
      keys.insert(keys.end(), {"after", "within", "vrid", "family", "node"});
      break;
    case ExpectKind::kVipDowntime:
      keys.insert(keys.end(), {"vrid", "family", "max", "from", "to"});
      break;
    case ExpectKind::kFlaps:
      keys.insert(keys.end(), {"node", "vrid", "family", "max", "min"});
      break;
    case ExpectKind::kConverges:
      keys.insert(keys.end(), {"after", "within"});
      break;
    case ExpectKind::kTransitions:
      keys.insert(keys.end(), {"node", "instance", "vrid", "family", "sequence", "from", "to"});
      break;
    case ExpectKind::kFinal:
      keys.insert(keys.end(), {"node", "instance", "vrid", "family", "is", "master"});
      break;
    case ExpectKind::kClient:
      keys.insert(keys.end(), {"name", "address", "reaches", "at", "from", "to", "downtime_max"});
      break;
    case ExpectKind::kVipAvailable:
      keys.insert(keys.end(), {"within", "vrid", "family"});
      break;
    case ExpectKind::kNoFlapping:
      keys.insert(keys.end(), {"max", "window", "vrid", "family"});
      break;
  }
  if (!Keys(params, keys, w)) return std::nullopt;
  bool ok = true;
  auto need = [&](const char* key, const char* hint) -> std::optional<YAML::Node> {
    auto v = Find(params, key);
    if (!v) {
      Error(params, w + ": missing '" + key + "' (" + hint + ")");
      ok = false;
    }
    return v;
  };
  if (auto v = Find(params, "variants")) {
    if (v->IsScalar()) {
      e.variants.push_back(v->Scalar());
      variant_refs_.push_back({v->Scalar(), Loc(*v)});
    } else if (IsSeq(*v, "variants")) {
      for (const auto& x : *v) {
        if (!Spend()) return std::nullopt;
        if (auto s = Str(x, "variant")) {
          e.variants.push_back(*s);
          variant_refs_.push_back({*s, Loc(x)});
        }
      }
    } else {
      ok = false;
    }
  }
  if (auto v = Find(params, "vrid")) {
    if (auto x = Int(*v, "vrid", 1, 255))
      e.vrid = static_cast<int>(*x);
    else
      ok = false;
  }
  if (auto v = Find(params, "family")) {
    // Which of an IPv4 and an IPv6 instance of one VRID (they are two groups).
    auto x = Int(*v, "family", 4, 6);
    if (x && *x != 5) {
      e.family = static_cast<int>(*x);
    } else {
      if (x) Error(*v, w + ": family: expected 4 or 6, got 5");
      ok = false;
    }
  }
  if (auto v = Find(params, "instance")) {
    if (auto s = Str(*v, "instance"))
      e.instance = *s;
    else
      ok = false;
  }
  const bool node_may_be_none = e.kind == ExpectKind::kMaster || e.kind == ExpectKind::kVip;
  auto node_key = Find(params, "node");
  if (e.kind == ExpectKind::kFinal && !node_key) node_key = Find(params, "master");
  if (e.kind == ExpectKind::kClient) node_key = Find(params, "reaches");
  if (auto v = node_key) {
    if (v->IsScalar() && v->Scalar() == "none" &&
        (node_may_be_none || e.kind == ExpectKind::kFinal || e.kind == ExpectKind::kClient)) {
      e.node_none = true;
    } else if (auto i = NodeRef(*v, w + " node")) {
      e.node = *i;
    } else {
      ok = false;
    }
  }
  auto get_time = [&](const char* key) -> std::optional<TimeRef> {
    if (auto v = Find(params, key)) {
      auto t = TimeR(*v, w + " " + key);
      if (!t) ok = false;
      return t;
    }
    return std::nullopt;
  };
  auto get_dur = [&](const char* key) -> std::optional<Duration> {
    if (auto v = Find(params, key)) {
      auto d = Dur(*v, w + " " + key);
      if (!d) ok = false;
      return d;
    }
    return std::nullopt;
  };
  auto point_or_window = [&](bool window_allowed) {
    auto at = get_time("at");
    auto from = get_time("from");
    auto to = get_time("to");
    if (at && (from || to)) {
      Error(params, w + ": give either 'at' or 'from'/'to', not both");
      ok = false;
    } else if (at) {
      e.at = at;
    } else if (from && to && window_allowed) {
      e.during = Window{*from, *to};
    } else if (from || to) {
      Error(params, w + ": an interval needs both 'from' and 'to'");
      ok = false;
    } else {
      Error(params, w + ": missing 'at' (or 'from' and 'to')");
      ok = false;
    }
  };
  switch (e.kind) {
    case ExpectKind::kVipAvailable:
      if (auto v = need("within", "how soon a running MASTER must hold the VIP again")) {
        if (auto d = PositiveDur(*v, w + " within"))
          e.within = d;
        else
          ok = false;
      }
      break;
    case ExpectKind::kNoFlapping:
      if (auto v = need("max", "the most MASTER entries allowed in any window")) {
        if (auto x = Int(*v, w + " max", 0, 1'000'000))
          e.count_max = *x;
        else
          ok = false;
      }
      if (auto v = need("window", "the length of the sliding window, e.g. 60s")) {
        if (auto d = PositiveDur(*v, w + " window"))
          e.window = d;
        else
          ok = false;
      }
      break;
    case ExpectKind::kClient: {
      if (auto v = need("name", "a client of network.clients")) {
        auto s = Str(*v, "name");
        for (std::size_t i = 0; s && i < sc_.clients.size(); ++i)
          if (sc_.clients[i].name == *s) e.client = static_cast<int>(i);
        if (s && e.client < 0) {
          Error(*v, w + ": no client named '" + *s + "' in network.clients");
          ok = false;
        }
      }
      if (auto v = Find(params, "address")) {
        auto s = Str(*v, "address");
        auto a = s ? vrrp::IpAddress::Parse(*s) : std::nullopt;
        if (!a) {
          if (s) Error(*v, w + ": address '" + *s + "' is not an IP address");
          ok = false;
        } else {
          e.address = a;
        }
      }
      e.max = get_dur("downtime_max");
      const bool reaches = Find(params, "reaches").has_value();
      if (reaches) {
        point_or_window(true);
      } else if (!e.max) {
        Error(params, w + ": needs 'reaches' (a node, or none) with 'at' or 'from'/'to', "
                          "and/or 'downtime_max'");
        ok = false;
      } else if (Find(params, "at") || Find(params, "from") || Find(params, "to")) {
        Error(params, w + ": 'at'/'from'/'to' go with 'reaches'");
        ok = false;
      }
      break;
    }
    case ExpectKind::kState: {
      if (e.node < 0 && !Find(params, "node")) need("node", "which node");
      if (auto v = need("is", "MASTER, BACKUP, FAULT or STOP")) {
        auto s = Str(*v, "is");
        auto st = s ? ParseState(*s) : std::nullopt;
        if (!st) {
          if (s)
            Error(*v, w + ": 'is' must be MASTER, BACKUP, FAULT, STOP or INIT, got '" + *s + "'");
          ok = false;
        } else {
          e.state = *st;
        }
      }
      point_or_window(true);
      break;
    }
    case ExpectKind::kMaster:
    case ExpectKind::kVip:
      if (e.node < 0 && !e.node_none && !Find(params, "node"))
        need("node", "the node expected, or none");
      if (auto v = Find(params, "address")) {
        auto s = Str(*v, "address");
        auto a = s ? vrrp::IpAddress::Parse(*s) : std::nullopt;
        if (!a) {
          if (s) Error(*v, w + ": address '" + *s + "' is not an IP address");
          ok = false;
        } else {
          e.address = a;
        }
      }
      point_or_window(true);
      break;
    case ExpectKind::kPriority: {
      if (e.node < 0 && !Find(params, "node")) need("node", "which node");
      if (auto v = need("is", "the effective priority")) {
        if (auto x = Int(*v, "is", 0, 255))
          e.priority = *x;
        else
          ok = false;
      }
      point_or_window(false);
      break;
    }
    case ExpectKind::kNoSplitBrain: {
      e.tolerance = get_dur("tolerance");
      if (auto v = Find(params, "while")) {
        if (auto b = WhileConnected(*v, w + " while"))
          e.while_connected = *b;
        else
          ok = false;
      }
      if (auto v = Find(params, "masters_only")) {
        if (auto b = Bool(*v, "masters_only"))
          e.masters_only = *b;
        else
          ok = false;
      }
      if (auto v = Find(params, "except")) {
        if (!IsSeq(*v, "except")) {
          ok = false;
          break;
        }
        for (const auto& x : *v) {
          if (!Spend()) return std::nullopt;
          if (!IsMap(x, "except window") || !Keys(x, {"from", "to"}, "except window")) {
            ok = false;
            continue;
          }
          auto f = Find(x, "from");
          auto t = Find(x, "to");
          if (!f || !t) {
            Error(x, "except window: needs 'from' and 'to'");
            ok = false;
            continue;
          }
          auto a = TimeR(*f, "except from");
          auto b = TimeR(*t, "except to");
          if (a && b)
            e.except.push_back(Window{*a, *b});
          else
            ok = false;
        }
      }
      break;
    }
    case ExpectKind::kSplitBrain:
      if (auto v = Find(params, "masters_only")) {
        if (auto b = Bool(*v, "masters_only"))
          e.masters_only = *b;
        else
          ok = false;
      }
      e.total_max = get_dur("total_max");
      e.total_min = get_dur("total_min");
      e.longest_max = get_dur("longest_max");
      if (ok && !e.total_max && !e.total_min && !e.longest_max) {
        Error(params, w + ": give at least one of total_max, total_min, longest_max");
        ok = false;
      }
      break;
    case ExpectKind::kFailover:
      if (need("after", "the id of the operation it follows")) e.after = get_time("after");
      if (need("within", "the longest acceptable time")) e.within = get_dur("within");
      break;
    case ExpectKind::kConverges:
      // No `after`: after the timeline's last operation (resolved when evaluated,
      // so that it also holds for a timeline `vrrpsim explore` extends).
      e.after = get_time("after");
      if (need("within", "the longest acceptable time")) e.within = get_dur("within");
      break;
    case ExpectKind::kVipDowntime: {
      if (need("max", "the longest acceptable total")) e.max = get_dur("max");
      auto from = get_time("from");
      auto to = get_time("to");
      if (from || to) {
        if (!from || !to) {
          Error(params, w + ": an interval needs both 'from' and 'to'");
          ok = false;
        } else {
          e.during = Window{*from, *to};
        }
      }
      break;
    }
    case ExpectKind::kFlaps:
      if (auto v = Find(params, "max")) {
        if (auto x = Int(*v, "max", 0, 1'000'000'000))
          e.count_max = *x;
        else
          ok = false;
      }
      if (auto v = Find(params, "min")) {
        if (auto x = Int(*v, "min", 0, 1'000'000'000))
          e.count_min = *x;
        else
          ok = false;
      }
      if (ok && !e.count_max && !e.count_min) {
        Error(params, w + ": give 'max' (and/or 'min'): the number of MASTER entries");
        ok = false;
      }
      break;
    case ExpectKind::kTransitions: {
      if (e.node < 0 && !Find(params, "node")) need("node", "which node");
      auto from = get_time("from");
      auto to = get_time("to");
      if (from || to) {
        if (!from || !to) {
          Error(params, w + ": an interval needs both 'from' and 'to'");
          ok = false;
        } else {
          e.during = Window{*from, *to};
        }
      }
      auto seq = need("sequence", "the states entered, in order, e.g. [BACKUP, MASTER]");
      if (!seq) break;
      if (!IsSeq(*seq, "sequence")) {
        ok = false;
        break;
      }
      for (const auto& x : *seq) {
        if (!Spend()) return std::nullopt;
        ExpectedStep step;
        std::optional<YAML::Node> state_node;  // never assign YAML::Node (reference semantics)
        if (x.IsMap()) {
          if (!Keys(x, {"state", "at"}, "sequence step")) {
            ok = false;
            continue;
          }
          state_node = Find(x, "state");
          if (!state_node) {
            Error(x, "sequence step: missing 'state'");
            ok = false;
            continue;
          }
          if (auto a = Find(x, "at")) {
            step.at = TimeR(*a, "sequence step at");
            if (!step.at) ok = false;
          }
        }
        const YAML::Node sv = state_node ? *state_node : YAML::Node(x);
        auto s = Str(sv, "sequence step");
        auto st = s ? ParseState(*s) : std::nullopt;
        if (!st) {
          if (s)
            Error(sv,
                  "sequence step: expected MASTER, BACKUP, FAULT, STOP or INIT, got '" + *s + "'");
          ok = false;
          continue;
        }
        step.state = *st;
        e.sequence.push_back(step);
      }
      break;
    }
    case ExpectKind::kFinal: {
      const bool has_node = Find(params, "node").has_value();
      const bool has_master = Find(params, "master").has_value();
      if (has_node == has_master) {
        Error(params, w + ": give either node + is (a state) or master (a node, or none)");
        ok = false;
        break;
      }
      if (has_node) {
        if (auto v = need("is", "the state at the end")) {
          auto s = Str(*v, "is");
          auto st = s ? ParseState(*s) : std::nullopt;
          if (!st) {
            if (s) Error(*v, w + ": 'is' must be MASTER, BACKUP, FAULT or STOP, got '" + *s + "'");
            ok = false;
          } else {
            e.state = *st;
          }
        }
      } else {
        if (Find(params, "is")) {
          Error(*Find(params, "is"), w + ": 'is' goes with 'node', not with 'master'");
          ok = false;
        }
        e.kind = ExpectKind::kFinal;
        e.state = vrrp::State::kMaster;
        e.masters_only = true;  // marks the "master:" form
      }
      break;
    }
  }
  if (!ok) return std::nullopt;
  return e;
}

void Loader::Expectations(const YAML::Node& n, std::vector<Expectation>* out) {
  if (!IsSeq(n, "expect")) return;
  if (n.size() > kMaxExpectations) {
    Error(n, "expect: too many expectations (at most " + std::to_string(kMaxExpectations) + ")");
    return;
  }
  for (const auto& item : n) {
    if (!Spend()) return;
    if (auto e = OneExpectation(item)) out->push_back(std::move(*e));
  }
}

std::optional<ConfigOverride> Loader::Override(const YAML::Node& n, const std::string& node,
                                               const std::string& what) {
  ConfigOverride o;
  o.node = node;
  o.where = Loc(n);
  if (!IsMap(n, what) || !Keys(n,
                               {"instance", "priority", "state", "nopreempt", "preempt_delay",
                                "advert_int", "script_weight"},
                               what))
    return std::nullopt;
  bool ok = true;
  const int ni = sc_.FindNode(node);
  const vrrp::Config* cfg = ni >= 0 ? &sc_.nodes[ni].config : nullptr;
  if (auto v = Find(n, "instance")) {
    auto s = Str(*v, "instance");
    if (s && cfg && !cfg->FindInstance(*s)) {
      Error(*v, what + ": node " + node + " has no vrrp_instance '" + *s + "'");
      ok = false;
    } else if (s) {
      o.instance = *s;
    }
  }
  if (auto v = Find(n, "priority")) {
    if (auto x = Int(*v, "priority", 1, 255))
      o.priority = static_cast<int>(*x);
    else
      ok = false;
  }
  if (auto v = Find(n, "state")) {
    auto s = Str(*v, "state");
    if (s && *s == "MASTER")
      o.state = vrrp::InitialState::kMaster;
    else if (s && *s == "BACKUP")
      o.state = vrrp::InitialState::kBackup;
    else {
      if (s) Error(*v, what + ": state must be MASTER or BACKUP, got '" + *s + "'");
      ok = false;
    }
  }
  if (auto v = Find(n, "nopreempt")) {
    if (auto b = Bool(*v, "nopreempt"))
      o.nopreempt = *b;
    else
      ok = false;
  }
  if (auto v = Find(n, "preempt_delay")) {
    auto d = Dur(*v, "preempt_delay");
    if (d && (*d < 0 || *d > vrrp::Seconds(1000))) {
      Error(*v, what + ": preempt_delay must be between 0 and 1000s");
      ok = false;
    } else if (d) {
      o.preempt_delay = *d;
    } else {
      ok = false;
    }
  }
  if (auto v = Find(n, "advert_int")) {
    auto d = Dur(*v, "advert_int");
    if (d && (*d < vrrp::Millis(10) || *d > vrrp::Seconds(255))) {
      Error(*v, what + ": advert_int must be between 10ms and 255s");
      ok = false;
    } else if (d) {
      o.advert_int = *d;
    } else {
      ok = false;
    }
  }
  if (auto v = Find(n, "script_weight")) {
    if (IsMap(*v, "script_weight")) {
      for (auto it = v->begin(); it != v->end(); ++it) {
        const auto kvp = *it;  // keep the pair alive (iterator proxies are temporaries)
        if (!Spend()) return std::nullopt;
        auto name = Str(kvp.first, "script name");
        auto w = Int(kvp.second, "weight", -253, 253);
        if (!name || !w) {
          ok = false;
          continue;
        }
        if (cfg && !cfg->FindScript(*name)) {
          Error(kvp.first, what + ": node " + node + " has no (used) vrrp_script '" + *name + "'");
          ok = false;
          continue;
        }
        o.script_weights.emplace_back(*name, static_cast<int>(*w));
      }
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return o;
}

void Loader::Matrix(const YAML::Node& n) {
  if (!IsMap(n, "matrix") || !Keys(n, {"node", "nodes", "instance", "vary", "variants"}, "matrix"))
    return;
  auto vary = Find(n, "vary");
  auto variants = Find(n, "variants");
  if (vary && variants) {
    Error(*variants,
          "matrix: give either 'vary' (a product of values) or 'variants' (explicit), "
          "not both");
    return;
  }
  if (!vary && !variants) {
    Error(n, "matrix: needs 'vary' or 'variants'");
    return;
  }
  if (variants) {
    if (Find(n, "node") || Find(n, "nodes") || Find(n, "instance")) {
      Error(n, "matrix: node/nodes/instance go with 'vary'; explicit variants name their nodes");
      return;
    }
    if (!IsSeq(*variants, "matrix variants")) return;
    if (variants->size() == 0 || variants->size() > kMaxVariants) {
      Error(*variants, "matrix variants: between 1 and " + std::to_string(kMaxVariants));
      return;
    }
    std::set<std::string> names;
    for (const auto& v : *variants) {
      if (!Spend()) return;
      Variant var;
      var.where = Loc(v);
      if (!IsMap(v, "variant") || !Keys(v, {"name", "set", "expect"}, "variant")) continue;
      if (auto nm = Find(v, "name")) {
        if (auto s = NameOf(*nm, "variant name")) {
          if (*s == "base" || !names.insert(*s).second) {
            Error(*nm,
                  "variant name '" + *s + "' is " + (*s == "base" ? "reserved" : "used twice"));
            continue;
          }
          var.name = *s;
        } else {
          continue;
        }
      } else {
        Error(v, "variant: missing 'name'");
        continue;
      }
      if (auto set = Find(v, "set")) {
        if (IsMap(*set, "variant set")) {
          for (auto it = set->begin(); it != set->end(); ++it) {
            const auto kvp = *it;  // keep the pair alive (iterator proxies are temporaries)
            if (!Spend()) return;
            auto node = Str(kvp.first, "node");
            if (!node) continue;
            if (sc_.FindNode(*node) < 0) {
              Error(kvp.first, "variant " + var.name + ": no node named '" + *node + "'");
              continue;
            }
            if (auto o = Override(kvp.second, *node, "variant " + var.name + " " + *node))
              var.overrides.push_back(*o);
          }
        }
      }
      if (auto ex = Find(v, "expect")) Expectations(*ex, &var.expect);
      sc_.variants.push_back(std::move(var));
    }
    return;
  }
  // vary: cartesian product over the listed keys, applied to node(s).
  std::vector<std::string> targets;
  if (auto v = Find(n, "node")) {
    if (auto i = NodeRef(*v, "matrix node")) targets.push_back(sc_.nodes[*i].name);
  } else if (auto vs = Find(n, "nodes")) {
    if (IsSeq(*vs, "matrix nodes"))
      for (const auto& x : *vs) {
        if (!Spend()) return;
        if (auto i = NodeRef(x, "matrix nodes")) targets.push_back(sc_.nodes[*i].name);
      }
  } else {
    for (const auto& node : sc_.nodes) targets.push_back(node.name);
  }
  std::string instance;
  if (auto v = Find(n, "instance"))
    if (auto s = Str(*v, "instance")) instance = *s;
  if (!IsMap(*vary, "matrix vary")) return;
  struct Axis {
    std::string key;
    std::vector<YAML::Node> values;
  };
  std::vector<Axis> axes;
  std::size_t product = 1;
  for (auto it = vary->begin(); it != vary->end(); ++it) {
    const auto kvp = *it;  // keep the pair alive (iterator proxies are temporaries)
    if (!Spend()) return;
    auto key = Str(kvp.first, "matrix key");
    if (!key) return;
    static const std::vector<std::string_view> kVaryKeys = {"priority", "state", "nopreempt",
                                                            "preempt_delay", "advert_int"};
    const bool weight_key = key->rfind("weight.", 0) == 0 && key->size() > 7;
    if (!weight_key && std::find(kVaryKeys.begin(), kVaryKeys.end(), *key) == kVaryKeys.end()) {
      Error(kvp.first, "matrix vary: unknown key '" + *key +
                           "' (expected priority, state, nopreempt, preempt_delay, advert_int or "
                           "weight.<vrrp_script>)");
      return;
    }
    for (const auto& a : axes)
      if (a.key == *key) {
        Error(kvp.first, "matrix vary: duplicate key '" + *key + "'");
        return;
      }
    if (!IsSeq(kvp.second, "matrix vary " + *key) || kvp.second.size() == 0) {
      if (kvp.second.IsSequence()) Error(kvp.second, "matrix vary " + *key + ": no values");
      return;
    }
    Axis axis{*key, {}};
    for (const auto& x : kvp.second) {
      if (!Spend()) return;
      axis.values.push_back(x);
    }
    product *= axis.values.size();
    if (product > kMaxVariants) {
      Error(kvp.second, "matrix: more than " + std::to_string(kMaxVariants) + " variants");
      return;
    }
    axes.push_back(std::move(axis));
  }
  if (axes.empty()) {
    Error(*vary, "matrix vary: nothing to vary");
    return;
  }
  std::vector<std::size_t> idx(axes.size(), 0);
  for (std::size_t v = 0; v < product; ++v) {
    Variant var;
    var.where = Loc(*vary);
    std::string name;
    bool ok = true;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const YAML::Node& val = axes[a].values[idx[a]];
      if (!val.IsScalar()) {
        Error(val, "matrix vary " + axes[a].key + ": values must be single values");
        return;
      }
      if (!name.empty()) name += ",";
      name += axes[a].key + "=" + val.Scalar();
    }
    var.name = name;
    for (const auto& t : targets) {
      ConfigOverride o;
      o.node = t;
      o.instance = instance;
      o.where = var.where;
      const int ni = sc_.FindNode(t);
      if (!instance.empty() && ni >= 0 && !sc_.nodes[ni].config.FindInstance(instance)) {
        Error(*Find(n, "instance"),
              "matrix: node " + t + " has no vrrp_instance '" + instance + "'");
        return;
      }
      for (std::size_t a = 0; a < axes.size(); ++a) {
        const YAML::Node& val = axes[a].values[idx[a]];
        const std::string& key = axes[a].key;
        const std::string what = "matrix vary " + key;
        if (key == "priority") {
          if (auto x = Int(val, what, 1, 255))
            o.priority = static_cast<int>(*x);
          else
            ok = false;
        } else if (key == "state") {
          if (val.Scalar() == "MASTER")
            o.state = vrrp::InitialState::kMaster;
          else if (val.Scalar() == "BACKUP")
            o.state = vrrp::InitialState::kBackup;
          else {
            Error(val, what + ": MASTER or BACKUP, got '" + val.Scalar() + "'");
            ok = false;
          }
        } else if (key == "nopreempt") {
          if (auto b = Bool(val, what))
            o.nopreempt = *b;
          else
            ok = false;
        } else if (key == "preempt_delay") {
          auto d = Dur(val, what);
          if (d && *d >= 0 && *d <= vrrp::Seconds(1000))
            o.preempt_delay = *d;
          else {
            if (d) Error(val, what + ": between 0 and 1000s");
            ok = false;
          }
        } else if (key == "advert_int") {
          auto d = Dur(val, what);
          if (d && *d >= vrrp::Millis(10) && *d <= vrrp::Seconds(255))
            o.advert_int = *d;
          else {
            if (d) Error(val, what + ": between 10ms and 255s");
            ok = false;
          }
        } else {
          const std::string script = key.substr(7);
          if (ni >= 0 && !sc_.nodes[ni].config.FindScript(script)) {
            Error(val, what + ": node " + t + " has no (used) vrrp_script '" + script + "'");
            return;
          }
          if (auto x = Int(val, what, -253, 253))
            o.script_weights.emplace_back(script, static_cast<int>(*x));
          else
            ok = false;
        }
        if (!ok) return;
      }
      var.overrides.push_back(std::move(o));
    }
    sc_.variants.push_back(std::move(var));
    for (std::size_t a = axes.size(); a-- > 0;) {
      if (++idx[a] < axes[a].values.size()) break;
      idx[a] = 0;
    }
  }
}

std::optional<FaultKind> Loader::FaultKindOf(const YAML::Node& n, const std::string& what) {
  auto s = Str(n, what);
  if (!s) return std::nullopt;
  if (auto k = ParseFaultKind(*s)) return k;
  std::string msg = "unknown fault kind '" + *s + "' in " + what;
  std::string_view best;
  std::size_t best_d = 3;
  for (auto name : kFaultKindNames) {
    const std::size_t d = EditDistance(*s, name);
    if (d < best_d) {
      best_d = d;
      best = name;
    }
  }
  if (!best.empty()) msg += " (did you mean '" + std::string(best) + "'?)";
  msg += "; the fault kinds are";
  for (std::size_t i = 0; i < kFaultKindNames.size(); ++i)
    msg += (i ? ", " : " ") + std::string(kFaultKindNames[i]);
  Error(n, msg);
  return std::nullopt;
}

// One of explore.properties: on/off, or a mapping of its parameters (which
// turns it on); nothing after the key means on with its defaults.
bool Loader::ExploreProperty(const YAML::Node& n, const std::string& name, bool* on,
                             const std::vector<std::string_view>& keys,
                             const std::function<bool(const YAML::Node& params)>& parse) {
  const std::string what = "explore property " + name;
  if (!n.IsDefined() || n.IsNull()) {
    *on = true;
    return true;
  }
  if (n.IsScalar()) {
    auto b = Bool(n, what);
    if (b) *on = *b;
    return b.has_value();
  }
  if (!n.IsMap()) {
    Error(n, what + " must be on/off or a mapping of its parameters" +
                 (keys.empty() ? std::string(" (it has none: on or off)") : ""));
    return false;
  }
  if (keys.empty()) {
    Error(n, what + " has no parameters: on or off");
    return false;
  }
  if (!Keys(n, keys, what)) return false;
  *on = true;
  return parse(n);
}

void Loader::Explore(const YAML::Node& n) {
  ExploreSpec& x = sc_.explore;
  x.present = true;
  x.where = Loc(n);
  if (n.IsNull()) return;  // `explore:` alone: every default
  if (!IsMap(n, "explore") ||
      !Keys(n,
            {"duration", "window", "quiet", "max_faults", "min_faults", "min_gap", "length", "open",
             "weights", "only", "prefix", "properties"},
            "explore"))
    return;
  const int errors_before = errors_;

  if (auto v = Find(n, "duration")) {
    if (auto d = Dur(*v, "explore duration")) {
      if (*d <= 0)
        Error(*v, "explore duration must be longer than 0 and at most 30 days (30d)");
      else
        x.duration = *d;
    }
  }
  if (auto v = Find(n, "quiet"))
    if (auto d = Dur(*v, "explore quiet")) x.quiet = *d;

  // window: {from, to}
  std::optional<YAML::Node> from_node, to_node;
  if (auto v = Find(n, "window")) {
    if (IsMap(*v, "explore window") && Keys(*v, {"from", "to"}, "explore window")) {
      from_node = Find(*v, "from");
      to_node = Find(*v, "to");
      if (from_node)
        if (auto d = Dur(*from_node, "explore window from")) x.window_from = *d;
      if (to_node) {
        if (auto d = Dur(*to_node, "explore window to")) {
          if (*d <= x.window_from)
            Error(*to_node, "explore window to (" + FormatTime(*d) +
                                ") must be after window from (" + FormatTime(x.window_from) + ")");
          else
            x.window_to = *d;
        }
      }
    }
  }

  const bool timing_ok = errors_ == errors_before;  // duration, quiet, window

  if (auto v = Find(n, "max_faults"))
    if (auto i = Int(*v, "explore max_faults", 1, 64)) x.max_faults = static_cast<int>(*i);
  if (auto v = Find(n, "min_faults")) {
    if (auto i = Int(*v, "explore min_faults", 0, 64)) {
      if (*i > x.max_faults)
        Error(*v, "explore min_faults (" + std::to_string(*i) + ") is more than max_faults (" +
                      std::to_string(x.max_faults) +
                      (Find(n, "max_faults") ? ")" : ", the default)"));
      else
        x.min_faults = static_cast<int>(*i);
    }
  }
  if (auto v = Find(n, "min_gap"))
    if (auto d = Dur(*v, "explore min_gap")) x.min_gap = *d;

  // length: {min, max}
  if (auto v = Find(n, "length")) {
    if (IsMap(*v, "explore length") && Keys(*v, {"min", "max"}, "explore length")) {
      auto lo = Find(*v, "min");
      auto hi = Find(*v, "max");
      if (lo)
        if (auto d = PositiveDur(*lo, "explore length min")) x.min_length = *d;
      if (hi) {
        if (auto d = Dur(*hi, "explore length max")) {
          if (*d < x.min_length)
            Error(*hi, "explore length max (" + FormatTime(*d) + ") is shorter than length min (" +
                           FormatTime(x.min_length) + (lo ? ")" : ", the default)"));
          else
            x.max_length = *d;
        }
      } else if (lo && x.min_length > x.max_length) {
        Error(*lo, "explore length min (" + FormatTime(x.min_length) +
                       ") is longer than length max (" + FormatTime(x.max_length) +
                       ", the default)");
      }
    }
  }

  if (auto v = Find(n, "open"))
    if (auto p = Loss(*v, "explore open")) x.open_percent = static_cast<int>(std::lround(*p * 100));

  // weights, then only
  const int errors_before_weights = errors_;
  std::array<bool, kFaultKindCount> weight_given{};
  auto weights = Find(n, "weights");
  if (weights && IsMap(*weights, "explore weights")) {
    for (auto it = weights->begin(); it != weights->end(); ++it) {
      const auto kvp = *it;  // keep the pair alive (iterator proxies are temporaries)
      if (!Spend()) return;
      auto k = FaultKindOf(kvp.first, "explore weights");
      if (!k) continue;
      const auto i = static_cast<std::size_t>(*k);
      if (weight_given[i]) {
        Error(kvp.first,
              "duplicate key '" + std::string(FaultKindName(*k)) + "' in explore weights");
        continue;
      }
      weight_given[i] = true;
      if (auto w = Int(kvp.second, "explore weight of " + std::string(FaultKindName(*k)), 0, 1000))
        x.weights[i] = static_cast<int>(*w);
    }
  }
  auto only = Find(n, "only");
  if (only && IsSeq(*only, "explore only")) {
    std::array<bool, kFaultKindCount> listed{};
    for (const auto& item : *only) {
      if (!Spend()) return;
      auto k = FaultKindOf(item, "explore only");
      if (!k) continue;
      const auto i = static_cast<std::size_t>(*k);
      if (listed[i]) {
        Error(item, "explore only: '" + std::string(FaultKindName(*k)) + "' is listed twice");
        continue;
      }
      listed[i] = true;
      if (weight_given[i] && x.weights[i] == 0) {
        Error(item, "explore only: weight 0 for a kind listed in only ('" +
                        std::string(FaultKindName(*k)) + "' has weight 0 in weights)");
        continue;
      }
      // Listing an opt-in kind (default weight 0, e.g. foreign) turns it on.
      if (!weight_given[i] && x.weights[i] == 0) x.weights[i] = 1;
    }
    if (only->size() == 0) Error(*only, "explore only: an empty list (name the fault kinds)");
    for (std::size_t i = 0; i < listed.size(); ++i)
      if (!listed[i]) x.weights[i] = 0;
  }
  if (errors_ == errors_before_weights &&
      std::all_of(x.weights.begin(), x.weights.end(), [](int w) { return w == 0; }))
    Error(only      ? *only
          : weights ? *weights
                    : n,
          "explore: no fault kind has a weight above 0 (see weights and only)");

  if (auto v = Find(n, "prefix"))
    if (auto b = Bool(*v, "explore prefix")) x.prefix = *b;

  // properties
  if (auto v = Find(n, "properties"); v && !v->IsNull()) {
    ExploreProperties& p = x.properties;
    if (IsMap(*v, "explore properties") &&
        Keys(*v, {"no_split_brain", "vip_available", "converges", "no_flapping", "expect"},
             "explore properties")) {
      bool props_ok = true;
      if (auto q = Find(*v, "no_split_brain")) {
        props_ok &=
            ExploreProperty(*q, "no_split_brain", &p.no_split_brain,
                            {"tolerance", "while", "masters_only"}, [&](const YAML::Node& m) {
                              bool ok = true;
                              if (auto t = Find(m, "tolerance")) {
                                auto d = Dur(*t, "explore no_split_brain tolerance");
                                ok = d.has_value();
                                if (d) p.split_tolerance = d;
                              }
                              if (auto t = Find(m, "while")) {
                                auto b = WhileConnected(*t, "explore no_split_brain while");
                                ok = b.has_value() && ok;
                                if (b) p.split_while_connected = *b;
                              }
                              if (auto t = Find(m, "masters_only")) {
                                auto b = Bool(*t, "explore no_split_brain masters_only");
                                ok = b.has_value() && ok;
                                if (b) p.split_masters_only = *b;
                              }
                              return ok;
                            });
      }
      if (auto q = Find(*v, "vip_available")) {
        props_ok &= ExploreProperty(
            *q, "vip_available", &p.vip_available, {"within"}, [&](const YAML::Node& m) {
              if (auto t = Find(m, "within")) {
                p.vip_within = PositiveDur(*t, "explore vip_available within");
                return p.vip_within.has_value();
              }
              return true;
            });
      }
      if (auto q = Find(*v, "converges")) {
        props_ok &=
            ExploreProperty(*q, "converges", &p.converges, {"within"}, [&](const YAML::Node& m) {
              if (auto t = Find(m, "within")) {
                p.converge_within = PositiveDur(*t, "explore converges within");
                return p.converge_within.has_value();
              }
              return true;
            });
      }
      if (auto q = Find(*v, "no_flapping")) {
        props_ok &= ExploreProperty(*q, "no_flapping", &p.no_flapping, {"max", "window"},
                                    [&](const YAML::Node& m) {
                                      bool ok = true;
                                      if (auto t = Find(m, "max")) {
                                        auto i = Int(*t, "explore no_flapping max", 0, 1'000'000);
                                        ok = i.has_value();
                                        if (i) p.flap_max = static_cast<int>(*i);
                                      }
                                      if (auto t = Find(m, "window")) {
                                        auto d = PositiveDur(*t, "explore no_flapping window");
                                        ok = d.has_value() && ok;
                                        if (d) p.flap_window = *d;
                                      }
                                      return ok;
                                    });
      }
      if (auto q = Find(*v, "expect"))
        props_ok &= ExploreProperty(*q, "expect", &p.scenario_expect, {},
                                    [](const YAML::Node&) { return true; });
      if (props_ok && !p.no_split_brain && !p.vip_available && !p.converges && !p.no_flapping &&
          !p.scenario_expect)
        Error(*v, "explore: every property is off; nothing to check");
    }
  }

  // The fault window against the run's length (the scenario's duration is
  // already read; if it was not valid that error stands alone).
  const Duration run = x.duration.value_or(sc_.duration);
  if (run <= 0) return;
  if (to_node && x.window_to && *x.window_to > run) {
    Error(*to_node, "explore window to (" + FormatTime(*x.window_to) +
                        ") is after the end of the run (" +
                        (x.duration ? "explore duration " : "the scenario's duration ") +
                        FormatTime(run) + ")");
  } else if (!x.window_to && timing_ok) {
    const Duration to = run - x.quiet;
    if (to <= x.window_from) {
      const auto quiet = Find(n, "quiet");
      Error(from_node ? *from_node
            : quiet   ? *quiet
                      : n,
            "explore: no time left for faults: the window ends at duration - quiet = " +
                FormatTime(to) + ", not after window from (" + FormatTime(x.window_from) +
                "); shorten quiet or give window to");
    }
  }
}

void Loader::CheckRefs() {
  std::map<std::string, Time> label_time;
  for (const auto& op : sc_.timeline)
    if (!op.label.empty()) label_time[op.label] = op.at;
  for (const auto& r : pending_refs_) {
    Time base = 0;
    if (r.label == "end") {
      base = sc_.duration;
    } else if (!r.label.empty()) {
      auto it = label_time.find(r.label);
      if (it == label_time.end()) {
        Error(r.where, "unknown id '" + r.label + "' in time '" + r.text +
                           "' (ids are given to timeline operations with id:)");
        continue;
      }
      base = it->second;
    }
    const Time t = base + r.offset;
    if (t < 0 || t > sc_.duration)
      Error(r.where, "time '" + r.text + "' is " + FormatTime(t) + ", outside the run [0s, " +
                         FormatTime(sc_.duration) + "]");
  }
  for (const auto& [name, where] : variant_refs_) {
    bool found = name == "base";
    for (const auto& v : sc_.variants) found = found || v.name == name;
    if (!found) Error(where, "unknown variant '" + name + "'");
  }
}

std::optional<Scenario> Loader::Load(const YAML::Node& root) {
  sc_.file = file_;
  sc_.base_dir = base_dir_;
  if (!root.IsDefined() || root.IsNull()) {
    Error(Location{file_, 1, 1}, "empty scenario: expected a mapping with name, duration, nodes");
    return std::nullopt;
  }
  if (!IsMap(root, "a scenario")) return std::nullopt;
  Keys(root,
       {"name", "description", "seed", "duration", "network", "nodes", "timeline", "expect",
        "matrix", "wakeup_jitter", "timing", "explore"},
       "the scenario");
  if (auto v = Find(root, "name")) {
    if (auto s = Str(*v, "name")) sc_.name = *s;
  } else {
    Error(root, "missing 'name'");
  }
  if (auto v = Find(root, "description"))
    if (auto s = Str(*v, "description")) sc_.description = *s;
  if (auto v = Find(root, "seed")) {
    auto s = Str(*v, "seed");
    if (s) {
      std::uint64_t x = 0;
      bool ok = !s->empty() && s->size() <= 20;
      for (char c : *s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) ok = false;
        const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (x > (UINT64_MAX - d) / 10) ok = false;
        x = x * 10 + d;
      }
      if (!ok)
        Error(*v, "seed must be a non-negative integer (at most 2^64-1), got '" + *s + "'");
      else
        sc_.seed = x;
    }
  }
  if (auto v = Find(root, "duration")) {
    if (auto d = Dur(*v, "duration")) {
      if (*d <= 0 || *d > kMaxDuration)
        Error(*v, "duration must be longer than 0 and at most 30 days (30d)");
      else
        sc_.duration = *d;
    }
  } else {
    Error(root, "missing 'duration' (how long to simulate, e.g. duration: 60s)");
  }
  if (auto v = Find(root, "wakeup_jitter")) {
    if (auto d = WakeupJitter(*v)) sc_.wakeup_jitter = *d;
  }
  if (auto v = Find(root, "timing")) Timing(*v, &sc_.timing);
  if (auto v = Find(root, "nodes"))
    Nodes(*v);
  else
    Error(root, "missing 'nodes'");
  if (auto v = Find(root, "network")) Network(*v);
  if (auto v = Find(root, "timeline")) Timeline(*v);
  if (auto v = Find(root, "expect")) Expectations(*v, &sc_.expect);
  if (auto v = Find(root, "matrix")) Matrix(*v);
  if (auto v = Find(root, "explore")) Explore(*v);
  if (budget_ < 0)
    Error(root, "scenario too large (more than 5000000 YAML nodes, aliases included)");
  if (errors_ == 0) {
    ResolveTimes();
    CheckRefs();
    for (const auto& node : sc_.nodes)
      if (node.start && *node.start > sc_.duration)
        Error(node.where, "node " + node.name + " starts after the end of the run");
  }
  if (errors_ == 0) {
    // Variant configurations: the parsed configs with the overrides applied.
    // Each variant holds its own copy of every node's configuration.
    std::uint64_t node_bytes = 0;
    for (const auto& node : sc_.nodes) node_bytes += node.config_text.size();
    for (auto& var : sc_.variants) {
      if (!ChargeConfig(node_bytes, var.where)) break;
      for (const auto& node : sc_.nodes) var.configs.push_back(node.config);
      for (const auto& o : var.overrides) {
        const int ni = sc_.FindNode(o.node);
        Diagnostics d;
        ApplyOverride(o, &var.configs[ni], &d);
        for (auto& x : d) {
          x.message = "variant " + var.name + ": " + x.message;
          if (x.severity != Severity::kWarning) ++errors_;
          diags_->push_back(std::move(x));
        }
      }
    }
  }
  if (errors_ > 0) return std::nullopt;
  return std::move(sc_);
}

// One pass over the file's YAML events, before any node tree is built (so
// before any cost that grows with an alias fan-out): counts the nodes the
// aliases add (an alias counts as the whole tree its anchor names, computed
// as each anchored node closes), refuses an alias to a node it sits inside
// (a cycle), and a second document, which YAML::Load would silently drop.
class YamlPrescan : public YAML::EventHandler {
 public:
  struct Refusal {
    YAML::Mark mark;
    std::string message;
  };

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      throw Refusal{mark,
                    "a second YAML document starts here ('---'): a scenario file is one "
                    "document (the rest would be ignored)"};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { Leaf(anchor); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    Leaf(anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor < open_anchor_.size() && open_anchor_[anchor])
      throw Refusal{mark, "this alias refers to a node it is part of (a cycle)"};
    const std::uint64_t n = anchor < size_.size() ? size_[anchor] : 1;
    added_ = Sum(added_, n - 1);  // the alias itself is spelt out in the file
    if (added_ > kMaxAliasNodes)
      throw Refusal{mark, "aliases expand the scenario by more than " +
                              std::to_string(kMaxAliasNodes) +
                              " YAML nodes (an alias counts as the whole node its anchor names)"};
    Add(n);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    std::uint64_t size;  // nodes in this collection so far, itself included
    YAML::anchor_t anchor;
  };
  static std::uint64_t Sum(std::uint64_t a, std::uint64_t b) {
    constexpr std::uint64_t kCap = std::uint64_t{1} << 62;  // saturate: no wrap-around
    return std::min(kCap, a + std::min(kCap, b));
  }
  void Set(YAML::anchor_t anchor, std::uint64_t n) {
    if (anchor >= size_.size()) size_.resize(anchor + 1, 1);
    size_[anchor] = n;
  }
  void Add(std::uint64_t n) {
    if (!open_.empty()) open_.back().size = Sum(open_.back().size, n);
  }
  void Leaf(YAML::anchor_t anchor) {
    if (anchor) Set(anchor, 1);
    Add(1);
  }
  void Open(YAML::anchor_t anchor) {
    open_.push_back({1, anchor});
    if (anchor) {
      if (anchor >= open_anchor_.size()) open_anchor_.resize(anchor + 1, false);
      open_anchor_[anchor] = true;
    }
  }
  void Close() {
    const Frame f = open_.back();
    open_.pop_back();
    if (f.anchor) {
      Set(f.anchor, f.size);
      open_anchor_[f.anchor] = false;
    }
    Add(f.size);
  }

  std::vector<Frame> open_;
  std::vector<std::uint64_t> size_;  // per anchor id: the nodes its tree holds
  std::vector<bool> open_anchor_;    // per anchor id: still being read
  std::uint64_t added_ = 0;
  int documents_ = 0;
};

}  // namespace

ScenarioLoad LoadScenarioText(std::string_view yaml, const std::string& path_for_messages,
                              const std::string& base_dir) {
  ScenarioLoad out;
  if (yaml.size() > kMaxScenarioBytes) {
    out.diagnostics.push_back(
        {Severity::kError,
         {path_for_messages, 0, 0},
         "scenario file is larger than " + std::to_string(kMaxScenarioBytes) + " bytes"});
    return out;
  }
  // Without a '*' there is no alias, and without a line starting "---" or
  // "..." no second document: most files skip the extra pass.
  const auto line_starts = [&](std::string_view what) {
    return yaml.substr(0, what.size()) == what ||
           yaml.find("\n" + std::string(what)) != std::string_view::npos;
  };
  const bool prescan =
      yaml.find('*') != std::string_view::npos || line_starts("---") || line_starts("...");
  try {
    if (prescan) {
      std::istringstream in{std::string(yaml)};
      YAML::Parser parser(in);
      YamlPrescan scan;
      try {
        while (parser.HandleNextDocument(scan)) {
        }
      } catch (const YamlPrescan::Refusal& r) {
        out.diagnostics.push_back(
            {Severity::kError, {path_for_messages, r.mark.line + 1, r.mark.column + 1}, r.message});
        return out;
      }
    }
    YAML::Node root = YAML::Load(std::string(yaml));
    Loader loader(path_for_messages, base_dir, yaml, &out.diagnostics);
    out.scenario = loader.Load(root);
  } catch (const YAML::Exception& e) {
    vrrp::Location where{path_for_messages, 0, 0};
    if (!e.mark.is_null()) where = {path_for_messages, e.mark.line + 1, e.mark.column + 1};
    out.scenario.reset();
    std::string msg = "YAML syntax error: " + e.msg;
    // yaml-cpp's words for a nesting-depth overflow.
    if (e.msg == "bad file") msg = "YAML syntax error: nested too deeply (or malformed) here";
    // A tab in the indentation up to the error's line: yaml-cpp often blames
    // something else ("illegal block entry"); say what is wrong.
    if (!e.mark.is_null()) {
      int line = 1;
      bool at_start = true;
      for (std::size_t i = 0; i < yaml.size() && line <= e.mark.line + 1; ++i) {
        const char c = yaml[i];
        if (c == '\n') {
          ++line;
          at_start = true;
        } else if (c == '\t' && at_start) {
          msg += " (line " + std::to_string(line) +
                 " is indented with a tab: YAML indents with spaces only)";
          break;
        } else if (c != ' ') {
          at_start = false;
        }
      }
    }
    out.diagnostics.push_back({Severity::kError, where, msg, DiagClass::kVrrpsim});
  } catch (const std::exception& e) {
    out.scenario.reset();
    out.diagnostics.push_back({Severity::kError,
                               {path_for_messages, 0, 0},
                               std::string("cannot read scenario: ") + e.what()});
  } catch (...) {
    out.scenario.reset();
    out.diagnostics.push_back(
        {Severity::kError, {path_for_messages, 0, 0}, "cannot read scenario: unknown error"});
  }
  return out;
}

ScenarioLoad LoadScenarioFile(const std::string& path) {
  ScenarioLoad out;
  // A regular file only, capped before it is read: a named pipe would block
  // and a device never end (docs/robustness.md, "Hostile files and paths").
  std::string data, error;
  if (!ReadRegularFile(path, kMaxScenarioBytes, &data, &error)) {
    if (error.rfind("is larger than", 0) == 0)
      error = "scenario file is larger than " + std::to_string(kMaxScenarioBytes) + " bytes";
    else if (const auto cut = error.find(", not a regular file"); cut != std::string::npos)
      error = error.substr(0, cut) + ", not a scenario file";
    else if (error.rfind("is ", 0) != 0)
      error = "cannot open scenario file: " + error;
    out.diagnostics.push_back({Severity::kError, {path, 0, 0}, error, DiagClass::kVrrpsim});
    out.read_ok = false;
    return out;
  }
  out = LoadScenarioText(data, path, DirName(path));
  if (out.scenario) out.scenario->input_files.insert(out.scenario->input_files.begin(), path);
  return out;
}

void SetKeysCheckedHook(KeysCheckedHook hook) { keys_checked_hook = std::move(hook); }

}  // namespace vsim

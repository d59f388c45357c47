// Scenario -> scenario YAML. The output is built by hand (not with yaml-cpp's
// emitter) so that its layout is ours and fixed: the same Scenario always
// gives the same bytes, configurations are literal blocks a reviewer can
// read, and every scalar is quoted exactly when the reader needs it.
#include "sim/scenario/writer.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/vrrp/action.h"
#include "sim/scenario/timing_reader.h"

namespace vsim {

namespace {

// ---- scalars

// yaml-cpp reads these plain scalars as null (IsScalar() false).
bool IsNullWord(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// A plain scalar that yaml-cpp reads back as exactly this text, in block and
// in flow context: names, durations, time references, numbers, addresses.
bool PlainSafe(std::string_view s) {
  if (IsNullWord(s)) return false;
  const auto first = static_cast<unsigned char>(s.front());
  if (!std::isalnum(first) && first != '_') return false;
  if (s.back() == ' ') return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != '-' && c != '.' && c != '+' && c != '/' && c != ' ')
      return false;
  }
  return true;
}

// A double-quoted scalar on one line: any text, control characters escaped.
std::string DoubleQuoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string Scalar(std::string_view s) { return PlainSafe(s) ? std::string(s) : DoubleQuoted(s); }

// A timing profile: `ideal`, `measured`, or self-contained inline quantiles
// (a profile file's path would not resolve from where the output is written).
std::string TimingText(const std::shared_ptr<const TimingProfile>& t) {
  if (!t || t->ideal()) return "ideal";
  if (t->source == "measured") {
    auto m = MeasuredProfile();
    if (m && *m == *t) return "measured";
  }
  std::string out = "{";
  const std::pair<const char*, const Distribution*> parts[] = {
      {"startup", &t->startup},
      {"startup_gap", &t->startup_gap},
      {"operation_delay", &t->operation_delay},
      {"stop_delay", &t->stop_delay},
      {"check_delay", &t->check_delay},
      {"advert_delay", &t->advert_delay},
      {"timer_wakeup", &t->timer_wakeup},
      {"instance_gap", &t->instance_gap}};
  bool first = true;
  for (const auto& [key, d] : parts) {
    if (d->zero()) continue;
    if (!first) out += ", ";
    first = false;
    out += std::string(key) + ": " + FormatDistribution(*d);
  }
  return out + "}";
}

// Text a literal block scalar carries unchanged: printable characters and
// tabs on lines broken by '\n' only (YAML turns "\r\n" and "\r" into "\n"),
// and at least one character that is not a line break (a block of empty
// lines only reads back as "").
bool LiteralSafe(std::string_view text) {
  bool content = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') continue;
    if (c != '\t' && (u < 0x20 || u == 0x7f)) return false;
    content = true;
  }
  return content;
}

// Appends the value of a key whose mapping's keys are at column `col`: a
// literal block (explicit indentation, so lines starting with spaces or
// whitespace-only lines keep their spaces; chomping chosen so the final line
// breaks come back exactly) or, for text a block cannot carry, a
// double-quoted scalar. `out` ends with "key:" when called.
void AppendText(std::string* out, int col, std::string_view text) {
  if (!LiteralSafe(text)) {
    *out += " " + DoubleQuoted(text) + "\n";
    return;
  }
  std::size_t trailing = 0;
  while (trailing < text.size() && text[text.size() - 1 - trailing] == '\n') ++trailing;
  *out += trailing == 0 ? " |2-\n" : trailing == 1 ? " |2\n" : " |2+\n";
  const std::string indent(static_cast<std::size_t>(col) + 2, ' ');
  // Content lines: the text up to its trailing breaks, then (keep) one
  // empty line per extra trailing break.
  std::string_view body = text.substr(0, text.size() - trailing);
  std::size_t p = 0;
  while (true) {
    const std::size_t e = body.find('\n', p);
    const std::string_view line = body.substr(p, e == std::string_view::npos ? e : e - p);
    if (!line.empty()) *out += indent;
    *out += line;
    *out += '\n';
    if (e == std::string_view::npos) break;
    p = e + 1;
  }
  for (std::size_t i = 1; i < trailing; ++i) *out += '\n';
}

// {k: v, ...} with values already written as YAML.
class Flow {
 public:
  void Add(std::string key, std::string value) {
    kv_.emplace_back(std::move(key), std::move(value));
  }
  bool empty() const { return kv_.empty(); }
  std::string Str() const {
    std::string s = "{";
    for (std::size_t i = 0; i < kv_.size(); ++i) {
      if (i) s += ", ";
      s += kv_[i].first + ": " + kv_[i].second;
    }
    return s + "}";
  }

 private:
  std::vector<std::pair<std::string, std::string>> kv_;
};

std::string FlowSeq(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += ", ";
    s += items[i];
  }
  return s + "]";
}

const char* CheckWord(CheckMode m) {
  switch (m) {
    case CheckMode::kSucceed:
      return "succeed";
    case CheckMode::kFail:
      return "fail";
    case CheckMode::kTimeout:
      return "timeout";
  }
  return "succeed";
}

bool SameDirection(const LinkDirection& a, const LinkDirection& b) {
  return a.latency == b.latency && a.jitter == b.jitter && a.loss == b.loss;
}

bool ZeroDirection(const LinkDirection& d) {
  return d.latency == 0 && d.jitter == 0 && d.loss == 0.0;
}

// An integer as the loader's Int reads it ([+-]digits).
std::optional<std::int64_t> ParseInt(std::string_view v) {
  bool neg = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  if (v.empty() || v.size() > 18) return std::nullopt;
  std::int64_t x = 0;
  for (char c : v) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    x = x * 10 + (c - '0');
  }
  return neg ? -x : x;
}

std::optional<bool> ParseBool(std::string_view s) {
  std::string v(s);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "true" || v == "on" || v == "yes") return true;
  if (v == "false" || v == "off" || v == "no") return false;
  return std::nullopt;
}

bool IncludesSomething(std::string_view text) {
  std::size_t p = 0;
  while (p <= text.size()) {
    const std::size_t e = text.find('\n', p);
    std::string_view line = text.substr(p, e == std::string_view::npos ? e : e - p);
    const std::size_t s = line.find_first_not_of(" \t");
    if (s != std::string_view::npos) {
      line.remove_prefix(s);
      if (line.substr(0, 7) == "include" && (line.size() == 7 || line[7] == ' ' || line[7] == '\t'))
        return true;
    }
    if (e == std::string_view::npos) break;
    p = e + 1;
  }
  return false;
}

// A product-form matrix (`vary:`), recovered from its variants.
struct Product {
  std::vector<std::string> targets;  // node names
  std::string instance;
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;  // key, values
};

class Writer {
 public:
  explicit Writer(const Scenario& sc) : sc_(sc) {}
  bool Write(const WriteScenarioOptions& options, std::string* out, std::string* error);

 private:
  void Fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
  }
  std::string NodeName(int i, const std::string& what);
  std::string Dur(Duration d, const std::string& what);
  std::string TimeText(const TimeRef& r, const std::string& what);
  std::string LossText(double loss, const std::string& what);
  std::string Direction(const LinkDirection& d, const std::string& what);
  void LinkParams(Flow* f, const LinkDirection& up, const LinkDirection& down,
                  const std::string& what);
  void Window(const std::optional<vsim::Window>& w, Flow* f, const std::string& what);

  void Network();
  void Nodes();
  void Timeline();
  void Expectations(const std::vector<Expectation>& list, int indent, const std::string& what);
  std::string ExpectationItem(const Expectation& e, const std::string& what);
  void Matrix();
  void Explore();
  std::string Override(const ConfigOverride& o, const std::string& what);
  bool RecoverProduct(Product* p, std::string* why) const;

  const Scenario& sc_;
  std::string out_;
  std::string error_;
};

std::string Writer::NodeName(int i, const std::string& what) {
  if (i < 0 || static_cast<std::size_t>(i) >= sc_.nodes.size()) {
    Fail(what + ": node index " + std::to_string(i) + " is not a node of the scenario");
    return "?";
  }
  return Scalar(sc_.nodes[static_cast<std::size_t>(i)].name);
}

std::string Writer::Dur(Duration d, const std::string& what) {
  if (d < 0) {
    Fail(what + ": negative duration " + FormatTime(d));
    return "0";
  }
  return FormatTime(d);
}

// As written when it refers to an operation id (and still says the same),
// otherwise composed: `label`, `label + 1.500000s`, or an absolute time.
std::string Writer::TimeText(const TimeRef& r, const std::string& what) {
  if (r.label.empty()) return Dur(r.offset, what + " (an absolute time)");
  if (!r.text.empty()) {
    std::string err;
    auto parsed = ParseTimeRef(r.text, &err);
    if (parsed && parsed->label == r.label && parsed->offset == r.offset) return Scalar(r.text);
  }
  if (!ValidName(r.label)) {
    Fail(what + ": '" + r.label + "' is not a valid operation id");
    return "?";
  }
  if (r.offset == 0) return r.label;
  if (r.offset > 0) return r.label + " + " + FormatTime(r.offset);
  return r.label + " - " + FormatTime(-r.offset);
}

std::string Writer::LossText(double loss, const std::string& what) {
  if (!(loss >= 0.0 && loss <= 1.0)) {
    Fail(what + ": loss must be a probability between 0 and 1");
    return "0";
  }
  // The shortest text strtod reads back as the same double.
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, loss);
  return std::string(buf, r.ptr);
}

std::string Writer::Direction(const LinkDirection& d, const std::string& what) {
  Flow f;
  f.Add("latency", Dur(d.latency, what + " latency"));
  f.Add("jitter", Dur(d.jitter, what + " jitter"));
  f.Add("loss", LossText(d.loss, what + " loss"));
  return f.Str();
}

// Both directions: the shared keys when they are equal (zeros left out: the
// loader's default), otherwise `up:` and `down:` in full.
void Writer::LinkParams(Flow* f, const LinkDirection& up, const LinkDirection& down,
                        const std::string& what) {
  if (SameDirection(up, down)) {
    if (up.latency != 0) f->Add("latency", Dur(up.latency, what + " latency"));
    if (up.jitter != 0) f->Add("jitter", Dur(up.jitter, what + " jitter"));
    if (up.loss != 0.0) f->Add("loss", LossText(up.loss, what + " loss"));
    return;
  }
  f->Add("up", Direction(up, what + " up"));
  f->Add("down", Direction(down, what + " down"));
}

void Writer::Network() {
  struct Link {
    std::string node, iface;
    const NodeInterface* ni;
  };
  std::vector<Link> links;
  for (const auto& node : sc_.nodes)
    for (const auto& ni : node.interfaces)
      if (!ZeroDirection(ni.up) || !ZeroDirection(ni.down))
        links.push_back({node.name, ni.name, &ni});
  if (sc_.segments.empty() && links.empty() && sc_.trunks.empty() && sc_.clients.empty()) return;
  out_ += "network:\n";
  if (!sc_.segments.empty()) {
    std::vector<std::string> segs;
    for (const auto& s : sc_.segments) segs.push_back(Scalar(s));
    out_ += "  segments: " + FlowSeq(segs) + "\n";
  }
  if (!links.empty()) {
    out_ += "  links:\n";
    for (const auto& l : links) {
      Flow f;
      f.Add("node", Scalar(l.node));
      f.Add("interface", Scalar(l.iface));
      LinkParams(&f, l.ni->up, l.ni->down, "link " + l.node + " " + l.iface);
      out_ += "    - " + f.Str() + "\n";
    }
  }
  if (!sc_.trunks.empty()) {
    out_ += "  trunks:\n";
    for (const auto& t : sc_.trunks) {
      Flow f;
      f.Add("between", FlowSeq({Scalar(t.a), Scalar(t.b)}));
      LinkParams(&f, t.a_to_b, t.b_to_a, "trunk " + t.a + "-" + t.b);
      out_ += "    - " + f.Str() + "\n";
    }
  }
  if (!sc_.clients.empty()) {
    out_ += "  clients:\n";
    for (const auto& c : sc_.clients) {
      Flow f;
      f.Add("name", Scalar(c.name));
      f.Add("address", c.address.ToString());
      const std::size_t n = sc_.nodes.size() + static_cast<std::size_t>(&c - sc_.clients.data());
      if (!c.link_local6.is_zero() && c.link_local6 != DefaultLinkLocal6(n, 0))
        f.Add("link_local6", '"' + c.link_local6.ToString() + '"');
      if (!c.address6.is_zero()) f.Add("address6", '"' + c.address6.ToString() + '"');
      f.Add("segment", Scalar(c.segment));
      f.Add("arp_recovery", Dur(c.arp_recovery, "client " + c.name + " arp_recovery"));
      out_ += "    - " + f.Str() + "\n";
    }
  }
}

void Writer::Nodes() {
  out_ += "nodes:\n";
  for (const auto& node : sc_.nodes) {
    const std::string what = "node " + node.name;
    out_ += "  - name: " + Scalar(node.name) + "\n";
    if (node.interfaces.empty()) Fail(what + ": no interfaces");
    out_ += "    interfaces:\n";
    for (const auto& ni : node.interfaces) {
      Flow f;
      f.Add("name", Scalar(ni.name));
      f.Add("address", ni.address.ToString());
      const std::size_t n = static_cast<std::size_t>(&node - sc_.nodes.data());
      const std::size_t k = static_cast<std::size_t>(&ni - node.interfaces.data());
      if (!ni.link_local6.is_zero() && ni.link_local6 != DefaultLinkLocal6(n, k))
        f.Add("link_local6", '"' + ni.link_local6.ToString() + '"');
      if (!ni.addresses6.empty()) {
        std::vector<std::string> list;
        for (const auto& a : ni.addresses6) list.push_back('"' + a.ToString() + '"');
        f.Add("address6", FlowSeq(list));
      }
      f.Add("segment", Scalar(ni.segment));
      out_ += "      - " + f.Str() + "\n";
    }
    if (node.shell != "dash") out_ += "    shell: " + Scalar(node.shell) + "\n";
    if (!node.config_id.empty() && node.config_id != node.name)
      out_ += "    config_id: " + Scalar(node.config_id) + "\n";
    if (node.script_runtime != 0)
      out_ += "    script_runtime: " + Dur(node.script_runtime, what + " script_runtime") + "\n";
    if (node.wakeup_jitter)
      out_ += "    wakeup_jitter: " + Dur(*node.wakeup_jitter, what + " wakeup_jitter") + "\n";
    if (node.timing) out_ += "    timing: " + TimingText(*node.timing) + "\n";
    if (!node.start)
      out_ += "    start: never\n";
    else if (*node.start != 0)
      out_ += "    start: " + Dur(*node.start, what + " start") + "\n";
    if (node.config_text.empty()) {
      Fail(what +
           ": no configuration text (ScenarioNode::config_text is empty), so its "
           "keepalived.conf cannot be written inline");
      continue;
    }
    // An include in a config_file below the scenario's directory resolves
    // relative to that file; inline, it would resolve relative to the
    // scenario's directory.
    if (node.config_source != "<inline>" && node.config_source.find('/') != std::string::npos &&
        IncludesSomething(node.config_text))
      Fail(what + ": its config_file " + node.config_source +
           " uses include, which would resolve differently in an inline configuration");
    out_ += "    config:";
    AppendText(&out_, 4, node.config_text);
  }
}

void Writer::Timeline() {
  if (sc_.timeline.empty()) return;
  out_ += "timeline:\n";
  std::set<std::string> ids;
  for (std::size_t i = 0; i < sc_.timeline.size(); ++i) {
    const ScenarioOp& op = sc_.timeline[i];
    const char* word = OpKindName(op.kind);
    const std::string what = "timeline operation " + std::to_string(i + 1) + " (" + word +
                             (op.label.empty() ? "" : " " + op.label) + ")";
    if (std::string_view(word) == "?") {
      Fail(what + ": unknown operation kind");
      continue;
    }
    if (!op.label.empty() && (!ValidName(op.label) || op.label == "end"))
      Fail(what + ": '" + op.label + "' is not a valid id");
    if (!op.label.empty() && !ids.insert(op.label).second)
      Fail(what + ": id '" + op.label + "' is used twice");
    if (op.at < 0 || op.at > sc_.duration)
      Fail(what + ": time " + FormatTime(op.at) + " is outside the run");
    Flow f;
    f.Add("at", Dur(op.at, what + " at"));
    f.Add("op", word);
    switch (op.kind) {
      case OpKind::kPartition: {
        std::vector<std::string> groups;
        for (const auto& g : op.groups) {
          std::vector<std::string> members;
          for (int m : g) members.push_back(NodeName(m, what));
          groups.push_back(FlowSeq(members));
        }
        f.Add("groups", FlowSeq(groups));
        break;
      }
      case OpKind::kHeal:
        break;
      case OpKind::kBlock:
      case OpKind::kUnblock:
        f.Add("from", NodeName(op.node, what + " from"));
        f.Add("to", NodeName(op.peer, what + " to"));
        break;
      default:
        f.Add("node", NodeName(op.node, what));
        break;
    }
    switch (op.kind) {
      case OpKind::kPause:
        if (op.duration <= 0) Fail(what + ": a pause must last longer than 0");
        f.Add("for", Dur(op.duration, what + " for"));
        break;
      case OpKind::kSetCheck:
        if (!op.name.empty()) f.Add("script", Scalar(op.name));
        f.Add("result", CheckWord(op.check));
        break;
      case OpKind::kLinkDown:
      case OpKind::kLinkUp:
        if (!op.name.empty()) f.Add("interface", Scalar(op.name));
        break;
      case OpKind::kLinkParams:
        if (!op.name.empty()) f.Add("interface", Scalar(op.name));
        LinkParams(&f, op.up, op.down, what);
        break;
      case OpKind::kTrackFile:
        f.Add("file", Scalar(op.name));
        f.Add("value", std::to_string(op.value));
        break;
      default:
        break;
    }
    if (!op.label.empty()) f.Add("id", Scalar(op.label));
    if (op.kind != OpKind::kReload) {
      out_ += "  - " + f.Str() + "\n";
      continue;
    }
    // A reload carries its configuration as a block: one key per line.
    if (op.config_text.empty()) {
      Fail(what + ": no configuration text (ScenarioOp::config_text is empty)");
      continue;
    }
    out_ += "  - at: " + Dur(op.at, what + " at") + "\n";
    out_ += "    op: reload\n";
    out_ += "    node: " + NodeName(op.node, what) + "\n";
    if (!op.label.empty()) out_ += "    id: " + Scalar(op.label) + "\n";
    out_ += "    config:";
    AppendText(&out_, 4, op.config_text);
  }
}

void Writer::Window(const std::optional<vsim::Window>& w, Flow* f, const std::string& what) {
  if (!w) return;
  f->Add("from", TimeText(w->from, what + " from"));
  f->Add("to", TimeText(w->to, what + " to"));
}

std::string Writer::ExpectationItem(const Expectation& e, const std::string& what) {
  Flow f;
  auto node = [&](const char* key) {
    if (e.node_none)
      f.Add(key, "none");
    else if (e.node >= 0)
      f.Add(key, NodeName(e.node, what));
  };
  auto need_node = [&] {
    if (e.node < 0 && !e.node_none) Fail(what + ": no node");
  };
  auto instance = [&] {
    if (!e.instance.empty()) f.Add("instance", Scalar(e.instance));
  };
  auto vrid = [&] {
    if (e.vrid != 0) f.Add("vrid", std::to_string(e.vrid));
    if (e.family != 0) f.Add("family", std::to_string(e.family));
  };
  auto point_or_window = [&](bool required) {
    if (e.at)
      f.Add("at", TimeText(*e.at, what + " at"));
    else if (e.during)
      Window(e.during, &f, what);
    else if (required)
      Fail(what + ": needs a time (at) or an interval (from/to)");
  };
  auto dur = [&](const char* key, const std::optional<Duration>& d, bool required) {
    if (d)
      f.Add(key, Dur(*d, what + " " + key));
    else if (required)
      Fail(what + ": missing " + key);
  };
  auto count = [&](const char* key, const std::optional<std::int64_t>& n, bool required) {
    if (n)
      f.Add(key, std::to_string(*n));
    else if (required)
      Fail(what + ": missing " + key);
  };
  switch (e.kind) {
    case ExpectKind::kState:
      need_node();
      node("node");
      instance();
      vrid();
      f.Add("is", vrrp::StateName(e.state));
      point_or_window(true);
      break;
    case ExpectKind::kMaster:
    case ExpectKind::kVip:
      need_node();
      node("node");
      vrid();
      if (e.kind == ExpectKind::kVip && e.address) f.Add("address", e.address->ToString());
      point_or_window(true);
      break;
    case ExpectKind::kPriority:
      need_node();
      node("node");
      instance();
      vrid();
      count("is", e.priority, true);
      if (e.at)
        f.Add("at", TimeText(*e.at, what + " at"));
      else
        Fail(what + ": missing at");
      break;
    case ExpectKind::kNoSplitBrain:
      vrid();
      if (e.masters_only) f.Add("masters_only", "true");
      dur("tolerance", e.tolerance, false);
      if (e.while_connected) f.Add("while", "connected");
      if (!e.except.empty()) {
        std::vector<std::string> windows;
        for (const auto& w : e.except) {
          Flow x;
          Window(w, &x, what + " except");
          windows.push_back(x.Str());
        }
        f.Add("except", FlowSeq(windows));
      }
      break;
    case ExpectKind::kSplitBrain:
      vrid();
      dur("total_max", e.total_max, false);
      dur("total_min", e.total_min, false);
      dur("longest_max", e.longest_max, false);
      if (!e.total_max && !e.total_min && !e.longest_max)
        Fail(what + ": needs total_max, total_min or longest_max");
      if (e.masters_only) f.Add("masters_only", "true");
      break;
    case ExpectKind::kFailover:
      if (e.after)
        f.Add("after", TimeText(*e.after, what + " after"));
      else
        Fail(what + ": missing after");
      dur("within", e.within, true);
      vrid();
      node("node");
      break;
    case ExpectKind::kVipDowntime:
      dur("max", e.max, true);
      vrid();
      Window(e.during, &f, what);
      break;
    case ExpectKind::kFlaps:
      node("node");
      vrid();
      count("max", e.count_max, false);
      count("min", e.count_min, false);
      if (!e.count_max && !e.count_min) Fail(what + ": needs max or min");
      break;
    case ExpectKind::kConverges:
      if (e.after) f.Add("after", TimeText(*e.after, what + " after"));
      dur("within", e.within, true);
      break;
    case ExpectKind::kTransitions: {
      need_node();
      node("node");
      instance();
      vrid();
      std::vector<std::string> steps;
      for (const auto& s : e.sequence) {
        if (!s.at) {
          steps.emplace_back(vrrp::StateName(s.state));
          continue;
        }
        Flow x;
        x.Add("state", vrrp::StateName(s.state));
        x.Add("at", TimeText(*s.at, what + " step at"));
        steps.push_back(x.Str());
      }
      f.Add("sequence", FlowSeq(steps));
      Window(e.during, &f, what);
      break;
    }
    case ExpectKind::kFinal:
      need_node();
      if (e.masters_only) {  // the `master:` form
        node("master");
        instance();
        vrid();
      } else {
        node("node");
        instance();
        vrid();
        f.Add("is", vrrp::StateName(e.state));
      }
      break;
    case ExpectKind::kClient:
      if (e.client < 0 || static_cast<std::size_t>(e.client) >= sc_.clients.size()) {
        Fail(what + ": client index " + std::to_string(e.client) + " is not a client");
        break;
      }
      f.Add("name", Scalar(sc_.clients[static_cast<std::size_t>(e.client)].name));
      if (e.address) f.Add("address", e.address->ToString());
      if (e.node >= 0 || e.node_none) {
        node("reaches");
        point_or_window(true);
      } else if (!e.max) {
        Fail(what + ": needs reaches or downtime_max");
      }
      dur("downtime_max", e.max, false);
      break;
    case ExpectKind::kVipAvailable:
      dur("within", e.within, true);
      vrid();
      break;
    case ExpectKind::kNoFlapping:
      count("max", e.count_max, true);
      dur("window", e.window, true);
      vrid();
      break;
  }
  if (!e.variants.empty()) {
    std::vector<std::string> names;
    for (const auto& v : e.variants) names.push_back(Scalar(v));
    f.Add("variants", FlowSeq(names));
  }
  const std::string kind = ExpectKindName(e.kind);
  if (f.empty()) {
    if (e.kind != ExpectKind::kNoSplitBrain) Fail(what + ": no parameters");
    return kind;
  }
  return kind + ": " + f.Str();
}

void Writer::Expectations(const std::vector<Expectation>& list, int indent,
                          const std::string& what) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (std::size_t i = 0; i < list.size(); ++i)
    out_ += pad + "- " +
            ExpectationItem(list[i], what + " " + std::to_string(i + 1) + " (" +
                                         ExpectKindName(list[i].kind) + ")") +
            "\n";
}

std::string Writer::Override(const ConfigOverride& o, const std::string& what) {
  Flow f;
  if (!o.instance.empty()) f.Add("instance", Scalar(o.instance));
  if (o.priority) f.Add("priority", std::to_string(*o.priority));
  if (o.state) f.Add("state", *o.state == vrrp::InitialState::kMaster ? "MASTER" : "BACKUP");
  if (o.nopreempt) f.Add("nopreempt", *o.nopreempt ? "on" : "off");
  if (o.preempt_delay) f.Add("preempt_delay", Dur(*o.preempt_delay, what + " preempt_delay"));
  if (o.advert_int) f.Add("advert_int", Dur(*o.advert_int, what + " advert_int"));
  if (!o.script_weights.empty()) {
    Flow w;
    std::set<std::string> seen;
    for (const auto& [name, weight] : o.script_weights) {
      if (!seen.insert(name).second) Fail(what + ": two weights for vrrp_script '" + name + "'");
      w.Add(Scalar(name), std::to_string(weight));
    }
    f.Add("script_weight", w.Str());
  }
  return f.Str();
}

// A `vary:` matrix names its variants key=value,key=value in the order of
// its axes, the last axis varying fastest, and gives every target node the
// same override. Recovers the axes and checks that they produce exactly
// these variants and overrides.
bool Writer::RecoverProduct(Product* p, std::string* why) const {
  const auto& vars = sc_.variants;
  std::vector<std::vector<std::pair<std::string, std::string>>> parsed;
  for (const auto& v : vars) {
    if (!v.expect.empty()) {
      *why = "variant " + v.name + " has its own expectations";
      return false;
    }
    std::vector<std::pair<std::string, std::string>> kv;
    std::size_t p0 = 0;
    while (true) {
      const std::size_t e = v.name.find(',', p0);
      const std::string part = v.name.substr(p0, e == std::string::npos ? e : e - p0);
      const std::size_t eq = part.find('=');
      if (eq == std::string::npos || eq == 0) {
        *why = "variant name '" + v.name + "' is not key=value,...";
        return false;
      }
      kv.emplace_back(part.substr(0, eq), part.substr(eq + 1));
      if (e == std::string::npos) break;
      p0 = e + 1;
    }
    if (!parsed.empty()) {
      bool same = kv.size() == parsed.front().size();
      for (std::size_t a = 0; same && a < kv.size(); ++a)
        same = kv[a].first == parsed.front()[a].first;
      if (!same) {
        *why = "variants " + vars.front().name + " and " + v.name + " vary different keys";
        return false;
      }
    }
    parsed.push_back(std::move(kv));
  }
  p->axes.clear();
  for (const auto& [key, value] : parsed.front()) {
    (void)value;
    const bool weight = key.rfind("weight.", 0) == 0 && key.size() > 7;
    if (!weight && key != "priority" && key != "state" && key != "nopreempt" &&
        key != "preempt_delay" && key != "advert_int") {
      *why = "'" + key + "' is not a matrix vary key";
      return false;
    }
    p->axes.push_back({key, {}});
  }
  for (const auto& kv : parsed)
    for (std::size_t a = 0; a < kv.size(); ++a) {
      auto& values = p->axes[a].second;
      bool known = false;
      for (const auto& x : values) known = known || x == kv[a].second;
      if (!known) values.push_back(kv[a].second);
    }
  std::size_t product = 1;
  for (const auto& axis : p->axes) product *= axis.second.size();
  if (product != vars.size()) {
    *why = "the variants are not every combination of their values";
    return false;
  }
  // Targets and instance: those of the first variant, the same in all.
  p->targets.clear();
  p->instance = vars.front().overrides.empty() ? "" : vars.front().overrides.front().instance;
  for (const auto& o : vars.front().overrides) p->targets.push_back(o.node);
  if (p->targets.empty()) {
    *why = "variant " + vars.front().name + " overrides no node";
    return false;
  }
  std::vector<std::size_t> idx(p->axes.size(), 0);
  for (std::size_t v = 0; v < vars.size(); ++v) {
    const Variant& var = vars[v];
    std::string name;
    ConfigOverride want;
    want.instance = p->instance;
    for (std::size_t a = 0; a < p->axes.size(); ++a) {
      const std::string& key = p->axes[a].first;
      const std::string& val = p->axes[a].second[idx[a]];
      if (!name.empty()) name += ",";
      name += key + "=" + val;
      std::string err;
      bool ok = true;
      if (key == "priority") {
        auto x = ParseInt(val);
        ok = x && *x >= 1 && *x <= 255;
        if (ok) want.priority = static_cast<int>(*x);
      } else if (key == "state") {
        ok = val == "MASTER" || val == "BACKUP";
        if (ok)
          want.state = val == "MASTER" ? vrrp::InitialState::kMaster : vrrp::InitialState::kBackup;
      } else if (key == "nopreempt") {
        want.nopreempt = ParseBool(val);
        ok = want.nopreempt.has_value();
      } else if (key == "preempt_delay" || key == "advert_int") {
        auto d = ParseDuration(val, &err);
        ok = d.has_value();
        (key == "preempt_delay" ? want.preempt_delay : want.advert_int) = d;
      } else {
        auto x = ParseInt(val);
        ok = x && *x >= -253 && *x <= 253;
        if (ok) want.script_weights.emplace_back(key.substr(7), static_cast<int>(*x));
      }
      if (!ok) {
        *why = "'" + val + "' is not a value of " + key;
        return false;
      }
    }
    if (name != var.name) {
      *why = "variant " + var.name + " is not where a product of the values puts it";
      return false;
    }
    if (var.overrides.size() != p->targets.size()) {
      *why = "variant " + var.name + " does not override the same nodes as " + vars.front().name;
      return false;
    }
    for (std::size_t t = 0; t < p->targets.size(); ++t) {
      const ConfigOverride& o = var.overrides[t];
      if (o.node != p->targets[t] || o.instance != want.instance || o.priority != want.priority ||
          o.state != want.state || o.nopreempt != want.nopreempt ||
          o.preempt_delay != want.preempt_delay || o.advert_int != want.advert_int ||
          o.script_weights != want.script_weights) {
        *why = "variant " + var.name + ": the overrides of node " + o.node +
               " are not what its name says";
        return false;
      }
    }
    for (std::size_t a = p->axes.size(); a-- > 0;) {
      if (++idx[a] < p->axes[a].second.size()) break;
      idx[a] = 0;
    }
  }
  return true;
}

void Writer::Matrix() {
  if (sc_.variants.empty()) return;
  // The explicit form, when every name is one the loader takes there.
  std::string why;
  std::set<std::string> names;
  for (const auto& v : sc_.variants) {
    if (!ValidName(v.name))
      why = "variant name '" + v.name + "' is not a valid name";
    else if (v.name == "base")
      why = "variant name 'base' is reserved";
    else if (!names.insert(v.name).second)
      why = "variant name '" + v.name + "' is used twice";
    if (!why.empty()) break;
  }
  if (why.empty()) {
    out_ += "matrix:\n  variants:\n";
    for (const auto& v : sc_.variants) {
      const std::string what = "variant " + v.name;
      out_ += "    - name: " + Scalar(v.name) + "\n";
      if (!v.overrides.empty()) {
        out_ += "      set:\n";
        std::set<std::string> nodes;
        for (const auto& o : v.overrides) {
          if (sc_.FindNode(o.node) < 0) Fail(what + ": no node named '" + o.node + "'");
          if (!nodes.insert(o.node).second)
            Fail(what + ": two overrides of node " + o.node + " (the format has one per node)");
          out_ += "        " + Scalar(o.node) + ": " + Override(o, what + " " + o.node) + "\n";
        }
      }
      if (!v.expect.empty()) {
        out_ += "      expect:\n";
        Expectations(v.expect, 8, what + " expectation");
      }
    }
    return;
  }
  Product p;
  std::string product_why;
  if (!RecoverProduct(&p, &product_why)) {
    Fail("matrix: cannot be written in the explicit form (" + why +
         ") nor as a product (vary: " + product_why + ")");
    return;
  }
  out_ += "matrix:\n";
  bool all_nodes = p.targets.size() == sc_.nodes.size();
  for (std::size_t i = 0; all_nodes && i < p.targets.size(); ++i)
    all_nodes = p.targets[i] == sc_.nodes[i].name;
  if (!all_nodes) {
    if (p.targets.size() == 1) {
      out_ += "  node: " + Scalar(p.targets.front()) + "\n";
    } else {
      std::vector<std::string> t;
      for (const auto& x : p.targets) t.push_back(Scalar(x));
      out_ += "  nodes: " + FlowSeq(t) + "\n";
    }
  }
  if (!p.instance.empty()) out_ += "  instance: " + Scalar(p.instance) + "\n";
  out_ += "  vary:\n";
  for (const auto& [key, values] : p.axes) {
    std::vector<std::string> v;
    for (const auto& x : values) v.push_back(Scalar(x));
    out_ += "    " + Scalar(key) + ": " + FlowSeq(v) + "\n";
  }
}

// Everything explicit but the optional durations left to their derived
// defaults (those stay unset).
void Writer::Explore() {
  const ExploreSpec& x = sc_.explore;
  if (!x.present) return;
  const std::string w = "explore";
  out_ += "explore:\n";
  if (x.duration) out_ += "  duration: " + Dur(*x.duration, w + " duration") + "\n";
  {
    Flow f;
    f.Add("from", Dur(x.window_from, w + " window from"));
    if (x.window_to) f.Add("to", Dur(*x.window_to, w + " window to"));
    out_ += "  window: " + f.Str() + "\n";
  }
  out_ += "  quiet: " + Dur(x.quiet, w + " quiet") + "\n";
  out_ += "  max_faults: " + std::to_string(x.max_faults) + "\n";
  out_ += "  min_faults: " + std::to_string(x.min_faults) + "\n";
  out_ += "  min_gap: " + Dur(x.min_gap, w + " min_gap") + "\n";
  {
    Flow f;
    f.Add("min", Dur(x.min_length, w + " length min"));
    f.Add("max", Dur(x.max_length, w + " length max"));
    out_ += "  length: " + f.Str() + "\n";
  }
  if (x.open_percent < 0 || x.open_percent > 100) Fail(w + ": open must be 0% to 100%");
  out_ += "  open: " + std::to_string(x.open_percent) + "%\n";
  {
    Flow f;
    for (std::size_t i = 0; i < kFaultKindNames.size(); ++i)
      f.Add(std::string(kFaultKindNames[i]), std::to_string(x.weights[i]));
    out_ += "  weights: " + f.Str() + "\n";
  }
  out_ += std::string("  prefix: ") + (x.prefix ? "true" : "false") + "\n";
  const ExploreProperties& p = x.properties;
  out_ += "  properties:\n";
  auto property = [&](const char* name, bool on, const Flow& params) {
    out_ += std::string("    ") + name + ": " +
            (!on              ? "off"
             : params.empty() ? "on"
                              : params.Str()) +
            "\n";
  };
  {
    Flow f;
    if (p.split_tolerance)
      f.Add("tolerance", Dur(*p.split_tolerance, w + " no_split_brain tolerance"));
    f.Add("while", p.split_while_connected ? "connected" : "always");
    property("no_split_brain", p.no_split_brain, f);
  }
  {
    Flow f;
    if (p.vip_within) f.Add("within", Dur(*p.vip_within, w + " vip_available within"));
    property("vip_available", p.vip_available, f);
  }
  {
    Flow f;
    if (p.converge_within) f.Add("within", Dur(*p.converge_within, w + " converges within"));
    property("converges", p.converges, f);
  }
  {
    Flow f;
    if (p.flap_max) f.Add("max", std::to_string(*p.flap_max));
    f.Add("window", Dur(p.flap_window, w + " no_flapping window"));
    property("no_flapping", p.no_flapping, f);
  }
  property("expect", p.scenario_expect, Flow());
}

bool Writer::Write(const WriteScenarioOptions& options, std::string* out, std::string* error) {
  out_.clear();
  error_.clear();
  if (!options.header_comment.empty()) {
    std::size_t p = 0;
    const std::string& h = options.header_comment;
    while (true) {
      const std::size_t e = h.find('\n', p);
      std::string line = h.substr(p, e == std::string::npos ? e : e - p);
      for (char& c : line)
        if (c == '\r') c = ' ';
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out_ += line.empty() ? "#\n" : "# " + line + "\n";
      if (e == std::string::npos || e + 1 == h.size()) break;
      p = e + 1;
    }
  }
  out_ += "name:";
  if (sc_.name.find('\n') == std::string::npos)
    out_ += " " + Scalar(sc_.name) + "\n";
  else
    AppendText(&out_, 0, sc_.name);
  if (!sc_.description.empty()) {
    out_ += "description:";
    AppendText(&out_, 0, sc_.description);
  }
  out_ += "seed: " + std::to_string(sc_.seed) + "\n";
  if (sc_.duration <= 0) Fail("duration must be longer than 0");
  out_ += "duration: " + Dur(sc_.duration, "duration") + "\n";
  if (sc_.wakeup_jitter != 0)
    out_ += "wakeup_jitter: " + Dur(sc_.wakeup_jitter, "wakeup_jitter") + "\n";
  if (sc_.timing) out_ += "timing: " + TimingText(sc_.timing) + "\n";
  if (sc_.nodes.empty()) Fail("no nodes");
  Network();
  Nodes();
  Timeline();
  if (!sc_.expect.empty()) {
    out_ += "expect:\n";
    Expectations(sc_.expect, 2, "expectation");
  }
  Matrix();
  Explore();
  if (!error_.empty()) {
    out->clear();
    *error = error_;
    return false;
  }
  *out = std::move(out_);
  out_.clear();
  return true;
}

}  // namespace

bool WriteScenarioYaml(const Scenario& scenario, const WriteScenarioOptions& options,
                       std::string* out, std::string* error) {
  Writer w(scenario);
  return w.Write(options, out, error);
}

}  // namespace vsim

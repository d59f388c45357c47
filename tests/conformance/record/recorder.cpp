// vrrpsim-record: the C++ half of the conformance recorder (record.sh is the
// other half, the one that touches the network).
//
//   vrrpsim-record plan SCENARIO RUNDIR --subnet N [--variant NAME]
//       Reads the scenario (as its matrix variant NAME if given) with vrrpsim's own loader and
//       writes, into RUNDIR, one keepalived.conf per node (HOST.conf, reloads HOST.reloadK.conf),
//       the notify script, and plan.txt: the topology and the timeline as
//       lines record.sh executes. Exit 3 (and "unsupported: ..." lines on
//       stderr) if something in the scenario cannot be mapped onto real
//       keepalived - nothing is faked.
//   vrrpsim-record trace [--variant NAME] SCENARIO OUT.json RUNDIR...
//       Turns what record.sh left in each RUNDIR (operation marks, notify
//       logs, `ip monitor address` logs) into a trace file in vrrpsim's own
//       format (docs/trace-format.md), one run per RUNDIR, with the real
//       spread over the runs as the metric "real_spread" of every run.
//   vrrpsim-record spread TRACE.json
//       Adds (or refreshes) that metric in an existing file.
//
// The only rewrites of the node configurations are: IPv4 addresses mapped
// into 10.250.N.0/24 and IPv6 ones (except link-locals, which stay as the
// scenario gives them) into fd00:250:N::/64 (order preserved: the
// equal-priority tie-break compares addresses), every vrrp_script replaced
// by `/usr/bin/test -e FLAG` (a flag file the timeline's `check` operations
// create/remove), track_file paths moved into RUNDIR, and every notify*
// keyword replaced by one `notify` that logs transitions with nanosecond
// timestamps. Interface names stay: each node has its own network namespace.
//
// A matrix variant (--variant) also writes its overrides into each node's
// text (ApplyVariantText): in the instances it applies to, the old
// priority/state/nopreempt/preempt/preempt_delay/advert_int lines are
// commented out and the variant's inserted after the opening brace; a
// re-weighted script's line in track_script gets its own `weight`. The
// result is parsed and compared with the variant's configuration
// (CheckVariantConfig); whatever does not come out the same is reported as
// unsupported (exit 3). The trace's runs are then named
// "real keepalived 2.2.7 [VARIANT]".
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "engine/config/parser.h"
#include "sim/conform/conform.h"
#include "sim/io/file_io.h"
#include "sim/observe/split_brain.h"
#include "sim/scenario/run_result.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/trace/json_trace.h"
#include "sim/world/simulation.h"

namespace {

using vrrp::Ipv4;
using vsim::OpKind;

constexpr int kExitUnsupported = 3;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

// ---------------------------------------------------------------------------
// Config text rewriting.

// Position just after a comment-free scan from `i` to the end of the line.
bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '/';
}

// A block `KEYWORD NAME { ... }` found in the text (comments skipped).
struct Block {
  std::size_t begin = 0;  // the keyword
  std::size_t end = 0;    // one past the closing brace
  std::string name;
};

// Marks which characters are inside a comment (# or ! to end of line,
// outside quotes).
std::vector<bool> CommentMask(const std::string& t) {
  std::vector<bool> m(t.size(), false);
  bool quote = false, comment = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '\n') {
      quote = comment = false;
      continue;
    }
    if (comment) {
      m[i] = true;
      continue;
    }
    if (c == '"') quote = !quote;
    if (!quote && (c == '#' || c == '!')) {
      comment = true;
      m[i] = true;
    }
  }
  return m;
}

// Every `keyword NAME {...}` block (blocks without a name, like an
// instance's `track_file { ... }` list, are skipped).
std::vector<Block> FindBlocks(const std::string& t, const std::string& keyword) {
  std::vector<Block> out;
  const auto mask = CommentMask(t);
  std::size_t pos = 0;
  while ((pos = t.find(keyword, pos)) != std::string::npos) {
    const std::size_t k = pos;
    pos += keyword.size();
    if (mask[k] || (k > 0 && IsWordChar(t[k - 1])) || (pos < t.size() && IsWordChar(t[pos])))
      continue;
    std::size_t i = pos;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    std::size_t n0 = i;
    while (i < t.size() && IsWordChar(t[i])) ++i;
    if (i == n0) continue;  // no name
    Block b;
    b.begin = k;
    b.name = t.substr(n0, i - n0);
    while (i < t.size() && (t[i] != '{' || mask[i])) ++i;
    if (i >= t.size()) break;
    int depth = 0;
    bool quote = false;
    for (; i < t.size(); ++i) {
      if (mask[i]) continue;
      if (t[i] == '"') quote = !quote;
      if (quote) continue;
      if (t[i] == '{') ++depth;
      if (t[i] == '}' && --depth == 0) break;
    }
    if (i >= t.size()) break;
    b.end = i + 1;
    out.push_back(b);
    pos = b.end;
  }
  return out;
}

std::string ReplaceBlocks(const std::string& t, const std::vector<Block>& blocks,
                          const std::vector<std::string>& replacement) {
  std::string out;
  std::size_t last = 0;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    out += t.substr(last, blocks[i].begin - last);
    out += replacement[i];
    last = blocks[i].end;
  }
  out += t.substr(last);
  return out;
}

// An address of the scenario -> the address it gets in the namespaces.
using AddressMap = std::map<vrrp::IpAddress, vrrp::IpAddress>;

bool IsHexDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// Replaces every dotted quad and every IPv6 literal that is a key of `map`
// (a word of hex digits and colons with at least two colons; what follows
// it, such as "/64", stays). Anything else is left as written.
std::string RewriteAddresses(const std::string& t, const AddressMap& map) {
  std::string out;
  std::size_t i = 0;
  while (i < t.size()) {
    const char prev = i == 0 ? ' ' : t[i - 1];
    const bool boundary = !(std::isalnum(static_cast<unsigned char>(prev)) || prev == '.' ||
                            prev == ':' || prev == '_');
    if (boundary && (IsHexDigit(t[i]) || t[i] == ':')) {
      std::size_t j = i;
      while (j < t.size() && (IsHexDigit(t[j]) || t[j] == ':' || t[j] == '.')) ++j;
      std::string tok = t.substr(i, j - i);
      while (!tok.empty() && tok.back() == '.') tok.pop_back();
      const bool v6 = std::count(tok.begin(), tok.end(), ':') >= 2;
      const bool v4 = !v6 && std::isdigit(static_cast<unsigned char>(t[i]));
      if (v4 || v6) {
        if (auto a = vrrp::IpAddress::Parse(tok)) {
          auto it = map.find(*a);
          if (it != map.end()) {
            out += it->second.ToString();
            i += tok.size();
            continue;
          }
        }
      }
      out += t.substr(i, j - i);
      i = j;
      continue;
    }
    out += t[i++];
  }
  return out;
}

// Drops every line whose first word starts with "notify" (notify, notify_master,
// notify_fifo, ...): the recorder's own notify is the only script run.
std::string StripNotify(const std::string& t) {
  std::istringstream in(t);
  std::string line, out;
  while (std::getline(in, line)) {
    std::size_t i = line.find_first_not_of(" \t");
    if (i != std::string::npos && line.compare(i, 6, "notify") == 0) {
      out += "# (vrrpsim-record: removed) " + line.substr(i) + "\n";
      continue;
    }
    out += line + "\n";
  }
  return out;
}

std::string Seconds(vrrp::Duration d) {
  // Integer seconds as keepalived reads them for vrrp_script (R34).
  return std::to_string(std::max<vrrp::Duration>(1, d / vrrp::kSecond));
}

struct NodeFiles {
  std::map<std::string, std::string> script_flags;  // script name -> flag path
  std::map<std::string, std::string> track_files;   // track_file name -> path
};

// The rewritten configuration of one node.
std::string RewriteConfig(const std::string& text, const vrrp::Config& cfg, const AddressMap& map,
                          const std::string& rundir, const std::string& host, NodeFiles* files) {
  std::string t = text;
  {
    auto blocks = FindBlocks(t, "vrrp_script");
    std::vector<std::string> repl;
    for (const auto& b : blocks) {
      const vrrp::VrrpScript* s = nullptr;
      for (const auto& x : cfg.scripts)
        if (x.name == b.name) s = &x;
      if (!s) {
        repl.push_back("# (vrrpsim-record: unused vrrp_script " + b.name + " removed)");
        continue;
      }
      const std::string flag = rundir + "/" + host + ".script." + s->name + ".ok";
      files->script_flags[s->name] = flag;
      std::string r = "vrrp_script " + s->name + " {\n";
      r += "    script \"/usr/bin/test -e " + flag + "\"\n";
      r += "    interval " + Seconds(s->interval) + "\n";
      r += "    timeout " + Seconds(s->timeout) + "\n";
      r += "    weight " + std::to_string(s->weight) + (s->reverse ? " reverse" : "") + "\n";
      r += "    rise " + std::to_string(s->rise) + "\n";
      r += "    fall " + std::to_string(s->fall) + "\n";
      r += "}";
      repl.push_back(r);
    }
    t = ReplaceBlocks(t, blocks, repl);
  }
  {
    auto blocks = FindBlocks(t, "track_file");
    std::vector<std::string> repl;
    for (const auto& b : blocks) {
      const vrrp::TrackFile* f = nullptr;
      for (const auto& x : cfg.track_files)
        if (x.name == b.name) f = &x;
      if (!f) {
        repl.push_back("# (vrrpsim-record: unused track_file " + b.name + " removed)");
        continue;
      }
      const std::string path = rundir + "/" + host + ".trackfile." + f->name;
      files->track_files[f->name] = path;
      std::string r = "track_file " + f->name + " {\n";
      r += "    file \"" + path + "\"\n";
      r += "    weight " + std::to_string(f->weight) + (f->reverse ? " reverse" : "") + "\n";
      if (f->init_value)
        r += "    init_file " + std::to_string(*f->init_value) +
             (f->init_overwrite ? " overwrite" : "") + "\n";
      r += "}";
      repl.push_back(r);
    }
    t = ReplaceBlocks(t, blocks, repl);
  }
  t = StripNotify(t);
  {
    auto blocks = FindBlocks(t, "vrrp_instance");
    std::string out;
    std::size_t last = 0;
    for (const auto& b : blocks) {
      const std::size_t brace = t.find('{', b.begin);
      out += t.substr(last, brace + 1 - last);
      out += "\n    notify \"" + rundir + "/notify.sh " + rundir + "/" + host + ".notify\"";
      last = brace + 1;
    }
    out += t.substr(last);
    t = out;
  }
  t = RewriteAddresses(t, map);
  // keepalived writes every notification to the FIFO in order; record.sh's
  // reader timestamps each line as it arrives (notify scripts are forked
  // concurrently, so their own timestamps can come out of order).
  return "# Rewritten by vrrpsim-record for a conformance run; see record.sh.\n"
         "global_defs {\n    notify_fifo " +
         rundir + "/" + host + ".fifo\n}\n" + t;
}

// ---------------------------------------------------------------------------
// Matrix variants: the variant's overrides (sim/scenario/overrides.cpp)
// written into the configuration text, then checked by parsing the result.

// Seconds as keepalived's decimal readers take them ("3", "0.5").
std::string DecimalSeconds(vrrp::Duration d) {
  std::string s = std::to_string(d / vrrp::kSecond);
  vrrp::Duration frac = d % vrrp::kSecond;
  if (frac == 0) return s;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(frac));
  std::string f = buf;
  while (!f.empty() && f.back() == '0') f.pop_back();
  return s + "." + f;
}

std::string FirstWord(const std::string& line) {
  std::size_t i = line.find_first_not_of(" \t");
  if (i == std::string::npos) return "";
  std::size_t j = i;
  while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '#' && line[j] != '!' &&
         line[j] != '{' && line[j] != '}')
    ++j;
  return line.substr(i, j - i);
}

// One vrrp_instance block (from the keyword to its closing brace) with the
// override's keywords replaced. `want` is the instance as the variant's
// configuration has it (for the reverse flag of a re-weighted script).
std::string EditInstance(const std::string& b, const vsim::ConfigOverride& o,
                         const vrrp::VrrpInstance& want, const std::string& variant,
                         std::vector<std::string>* unsupported) {
  const std::string tag = "# (vrrpsim-record: variant " + variant + ") ";
  std::set<std::string> drop;
  std::string insert;
  if (o.priority) {
    drop.insert("priority");
    insert += "\n    priority " + std::to_string(*o.priority);
  }
  if (o.state) {
    drop.insert("state");
    insert += std::string("\n    state ") +
              (*o.state == vrrp::InitialState::kMaster ? "MASTER" : "BACKUP");
  }
  if (o.nopreempt) {
    drop.insert("nopreempt");
    drop.insert("preempt");
    if (*o.nopreempt) insert += "\n    nopreempt";
  }
  if (o.preempt_delay) {
    drop.insert("preempt_delay");
    if (*o.preempt_delay > 0) insert += "\n    preempt_delay " + DecimalSeconds(*o.preempt_delay);
  }
  if (o.advert_int) {
    drop.insert("advert_int");
    insert += "\n    advert_int " + DecimalSeconds(*o.advert_int);
  }
  std::map<std::string, int> weights(o.script_weights.begin(), o.script_weights.end());
  std::set<std::string> reweighted;
  const auto mask = CommentMask(b);
  std::string out;
  int depth = 0;
  bool quote = false;
  std::string outer;  // the depth-1 block being read (e.g. "track_script")
  std::size_t pos = 0;
  while (pos < b.size()) {
    std::size_t eol = b.find('\n', pos);
    if (eol == std::string::npos) eol = b.size();
    const std::string line = b.substr(pos, eol - pos);
    const int start_depth = depth;
    int opens = 0, closes = 0;
    for (std::size_t i = pos; i < eol; ++i) {
      if (mask[i]) continue;
      if (b[i] == '"') quote = !quote;
      if (quote) continue;
      if (b[i] == '{') ++depth, ++opens;
      if (b[i] == '}') --depth, ++closes;
    }
    const std::string w = FirstWord(line);
    std::string repl = line;
    if (start_depth == 1 && opens == 0 && closes == 0 && drop.count(w)) {
      repl = "    " + tag + line.substr(line.find_first_not_of(" \t"));
    } else if (start_depth == 2 && outer == "track_script" && opens == 0 && closes == 0 &&
               weights.count(w)) {
      bool reverse = false;
      for (const auto& ts : want.track_scripts)
        if (ts.name == w) reverse = ts.reverse;
      repl = "        " + w + " weight " + std::to_string(weights[w]) +
             (reverse ? " reverse" : "") + "  " + tag +
             "was: " + line.substr(line.find_first_not_of(" \t"));
      reweighted.insert(w);
    }
    if (start_depth == 1 && opens > closes) outer = w;
    if (depth <= 1 && start_depth >= 1 && closes > opens) outer.clear();
    out += repl;
    if (eol < b.size()) out += '\n';
    pos = eol + 1;
  }
  for (const auto& [script, weight] : weights) {
    (void)weight;
    bool tracked = false;
    for (const auto& ts : want.track_scripts) tracked |= ts.name == script;
    if (tracked && !reweighted.count(script))
      unsupported->push_back("variant " + variant + ": " + want.name + " tracks vrrp_script " +
                             script +
                             " somewhere other than one line of its own track_script block; "
                             "the weight override cannot be written");
  }
  const std::size_t brace = out.find('{');
  if (brace != std::string::npos && !insert.empty())
    out.insert(brace + 1, "\n    " + tag + "overrides:" + insert);
  return out;
}

// The node's configuration text with every override of `node` written in.
std::string ApplyVariantText(const std::string& text, const vsim::Variant& v,
                             const std::string& node, const vrrp::Config& want,
                             std::vector<std::string>* unsupported) {
  std::string t = text;
  for (const auto& o : v.overrides) {
    if (o.node != node) continue;
    auto blocks = FindBlocks(t, "vrrp_instance");
    std::vector<std::string> repl;
    for (const auto& b : blocks) {
      std::string block = t.substr(b.begin, b.end - b.begin);
      const vrrp::VrrpInstance* inst = nullptr;
      for (const auto& x : want.instances)
        if (x.name == b.name) inst = &x;
      if (inst && (o.instance.empty() || o.instance == b.name))
        block = EditInstance(block, o, *inst, v.name, unsupported);
      repl.push_back(block);
    }
    t = ReplaceBlocks(t, blocks, repl);
  }
  return t;
}

// Parses the rewritten configuration as the loader would and compares every
// field an override can change with the variant's configuration.
void CheckVariantConfig(const std::string& text, const std::string& what,
                        const vsim::ScenarioNode& node, const vrrp::Config& want,
                        std::vector<std::string>* unsupported) {
  vrrp::ParseOptions options;
  for (const auto& i : node.interfaces) options.known_interfaces.push_back(i.name);
  const vrrp::ParseResult got = vrrp::ParseConfig(text, what, options);
  auto fail = [&](const std::string& why) {
    unsupported->push_back(
        what + ": the rewritten configuration does not parse to the variant's (" + why + ")");
  };
  if (!got.ok()) return fail("keepalived would refuse it");
  if (got.config.instances.size() != want.instances.size()) return fail("instance count");
  for (std::size_t i = 0; i < want.instances.size(); ++i) {
    const auto& g = got.config.instances[i];
    const auto& w = want.instances[i];
    const std::string n = w.name + ": ";
    if (g.name != w.name) return fail(n + "instance order");
    if (g.priority != w.priority) return fail(n + "priority " + std::to_string(g.priority));
    if (g.initial_state != w.initial_state) return fail(n + "state");
    if (g.nopreempt != w.nopreempt) return fail(n + "nopreempt");
    if (g.preempt_delay != w.preempt_delay) return fail(n + "preempt_delay");
    if (g.advert_int != w.advert_int) return fail(n + "advert_int");
    if (g.version != w.version) return fail(n + "version");
    if (g.track_scripts.size() != w.track_scripts.size()) return fail(n + "track_script count");
    for (std::size_t k = 0; k < w.track_scripts.size(); ++k)
      if (g.track_scripts[k].name != w.track_scripts[k].name ||
          g.track_scripts[k].weight != w.track_scripts[k].weight ||
          g.track_scripts[k].reverse != w.track_scripts[k].reverse)
        return fail(n + "track_script " + w.track_scripts[k].name);
  }
}

void CollectAddresses(const vrrp::Config& c, std::set<vrrp::IpAddress>* out) {
  for (const auto& inst : c.instances) {
    for (const auto& v : inst.vips) out->insert(v.addr);
    for (const auto& v : inst.evips) out->insert(v.addr);
    if (inst.unicast_src_ip) out->insert(*inst.unicast_src_ip);
    if (inst.mcast_src_ip) out->insert(*inst.mcast_src_ip);
    for (const auto& p : inst.unicast_peers) out->insert(p.addr);
  }
}

// Whether the scenario needs IPv6 in its namespaces: an IPv6 instance, an
// IPv6 address in a configuration, or an interface with a global IPv6
// address. (Every interface has a link-local address in the scenario - the
// loader fills in the default - which alone does not count.)
bool UsesIpv6(const vsim::Scenario& sc, const std::set<vrrp::IpAddress>& addrs) {
  for (const auto& a : addrs)
    if (a.is_v6()) return true;
  for (const auto& n : sc.nodes) {
    for (const auto& i : n.interfaces)
      if (!i.addresses6.empty()) return true;
    for (const auto& inst : n.config.instances)
      if (inst.ipv6) return true;
  }
  return false;
}

// fd00:250:N::/64, N written in decimal digits read as hex (subnet 61 is
// fd00:250:61::/64): the IPv6 counterpart of 10.250.N.0/24.
vrrp::IpAddress Ipv6Of(int subnet, std::uint32_t k) {
  const auto n = static_cast<std::uint32_t>(std::stoul(std::to_string(subnet), nullptr, 16));
  return vrrp::IpAddress::V6Words(0xfd000250u, n << 16, 0, k);
}

// ---------------------------------------------------------------------------
// The schedule: explicit timeline operations first at equal times, then the
// implicit node starts (the runner's order, sim/scenario/runner.cpp).

struct Planned {
  vsim::Time at = 0;
  int order = 0;
  std::size_t index = 0;  // timeline index, or node index for starts
  bool implicit_start = false;
};

std::vector<Planned> Schedule(const vsim::Scenario& sc) {
  std::vector<Planned> s;
  for (std::size_t i = 0; i < sc.timeline.size(); ++i)
    s.push_back({sc.timeline[i].at, 0, i, false});
  for (std::size_t h = 0; h < sc.nodes.size(); ++h)
    if (sc.nodes[h].start) s.push_back({*sc.nodes[h].start, 1, h, true});
  std::stable_sort(s.begin(), s.end(), [](const Planned& a, const Planned& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });
  return s;
}

std::string Describe(const vsim::Scenario& sc, const vsim::ScenarioOp& op) {
  std::string out = vsim::OpKindName(op.kind);
  auto hn = [&](int h) {
    return h >= 0 && h < static_cast<int>(sc.nodes.size()) ? sc.nodes[h].name : std::string("?");
  };
  switch (op.kind) {
    case OpKind::kPartition:
      out += ' ';
      for (std::size_t g = 0; g < op.groups.size(); ++g) {
        if (g) out += " | ";
        out += '{';
        for (std::size_t i = 0; i < op.groups[g].size(); ++i) {
          if (i) out += ',';
          out += hn(op.groups[g][i]);
        }
        out += '}';
      }
      break;
    case OpKind::kHeal:
      break;
    case OpKind::kBlock:
    case OpKind::kUnblock:
      out += ' ' + hn(op.node) + " -> " + hn(op.peer);
      break;
    case OpKind::kSetCheck:
      out += ' ' + hn(op.node) + ' ' + op.name + ' ' +
             (op.check == vsim::CheckMode::kSucceed ? "succeed"
              : op.check == vsim::CheckMode::kFail  ? "fail"
                                                    : "timeout");
      break;
    case OpKind::kLinkDown:
    case OpKind::kLinkUp:
    case OpKind::kLinkParams:
      out += ' ' + hn(op.node) + ' ' + op.name;
      break;
    case OpKind::kPause:
      out += ' ' + hn(op.node) + " for " + std::to_string(op.duration) + "us";
      break;
    case OpKind::kTrackFile:
      out += ' ' + hn(op.node) + ' ' + op.name + '=' + std::to_string(op.value);
      break;
    default:
      out += ' ' + hn(op.node);
  }
  if (!op.label.empty()) out += " [" + op.label + "]";
  return out;
}

std::string Dir(const vsim::LinkDirection& d) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%lld %lld %.6f", static_cast<long long>(d.latency),
                static_cast<long long>(d.jitter), d.loss * 100.0);
  return buf;
}

// The raw text of each node's configuration and of each reload's.
struct RawTexts {
  std::vector<std::string> nodes;
  std::map<std::size_t, std::string> reloads;  // timeline index -> text
  std::string error;
};

RawTexts ReadRawTexts(const vsim::Scenario& sc) {
  RawTexts r;
  YAML::Node root;
  try {
    root = YAML::LoadFile(sc.file);
  } catch (const std::exception& e) {
    r.error = e.what();
    return r;
  }
  const YAML::Node nodes = root["nodes"];
  for (std::size_t i = 0; i < sc.nodes.size(); ++i) {
    const YAML::Node n = nodes[i];
    if (n["config"]) {
      r.nodes.push_back(n["config"].as<std::string>());
    } else if (n["config_file"]) {
      const std::string rel = n["config_file"].as<std::string>();
      r.nodes.push_back(ReadFile(rel[0] == '/' ? rel : sc.base_dir + "/" + rel));
    } else {
      r.error = "node " + sc.nodes[i].name + ": no config";
    }
  }
  const YAML::Node tl = root["timeline"];
  for (std::size_t k = 0; tl && k < tl.size(); ++k) {
    const YAML::Node op = tl[k];
    if (!op["op"] || op["op"].as<std::string>() != "reload") continue;
    std::string text;
    if (op["config"]) text = op["config"].as<std::string>();
    if (op["config_file"]) {
      const std::string rel = op["config_file"].as<std::string>();
      text = ReadFile(rel[0] == '/' ? rel : sc.base_dir + "/" + rel);
    }
    const int line = op.Mark().line + 1;
    // The loaded timeline is sorted by time; find this operation by its line.
    std::size_t best = sc.timeline.size();
    int best_d = 1 << 30;
    for (std::size_t i = 0; i < sc.timeline.size(); ++i) {
      if (sc.timeline[i].kind != OpKind::kReload || r.reloads.count(i)) continue;
      const int d = std::abs(sc.timeline[i].where.line - line);
      if (d < best_d) best_d = d, best = i;
    }
    if (best < sc.timeline.size()) r.reloads[best] = text;
  }
  return r;
}

// The scenario, or the scenario as its matrix variant `variant` (nullopt and
// a message on stderr if there is no such variant).
std::optional<vsim::Scenario> WithVariant(const vsim::Scenario& sc, const std::string& variant) {
  if (variant.empty()) return sc;
  if (const vsim::Variant* v = vsim::FindVariant(sc, variant)) return vsim::VariantScenario(sc, *v);
  std::cerr << "vrrpsim-record: " << sc.file << ": no matrix variant named '" << variant << "' (";
  if (sc.variants.empty()) std::cerr << "the scenario has no matrix";
  for (std::size_t i = 0; i < sc.variants.size(); ++i)
    std::cerr << (i ? ", " : "variants: ") << sc.variants[i].name;
  std::cerr << ")\n";
  return std::nullopt;
}

int Plan(const std::string& scenario_path, const std::string& rundir, int subnet,
         const std::string& variant_name) {
  auto load = vsim::LoadScenarioFile(scenario_path);
  if (!load.ok()) {
    for (const auto& d : load.diagnostics) std::cerr << d.ToString() << "\n";
    return 2;
  }
  // `base` has the configurations as written (the text the rewrites start
  // from), `sc` the variant's (what the rewritten text must parse to).
  const vsim::Scenario& base = *load.scenario;
  const vsim::Variant* variant =
      variant_name.empty() ? nullptr : vsim::FindVariant(base, variant_name);
  const auto with_variant = WithVariant(base, variant_name);
  if (!with_variant) return 2;
  const vsim::Scenario& sc = *with_variant;
  std::vector<std::string> unsupported;
  // Only the override kinds of ConfigOverride exist; each is written into
  // the text below and checked by parsing the result.
  if (!sc.trunks.empty())
    unsupported.push_back("trunks between segments (one bridge per segment only)");
  for (const auto& n : sc.nodes)
    if (n.script_runtime != 0)
      unsupported.push_back("node " + n.name +
                            ": script_runtime (the flag-file test runs in ~1 ms)");
  for (const auto& op : sc.timeline)
    if (op.kind == OpKind::kSetCheck && op.check == vsim::CheckMode::kTimeout)
      unsupported.push_back("check result `timeout` at " + vsim::FormatTime(op.at));
  RawTexts raw = ReadRawTexts(sc);
  if (!raw.error.empty()) {
    std::cerr << "vrrpsim-record: " << raw.error << "\n";
    return 2;
  }

  // Address map: every IPv4 address of the scenario, sorted, onto
  // 10.250.N.1..., every IPv6 one except link-locals onto fd00:250:N::1...
  // (sorted too). Link-local addresses stay as the scenario has them: they
  // only exist on the namespaces' own links.
  std::set<vrrp::IpAddress> addrs;
  for (const auto& n : sc.nodes) {
    for (const auto& i : n.interfaces) {
      addrs.insert(i.address);
      addrs.insert(i.addresses6.begin(), i.addresses6.end());
    }
    CollectAddresses(n.config, &addrs);
  }
  for (const auto& op : sc.timeline)
    if (op.config) CollectAddresses(*op.config, &addrs);
  std::erase_if(addrs, [](const vrrp::IpAddress& a) { return a.is_link_local_v6(); });
  const bool ipv6 = UsesIpv6(sc, addrs);
  const auto v4_count =
      std::count_if(addrs.begin(), addrs.end(), [](const vrrp::IpAddress& a) { return a.is_v4(); });
  if (v4_count > 250) unsupported.push_back("more than 250 IPv4 addresses");
  for (const auto& u : unsupported) std::cerr << "unsupported: " << u << "\n";
  if (!unsupported.empty()) return kExitUnsupported;
  AddressMap map;
  int k4 = 1;
  std::uint32_t k6 = 1;
  for (const auto& a : addrs)
    map[a] = a.is_v4() ? vrrp::IpAddress(Ipv4(10, 250, static_cast<std::uint8_t>(subnet),
                                              static_cast<std::uint8_t>(k4++)))
                       : Ipv6Of(subnet, k6++);

  std::ostringstream plan;
  plan << "# plan for " << sc.file << (variant ? " variant " + variant->name : std::string())
       << " (subnet 10.250." << subnet << ".0/24"
       << (ipv6 ? ", " + Ipv6Of(subnet, 0).ToString() + "/64" : "") << ")\n";
  plan << "duration " << sc.duration << "\n";
  // IPv6 in the node namespaces (record.sh keeps it disabled otherwise).
  if (ipv6) plan << "ipv6\n";
  std::vector<std::string> segs = sc.segments;
  for (const auto& n : sc.nodes)
    for (const auto& i : n.interfaces)
      if (std::find(segs.begin(), segs.end(), i.segment) == segs.end()) segs.push_back(i.segment);
  for (std::size_t s = 0; s < segs.size(); ++s) plan << "segment " << s << " " << segs[s] << "\n";
  std::vector<NodeFiles> files(sc.nodes.size());
  for (std::size_t h = 0; h < sc.nodes.size(); ++h) {
    const auto& n = sc.nodes[h];
    plan << "host " << h << " " << n.name << "\n";
    for (std::size_t i = 0; i < n.interfaces.size(); ++i) {
      const auto& ni = n.interfaces[i];
      const auto seg = std::find(segs.begin(), segs.end(), ni.segment) - segs.begin();
      char mac[32];
      std::snprintf(mac, sizeof mac, "02:00:0a:fa:%02x:%02zx", subnet, h * 16 + i);
      plan << "iface " << h << " " << i << " " << ni.name << " " << map[ni.address].ToString()
           << "/24 " << seg << " " << mac << " " << Dir(ni.up) << " " << Dir(ni.down) << "\n";
      // IPv6: the link-local address as the scenario has it, then the
      // global ones mapped (record.sh adds them `nodad`: usable at once).
      if (ipv6) {
        plan << "addr6 " << h << " " << ni.name << " " << ni.link_local6.ToString() << "/64\n";
        for (const auto& a : ni.addresses6)
          plan << "addr6 " << h << " " << ni.name << " " << map[a].ToString() << "/64\n";
      }
    }
    std::string text = raw.nodes[h];
    if (variant) text = ApplyVariantText(text, *variant, n.name, n.config, &unsupported);
    const std::string conf =
        RewriteConfig(text, base.nodes[h].config, map, rundir, n.name, &files[h]);
    if (variant)
      CheckVariantConfig(conf, rundir + "/" + n.name + ".conf", n, n.config, &unsupported);
    if (!WriteFile(rundir + "/" + n.name + ".conf", conf)) {
      std::cerr << "vrrpsim-record: cannot write into " << rundir << "\n";
      return 2;
    }
    for (const auto& [name, flag] : files[h].script_flags) plan << "flag " << flag << "\n";
    for (const auto& f : n.config.track_files)
      if (files[h].track_files.count(f.name))
        plan << "trackfile " << files[h].track_files[f.name] << " " << f.init_value.value_or(0)
             << "\n";
  }

  // The network. This kernel has no netem and no tc classifiers or actions,
  // and no bridge VLAN filtering, so reachability is made of bridges alone:
  // a partition puts each group's ports on bridges of their own, and a port
  // that may hear nobody (one-way block, loss 1) has flooding off (learning is
  // off everywhere, so every frame to a port is a flooded one). Latency,
  // jitter, fractional loss, and a port that may hear some but not all of its
  // peers cannot be built that way: unsupported.
  struct Net {
    std::vector<int> group;
    std::set<std::pair<int, int>> blocked;                           // (sender, receiver)
    std::map<std::pair<int, std::size_t>, bool> up_lost, down_lost;  // (host, iface)
  } net;
  net.group.assign(sc.nodes.size(), 0);
  auto set_loss = [&](int h, std::size_t i, const vsim::LinkDirection& up,
                      const vsim::LinkDirection& down, const std::string& when) {
    for (const auto* d : {&up, &down})
      if (d->latency != 0 || d->jitter != 0 || (d->loss != 0.0 && d->loss != 1.0)) {
        unsupported.push_back("link parameters of " + sc.nodes[h].name + " at " + when +
                              ": latency, jitter or partial loss (no netem in this kernel)");
        return false;
      }
    net.up_lost[{h, i}] = up.loss == 1.0;
    net.down_lost[{h, i}] = down.loss == 1.0;
    return true;
  };
  for (std::size_t h = 0; h < sc.nodes.size(); ++h)
    for (std::size_t i = 0; i < sc.nodes[h].interfaces.size(); ++i)
      set_loss(static_cast<int>(h), i, sc.nodes[h].interfaces[i].up, sc.nodes[h].interfaces[i].down,
               "start");
  auto net_state = [&](const std::string& when) {
    std::string out;
    for (std::size_t h = 0; h < sc.nodes.size(); ++h)
      out += " g" + std::to_string(h) + "=" + std::to_string(net.group[h]);
    for (std::size_t r = 0; r < sc.nodes.size(); ++r)
      for (std::size_t i = 0; i < sc.nodes[r].interfaces.size(); ++i) {
        const auto& seg = sc.nodes[r].interfaces[i].segment;
        int peers = 0, hears = 0;
        for (std::size_t s2 = 0; s2 < sc.nodes.size(); ++s2) {
          if (s2 == r || net.group[s2] != net.group[r]) continue;
          for (std::size_t j = 0; j < sc.nodes[s2].interfaces.size(); ++j) {
            if (sc.nodes[s2].interfaces[j].segment != seg) continue;
            ++peers;
            const bool ok = !net.blocked.count({static_cast<int>(s2), static_cast<int>(r)}) &&
                            !net.up_lost[{static_cast<int>(s2), j}] &&
                            !net.down_lost[{static_cast<int>(r), i}];
            hears += ok ? 1 : 0;
          }
        }
        if (hears != 0 && hears != peers)
          unsupported.push_back("at " + when + " " + sc.nodes[r].name + " would hear some of its " +
                                "peers but not all (needs per-sender filters: no tc classifiers " +
                                "in this kernel)");
        out += " d" + std::to_string(r) + "." + std::to_string(i) + "=" +
               (peers > 0 && hears == 0 ? "1" : "0");
      }
    return out;
  };
  plan << "net" << net_state("start") << "\n";
  auto emit_net = [&](const std::string& pre) {
    const std::string when = pre.substr(3, pre.find(' ', 3) - 3) + "us";
    plan << pre << "net" << net_state(when) << "\n";
  };
  int reload_no = 0;
  const auto sched = Schedule(sc);
  for (std::size_t idx = 0; idx < sched.size(); ++idx) {
    const Planned& p = sched[idx];
    const std::string pre = "op " + std::to_string(p.at) + " " + std::to_string(idx) + " ";
    if (p.implicit_start) {
      plan << pre << "start " << p.index << "\n";
      continue;
    }
    const auto& op = sc.timeline[p.index];
    const std::string h = std::to_string(op.node);
    switch (op.kind) {
      case OpKind::kStart:
        plan << pre << "start " << h << "\n";
        break;
      case OpKind::kStop:
        plan << pre << "stop " << h << "\n";
        break;
      case OpKind::kCrash:
        plan << pre << "crash " << h << "\n";
        break;
      case OpKind::kRestart:
        plan << pre << "restart " << h << "\n";
        break;
      case OpKind::kPowerOff:
        plan << pre << "poweroff " << h << "\n";
        break;
      case OpKind::kPowerOn:
        plan << pre << "poweron " << h << "\n";
        break;
      case OpKind::kPause:
        plan << pre << "pause " << h << "\n";
        plan << "op " << p.at + op.duration << " r" << idx << " resume " << h << "\n";
        break;
      case OpKind::kReload: {
        const std::string name = sc.nodes[op.node].name;
        const std::string path =
            rundir + "/" + name + ".reload" + std::to_string(++reload_no) + ".conf";
        NodeFiles ignored;
        const auto& base_op = base.timeline[p.index];
        const vrrp::Config& cfg = base_op.config ? *base_op.config : base.nodes[op.node].config;
        const vrrp::Config& want = op.config ? *op.config : sc.nodes[op.node].config;
        std::string text = raw.reloads[p.index];
        if (variant) text = ApplyVariantText(text, *variant, name, want, &unsupported);
        const std::string conf = RewriteConfig(text, cfg, map, rundir, name, &ignored);
        if (variant) CheckVariantConfig(conf, path, sc.nodes[op.node], want, &unsupported);
        WriteFile(path, conf);
        plan << pre << "reload " << h << " " << path << "\n";
        break;
      }
      case OpKind::kSetCheck: {
        auto it = files[op.node].script_flags.find(op.name);
        if (it == files[op.node].script_flags.end()) {
          plan << pre << "noop\n";  // a script the node does not use
          break;
        }
        plan << pre << (op.check == vsim::CheckMode::kSucceed ? "touch " : "rm ") << it->second
             << "\n";
        break;
      }
      case OpKind::kLinkDown:
      case OpKind::kLinkUp:
        plan << pre << (op.kind == OpKind::kLinkDown ? "linkdown " : "linkup ") << h << " "
             << op.name << "\n";
        break;
      case OpKind::kPartition: {
        net.group.assign(sc.nodes.size(),
                         static_cast<int>(op.groups.size()));  // unlisted: own group
        for (std::size_t g = 0; g < op.groups.size(); ++g)
          for (int x : op.groups[g]) net.group[x] = static_cast<int>(g);
        emit_net(pre);
        break;
      }
      case OpKind::kHeal:
        net.group.assign(sc.nodes.size(), 0);
        net.blocked.clear();
        emit_net(pre);
        break;
      case OpKind::kBlock:
      case OpKind::kUnblock:
        if (op.kind == OpKind::kBlock)
          net.blocked.insert({op.node, op.peer});
        else
          net.blocked.erase({op.node, op.peer});
        emit_net(pre);
        break;
      case OpKind::kLinkParams: {
        std::size_t i = 0;
        for (; i < sc.nodes[op.node].interfaces.size(); ++i)
          if (sc.nodes[op.node].interfaces[i].name == op.name) break;
        if (!set_loss(op.node, i, op.up, op.down, vsim::FormatTime(op.at))) break;
        emit_net(pre);
        break;
      }
      case OpKind::kTrackFile: {
        auto it = files[op.node].track_files.find(op.name);
        if (it == files[op.node].track_files.end()) {
          plan << pre << "noop\n";
          break;
        }
        plan << pre << "write " << it->second << " " << op.value << "\n";
        break;
      }
    }
  }
  for (const auto& u : unsupported) std::cerr << "unsupported: " << u << "\n";
  if (!unsupported.empty()) return kExitUnsupported;
  std::ostringstream mapping;
  for (const auto& [from, to] : map) mapping << to.ToString() << " " << from.ToString() << "\n";
  const std::string notify =
      "#!/bin/sh\n"
      "# notify.sh LOG TYPE NAME STATE PRIORITY (keepalived appends the last four)\n"
      "log=\"$1\"; shift\n"
      "printf '%s %s\\n' \"$(date +%s%N)\" \"$*\" >>\"$log\"\n";
  if (!WriteFile(rundir + "/plan.txt", plan.str()) ||
      !WriteFile(rundir + "/addresses.txt", mapping.str()) ||
      !WriteFile(rundir + "/notify.sh", notify)) {
    std::cerr << "vrrpsim-record: cannot write into " << rundir << "\n";
    return 2;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Logs -> trace.

std::optional<vrrp::State> StateFromNotify(const std::string& s) {
  if (s == "MASTER") return vrrp::State::kMaster;
  if (s == "BACKUP") return vrrp::State::kBackup;
  if (s == "FAULT") return vrrp::State::kFault;
  if (s == "STOP") return vrrp::State::kStop;
  return std::nullopt;
}

// "[2026-11-25T16:10:00.123456]" (ip -ts, TZ=UTC) -> epoch µs.
std::optional<std::int64_t> ParseIsoUs(const std::string& s) {
  int Y, M, D, h, m, sec;
  long frac = 0;
  char fbuf[16] = {0};
  if (std::sscanf(s.c_str(), "[%d-%d-%dT%d:%d:%d.%15[0-9]", &Y, &M, &D, &h, &m, &sec, fbuf) < 7)
    return std::nullopt;
  std::string f = fbuf;
  while (f.size() < 6) f += '0';
  frac = std::stol(f.substr(0, 6));
  std::tm tm{};
  tm.tm_year = Y - 1900;
  tm.tm_mon = M - 1;
  tm.tm_mday = D;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = sec;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000000 + frac;
}

struct RealRun {
  vsim::RunResult run;
  std::string error;
};

RealRun ConvertRun(const vsim::Scenario& sc, const std::string& rundir) {
  RealRun rr;
  vsim::RunResult& r = rr.run;
  r.scenario = sc.name;
  r.file = sc.file;
  r.seed = 0;
  r.duration = sc.duration;
  std::map<std::string, int> host_index;
  std::map<std::pair<int, std::string>, int> inst_index;
  for (std::size_t h = 0; h < sc.nodes.size(); ++h) {
    vsim::HostInfo hi;
    hi.name = sc.nodes[h].name;
    host_index[hi.name] = static_cast<int>(h);
    for (std::size_t i = 0; i < sc.nodes[h].config.instances.size(); ++i) {
      hi.instances.push_back(sc.nodes[h].config.instances[i].name);
      hi.vrids.push_back(sc.nodes[h].config.instances[i].vrid);
      hi.families.push_back(sc.nodes[h].config.instances[i].ipv6 ? vrrp::IpFamily::kV6
                                                                 : vrrp::IpFamily::kV4);
      inst_index[{static_cast<int>(h), hi.instances.back()}] = static_cast<int>(i);
    }
    r.hosts.push_back(hi);
  }
  // Real address -> scenario address, and scenario VIP -> VRID.
  std::map<vrrp::IpAddress, vrrp::IpAddress> back;
  {
    std::istringstream in(ReadFile(rundir + "/addresses.txt"));
    std::string a, b;
    while (in >> a >> b) {
      auto real = vrrp::IpAddress::Parse(a);
      auto scenario = vrrp::IpAddress::Parse(b);
      if (real && scenario) back[*real] = *scenario;
    }
  }
  std::map<vrrp::IpAddress, int> vip_vrid;
  auto add_vips = [&](const vrrp::Config& c) {
    for (const auto& inst : c.instances) {
      for (const auto& v : inst.vips) vip_vrid[v.addr] = inst.vrid;
      for (const auto& v : inst.evips) vip_vrid[v.addr] = inst.vrid;
    }
  };
  for (const auto& n : sc.nodes) add_vips(n.config);
  for (const auto& op : sc.timeline)
    if (op.config) add_vips(*op.config);

  // Marks: "T0 <epoch µs>" then "<epoch µs> <schedule index>".
  std::int64_t t0 = -1;
  std::map<int, std::int64_t> marks, resumes;
  {
    std::istringstream in(ReadFile(rundir + "/marks"));
    std::string a, b;
    while (in >> a >> b) {
      if (a == "T0")
        t0 = std::stoll(b);
      else if (b[0] == 'r')
        resumes.emplace(std::stoi(b.substr(1)), std::stoll(a));
      else
        marks.emplace(std::stoi(b), std::stoll(a));
    }
  }
  if (t0 < 0) {
    rr.error = rundir + ": no T0 mark (the run did not start)";
    return rr;
  }
  std::vector<vsim::TraceEvent> ev;
  const auto sched = Schedule(sc);
  for (std::size_t idx = 0; idx < sched.size(); ++idx) {
    auto it = marks.find(static_cast<int>(idx));
    if (it == marks.end()) continue;
    vsim::TraceEvent e;
    e.t = it->second - t0;
    e.kind = vsim::TraceKind::kOperation;
    if (sched[idx].implicit_start) {
      e.host = static_cast<int>(sched[idx].index);
      e.op = static_cast<int>(OpKind::kStart);
      e.detail = "start " + sc.nodes[e.host].name;
    } else {
      const auto& op = sc.timeline[sched[idx].index];
      e.host = op.node;
      e.peer_host = op.peer;
      e.op = static_cast<int>(op.kind);
      vsim::ScenarioOp actual = op;
      // A pause lasts as long as it really did (SIGSTOP to SIGCONT).
      auto rs = resumes.find(static_cast<int>(idx));
      if (op.kind == OpKind::kPause && rs != resumes.end())
        actual.duration = rs->second - it->second;
      e.detail = Describe(sc, actual);
    }
    ev.push_back(e);
  }
  // Transitions: keepalived's notify FIFO as record.sh's reader stamped it
  // ("<epoch µs> INSTANCE \"VI_1\" MASTER 100", in keepalived's order), or,
  // without it, the notify script's log ("<epoch ns> INSTANCE VI_1 MASTER 100").
  for (std::size_t h = 0; h < sc.nodes.size(); ++h) {
    const std::string base = rundir + "/" + sc.nodes[h].name;
    std::string text = ReadFile(base + ".fifolog");
    long long unit = 1;  // to µs
    if (text.empty()) {
      text = ReadFile(base + ".notify");
      unit = 1000;
    }
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      long long ns = 0;
      std::string type, name, state;
      int prio = 0;
      if (!(ls >> ns >> type >> name >> state)) continue;
      ls >> prio;
      if (type != "INSTANCE") continue;
      name.erase(std::remove(name.begin(), name.end(), '"'), name.end());
      auto s = StateFromNotify(state);
      auto ii = inst_index.find({static_cast<int>(h), name});
      if (!s || ii == inst_index.end()) continue;
      vsim::TraceEvent e;
      e.t = ns / unit - t0;
      e.kind = vsim::TraceKind::kTransition;
      e.host = static_cast<int>(h);
      e.instance = ii->second;
      e.vrid = sc.nodes[h].config.instances[ii->second].vrid;
      e.to = *s;
      e.priority = prio;
      e.reason = vrrp::Reason::kNone;
      ev.push_back(e);
    }
    // Addresses: `ip -ts monitor address` lines. The kernel reports an IPv6
    // address more than once while it is configured (added "tentative", then
    // again when usable - even with DAD off - and on every flag change): only
    // the first report after its absence is an addition.
    std::set<std::pair<std::string, vrrp::IpAddress>> present;  // (dev, address)
    std::istringstream mon(ReadFile(base + ".addr"));
    while (std::getline(mon, line)) {
      if (line.empty() || line[0] != '[') continue;
      const std::size_t close = line.find(']');
      if (close == std::string::npos) continue;
      auto us = ParseIsoUs(line.substr(0, close + 1));
      if (!us) continue;
      std::istringstream ls(line.substr(close + 1));
      std::string w;
      bool deleted = false;
      ls >> w;
      if (w == "Deleted") {
        deleted = true;
        ls >> w;
      }
      std::string dev, fam, cidr;
      if (!(ls >> dev >> fam >> cidr) || (fam != "inet" && fam != "inet6")) continue;
      const auto real = vrrp::IpAddress::Parse(cidr.substr(0, cidr.find('/')));
      if (!real) continue;
      auto b = back.find(*real);
      if (b == back.end()) continue;
      auto vv = vip_vrid.find(b->second);
      if (vv == vip_vrid.end()) continue;  // a node's own address
      if (deleted ? present.erase({dev, *real}) == 0 : !present.insert({dev, *real}).second)
        continue;  // a repeated report
      vsim::TraceEvent e;
      e.t = *us - t0;
      e.kind = deleted ? vsim::TraceKind::kVipRemoved : vsim::TraceKind::kVipAdded;
      e.host = static_cast<int>(h);
      e.vrid = vv->second;
      e.addr = b->second;
      e.detail = dev;
      ev.push_back(e);
    }
  }
  std::stable_sort(ev.begin(), ev.end(),
                   [](const vsim::TraceEvent& a, const vsim::TraceEvent& b) { return a.t < b.t; });
  // From-states, and nothing after the end of the run.
  std::map<std::pair<int, int>, vrrp::State> cur;
  for (auto& e : ev) {
    if (e.t < 0 || e.t > sc.duration) continue;
    if (e.kind == vsim::TraceKind::kOperation &&
        (e.op == static_cast<int>(OpKind::kStart) || e.op == static_cast<int>(OpKind::kPowerOn) ||
         e.op == static_cast<int>(OpKind::kCrash) || e.op == static_cast<int>(OpKind::kPowerOff))) {
      for (auto& [k, v] : cur)
        if (k.first == e.host) v = vrrp::State::kInit;
    }
    if (e.kind == vsim::TraceKind::kTransition) {
      auto [it, fresh] = cur.try_emplace({e.host, e.instance}, vrrp::State::kInit);
      (void)fresh;
      e.from = it->second;
      it->second = e.to;
      if (e.to == vrrp::State::kStop) it->second = vrrp::State::kInit;
    }
    r.events.push_back(e);
  }
  vsim::SplitBrainDetector split;
  for (const auto& e : r.events) split.OnEvent(e);
  split.Finish(sc.duration);
  r.split_brain = split.intervals();
  r.events_processed = r.events.size();
  return rr;
}

// Stores the real spread (the largest spread of one transition, VIP change or
// split-brain boundary over the runs, as vrrpsim conform measures it) in
// every run's metrics: {"name": "real_spread", "subject": "N runs"}.
void AddSpread(std::vector<vsim::RunResult>* runs) {
  if (runs->empty()) return;
  const auto rep = vsim::CompareRuns((*runs)[0], *runs, *runs, vsim::ConformOptions{});
  for (auto& r : *runs) {
    std::erase_if(r.metrics, [](const vsim::Metric& m) { return m.name == "real_spread"; });
    r.metrics.push_back(
        {"real_spread", std::to_string(runs->size()) + " runs", rep.real_spread, true});
  }
}

// Writes the runs as one trace file, atomically (a recorder stopped halfway
// leaves the old file or none, never half a golden file).
int WriteRuns(const std::vector<vsim::RunResult>& runs, const std::string& path) {
  std::ostringstream out;
  if (runs.size() == 1)
    vsim::WriteTraceJson(runs[0], out);
  else
    vsim::WriteTraceJsonRuns(runs, out);
  std::string error;
  if (!vsim::WriteFileAtomically(path, out.str(), &error)) {
    std::cerr << "vrrpsim-record: " << error << "\n";
    return 2;
  }
  return 0;
}

// Rewrites a recorded trace file with its real spread (for files recorded
// before the spread was stored).
int Spread(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "vrrpsim-record: cannot read " << path << "\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  vsim::TraceRead read = vsim::ReadTraceJson(text.str(), path);
  if (!read.ok() || read.runs.empty()) {
    for (const auto& d : read.diagnostics) std::cerr << d.ToString() << "\n";
    return 2;
  }
  AddSpread(&read.runs);
  return WriteRuns(read.runs, path);
}

int Trace(const std::string& scenario_path, const std::string& out_path,
          const std::vector<std::string>& rundirs, const std::string& variant) {
  auto load = vsim::LoadScenarioFile(scenario_path);
  if (!load.ok()) {
    for (const auto& d : load.diagnostics) std::cerr << d.ToString() << "\n";
    return 2;
  }
  const auto sc = WithVariant(*load.scenario, variant);
  if (!sc) return 2;
  std::vector<vsim::RunResult> runs;
  for (const auto& d : rundirs) {
    RealRun rr = ConvertRun(*sc, d);
    if (!rr.error.empty()) {
      std::cerr << "vrrpsim-record: " << rr.error << "\n";
      return 2;
    }
    // "real keepalived 2.2.7", or "real keepalived 2.2.7 [VARIANT]" (what
    // vrrpsim conform --variant checks).
    rr.run.variant =
        std::string("real keepalived 2.2.7") + (variant.empty() ? "" : " [" + variant + "]");
    runs.push_back(std::move(rr.run));
  }
  AddSpread(&runs);
  return WriteRuns(runs, out_path);
}

int Usage() {
  std::cerr << "usage: vrrpsim-record plan SCENARIO RUNDIR --subnet N [--variant NAME]\n"
               "       vrrpsim-record trace [--variant NAME] SCENARIO OUT.json RUNDIR...\n"
               "       vrrpsim-record spread TRACE.json\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // --variant NAME may stand anywhere after the command.
  std::string variant;
  for (std::size_t i = 1; i < args.size(); ++i)
    if (args[i] == "--variant") {
      if (i + 1 >= args.size() || args[i + 1].empty()) return Usage();
      variant = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      break;
    }
  if (args.size() == 5 && args[0] == "plan" && args[3] == "--subnet") {
    const int subnet = std::atoi(args[4].c_str());
    if (subnet < 1 || subnet > 254) return Usage();
    return Plan(args[1], args[2], subnet, variant);
  }
  if (args.size() == 2 && args[0] == "spread" && variant.empty()) return Spread(args[1]);
  if (args.size() >= 4 && args[0] == "trace")
    return Trace(args[1], args[2], std::vector<std::string>(args.begin() + 3, args.end()), variant);
  return Usage();
}

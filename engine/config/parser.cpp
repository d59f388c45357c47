// keepalived.conf reader: block structure and keyword handlers.
//
// The dispatcher mirrors how keepalived 2.2.7 walks a file (checked against
// `keepalived -t`): a keyword opening a block expects `{` as the next logical
// line, an unknown keyword is reported and only its own line is skipped (a
// following `{` is then "Unexpected" and the block body is parsed one level
// too high), a `}` at the top level is an unknown keyword, and brace balance is
// counted separately for the "Extra '}'" / "missing '}'" messages.
#include "engine/config/parser.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <strings.h>

#include "engine/config/complete.h"
#include "engine/config/iproute.h"
#include "engine/config/keywords.h"
#include "engine/config/lexer.h"
#include "engine/config/preprocess.h"

namespace vrrp {

namespace {

enum class Kind {
  kValue,       // handler gets the keyword line
  kBlock,       // handler gets the keyword line, then a sub-table is processed
  kValueBlock,  // handler reads the `{ ... }` lines itself
  kInactive,    // belongs to another keepalived process: the block is skipped
};

struct Keyword;
using Table = std::vector<Keyword>;

struct Keyword {
  std::string name;
  Kind kind = Kind::kValue;
  std::function<void(const LogicalLine&)> handler;
  const Table* sub = nullptr;
  std::function<void()> close;
};

// Includes that multiply (a file including itself through a glob matching
// several names) are bounded by this many files in total, besides the depth
// and byte limits of ParseOptions.
constexpr int kMaxIncludedFiles = 10000;
// Every stray token is one diagnostic (as keepalived logs one line each), so
// without a bound a 16 MiB file of `{` would make 16 million of them (fuzz
// finding F2). Past the limit the configuration is refused.
constexpr std::size_t kMaxDiagnostics = kMaxConfigDiagnostics;

// How keepalived words the second line for a rejected GARP value (it
// differs by keyword; each checked with -t).
enum class BadValue {
  kInvalidIgnoring,        // "<kw> '<v>' invalid - ignoring"
  kInvalidPrefixIgnoring,  // "Invalid <kw> '<v>' - ignoring"
  kInvalidPrefix,          // "Invalid <kw> '<v>'"
};

std::string BadValueMessage(BadValue style, const std::string& kw, const std::string& v) {
  switch (style) {
    case BadValue::kInvalidIgnoring:
      return kw + " '" + v + "' invalid - ignoring";
    case BadValue::kInvalidPrefixIgnoring:
      return "Invalid " + kw + " '" + v + "' - ignoring";
    case BadValue::kInvalidPrefix:
      break;
  }
  return "Invalid " + kw + " '" + v + "'";
}

class Reader {
 public:
  // `skip`: top-level blocks this reader skips unread, as a keepalived process
  // that does not own them does (the parent and checker skip the VRRP blocks,
  // the VRRP process the LVS ones).
  explicit Reader(const ParseOptions& options, const std::vector<std::string>& skip = {})
      : options_(options),
        lines_(
            options.config_id,
            [this](Severity s, DiagClass c, const Location& w, const std::string& m) {
              Report(s, w, m, c);
            },
            [this](const LogicalLine& l) {
              if (l.tokens.size() != 2 || !IsIncludeWord(l.tokens[0].text)) return false;
              DoInclude(l);
              return true;
            }) {
    BuildTables();
    for (auto& k : root_)
      if (std::find(skip.begin(), skip.end(), k.name) != skip.end()) {
        k.kind = Kind::kInactive;
        k.handler = nullptr;
        k.sub = nullptr;
        k.close = nullptr;
      }
  }

  void Run(std::string_view text, const std::string& filename) {
    if (text.size() > options_.max_total_bytes) {
      Report(Severity::kFatal, {filename, 0, 0},
             "Configuration size limit (" + std::to_string(options_.max_total_bytes) +
                 " bytes) exceeded by '" + filename + "'",
             DiagClass::kVrrpsim);
      fatal_ = true;
      return;
    }
    PushFile(text, filename);
    Process(root_, 0, false);
    if (!fatal_) CompleteTrackGroups();
    // An interface that a vrrp_instance, a track_interface (of an instance or
    // a sync group), a route, a rule or an address names and the host lacks.
    if (!fatal_ && missing_interface_) {
      Report(Severity::kError, {filename, 0, 0},
             "Non-existent interface specified in configuration");
      raw_.non_existent_interface = true;
    }
    if (!fatal_ && block_depth_ > 0) {
      Location where{filename, 0, 0};
      if (!last_where_.file.empty()) where = last_where_;
      Report(Severity::kError, where,
             "There are " + std::to_string(block_depth_) + " missing '}'s or extra '{'s");
    }
  }

  bool fatal() const { return fatal_; }
  bool aborted() const { return aborted_; }
  const std::string& abort_root_block() const { return abort_root_block_; }
  const Location& abort_where() const { return abort_where_; }
  // Diagnostics are kept only from the first line read after `where`.
  void CollectAfter(const Location& where) {
    collect_after_ = where;
    collecting_ = false;
  }
  std::size_t collect_from() const { return collect_from_; }
  RawConfig& raw() { return raw_; }
  Diagnostics& diags() { return diags_; }

 private:
  // ---------------------------------------------------------------- input

  void PushFile(std::string_view text, const std::string& name) {
    total_bytes_ += text.size();
    std::vector<SourceLine> lines = ReadSourceLines(text, name, &diags_);
    CapLexerDiagnostics(name);
    lines_.PushFile(name, std::move(lines));
  }

  static bool IsIncludeWord(const std::string& w) {
    return w == "include" || w == "includer" || w == "includem" || w == "includew" ||
           w == "includeb" || w == "includea";
  }

  void DoInclude(const LogicalLine& l) {
    const std::string& word = l.tokens[0].text;
    const std::string& pattern = l.tokens[1].text;
    bool strict = word != "include";
    Location where = l.Where(1);
    if (options_.resolver == nullptr) {
      Report(Severity::kError, where, "include '" + pattern + "' not possible: no include resolver",
             DiagClass::kVrrpsim);
      return;
    }
    if (static_cast<int>(lines_.depth()) > options_.max_include_depth) {
      Report(Severity::kError, where,
             "Include depth limit (" + std::to_string(options_.max_include_depth) +
                 ") exceeded at '" + pattern + "' - skipping (include loop?)",
             DiagClass::kVrrpsim);
      return;
    }
    std::string error;
    std::vector<IncludeResolver::File> found = options_.resolver->Resolve(l.file, pattern, &error);
    if (!error.empty()) {
      Report(Severity::kError, where, error, DiagClass::kVrrpsim);
      return;
    }
    if (found.empty()) {
      Report(strict ? Severity::kError : Severity::kWarning, where,
             "Config files missing '" + pattern + "'.");
      return;
    }
    // Files are pushed in reverse so that the first match is read first.
    std::vector<std::pair<std::string, std::vector<SourceLine>>> frames;
    for (const auto& f : found) {
      if (!f.skipped.empty()) {
        Report(f.skipped_severity, where, f.skipped);
        continue;
      }
      if (++included_files_ > kMaxIncludedFiles) {
        Report(Severity::kError, where,
               "Include limit (" + std::to_string(kMaxIncludedFiles) + " files) exceeded by '" +
                   f.name + "' - skipping",
               DiagClass::kVrrpsim);
        break;
      }
      if (total_bytes_ + f.content.size() > options_.max_total_bytes) {
        Report(Severity::kError, where,
               "Configuration size limit (" + std::to_string(options_.max_total_bytes) +
                   " bytes) exceeded by '" + f.name + "' - skipping",
               DiagClass::kVrrpsim);
        continue;
      }
      total_bytes_ += f.content.size();
      std::vector<SourceLine> lines = ReadSourceLines(f.content, f.name, &diags_);
      CapLexerDiagnostics(f.name);
      frames.emplace_back(f.name, std::move(lines));
    }
    for (auto it = frames.rbegin(); it != frames.rend(); ++it)
      lines_.PushFile(it->first, std::move(it->second));
  }

  // Next logical line across include boundaries; keeps the brace balance.
  bool NextLine(LogicalLine* out) {
    LogicalLine l;
    while (!fatal_ && lines_.Next(&l)) {
      last_where_ = l.Where();
      if (!collecting_ && l.file == collect_after_.file && l.line > collect_after_.line) {
        collecting_ = true;
        collect_from_ = diags_.size();
      }
      if (l.Is("{")) {
        ++block_depth_;
      } else if (l.Is("}")) {
        if (block_depth_-- < 1) {
          Report(Severity::kError, l.Where(), "Extra '}' found");
          block_depth_ = 0;
        }
      }
      *out = std::move(l);
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- structure

  // Returns true when an inactive block's closing brace ended the enclosing
  // block too (keepalived then skips the close handler).
  bool Process(const Table& table, int kw_level, bool need_bob) {
    LogicalLine l;
    while (NextLine(&l)) {
      const std::string& str = l.tokens[0].text;
      if (skip_sublevel_ == -1) {
        if (l.Is("{")) {
          skip_sublevel_ = 1;
          need_bob = false;
          continue;
        }
        skip_sublevel_ = 0;
      }
      if (skip_sublevel_ > 0) {
        const std::string* last = nullptr;
        for (const auto& t : l.tokens) {
          last = &t.text;
          if (t.text == "{") {
            ++skip_sublevel_;
          } else if (t.text == "}") {
            if (--skip_sublevel_ == 0) break;
          }
        }
        if (last && *last == "}" && skip_sublevel_ == 0 && kw_level > 0) return true;
        continue;
      }
      if (need_bob) {
        need_bob = false;
        if (l.Is("{") && kw_level > 0) continue;
        Report(Severity::kError, l.Where(), "Missing '{' at beginning of configuration block");
      } else if (l.Is("{")) {
        Report(Severity::kError, l.Where(), "Unexpected '{' - ignoring");
        continue;
      }
      if (l.Is("}") && kw_level > 0) return false;

      const Keyword* kw = nullptr;
      for (const auto& k : table)
        if (k.name == str) {
          kw = &k;
          break;
        }
      if (kw == nullptr) {
        Report(Severity::kWarning, l.Where(), "Unknown keyword '" + str + "'");
        continue;
      }
      switch (kw->kind) {
        case Kind::kInactive:
          if (kw->handler) kw->handler(l);  // e.g. a name taken before the block is skipped
          skip_sublevel_ = l.tokens.back().text == "{" ? 1 : -1;
          break;
        case Kind::kValue:
        case Kind::kValueBlock:
          // A top-level list (static_routes, ...) is a block of its process too.
          if (kw_level == 0 && kw->kind == Kind::kValueBlock) root_block_ = kw->name;
          if (kw->handler) kw->handler(l);
          if (kw_level == 0 && kw->kind == Kind::kValueBlock && !fatal_) root_block_.clear();
          break;
        case Kind::kBlock: {
          if (kw_level == 0) root_block_ = kw->name;
          bool bob_needed = true;
          if (l.tokens.size() > 1 && l.tokens.back().text == "{") {
            l.tokens.pop_back();
            bob_needed = false;
          }
          if (kw->handler) kw->handler(l);
          if (fatal_) return false;
          if (skip_block_) {
            // The handler refused the block: skip it like keepalived's skip_block();
            // a nested one is skipped one level down, so that its closing brace
            // ends only the skipped block (an invalid real_server, checked with -t).
            skip_block_ = false;
            skip_sublevel_ = bob_needed ? -1 : 1;
            if (kw_level > 0) Process(*kw->sub, kw_level + 1, bob_needed);
            break;
          }
          bool skipped = Process(*kw->sub, kw_level + 1, bob_needed);
          if (!skipped && kw->close) kw->close();
          if (kw_level == 0) root_block_.clear();
          break;
        }
      }
      if (fatal_) return false;
    }
    return false;
  }

  // Reads the lines of a `{ ... }` value block, handing each to `fn`.
  void ReadValueBlock(const LogicalLine& head, const std::function<void(LogicalLine&)>& fn) {
    bool need_bob = true;
    if (head.tokens.size() > 1) {
      if (head.tokens[1].text == "{")
        need_bob = false;
      else
        Report(Severity::kError, head.Where(1),
               "Block " + head.tokens[0].text + " has extra parameters " + head.tokens[1].text +
                   " ...");
    }
    LogicalLine v;
    while (NextLine(&v)) {
      if (need_bob) {
        need_bob = false;
        if (v.tokens[0].text == "{") {
          if (v.tokens.size() == 1) continue;
          v.tokens.erase(v.tokens.begin());
        } else {
          // keepalived logs this (log_message), -t does not print it (checked:
          // keepalived_t/track_group_bodies, `group VI_1 VI_2`).
          Report(Severity::kError, v.Where(),
                 "'{' missing from beginning of block " + head.tokens[0].text, DiagClass::kDaemon);
        }
      }
      bool had_eob = false;
      if (v.tokens.back().text == "}") {
        if (v.tokens.size() == 1) break;
        had_eob = true;
        v.tokens.pop_back();
      }
      if (!v.tokens.empty()) fn(v);
      if (had_eob || fatal_) break;
    }
  }

  // ---------------------------------------------------------------- helpers

  void Report(Severity s, Location where, std::string msg, DiagClass cls = DiagClass::kConfigTest) {
    if (diags_.size() >= kMaxDiagnostics) {
      if (!fatal_)
        diags_.push_back({Severity::kFatal, std::move(where),
                          "Too many configuration errors and warnings (limit " +
                              std::to_string(kMaxDiagnostics) +
                              " diagnostics) - configuration refused",
                          DiagClass::kVrrpsim});
      fatal_ = true;
      return;
    }
    diags_.push_back({s, std::move(where), std::move(msg), cls});
  }

  // The lexer stops recording one past the limit; past it, refuse.
  void CapLexerDiagnostics(const std::string& file) {
    if (diags_.size() <= kMaxDiagnostics) return;
    diags_.resize(kMaxDiagnostics);
    Report(Severity::kError, {file, 0, 0}, "");
  }

  // keepalived's null_strvec(): a keyword without its value stops the load.
  bool Need(const LogicalLine& l, std::size_t index) {
    if (index < l.tokens.size()) return true;
    std::string msg =
        "*** Configuration line starting `" + l.tokens[0].text + "` is missing a parameter";
    if (index > 0)
      msg += " after keyword `" + l.tokens[index - 1].text + "` at word position " +
             std::to_string(index + 1);
    else
      msg += " at word position " + std::to_string(index + 1);
    Report(Severity::kFatal, l.Where(index), msg);
    if (!diags_.empty() && diags_.back().message == msg) diags_.back().aborts = true;
    aborted_ = true;
    abort_root_block_ = root_block_;
    abort_where_ = l.Where(index);
    fatal_ = true;
    return false;
  }

  bool ReadUnsigned(const LogicalLine& l, std::size_t i, unsigned lo, unsigned hi, unsigned* out) {
    return ParseUnsigned(l.tokens[i].text, l.Where(i), lo, hi, out);
  }

  // keepalived's read_unsigned() on any string (as `keepalived -t` reads it:
  // every reported problem makes the value invalid).
  bool ParseUnsigned(const std::string& s, const Location& where, unsigned lo, unsigned hi,
                     unsigned* out, int base = 10) {
    std::size_t off = 0;
    while (off < s.size() && (s[off] == ' ' || s[off] == '\t')) ++off;
    const char* begin = s.c_str() + off;
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(begin, &end, base);
    if (s[off] == '-') {
      Report(Severity::kError, where, "negative number '" + s + "'");
    } else if (*end != '\0') {
      Report(Severity::kError, where, "invalid number '" + s + "'");
    } else if (errno == ERANGE || v > UINT_MAX) {
      Report(Severity::kError, where, "number '" + s + "' outside unsigned integer range");
    } else if (v < lo || v > hi) {
      Report(Severity::kError, where,
             "number '" + s + "' outside range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                 "]");
    } else {
      *out = static_cast<unsigned>(v);
      return true;
    }
    return false;
  }

  bool ReadInt(const LogicalLine& l, std::size_t i, int lo, int hi, int* out) {
    const std::string& s = l.tokens[i].text;
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (*end != '\0') {
      Report(Severity::kError, l.Where(i), "invalid number '" + s + "'");
    } else if (errno == ERANGE || v < INT_MIN || v > INT_MAX) {
      Report(Severity::kError, l.Where(i), "number '" + s + "' outside integer range");
    } else if (v < lo || v > hi) {
      Report(Severity::kError, l.Where(i),
             "number '" + s + "' outside range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                 "]");
    } else {
      *out = static_cast<int>(v);
      return true;
    }
    return false;
  }

  // keepalived's read_decimal_unsigned() with 6 decimal places (its timers'
  // TIMER_HZ_DIGITS): a time in seconds, returned in µs, within [lo, hi] µs.
  // Reproduced literally, quirks included: the decimal point is removed and
  // the digits padded to 6 places before strtoull reads them, more than 6
  // places are cut off (rounding on the 7th), and because these keywords pass
  // ignore_error, an unparsable value whose leading digits are in range is
  // still taken after "invalid number" ("1e3" = 1 µs, "abc" = 0), also by -t.
  bool ReadDecimal(const LogicalLine& l, std::size_t i, std::uint64_t lo, std::uint64_t hi,
                   Duration* out) {
    std::uint64_t v = 0;
    if (!ParseDecimal(l.tokens[i].text, l.Where(i), 6, lo, hi, true, &v)) return false;
    *out = static_cast<Duration>(v);
    return true;
  }

  // read_decimal_unsigned() with `places` decimal places: the value times
  // 10^places, within [lo, hi] (in those units). With `ignore_error` an
  // unparsable value whose leading digits are in range is taken (see above);
  // without it only "too many decimal places" leaves the value usable.
  bool ParseDecimal(const std::string& s, const Location& where, std::size_t places_wanted,
                    std::uint64_t lo, std::uint64_t hi, bool ignore_error, std::uint64_t* out) {
    if (!s.empty() && s[0] == '-') {
      Report(Severity::kError, where, "negative number '" + s + "'");
      return false;
    }
    const std::size_t kPlaces = places_wanted;
    std::size_t dp = s.find('.');
    std::size_t places = dp == std::string::npos ? 0 : s.size() - dp - 1;
    bool round_up = false;
    if (places > kPlaces) {
      Report(Severity::kError, where, "number '" + s + "' has too many decimal places");
      round_up = s[dp + kPlaces + 1] >= '5';
      places = kPlaces;
    }
    std::string digits = dp == std::string::npos ? s : s.substr(0, dp) + s.substr(dp + 1, places);
    digits.append(kPlaces - places, '0');
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(digits.c_str(), &end, 10);
    if (round_up) ++v;
    std::uint64_t scale = 1;
    for (std::size_t k = 0; k < kPlaces; ++k) scale *= 10;
    auto fmt = [&](std::uint64_t x) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%llu.", static_cast<unsigned long long>(x / scale));
      std::string r = buf;
      if (kPlaces > 0) {
        std::snprintf(buf, sizeof buf, "%0*llu", static_cast<int>(kPlaces),
                      static_cast<unsigned long long>(x % scale));
        r += buf;
      }
      return r;
    };
    if (*end != '\0') {
      Report(Severity::kError, where, "invalid number '" + s + "'");
      if (!ignore_error) return false;
    } else if (errno == ERANGE) {
      Report(Severity::kError, where, "number '" + s + "' outside unsigned decimal range");
      return false;
    } else if (v < lo || v > hi) {
      Report(Severity::kError, where,
             "number '" + s + "' outside range [" + fmt(lo) + ", " + fmt(hi) + "]");
      return false;
    } else {
      *out = v;
      return true;
    }
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
  }

  // on|true|yes / off|false|no; no value = true. nullopt = invalid.
  static std::optional<bool> TrueFalse(const std::string& s) {
    if (s == "true" || s == "on" || s == "yes") return true;
    if (s == "false" || s == "off" || s == "no") return false;
    return std::nullopt;
  }

  std::optional<bool> InstanceBool(const LogicalLine& l) {
    if (l.tokens.size() < 2) return true;
    auto b = TrueFalse(l.tokens[1].text);
    if (!b)
      Report(Severity::kError, l.Where(1),
             "(" + Inst().v.name + ") invalid " + l.tokens[0].text + " " + l.tokens[1].text +
                 " specified");
    return b;
  }

  // A boolean whose invalid value keepalived reports as before + value + after.
  std::optional<bool> BoolArg(const LogicalLine& l, const std::string& before,
                              const std::string& after) {
    if (l.tokens.size() < 2) return true;
    auto b = TrueFalse(l.tokens[1].text);
    if (!b) Report(Severity::kError, l.Where(1), before + l.tokens[1].text + after);
    return b;
  }

  std::optional<bool> GlobalBool(const LogicalLine& l) {
    if (l.tokens.size() < 2) return true;
    auto b = TrueFalse(l.tokens[1].text);
    if (!b)
      Report(Severity::kError, l.Where(1), "Invalid value for " + l.tokens[0].text + " specified");
    return b;
  }

  // What keepalived 2.2.7's VRRP process logs about static track groups when
  // it starts (static_track_group_init(); -t prints none of it: checked by
  // running 2.2.7 in a namespace).
  void CompleteTrackGroups() {
    for (std::size_t g = 0; g < track_groups_.size(); ++g) {
      const std::string& name = track_groups_[g];
      if (!track_group_has_list_[g]) {
        Report(Severity::kWarning, track_group_where_[g],
               "Static track group " + name + " has no virtual router(s)", DiagClass::kDaemon);
        Report(Severity::kWarning, track_group_where_[g],
               "Static track group " + name + " init fails - removing", DiagClass::kDaemon);
        continue;
      }
      bool any = false;
      for (const auto& [member, where] : track_group_members_[g]) {
        // (A structured binding cannot be captured by clang 14.)
        const std::string& name_of = member;
        const bool known = std::any_of(raw_.instances.begin(), raw_.instances.end(),
                                       [&](const RawInstance& in) { return in.v.name == name_of; });
        any = any || known;
        if (!known)
          Report(Severity::kWarning, where,
                 "vrrp instance " + member + " specified in track group " + name +
                     " doesn't exist - ignoring",
                 DiagClass::kDaemon);
      }
      if (!any) {
        Report(Severity::kWarning, track_group_where_[g],
               "Static track group " + name + " has no VRRP instance(s)", DiagClass::kDaemon);
        Report(Severity::kWarning, track_group_where_[g],
               "Static track group " + name + " init fails - removing", DiagClass::kDaemon);
      }
    }
  }

  // An address in inet_ntop()'s form (`text` itself if inet_pton() refuses it).
  static std::string InetNtop(const std::string& text, int family) {
    const int af = family == 6 ? AF_INET6 : AF_INET;
    unsigned char bin[16] = {};
    char out[INET6_ADDRSTRLEN] = {};
    if (inet_pton(af, text.c_str(), bin) != 1 || inet_ntop(af, bin, out, sizeof out) == nullptr)
      return text;
    return out;
  }

  bool KnownInterface(const std::string& name) const {
    if (options_.known_interfaces.empty()) return true;
    return std::find(options_.known_interfaces.begin(), options_.known_interfaces.end(), name) !=
           options_.known_interfaces.end();
  }

  RawInstance& Inst() { return raw_.instances.back(); }
  RawSyncGroup& Group() { return raw_.sync_groups.back(); }
  std::string IName() { return "(" + Inst().v.name + ")"; }

  // The first address of an instance sets its family; true if `v6` is it.
  bool FamilyMatches(bool v6) {
    RawInstance& in = Inst();
    if (!in.family_ipv6) {
      in.family_ipv6 = v6;
      in.v.ipv6 = v6;
    }
    return *in.family_ipv6 == v6;
  }

  // A notify/script command line: the words after the keyword, re-split with
  // quotes and escapes. Returns false (with a diagnostic) if unusable.
  bool CommandWords(const LogicalLine& l, std::vector<std::string>* words) {
    if (!Need(l, 1)) return false;
    if (!SplitCommandWords(l.RestFrom(1), words) || words->empty()) {
      Report(Severity::kError, l.Where(1), "Invalid script command '" + l.RestFrom(1) + "'");
      return false;
    }
    return true;
  }

  static std::string JoinWords(const std::vector<std::string>& w, std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < w.size(); ++i) {
      if (i > from) out += ' ';
      out += w[i];
    }
    return out;
  }

  void SetNotify(const LogicalLine& l, NotifyScript* slot, const std::string& owner) {
    std::vector<std::string> w;
    if (!CommandWords(l, &w)) return;
    if (slot->configured()) {
      Report(Severity::kError, l.Where(1),
             owner + " " + l.tokens[0].text + " script already specified - ignoring " + w[0]);
      return;
    }
    slot->command = w[0];
    slot->user = w.size() > 1 ? w[1] : "";
    slot->where = l.Where(1);
  }

  // ---------------------------------------------------------------- tables

  void BuildTables();
  void VipLine(LogicalLine& v, bool excluded, bool static_addr = false);
  // keepalived's alloc_route() / alloc_rule() on one line of static_routes,
  // virtual_routes, static_rules or virtual_rules (`static_block`: the
  // static_* blocks, which also take `track_group`).
  void RouteLine(const LogicalLine& v, bool static_block);
  void RouteNexthops(const LogicalLine& v, std::size_t i, int* family);
  // `encap TYPE ...` at v.tokens[*i]; keepalived's index arithmetic kept.
  void RouteEncap(const LogicalLine& v, std::size_t* i);
  void RuleLine(const LogicalLine& v, bool static_block);
  // parse_ipaddress(): the address of `text` (a prefix only with
  // `allow_prefix`), with its messages; 0 if invalid, else 4 or 6.
  int ParseIpAddress(const std::string& text, const Location& where, bool allow_prefix);
  // parse_route(): also default/any/all (family 0) and default6. -1 if invalid.
  int ParseRouteAddress(const std::string& text, const Location& where);
  // get_u32()-style: read_unsigned's messages, then `msg` with %s = the value.
  bool RouteNumber(const LogicalLine& v, std::size_t i, unsigned max, const std::string& msg,
                   unsigned* out = nullptr);
  // get_time_rtt(): `N[ms|msec|msecs]` (ms) or `N(s|sec|secs)` (3 decimals).
  bool RouteRtt(const std::string& s, const Location& where, std::uint64_t max_ms);
  void TrackInterfaceLine(LogicalLine& v, std::vector<RawTrackInterface>* list,
                          const std::string& owner);
  enum class TrackKind { kScript, kFile };
  void TrackRefLine(LogicalLine& v, std::vector<RawTrackRef>* list, TrackKind kind,
                    const std::string& owner, int lo, int hi);
  void UnicastPeerLine(LogicalLine& v);

  const ParseOptions& options_;
  RawConfig raw_;
  Diagnostics diags_;
  LinePreprocessor lines_;
  std::size_t total_bytes_ = 0;
  int included_files_ = 0;
  int block_depth_ = 0;
  int skip_sublevel_ = 0;
  bool fatal_ = false;
  Location last_where_;
  std::vector<bool> script_timeout_set_;
  bool default_user_failed_ = false;
  // The top-level block being read (""= none) and, after a missing parameter,
  // the one it was in.
  std::string root_block_, abort_root_block_;
  bool aborted_ = false;
  Location abort_where_, collect_after_;
  bool collecting_ = true;
  std::size_t collect_from_ = 0;  // "Unable to set default user" reported once
  bool skip_block_ =
      false;  // set by a block handler that rejects its block  // per vrrp_script: `timeout` given

  Table root_, global_, script_, trackfile_, instance_, auth_, sync_;
  // The blocks of the other keepalived processes, by name (KeywordSpec::sub);
  // std::map: Keyword::sub points into it.
  std::map<std::string, Table, std::less<>> generic_;
  void BuildGenericTables(const std::function<Keyword(const KeywordSpec&)>& make);
  using HandlerMap =
      std::map<std::pair<std::string, std::string>, std::function<void(const LogicalLine&)>>;
  using CloserMap = std::map<std::pair<std::string, std::string>, std::function<void()>>;
  void LvsHandlers(HandlerMap* h, CloserMap* close);
  void CheckerHandlers(HandlerMap* h, CloserMap* close);
  void BfdHandlers(HandlerMap* h, CloserMap* close);
  void VsGroupEntry(const LogicalLine& v);
  // inet_stosockaddr(): `ip` (a range or mask suffix ignored) and an optional
  // port (keepalived's number messages for a bad one). False if invalid.
  bool SockAddr(const std::string& ip, const std::string* port, const Location& where,
                RawRealServer* out);
  // The LVS forwarding method of `lb_kind`/`lvs_method`/`sorry_server_lvs_method`
  // with its tunnel options; `who` is "virtual", "real" or "sorry".
  void Forwarding(const LogicalLine& l, int* slot, const std::string& who);
  // read_timer() (seconds, 6 decimal places, ignore_error) in [lo, hi] µs,
  // with `before` VALUE `after` when it is rejected.
  void Timer(const LogicalLine& l, std::uint64_t lo, std::uint64_t hi, const std::string& before,
             const std::string& after);
  RawVirtualServer* CurVs() {
    return raw_.virtual_servers.empty() ? nullptr : &raw_.virtual_servers.back();
  }
  RawRealServer* CurRs() {
    RawVirtualServer* vs = CurVs();
    return vs == nullptr || vs->real_servers.empty() ? nullptr : &vs->real_servers.back();
  }
  // The checker being read (keepalived's current_checker) and its url.
  struct CheckerState {
    std::string type;
    int dst_family = 0, bind_family = 0;
    std::string dst_addr;
    bool bind_if = false;
    int urls = 0;
    bool url_path = false;
    std::vector<std::string> digests;
    bool misc_path = false, track_file = false, bfd_name = false, dns_name = false;
    std::optional<unsigned> udp_min, udp_max;
  };
  CheckerState chk_;
  CheckerState smtp_saved_;  // the SMTP_CHECK's own while its `host` block is read
  bool rs_valid_ = false;    // the real_server being read was allocated
  std::vector<std::string> bfd_names_;
  // bfd_instance being read (the BFD process's view) and the neighbours taken.
  struct BfdState {
    bool active = false;  // false: skipped (duplicate or long name, bad neighbour)
    std::string name;
    int nbr_family = 0, src_family = 0;
    std::string src_text, nbr_text;
    std::optional<unsigned> ttl;
    std::optional<int> max_hops;
  };
  BfdState bfd_;
  std::vector<std::string> bfd_vrrp_names_;           // the VRRP process's list
  bool bfd_vrrp_active_ = false;                      // the VRRP process reads this block
  std::map<std::string, std::string> bfd_instances_;  // the BFD process's: name -> neighbour
  bool missing_interface_ = false;
  // garp_group blocks read so far (keepalived's garp_delay list): each one's
  // aggregation group number (0 until an `interfaces` block sets it), whether
  // it has a delay, whether it was removed; and the group each interface was
  // given to (an index into garp_groups_).
  struct GarpGroup {
    int aggregation = 0;
    bool has_delay = false;
    bool removed = false;
  };
  std::vector<GarpGroup> garp_groups_;
  std::map<std::string, std::size_t> garp_group_of_;
  // Static track groups (`track_group NAME { ... }`, their bodies skipped) read so far.
  std::vector<std::string> track_groups_;
  // Per group: where it is named, its `group` members and whether it has them.
  std::vector<Location> track_group_where_;
  std::vector<std::vector<std::pair<std::string, Location>>> track_group_members_;
  std::vector<bool> track_group_has_list_;
  bool TrackGroupDefined(const std::string& name) const {
    return std::find(track_groups_.begin(), track_groups_.end(), name) != track_groups_.end();
  }  // "Non-existent interface specified in configuration"
  unsigned next_rule_pref4_ = 16384, next_rule_pref6_ = 16384;
  std::vector<std::string> script_slots_;  // quorum_up/down, notify_up/down seen
  bool ssl_seen_ = false;
  std::vector<std::string> ssl_files_;  // SSL password/cafile/... given
};

// keepalived 2.2.7's alloc_ipaddress() on one line of virtual_ipaddress,
// virtual_ipaddress_excluded or (`static_addr`) static_ipaddress; every
// message checked with -t (keepalived_t/ipv6_vips, addresses).
void Reader::VipLine(LogicalLine& v, bool excluded, bool static_addr) {
  VirtualAddress vip;
  vip.where = v.Where();
  const std::string addr = v.tokens[0].text;
  std::size_t slash = addr.find('/');
  std::string host = addr.substr(0, slash);
  const bool v6 = host.find(':') != std::string::npos;
  const unsigned max_prefix = v6 ? 128 : 32;
  vip.prefix_len = static_cast<int>(max_prefix);
  // keepalived reads the prefix before the address, and a bad prefix only
  // costs the prefix: the address is kept with /32 (/128). An empty prefix
  // ("a.b.c.d/") is read as 0 without a message (both checked with -t and a
  // config dump).
  if (slash != std::string::npos) {
    std::string pl = addr.substr(slash + 1);
    unsigned len = 0;
    if (pl.empty() || ParseUnsigned(pl, v.Where(), 0, max_prefix, &len)) {
      vip.prefix_len = static_cast<int>(len);
    } else {
      Report(Severity::kError, v.Where(),
             "Invalid address prefix len " + pl + " for address " + addr + " - using " +
                 std::to_string(max_prefix));
    }
  }
  if (v6) {
    if (!IsIpv6Literal(host)) {
      Report(Severity::kError, v.Where(), "VRRP parsed invalid IP " + addr + ". skipping IP...");
      return;
    }
    vip.addr = *IpAddress::Parse(host);
  } else {
    std::optional<Ipv4> ip = Ipv4::Parse(host);
    if (!ip) {
      Report(Severity::kError, v.Where(), "VRRP parsed invalid IP " + addr + ". skipping IP...");
      return;
    }
    vip.addr = *ip;
  }
  static constexpr const char* const kFlagWords[] = {"home", "-nodad", "mngtmpaddr",
                                                     "noprefixroute", "autojoin"};
  bool have_dev = false, have_peer = false, have_brd = false, scope_set = false;
  bool have_track_group = false;
  std::size_t missing_at = 0;
  bool missing = false;
  int brd_sign = 0;  // `brd +` / `brd -`
  std::string label, missing_kw;
  for (std::size_t i = 1; i < v.tokens.size(); ++i) {
    const std::string& w = v.tokens[i].text;
    const bool has_value = i + 1 < v.tokens.size();
    const bool takes_value = w == "dev" || w == "scope" || w == "broadcast" || w == "brd" ||
                             w == "label" || w == "peer" || w == "preferred_lft" ||
                             (static_addr && w == "track_group");
    if (takes_value && !has_value) {
      missing = true;
      missing_kw = w;
      missing_at = i;
      break;
    }
    if (w == "dev") {
      const std::string& val = v.tokens[++i].text;
      if (have_dev) {
        Report(Severity::kError, v.Where(i - 1),
               "Cannot specify ipaddress device more than once for " + addr);
        return;
      }
      if (!KnownInterface(val)) {
        Report(Severity::kError, v.Where(i),
               "WARNING - interface " + val + " for ip address " + addr + " doesn't exist");
        missing_interface_ = true;
        return;
      }
      have_dev = true;
      vip.dev = val;
    } else if (w == "scope") {
      const std::string& val = v.tokens[++i].text;
      // rtnl_rtscope_a2n(): a name from iproute2's rt_scopes, or a number 0..255.
      if (!RtScopeName(val)) {
        Report(Severity::kError, v.Where(i),
               "Invalid scope '" + val + "' specified for " + addr + " - ignoring");
      } else {
        char* end = nullptr;
        unsigned long num = std::strtoul(val.c_str(), &end, 0);
        const bool zero = val == "global" || (*end == '\0' && (num & 0xff) == 0);
        scope_set = !zero;
        vip.scope = zero ? "" : val;
      }
    } else if (w == "broadcast" || w == "brd") {
      const std::string& val = v.tokens[++i].text;
      if (v6) {
        Report(Severity::kError, v.Where(i - 1),
               "VRRP is trying to assign a broadcast " + w + " to the IPv6 address " + addr +
                   " !!?? WTF... skipping VIP...");
        return;
      }
      have_brd = true;
      if (val == "-" || val == "+") {
        brd_sign = val == "+" ? 1 : -1;
      } else if (auto b = Ipv4::Parse(val)) {
        vip.broadcast = *b;
      } else {
        Report(Severity::kError, v.Where(i),
               "VRRP is trying to assign invalid broadcast " + val + ". skipping VIP...");
        return;
      }
    } else if (w == "label") {
      label = v.tokens[++i].text;
    } else if (w == "peer") {
      const std::string& val = v.tokens[++i].text;
      if (have_peer) {
        Report(Severity::kError, v.Where(i),
               "Peer " + val + " - another peer has already been specified");
        continue;
      }
      IpText p = SplitIpText(val, false);
      if (!p.valid) {
        Report(Severity::kError, v.Where(i), "VRRP parsed invalid IP " + val + ". skipping IP...");
        Report(Severity::kError, v.Where(i), "Invalid peer address " + val);
      } else if ((p.family == 6) != v6) {
        Report(Severity::kError, v.Where(i),
               "Peer address " + val + " does not match address family");
      } else {
        if (vip.prefix_len != static_cast<int>(max_prefix))
          Report(Severity::kError, v.Where(i),
                 "Cannot specify address prefix when specifying peer address - ignoring");
        have_peer = true;
        vip.prefix_len = static_cast<int>(max_prefix);
      }
    } else if (std::any_of(std::begin(kFlagWords), std::end(kFlagWords),
                           [&](const char* s) { return w == s; })) {
      // Accepted; no effect in the simulation.
    } else if (w == "no_track") {
      vip.no_track = true;
    } else if (w == "preferred_lft") {
      const std::string& val = v.tokens[++i].text;
      unsigned lft = 0;
      if (val != "forever" && !ParseUnsigned(val, v.Where(i), 0, UINT_MAX, &lft))
        Report(Severity::kError, v.Where(i), "preferred_lft " + val + " is invalid");
    } else if (static_addr && w == "track_group") {
      const std::string& g = v.tokens[++i].text;
      if (have_track_group) {
        Report(Severity::kError, v.Where(i), "track_group " + g + " is a duplicate");
        break;
      }
      if (TrackGroupDefined(g))
        have_track_group = true;
      else
        Report(Severity::kError, v.Where(i), "track_group " + g + " not found");
    } else if (!static_addr && w == "use_vmac") {
      // Accepted; no effect in the simulation.
    } else {
      Report(Severity::kError, v.Where(i),
             "Unknown configuration entry '" + w + "' for ip address - ignoring");
    }
  }
  if (missing) {
    Report(Severity::kError, v.Where(missing_at),
           "No " + missing_kw + " parameter specified for " + addr);
    return;
  }
  if (have_brd && have_peer) {
    Report(Severity::kError, v.Where(),
           "Cannot specify broadcast and peer addresses - ignoring broadcast address");
    vip.broadcast.reset();
  } else if (brd_sign != 0 && vip.prefix_len <= 30) {
    const std::uint32_t mask = 0xffffffffU >> vip.prefix_len;
    const std::uint32_t a = vip.addr.v4().value;
    vip.broadcast = Ipv4(brd_sign > 0 ? (a | mask) : (a & ~mask));
  } else if (brd_sign != 0) {
    Report(Severity::kError, v.Where(),
           "Address prefix length " + std::to_string(vip.prefix_len) + " too long for broadcast");
  }
  if (v6) {
    if (scope_set) {
      Report(Severity::kError, v.Where(),
             "Cannot specify scope for IPv6 addresses (" + addr + ") - ignoring scope");
      vip.scope.clear();
    }
    if (!label.empty()) {
      Report(Severity::kError, v.Where(),
             "Cannot specify label for IPv6 addresses (" + addr + ") - ignoring label");
      label.clear();
    }
  }
  if (label.size() > 15) {
    Report(Severity::kError, v.Where(),
           "Address label " + label + " is longer than maximum length 15 - removing address");
    return;
  }
  vip.label = label;
  if (static_addr) return;  // the simulation has no static addresses
  // The instance's family is that of its first address; a VIP of the other
  // family is dropped (excluded addresses may be of either family).
  if (!excluded && !FamilyMatches(v6)) {
    Report(Severity::kError, v.Where(),
           IName() + ": address family must match VRRP instance [" + addr + "] - ignoring");
    return;
  }
  RawInstance& in = Inst();
  (excluded ? in.v.evips : in.v.vips).push_back(std::move(vip));
}

int Reader::ParseIpAddress(const std::string& text, const Location& where, bool allow_prefix) {
  IpText a = SplitIpText(text, allow_prefix);
  if (a.has_prefix && !a.prefix.empty()) {
    unsigned len = 0;
    const unsigned max = a.family == 6 ? 128 : 32;
    if (!ParseUnsigned(a.prefix, where, 0, max, &len))
      Report(Severity::kError, where,
             "Invalid address prefix len " + a.prefix + " for address " + text + " - using " +
                 std::to_string(max));
  }
  if (!a.valid) {
    Report(Severity::kError, where, "VRRP parsed invalid IP " + text + ". skipping IP...");
    return 0;
  }
  return a.family;
}

int Reader::ParseRouteAddress(const std::string& text, const Location& where) {
  if (text == "default" || text == "any" || text == "all") return 0;
  if (text == "default6") return 6;  // its deprecation notice is not a -t message
  int f = ParseIpAddress(text, where, true);
  return f == 0 ? -1 : f;
}

bool Reader::RouteNumber(const LogicalLine& v, std::size_t i, unsigned max, const std::string& msg,
                         unsigned* out) {
  unsigned val = 0;
  if (ParseUnsigned(v.tokens[i].text, v.Where(i), 0, max, &val)) {
    if (out != nullptr) *out = val;
    return true;
  }
  std::string m = msg;
  m.replace(m.find("%s"), 2, v.tokens[i].text);
  Report(Severity::kError, v.Where(i), m);
  return false;
}

bool Reader::RouteRtt(const std::string& s, const Location& where, std::uint64_t max_ms) {
  auto ends = [&](const char* suffix) {
    std::size_t n = std::strlen(suffix);
    return s.size() >= n && strcasecmp(s.c_str() + s.size() - n, suffix) == 0;
  };
  std::string num = s;
  bool seconds = false, unit = false;
  for (const char* suf : {"msecs", "msec", "ms"})
    if (!unit && ends(suf)) {
      num = s.substr(0, s.size() - std::strlen(suf));
      unit = true;
    }
  for (const char* suf : {"secs", "sec", "s"})
    if (!unit && ends(suf)) {
      num = s.substr(0, s.size() - std::strlen(suf));
      unit = seconds = true;
    }
  // 2.2.7 no longer reads the exponential form.
  if (num.find_first_of("eE") != std::string::npos && num.find_first_of("xX") == std::string::npos)
    return false;
  std::uint64_t v = 0;
  return ParseDecimal(num, where, seconds ? 3 : 0, 0, max_ms, false, &v);
}

void Reader::RouteEncap(const LogicalLine& v, std::size_t* ip) {
  const auto& t = v.tokens;
  const std::size_t n = t.size();
  std::size_t& i = *ip;
  if (n <= ++i) {
    Report(Severity::kError, v.Where(), "Missing encap type");
    return;
  }
  const std::string type = t[i++].text;
  auto err = [&](const std::string& m) { Report(Severity::kError, v.Where(), m); };
  if (type == "ip" || type == "ip6") {
    const bool six = type == "ip6";
    const std::string kind = six ? "ip6" : "ip";
    bool dst = false, id = false;
    while (i + 1 < n) {
      const std::string& k = t[i].text;
      const std::string& val = t[i + 1].text;
      bool bad = false;
      if (k == "id") {
        char* end = nullptr;
        std::size_t off = val.find_first_not_of(" \t");
        bool ok = off != std::string::npos && val[off] != '-';
        if (ok) {
          errno = 0;
          std::strtoull(val.c_str(), &end, 0);
          ok = *end == '\0' && errno == 0;
        }
        if (!ok) {
          // read_unsigned64()'s message first (checked with -t).
          Report(Severity::kError, v.Where(i + 1),
                 (off != std::string::npos && val[off] == '-' ? "negative number '"
                                                              : "invalid number '") +
                     val + "'");
          err(six ? "id " + val + " value invalid for IPv6 encapsulation"
                  : "encap id " + val + " value is invalid");
          bad = true;
        } else {
          id = true;
        }
      } else if (k == "dst" || k == "src") {
        int f = ParseIpAddress(val, v.Where(i + 1), false);
        if (f == 0) {
          err("Invalid encap " + kind + " " + k + " " + val);
          bad = true;
        } else if (f != (six ? 6 : 4)) {
          err(six ? "IPv4 address " + val + " not valid for ip6 encapsulation"
                  : "IPv6 address " + val + " not valid for ip encapsulation");
          bad = true;
        } else if (k == "dst") {
          dst = true;
        }
      } else if (k == (six ? "tc" : "tos")) {
        if (!RtDsfieldName(val)) {
          err(six ? "tc value " + k + " is invalid for ip6 encapsulation"
                  : "dsfield " + val + " not valid for ip encapsulation");
          bad = true;
        }
      } else if (k == (six ? "hoplimit" : "ttl") || k == "flags") {
        const bool flags = k == "flags";
        unsigned dummy = 0;
        if (!ParseUnsigned(val, v.Where(i + 1), 0, flags ? 65535 : 255, &dummy)) {
          err(flags ? "flags " + val + " is not valid for " + kind + " encapsulation"
              : six ? "Invalid hoplimit " + val + " specified for ip6 encapsulation"
                    : "ttl " + val + " is not valid for ip encapsulation");
          bad = true;
        }
      } else {
        break;
      }
      if (bad) {
        --i;
        return;
      }
      i += 2;
    }
    // 2.2.7 checks the ip destination for ip6 too (the same union member).
    if (!dst && !id) {
      err("address or id missing for " + kind + " encapsulation");
      --i;
      return;
    }
  } else if (type == "mpls") {
    if (i >= n) {
      err("missing address for MPLS encapsulation");
    } else {
      const std::string& a = t[i++].text;
      bool ok = false;
      std::size_t pos = 0;
      for (int count = 0; count < 16 && !ok; ++count) {
        if (pos >= a.size() || a[pos] == '-') break;
        char* end = nullptr;
        unsigned long label = std::strtoul(a.c_str() + pos, &end, 0);
        if (end == a.c_str() + pos || label > 0xFFFFF) break;
        if (*end == '\0')
          ok = true;
        else if (*end != '/')
          break;
        pos = static_cast<std::size_t>(end - a.c_str()) + 1;
      }
      if (!ok) err("invalid mpls address " + a + " for encapsulation");
    }
  } else if (type == "ila") {
    if (i >= n) {
      err("missing locator for ILA encapsulation");
    } else {
      const std::string& a = t[i++].text;
      bool ok = true;
      std::size_t pos = 0;
      for (int g = 0; g < 4 && ok; ++g) {
        if (pos >= a.size() || !std::isxdigit(static_cast<unsigned char>(a[pos]))) {
          ok = false;
          break;
        }
        char* end = nullptr;
        unsigned long x = std::strtoul(a.c_str() + pos, &end, 16);
        if (x > 0xffff)
          ok = false;
        else if (*end == '\0')
          ok = g == 3;
        else if (g == 3 || *end != ':')
          ok = false;
        if (*end == '\0') break;
        pos = static_cast<std::size_t>(end - a.c_str()) + 1;
      }
      if (!ok) err("invalid locator " + a + " for ila encapsulation");
    }
  } else {
    err("Unknown encap type - " + type);
    return;
  }
  --i;
}

void Reader::RouteNexthops(const LogicalLine& v, std::size_t i, int* family) {
  const auto& t = v.tokens;
  const std::size_t n = t.size();
  auto err = [&](const std::string& m) { Report(Severity::kError, v.Where(), m); };
  while (i < n && t[i].text == "nexthop") {
    ++i;
    bool failed = false;
    while (i < n && !failed) {
      const std::string& w = t[i].text;
      if (w == "via") {
        if (!Need(v, ++i)) return;
        int f = 0;
        if (t[i].text == "inet" || t[i].text == "inet6") {
          f = t[i].text == "inet" ? 4 : 6;
          if (!Need(v, ++i)) return;
        }
        if (f != 0) {
          if (*family == 0) {
            *family = f;
          } else if (*family != f) {
            err("IPv4/6 mismatch for nexthop");
            failed = true;
            break;
          }
        }
        int af = ParseIpAddress(t[i].text, v.Where(i), false);
        if (af == 0) {
          err("invalid nexthop address " + t[i].text);
          failed = true;
        } else if (*family != 0 && af != *family) {
          err("Address family mismatch for next hop");
          failed = true;
        } else if (*family == 0) {
          *family = af;
        }
      } else if (w == "dev") {
        if (!Need(v, ++i)) return;
        if (!KnownInterface(t[i].text)) {
          err("WARNING - interface " + t[i].text + " for VROUTE nexthop doesn't exist");
          missing_interface_ = true;
          failed = true;
        }
      } else if (w == "weight") {
        if (!Need(v, ++i)) return;
        unsigned wt = 0;
        if (!RouteNumber(v, i, 256, "Invalid weight %s specified for route", &wt)) {
          failed = true;
        } else if (wt == 0) {
          err("Invalid weight 0 specified for route");
          failed = true;
        }
      } else if (w == "onlink") {
      } else if (w == "encap") {
        RouteEncap(v, &i);
      } else if (w == "realms") {
        if (!Need(v, ++i)) return;
        if (!RtRealms(t[i].text)) {
          err("Invalid realms " + t[i].text + " for route");
          failed = true;
        } else if (*family == 0) {
          *family = 4;
        } else if (*family != 4) {
          err("realms are only supported for IPv4");
          failed = true;
        }
      } else if (w == "as") {
        if (!Need(v, ++i)) return;
        if (t[i].text == "to") ++i;
        err("'as [to]' (nat) not supported");
        failed = true;
      } else {
        break;
      }
      if (!failed) ++i;
    }
    if (failed) return;  // keepalived drops the nexthop and reads no further
  }
  if (i < n) err("Route has trailing nonsense after nexthops - " + t[i].text);
}

void Reader::RouteLine(const LogicalLine& v, bool static_block) {
  const auto& t = v.tokens;
  const std::size_t n = t.size();
  auto err = [&](const std::string& m) { Report(Severity::kError, v.Where(), m); };
  const std::string kMix = "Cannot mix IPv4 and IPv6 addresses for route";
  int family = 0;
  bool have_dst = false, dont_track = false, oif = false, proto_set = false, track_group = false;
  bool or_route = false, do_nexthop = false;
  unsigned proto = 0;
  std::string dest;
  // Sets the route's family from an address of family `f` (0: any); false on a mix.
  auto take = [&](int f) {
    if (family == 0) {
      family = f;
      return true;
    }
    return family == f;
  };
  std::size_t i = 0;
  while (i < n) {
    const std::string& w = t[i].text;
    if (w == "inet6" || w == "inet") {
      const int f = w == "inet" ? 4 : 6;
      if (family == 0) {
        family = f;
      } else if (family != f) {
        err(f == 6 ? "inet6 specified for IPv4 route" : "inet specified for IPv6 route");
        return;
      }
      ++i;  // the next word is skipped too, as by 2.2.7
    } else if (w == "src") {
      if (!Need(v, ++i)) return;
      int f = ParseIpAddress(t[i].text, v.Where(i), false);
      if (f == 0) return err("invalid route src address " + t[i].text);
      if (!take(f)) return err(kMix);
    } else if (w == "as") {
      if (!Need(v, ++i)) return;
      if (t[i].text == "to") ++i;
      err("\"as to\" for MPLS only - ignoring");
    } else if (w == "via" || w == "gw") {
      if (w == "gw") err("\"gw\" for routes is deprecated. Please use \"via\"");
      if (!Need(v, ++i)) return;
      int f = family;
      if (t[i].text == "inet" || t[i].text == "inet6") {
        f = t[i].text == "inet" ? 4 : 6;
        if (!Need(v, ++i)) return;
      }
      if (!take(f)) return err(kMix);
      int af = ParseIpAddress(t[i].text, v.Where(i), false);
      if (af == 0) return err("invalid route via address " + t[i].text);
      if (!take(af)) return err(kMix);
    } else if (w == "from") {
      if (!Need(v, ++i)) return;
      int f = ParseRouteAddress(t[i].text, v.Where(i));
      if (f < 0) return err("invalid route from address " + t[i].text);
      if (f != 6) return err("route from address only supported with IPv6 (" + t[i].text + ")");
      if (!take(f)) return err(kMix);
    } else if (w == "tos" || w == "dsfield") {
      if (!Need(v, ++i)) return;
      if (!RtDsfieldName(t[i].text)) return err("TOS value " + t[i].text + " is invalid");
    } else if (w == "table") {
      if (!Need(v, ++i)) return;
      if (!RtTableName(t[i].text))
        return err("Routing table " + t[i].text + " not found for route");
    } else if (w == "protocol") {
      if (!Need(v, ++i)) return;
      if (!RtProtoName(t[i].text, &proto))
        return err("Protocol " + t[i].text + " not found or invalid for route");
      proto_set = true;
    } else if (w == "scope") {
      if (!Need(v, ++i)) return;
      if (!RtScopeName(t[i].text))
        return err("Scope " + t[i].text + " not found or invalid for route");
    } else if (w == "metric" || w == "priority" || w == "preference") {
      if (!Need(v, ++i)) return;
      if (!RouteNumber(v, i, UINT32_MAX, "Invalid metric %s specified for route")) return;
    } else if (w == "dev" || w == "oif") {
      if (!Need(v, ++i)) return;
      if (!KnownInterface(t[i].text)) {
        missing_interface_ = true;
        return err("WARNING - interface " + t[i].text + " for VROUTE nexthop doesn't exist");
      }
      oif = true;
    } else if (w == "onlink") {
    } else if (w == "encap") {
      RouteEncap(v, &i);
    } else if (w == "expires") {
      ++i;
      if (family == 4) return err("expires is only valid for IPv6");
      family = 6;
      if (!Need(v, i)) return;
      if (!RouteNumber(v, i, UINT32_MAX, "Invalid expires time %s specified for route")) return;
    } else if (w == "mtu" || w == "advmss" || w == "reordering" || w == "cwnd" || w == "ssthresh") {
      if (!Need(v, ++i)) return;
      if (t[i].text == "lock" && !Need(v, ++i)) return;
      const std::string msg = w == "mtu"      ? "Invalid MTU %s specified for route"
                              : w == "advmss" ? "Invalid advmss %s specified for route"
                              : w == "reordering"
                                  ? "Invalid reordering value %s specified for route"
                                  : "Invalid " + w + " value %s specified for route";
      if (!RouteNumber(v, i, UINT32_MAX, msg)) return;
    } else if (w == "hoplimit") {
      if (!Need(v, ++i)) return;
      if (!RouteNumber(v, i, 255, "Invalid hoplimit %s specified for route")) return;
    } else if (w == "window" || w == "initcwnd" || w == "initrwnd") {
      if (!Need(v, ++i)) return;
      if (!RouteNumber(v, i, UINT32_MAX, "Invalid " + w + " value %s specified for route")) return;
    } else if (w == "rtt" || w == "rttvar" || w == "rto_min") {
      if (!Need(v, ++i)) return;
      if (t[i].text == "lock" && !Need(v, ++i)) return;
      const std::uint64_t max = w == "rtt" ? 960000 : w == "rttvar" ? 480000 : 120000;
      if (!RouteRtt(t[i].text, v.Where(i), max))
        return err(w == "rto_min" ? "Invalid rto_min value " + t[i].text + " specified for route"
                                  : "Invalid " + w + " " + t[i].text + " for route");
    } else if (w == "realms") {
      if (!Need(v, ++i)) return;
      if (!RtRealms(t[i].text)) return err("Invalid realms " + t[i].text + " for route");
      if (family == 6) return err("realms are only valid for IPv4");
      family = 4;
    } else if (w == "features") {
      if (!Need(v, ++i)) return;
      if (t[i].text != "ecn") err("feature " + t[i].text + " not supported");
    } else if (w == "quickack" || w == "fastopen_no_cookie") {
      if (!Need(v, ++i)) return;
      if (!RouteNumber(v, i, 1, "Invalid " + w + " value %s specified for route")) return;
    } else if (w == "congctl") {
      if (!Need(v, ++i)) return;
      if (t[i].text == "lock" && !Need(v, ++i)) return;
    } else if (w == "pref") {
      ++i;
      if (family == 4) return err("pref is only valid for IPv6");
      family = 6;
      if (!Need(v, i)) return;
      const std::string& p = t[i].text;
      if (p != "low" && p != "medium" && p != "high" &&
          !RouteNumber(v, i, 255, "Invalid pref value %s specified for route"))
        return;
    } else if (w == "ttl-propagate") {
      if (!Need(v, ++i)) return;
      if (t[i].text != "enabled" && t[i].text != "disabled")
        err("ttl-propagate value " + t[i].text + " not recognised");
    } else if (w == "or") {
      err("\"or\" for routes is deprecated. Please use \"nexthop\"");
      if (or_route) {
        err("\"or\" route already specified - ignoring subsequent");
        i += 2;
        continue;
      }
      or_route = true;
      if (!Need(v, ++i)) return;
      if (ParseIpAddress(t[i].text, v.Where(i), false) == 0)
        return err("Invalid \"or\" address " + t[i].text);
    } else if (w == "nexthop") {
      if (or_route)
        err("Cannot specify nexthops with \"or\" route");
      else
        do_nexthop = true;
      break;
    } else if (w == "no_track") {
      dont_track = true;
    } else if (static_block && w == "track_group") {
      if (!Need(v, ++i)) return;
      if (track_group) {
        err("track_group " + t[i].text + " is a duplicate");
        break;
      }
      if (TrackGroupDefined(t[i].text))
        track_group = true;
      else
        err("track_group " + t[i].text + " not found");
    } else {
      if (w == "to") ++i;
      unsigned type = 0;
      if (RtnType(w, &type)) ++i;
      if (!Need(v, i)) return;
      dest = t[i].text;
      int f = ParseRouteAddress(dest, v.Where(i));
      if (f < 0) return err("unknown route keyword " + dest);
      if (family == 0)
        family = f;
      else if (family != f)
        return err("Cannot mix IPv4 and IPv6 addresses for route (" + dest + ")");
      have_dst = true;
    }
    ++i;
  }
  if (do_nexthop)
    RouteNexthops(v, i, &family);
  else if (i < n)
    return err("Route has trailing nonsense - " + t[i].text);
  if (!have_dst) return err("Route must have a destination");
  if (!dont_track) {
    if (proto_set && proto != 18)
      err("Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol");
    if (!oif)
      Report(Severity::kWarning, v.Where(),
             "Warning - cannot track route " + dest + " with no interface specified, not tracking");
  }
  if (track_group && !oif) err("Static route cannot have track group if no oif specified");
}

void Reader::RuleLine(const LogicalLine& v, bool static_block) {
  const auto& t = v.tokens;
  const std::size_t n = t.size();
  auto err = [&](const std::string& m) { Report(Severity::kError, v.Where(), m); };
  enum Action { kUnspec, kTable, kGoto, kNop, kType };
  Action action = kUnspec;
  int family = 0;
  bool table_option = false, have_pref = false, dont_track = false, l3mdev = false;
  bool proto_set = false, iif = false, track_group = false;
  unsigned table = 0, pref = 0, goto_target = 0, proto = 0;
  const std::string kMixed = "rule specification has mixed IPv4 and IPv6";
  std::size_t i = 0;
  while (i < n) {
    const std::string& w = t[i].text;
    if (w == "inet6" || w == "inet") {
      const int f = w == "inet" ? 4 : 6;
      if (family == 0) {
        family = f;
      } else if (family != f) {
        return err(f == 6 ? "inet6 specified for IPv4 rule" : "inet specified for IPv6 rule");
      }
      ++i;  // the next word is skipped too, as by 2.2.7
    } else if (w == "from" || w == "to") {
      if (!Need(v, ++i)) return;
      int f = ParseRouteAddress(t[i].text, v.Where(i));
      if (f < 0) return err("Invalid rule " + w + " address " + t[i].text);
      if (family == 0)
        family = f;
      else if (f != family)
        return err(kMixed);
    } else if (w == "table" || w == "lookup") {
      if (!Need(v, ++i)) return;
      if (!RtTableName(t[i].text)) return err("Routing table " + t[i].text + " not found for rule");
      char* end = nullptr;
      unsigned long num = std::strtoul(t[i].text.c_str(), &end, 0);
      table = *end == '\0' ? static_cast<unsigned>(num) : t[i].text == "unspec" ? 0 : 1;
      if (table == 0) return err("Table 0 is not valid");
      if (action != kUnspec)
        return err(
            "Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable for "
            "rule");
      action = kTable;
    } else if (w == "not") {
    } else if (w == "preference" || w == "order" || w == "priority") {
      if (!Need(v, ++i)) return;
      if (!ParseUnsigned(t[i].text, v.Where(i), 0, UINT32_MAX, &pref, 0))
        return err("Invalid rule preference " + w + " specified");
      have_pref = true;
    } else if (w == "tos" || w == "dsfield") {
      if (!Need(v, ++i)) return;
      if (!RtDsfieldName(t[i].text)) return err("TOS value " + t[i].text + " is invalid");
    } else if (w == "fwmark") {
      if (!Need(v, ++i)) return;
      std::string s = t[i].text;
      s.erase(0, s.find_first_not_of(" \t"));
      bool ok = !s.empty() && s[0] != '-';
      if (ok) {
        char* end = nullptr;
        unsigned long long a = std::strtoull(s.c_str(), &end, 0);
        ok = a <= UINT32_MAX;
        if (ok && *end == '/') {
          ok = !std::isspace(static_cast<unsigned char>(end[1])) && end[1] != '-';
          if (ok) {
            unsigned long long b = std::strtoull(end + 1, &end, 0);
            ok = b <= UINT32_MAX;
          }
        }
        ok = ok && *end == '\0';
      }
      if (!ok) return err("Invalid rule fwmark " + s + " specified");
    } else if (w == "realms") {
      if (!Need(v, ++i)) return;
      if (!RtRealms(t[i].text)) return err("invalid realms " + t[i].text + " for rule");
      table_option = true;
      if (family == 0)
        family = 4;
      else if (family != 4)
        return err("realms is only valid for IPv4");
    } else if (w == "suppress_prefixlength" || w == "sup_pl") {
      if (!Need(v, ++i)) return;
      unsigned x = 0;
      if (!ParseUnsigned(t[i].text, v.Where(i), 0, INT32_MAX, &x))
        return err("Invalid suppress_prefixlength " + w + " specified");
      table_option = true;
    } else if (w == "suppress_ifgroup" || w == "sup_group") {
      if (!Need(v, ++i)) return;
      if (!RtGroupName(t[i].text)) return err("suppress_group " + t[i].text + " is invalid");
      table_option = true;
    } else if (w == "dev" || w == "iif" || w == "oif") {
      if (!Need(v, ++i)) return;
      if (!KnownInterface(t[i].text)) {
        missing_interface_ = true;
        return err("WARNING - interface " + t[i].text + " for rule doesn't exist");
      }
      if (w != "oif") iif = true;
    } else if (w == "tunnel-id") {
      if (!Need(v, ++i)) return;
      const std::string& s = t[i].text;
      std::size_t off = s.find_first_not_of(" \t");
      bool ok = false;
      if (off != std::string::npos && s[off] != '-') {
        char* end = nullptr;
        errno = 0;
        std::strtoull(s.c_str(), &end, 10);
        ok = *end == '\0' && errno == 0;
      }
      if (!ok) {
        Report(
            Severity::kError, v.Where(i),
            (off != std::string::npos && s[off] == '-' ? "negative number '" : "invalid number '") +
                s + "'");
        return err("Invalid tunnel-id " + w + " specified");
      }
    } else if (w == "uidrange") {
      if (!Need(v, ++i)) return;
      unsigned a = 0, b = 0;
      if (std::sscanf(t[i].text.c_str(), "%u-%u", &a, &b) != 2)
        return err("Invalid uidrange " + w + " specified");
    } else if (w == "l3mdev") {
      l3mdev = true;
      if (action != kUnspec) return err("Cannot specify l3mdev with other action");
      action = kTable;
    } else if (w == "protocol") {
      if (!Need(v, ++i)) return;
      if (!ParseUnsigned(t[i].text, v.Where(i), 0, 255, &proto))
        err("Invalid protocol " + t[i].text);
      else
        proto_set = true;
    } else if (w == "ipproto") {
      if (!Need(v, ++i)) return;
      if (!IpProtoName(t[i].text)) err("Invalid ipproto " + t[i].text);
    } else if (w == "sport" || w == "dport") {
      if (!Need(v, ++i)) return;
      unsigned short a = 0, b = 0;
      // 2.2.7 rejects a single port (sscanf's 1 is not 2).
      if (std::sscanf(t[i].text.c_str(), "%hu-%hu", &a, &b) != 2)
        err("invalid " + w + " range " + t[i].text);
    } else if (w == "no_track") {
      dont_track = true;
    } else if (static_block && w == "track_group") {
      if (!Need(v, ++i)) return;
      if (track_group) {
        err("track_group " + t[i].text + " is a duplicate");
        break;
      }
      if (TrackGroupDefined(t[i].text))
        track_group = true;
      else
        err("track_group " + t[i].text + " not found");
    } else {
      std::size_t k = i;
      if (w == "type" && !Need(v, ++k)) return;
      i = k;
      const std::string& a = t[i].text;
      Action act = kUnspec;
      unsigned type = 0;
      if (a == "goto") {
        if (!Need(v, ++i)) return;
        if (!ParseUnsigned(t[i].text, v.Where(i), 0, UINT32_MAX, &goto_target))
          return err("Invalid target " + a + " specified");
        act = kGoto;
      } else if (a == "nop") {
        act = kNop;
      } else if (RtnType(a, &type)) {
        if (type != 6 && type != 7 && type != 8) return err("Invalid rule action " + a);
        act = kType;
      } else {
        return err("Unknown rule option " + a);
      }
      if (action != kUnspec)
        return err(
            "Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev "
            "for rule");
      action = act;
    }
    ++i;
  }
  if (action == kGoto) {
    if (!have_pref)
      return err("Invalid rule - goto target " + std::to_string(goto_target) +
                 " specified without preference");
    if (pref >= goto_target)
      return err("Invalid rule - preference " + std::to_string(pref) + " >= goto target " +
                 std::to_string(goto_target));
  }
  if (action == kUnspec) return err("No action specified for rule - ignoring");
  if (action != kTable && table_option)
    return err("suppressor/realm specified for non table action - skipping");
  if (table != 0 && l3mdev) return err("table cannot be specified for l3mdev rules");
  if (!dont_track && proto_set && proto != 18)
    err("Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol");
  if (track_group && !iif) err("Static rule cannot have track_group if dev/iif not specified");
  if (!have_pref) {
    unsigned& next = family == 6 ? next_rule_pref6_ : next_rule_pref4_;
    Report(Severity::kWarning, v.Where(),
           "Rule has no preference specified - setting to " + std::to_string(next--) +
               ". This is probably not what you want.");
  }
}

void Reader::TrackInterfaceLine(LogicalLine& v, std::vector<RawTrackInterface>* list,
                                const std::string& owner) {
  const std::string& name = v.tokens[0].text;
  RawTrackInterface t;
  t.entry.name = name;
  t.where = v.Where();
  if (!KnownInterface(name)) {
    Report(Severity::kError, v.Where(), owner + " tracked interface " + name + " doesn't exist");
    missing_interface_ = true;
    return;
  }
  if (v.tokens.size() >= 3 && v.tokens[1].text == "weight") {
    int w = 0;
    if (!ReadInt(v, 2, -254, 254, &w)) {
      Report(Severity::kError, v.Where(2),
             owner + " weight " + v.tokens[2].text + " for " + name +
                 " must be between [-253..253] inclusive. Ignoring...");
      return;
    }
    if (w == 254 || w == -254) {
      Report(Severity::kError, v.Where(2),
             owner + " weight for " + name + " cannot be +/-254. Setting to +/-253");
      w = w > 0 ? 253 : -253;
    }
    t.entry.weight = w;
    if (v.tokens.size() >= 4) {
      if (v.tokens[3].text == "reverse")
        t.entry.reverse = true;
      else if (v.tokens[3].text != "noreverse")
        Report(Severity::kError, v.Where(3),
               owner + " unknown track_interface " + name + " option " + v.tokens[3].text +
                   " - ignoring");
    }
  } else if (v.tokens.size() >= 2) {
    Report(
        Severity::kError, v.Where(1),
        owner + " unknown track_interface " + name + " option " + v.tokens[1].text + " - ignoring");
  }
  for (const auto& e : *list)
    if (e.entry.name == name) {
      Report(Severity::kError, v.Where(),
             owner + " duplicate track_interface " + name + " - ignoring");
      return;
    }
  list->push_back(std::move(t));
}

void Reader::TrackRefLine(LogicalLine& v, std::vector<RawTrackRef>* list, TrackKind list_kind,
                          const std::string& owner, int lo, int hi) {
  bool is_script = list_kind == TrackKind::kScript;
  const std::string kw = is_script ? "track_script" : "track_file";
  RawTrackRef r;
  r.name = v.tokens[0].text;
  r.where = v.Where();
  // keepalived looks the object up when it reads the reference, so it must
  // have been defined earlier in the file.
  bool known = is_script ? std::any_of(raw_.scripts.begin(), raw_.scripts.end(),
                                       [&](const VrrpScript& s) { return s.name == r.name; })
                         : std::any_of(raw_.track_files.begin(), raw_.track_files.end(),
                                       [&](const TrackFile& f) { return f.name == r.name; });
  if (!known) {
    Report(Severity::kError, v.Where(),
           owner + (is_script ? " track script " : " track file ") + r.name +
               " not found, ignoring...");
    return;
  }
  for (const auto& e : *list)
    if (e.name == r.name) {
      Report(Severity::kError, v.Where(),
             owner + " duplicate " + kw + " " + r.name + " - ignoring");
      return;
    }
  std::size_t i = 1;
  if (i < v.tokens.size() && v.tokens[i].text == "weight") {
    if (i + 1 >= v.tokens.size()) {
      Report(Severity::kError, v.Where(i), owner + " " + kw + " " + r.name + " weight missing");
      list->push_back(std::move(r));
      return;
    }
    // A bad weight is reported and ignored; the entry itself is kept.
    int w = 0;
    if (!ReadInt(v, i + 1, lo, hi, &w)) {
      Report(Severity::kError, v.Where(i + 1),
             is_script ? owner + " track script " + r.name +
                             ": weight must be between [-253..253] inclusive, ignoring..."
                       : owner + " weight for track file " + r.name +
                             " must be in [-254..254] inclusive. Ignoring...");
    } else {
      if (is_script && (w == 254 || w == -254)) {
        Report(Severity::kError, v.Where(i + 1),
               owner + " weight for " + r.name + " cannot be +/-254. Setting to +/-253");
        w = w > 0 ? 253 : -253;
      }
      r.weight = w;
    }
    i += 2;
    if (i < v.tokens.size()) {
      if (v.tokens[i].text == "reverse") {
        r.reverse = true;
        ++i;
      } else if (v.tokens[i].text == "noreverse") {
        r.reverse = false;
        ++i;
      }
    }
  }
  if (i < v.tokens.size())
    Report(Severity::kError, v.Where(i),
           owner + " " + kw + " " + r.name + " option " + v.tokens[i].text + " invalid - ignoring");
  list->push_back(std::move(r));
}

void Reader::UnicastPeerLine(LogicalLine& v) {
  RawInstance& in = Inst();
  const std::string& text = v.tokens[0].text;
  const bool v6 = text.find(':') != std::string::npos;
  const std::optional<IpAddress> ip = IpAddress::Parse(text);
  if (!ip) {
    Report(Severity::kError, v.Where(),
           "Configuration error: VRRP instance[" + in.v.name + "] malformed unicast peer address[" +
               text + "]. Skipping...");
    return;
  }
  if (!FamilyMatches(v6)) {
    Report(Severity::kError, v.Where(),
           "Configuration error: VRRP instance[" + in.v.name + "] and unicast peer address[" +
               text + "] MUST be of the same family !!! Skipping...");
    return;
  }
  UnicastPeer peer;
  peer.addr = *ip;
  for (std::size_t i = 1; i < v.tokens.size(); i += 2) {
    const std::string& w = v.tokens[i].text;
    if (i + 1 >= v.tokens.size()) {
      Report(Severity::kError, v.Where(i), IName() + " " + w + " is missing a value");
      break;
    }
    // keepalived 2.2.7 takes any word other than min_ttl as max_ttl
    // (`10.0.0.3 foo 7` sets max_ttl 7); checked with -t.
    unsigned ttl = 0;
    if (ReadUnsigned(v, i + 1, 0, 255, &ttl))
      (w == "min_ttl" ? peer.min_ttl : peer.max_ttl) = static_cast<int>(ttl);
  }
  in.v.unicast_peers.push_back(peer);
}

void Reader::BuildTables() {
  auto value = [](std::string name, std::function<void(const LogicalLine&)> h) {
    Keyword k;
    k.name = std::move(name);
    k.kind = Kind::kValue;
    k.handler = std::move(h);
    return k;
  };
  auto vblock = [](std::string name, std::function<void(const LogicalLine&)> h) {
    Keyword k;
    k.name = std::move(name);
    k.kind = Kind::kValueBlock;
    k.handler = std::move(h);
    return k;
  };
  auto block = [](std::string name, const Table* sub, std::function<void(const LogicalLine&)> h,
                  std::function<void()> close = nullptr) {
    Keyword k;
    k.name = std::move(name);
    k.kind = Kind::kBlock;
    k.sub = sub;
    k.handler = std::move(h);
    k.close = std::move(close);
    return k;
  };
  auto inactive = [](std::string name) {
    Keyword k;
    k.name = std::move(name);
    k.kind = Kind::kInactive;
    return k;
  };
  auto ignored = [&](std::string name) { return value(std::move(name), nullptr); };
  auto ignored_block = [&](std::string name) {
    return vblock(name, [this](const LogicalLine& l) { ReadValueBlock(l, [](LogicalLine&) {}); });
  };

  RawGlobals& G = raw_.globals;

  // -------------------------------------------------------- global_defs
  auto g_timer = [&, this](std::string kw, Duration* slot, bool* set, BadValue style) {
    return value(kw, [this, kw, slot, set, style](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      unsigned v = 0;
      if (!ReadUnsigned(l, 1, 0, UINT_MAX / 1000000, &v)) {
        Report(Severity::kError, l.Where(1), BadValueMessage(style, kw, l.tokens[1].text));
        return;
      }
      *slot = Seconds(v);
      if (set) *set = true;
    });
  };
  // A repeat count; `zero_to_one`: 0 is corrected to 1 with keepalived's
  // message (garp_master_repeat and garp_master_refresh_repeat, which keepalived
  // reads up to UINT_MAX; the model's int holds at most INT_MAX repeats).
  auto g_count = [&, this](std::string kw, int* slot, bool* set, bool zero_to_one) {
    return value(kw, [this, kw, slot, set, zero_to_one](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      unsigned v = 0;
      if (!ReadUnsigned(l, 1, 0, zero_to_one ? UINT_MAX : INT_MAX, &v)) {
        Report(Severity::kError, l.Where(1),
               BadValueMessage(zero_to_one ? BadValue::kInvalidIgnoring : BadValue::kInvalidPrefix,
                               kw, l.tokens[1].text));
        return;
      }
      if (zero_to_one && v == 0) {
        Report(Severity::kError, l.Where(1), kw + " must be greater than 0, setting to 1");
        v = 1;
      }
      *slot = static_cast<int>(std::min<unsigned>(v, INT_MAX));
      if (set) *set = true;
    });
  };
  // keepalived 2.2.7 takes these as plain flags: any argument, even "off",
  // is ignored and the option is set (checked with a config dump).
  auto g_flag = [&](std::string kw, bool* slot) {
    return value(kw, [slot](const LogicalLine&) { *slot = true; });
  };
  auto g_bool = [&, this](std::string kw, bool* slot) {
    return value(kw, [this, slot](const LogicalLine& l) {
      if (auto b = GlobalBool(l)) *slot = *b;
    });
  };
  // vrrp_garp_interval / vrrp_gna_interval: 1 µs .. UINT_MAX µs.
  auto g_us_interval = [&, this](std::string kw, Duration* slot) {
    return value(kw, [this, kw, slot](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      Duration d = 0;
      if (!ReadDecimal(l, 1, 1, UINT_MAX, &d)) {
        Report(Severity::kError, l.Where(1), kw + " '" + l.tokens[1].text + "' is invalid");
        return;
      }
      if (slot) *slot = d;
    });
  };

  global_ = {
      value("router_id",
            [this, &G](const LogicalLine& l) {
              if (l.tokens.size() < 2) {
                Report(Severity::kError, l.Where(1), "routerid name missing - ignoring");
                return;
              }
              G.g.router_id = l.tokens[1].text;
            }),
      value("vrrp_version",
            [this, &G](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 2, 3, &v)) {
                Report(Severity::kError, l.Where(1), "VRRP Error: Version must be either 2 or 3");
                return;
              }
              G.g.vrrp_version = static_cast<int>(v);
            }),
      g_timer("vrrp_garp_master_delay", &G.g.garp_master_delay, &G.garp_master_delay_set,
              BadValue::kInvalidIgnoring),
      g_count("vrrp_garp_master_repeat", &G.g.garp_master_repeat, &G.garp_master_repeat_set, true),
      g_timer("vrrp_garp_master_refresh", &G.g.garp_master_refresh, &G.garp_master_refresh_set,
              BadValue::kInvalidPrefixIgnoring),
      g_count("vrrp_garp_master_refresh_repeat", &G.g.garp_master_refresh_repeat, nullptr, true),
      g_timer("vrrp_garp_lower_prio_delay", &G.g.garp_lower_prio_delay,
              &G.garp_lower_prio_delay_set, BadValue::kInvalidIgnoring),
      g_count("vrrp_garp_lower_prio_repeat", &G.g.garp_lower_prio_repeat,
              &G.garp_lower_prio_repeat_set, false),
      g_us_interval("vrrp_garp_interval", &G.g.garp_interval),
      g_us_interval("vrrp_gna_interval", nullptr),  // IPv6 neighbour adverts: not modelled
      g_bool("vrrp_min_garp", &G.g.min_garp),
      value("vrrp_startup_delay",
            [this, &G](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              Duration d = 0;
              if (!ReadDecimal(l, 1, 1000, UINT_MAX, &d)) {
                Report(Severity::kError, l.Where(1),
                       "vrrp_startup_delay '" + l.tokens[1].text + "' is invalid");
                return;
              }
              G.g.startup_delay = d;
            }),
      g_flag("vrrp_strict", &G.g.vrrp_strict),
      g_flag("enable_script_security", &G.g.enable_script_security),
      value("script_user",
            [this, &G](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              G.g.script_user = l.tokens[1].text;
            }),
      g_bool("vrrp_lower_prio_no_advert", &G.g.lower_prio_no_advert),
      g_bool("vrrp_higher_prio_send_advert", &G.g.higher_prio_send_advert),
      value("vrrp_down_timer_adverts",
            [this, &G](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 1, 100, &v)) {
                Report(Severity::kError, l.Where(1),
                       "Invalid vrrp_down_timer_adverts [1:100] '" + l.tokens[1].text + "'");
                return;
              }
              G.g.down_timer_adverts = static_cast<int>(v);
            }),
      value("vrrp_mcast_group4",
            [this, &G](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              const std::string& t = l.tokens[1].text;
              auto ip = Ipv4::Parse(t);
              std::string why = ip ? (ip->is_multicast() ? "" : "is not multicast")
                                   : (IsIpv6Literal(t) ? "is not IPv4" : "");
              if (!ip && why.empty()) {
                Report(Severity::kError, l.Where(1),
                       "Can't parse vrrp_mcast_group4 [" + t + "]. Skipping");
                return;
              }
              if (!why.empty()) {
                Report(Severity::kError, l.Where(1),
                       "vrrp_mcast_group4 [" + t + "] " + why + ". Skipping");
                return;
              }
              G.g.mcast_group4 = *ip;
            }),
      value("default_interface",
            [this](const LogicalLine& l) {
              if (l.tokens.size() < 2)
                Report(Severity::kError, l.Where(), "default_interface requires interface name");
            }),
      value("vrrp_mcast_group6",
            [this, &G](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              const std::string& t = l.tokens[1].text;
              std::string why;
              if (IsIpv6Literal(t))
                why = IsIpv6Multicast(t) ? "" : "is not multicast";
              else if (Ipv4::Parse(t))
                why = "is not IPv6";
              else
                why = "-";
              if (why == "-")
                Report(Severity::kError, l.Where(1),
                       "Can't parse vrrp_mcast_group6 [" + t + "]. Skipping");
              else if (!why.empty())
                Report(Severity::kError, l.Where(1),
                       "vrrp_mcast_group6 [" + t + "] " + why + ". Skipping");
              else
                G.g.mcast_group6 = *IpAddress::Parse(t);
            }),
      g_flag("vrrp_check_unicast_src", &G.g.check_unicast_src),
      g_flag("vrrp_skip_check_adv_addr", &G.g.skip_check_adv_addr),
      value("vrrp_notify_priority_changes",
            [this, &G](const LogicalLine& l) {
              if (auto b = BoolArg(l, "Invalid value '",
                                   "' for global vrrp_notify_priority_changes specified"))
                G.g.notify_priority_changes = *b;
            }),
      g_flag("log_unknown_vrids", &G.g.log_unknown_vrids),
      value("notify_fifo",
            [this, &G](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              G.g.notify_fifo = l.tokens[1].text;
            }),
      value("vrrp_notify_fifo",
            [this, &G](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              if (G.g.notify_fifo.empty()) G.g.notify_fifo = l.tokens[1].text;
            }),
      ignored_block("notification_email"),
      value("smtp_server",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              const std::string& host = l.tokens[1].text;
              const std::string port = l.tokens.size() > 2 ? l.tokens[2].text : "25";
              const std::string msg = "Invalid smtp server " + host + " " + port;
              unsigned p = 0;
              if (l.tokens.size() > 2 && !ReadUnsigned(l, 2, 1, 65535, &p)) {
                Report(Severity::kError, l.Where(1), msg);
                return;
              }
              // keepalived looks the name up on the host running it; whether
              // that fails depends on that host (class kHost, only when asked).
              if (Ipv4::Parse(host) || IsIpv6Literal(host) || host == "localhost") return;
              if (options_.resolves && !options_.resolves(host))
                Report(Severity::kError, l.Where(1), msg, DiagClass::kHost);
            }),
  };
  // Commands kept only for the script-security check (R37).
  auto g_script = [&, this](std::string kw, std::vector<std::pair<std::string, Location>>* list) {
    return value(kw, [this, list](const LogicalLine& l) {
      std::vector<std::string> w;
      if (!CommandWords(l, &w)) return;
      list->emplace_back(w[0], l.Where(1));
    });
  };
  global_.push_back(g_script("notify_fifo_script", &G.fifo_scripts));
  global_.push_back(g_script("vrrp_notify_fifo_script", &G.fifo_scripts));
  global_.push_back(g_script("startup_script", &G.start_stop_scripts));
  global_.push_back(g_script("shutdown_script", &G.start_stop_scripts));
  global_.push_back(value("smtp_connect_timeout", [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    unsigned v = 0;
    if (!ReadUnsigned(l, 1, 0, 4294, &v))
      Report(Severity::kError, l.Where(1),
             "smtp_connect_timeout '" + l.tokens[1].text + "' must be in [0, 4294] - ignoring");
  }));
  // Other processes' and options' global_defs keywords that keepalived 2.2.7
  // knows (checked with -t; lvs_id, *_ms, net_namespace, ... are unknown there).
  for (const char* k : {"notification_email_from",
                        "smtp_helo_name",
                        "smtp_alert",
                        "smtp_alert_vrrp",
                        "smtp_alert_checker",
                        "max_auto_priority",
                        "min_auto_priority_delay",
                        "dynamic_interfaces",
                        "no_email_faults",
                        "vrrp_iptables",
                        "nftables",
                        "nftables_priority",
                        "nftables_ifindex",
                        "nftables_counters",
                        "vrrp_no_swap",
                        "vrrp_priority",
                        "vrrp_rt_priority",
                        "vrrp_rlimit_rtime",
                        "checker_priority",
                        "checker_no_swap",
                        "checker_rt_priority",
                        "bfd_priority",
                        "bfd_no_swap",
                        "bfd_rt_priority",
                        "snmp_socket",
                        "enable_snmp_vrrp",
                        "enable_snmp_keepalived",
                        "enable_snmp_rfc",
                        "enable_snmp_rfcv2",
                        "enable_snmp_rfcv3",
                        "enable_snmp_checker",
                        "enable_traps",
                        "enable_dbus",
                        "dbus_service_name",
                        "umask",
                        "vrrp_netlink_cmd_rcv_bufs",
                        "vrrp_netlink_cmd_rcv_bufs_force",
                        "vrrp_netlink_monitor_rcv_bufs",
                        "vrrp_netlink_monitor_rcv_bufs_force",
                        "lvs_flush",
                        "lvs_flush_onstop",
                        "lvs_timeouts",
                        "lvs_sync_daemon",
                        "process_names",
                        "process_name",
                        "vrrp_process_name",
                        "checker_process_name",
                        "bfd_process_name",
                        "vmac_prefix",
                        "vmac_addr_prefix",
                        "vrrp_rx_bufs_policy",
                        "vrrp_rx_bufs_multiplier",
                        "random_seed",
                        "reload_check_config",
                        "reload_time_file",
                        "reload_repeat",
                        "reload_file",
                        "config_save_dir",
                        "data_use_instance",
                        "fifo_write_vrrp_states_on_reload",
                        "rs_init_notifies",
                        "no_checker_emails",
                        "startup_script_timeout",
                        "shutdown_script_timeout",
                        "vrrp_own_all_associated_vmacs"})
    global_.push_back(ignored(k));

  // -------------------------------------------------------- vrrp_script
  auto S = [this]() -> VrrpScript& { return raw_.scripts.back(); };
  script_ = {
      value("script",
            [this, S](const LogicalLine& l) {
              std::vector<std::string> w;
              if (!CommandWords(l, &w)) return;
              S().script = JoinWords(w, 0);
            }),
      // Whole seconds (read_unsigned, 0..4294); 0 is corrected to 1.
      value("interval",
            [this, S](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 0, 4294, &v)) {
                Report(Severity::kError, l.Where(1),
                       "(" + S().name + "): vrrp script interval '" + l.tokens[1].text +
                           "' must be between 1 and 4294 - ignoring");
                return;
              }
              if (v == 0) {
                Report(Severity::kError, l.Where(1),
                       "(" + S().name +
                           "): vrrp script interval must be greater than 0, setting to 1");
                v = 1;
              }
              S().interval = Seconds(v);
            }),
      value("timeout",
            [this, S](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 0, 4294, &v)) {
                Report(Severity::kError, l.Where(1),
                       "(" + S().name + "): vrrp script timeout '" + l.tokens[1].text +
                           "' invalid - ignoring");
                return;
              }
              if (v == 0) {
                Report(
                    Severity::kError, l.Where(1),
                    "(" + S().name + "): vrrp script timeout must be greater than 0, setting to 1");
                v = 1;
              }
              S().timeout = Seconds(v);
              script_timeout_set_.back() = true;
            }),
      value("weight",
            [this, S](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              int w = 0;
              if (!ReadInt(l, 1, -253, 253, &w)) {
                Report(Severity::kError, l.Where(1),
                       "vrrp_script " + S().name + " weight " + l.tokens[1].text +
                           " must be in [-253, 253]");
                return;
              }
              S().weight = w;
              if (l.tokens.size() > 2) {
                if (l.tokens[2].text == "reverse")
                  S().reverse = true;
                else
                  Report(Severity::kError, l.Where(2),
                         "vrrp_script " + S().name + " unknown weight option " + l.tokens[2].text);
              }
            }),
      value("rise",
            [this, S](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 1, INT_MAX, &v)) {
                Report(Severity::kError, l.Where(1),
                       "(" + S().name + "): vrrp script rise value '" + l.tokens[1].text +
                           "' invalid, defaulting to 1");
                v = 1;
              }
              S().rise = static_cast<int>(v);
            }),
      value("fall",
            [this, S](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 1, INT_MAX, &v)) {
                Report(Severity::kError, l.Where(1),
                       "(" + S().name + "): vrrp script fall value '" + l.tokens[1].text +
                           "' invalid, defaulting to 1");
                v = 1;
              }
              S().fall = static_cast<int>(v);
            }),
      value("init_fail", [S](const LogicalLine&) { S().init_fail = true; }),
      value("user",
            [this, S](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              S().user = l.tokens[1].text;
            }),
  };

  // -------------------------------------------------------- track_file
  auto TF = [this]() -> TrackFile& { return raw_.track_files.back(); };
  trackfile_ = {
      value("file",
            [this, TF](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              TF().path = l.tokens[1].text;
            }),
      value("weight",
            [this, TF](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              int w = 0;
              if (!ReadInt(l, 1, -254, 254, &w)) {
                Report(Severity::kError, l.Where(1),
                       "Weight (" + l.tokens[1].text + ") for track_file " + TF().name +
                           " must be between [-254..254] inclusive. Ignoring...");
                return;
              }
              TF().weight = w;
              if (l.tokens.size() > 2) {
                if (l.tokens[2].text == "reverse")
                  TF().reverse = true;
                else
                  Report(Severity::kError, l.Where(2),
                         "track_file " + TF().name + " unknown weight option " + l.tokens[2].text);
              }
            }),
      value("init_file",
            [this, TF](const LogicalLine& l) {
              TF().init_value = 0;
              bool have_value = false;
              for (std::size_t i = 1; i < l.tokens.size(); ++i) {
                const std::string& w = l.tokens[i].text;
                char* end = nullptr;
                errno = 0;
                long long v = std::strtoll(w.c_str(), &end, 10);
                if (!have_value && !w.empty() && *end == '\0' && errno == 0 && v >= INT_MIN &&
                    v <= INT_MAX) {
                  TF().init_value = v;
                  have_value = true;
                } else if (w == "overwrite") {
                  TF().init_overwrite = true;
                } else {
                  Report(Severity::kError, l.Where(i), "Unknown track file init option " + w);
                }
              }
            }),
  };

  // -------------------------------------------------------- authentication
  auth_ = {
      value("auth_type",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              const std::string& t = l.tokens[1].text;
              Inst().auth_given = true;
              Inst().auth_where = l.Where();
              if (t == "PASS") {
                Inst().v.auth_type = AuthType::kPass;
              } else if (t == "AH") {
                Inst().v.auth_type = AuthType::kAh;
              } else {
                Report(Severity::kError, l.Where(1),
                       IName() + " unknown authentication type '" + t + "'");
              }
            }),
      value("auth_pass",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              std::string p = l.tokens[1].text;
              if (p.size() > 8) {
                Report(Severity::kWarning, l.Where(1), "Truncating auth_pass to 8 characters");
                p.resize(8);
              }
              Inst().v.auth_pass = p;
            }),
  };

  // -------------------------------------------------------- vrrp_instance
  auto i_bool = [&, this](std::string kw, std::function<std::optional<bool>&(RawInstance&)> slot) {
    return value(kw, [this, slot](const LogicalLine& l) {
      if (auto b = InstanceBool(l)) slot(Inst()) = *b;
    });
  };
  auto i_flag = [&](std::string kw, std::function<void(RawInstance&)> set) {
    return value(kw, [this, set](const LogicalLine&) { set(Inst()); });
  };
  auto i_delay = [&, this](std::string kw,
                           std::function<std::optional<Duration>&(RawInstance&)> slot,
                           BadValue style) {
    return value(kw, [this, kw, slot, style](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      unsigned v = 0;
      if (!ReadUnsigned(l, 1, 0, UINT_MAX / 1000000, &v)) {
        Report(Severity::kError, l.Where(1),
               IName() + ": " + BadValueMessage(style, kw, l.tokens[1].text));
        return;
      }
      slot(Inst()) = Seconds(v);
    });
  };
  auto i_repeat = [&, this](std::string kw, std::function<std::optional<int>&(RawInstance&)> slot,
                            bool zero_to_one) {
    return value(kw, [this, kw, slot, zero_to_one](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      unsigned v = 0;
      if (!ReadUnsigned(l, 1, 0, zero_to_one ? UINT_MAX : INT_MAX, &v)) {
        Report(
            Severity::kError, l.Where(1),
            IName() + ": " +
                BadValueMessage(zero_to_one ? BadValue::kInvalidIgnoring : BadValue::kInvalidPrefix,
                                kw, l.tokens[1].text));
        return;
      }
      if (zero_to_one && v == 0) {
        Report(Severity::kError, l.Where(1),
               IName() + ": " + kw + " must be greater than 0, setting to 1");
        v = 1;
      }
      slot(Inst()) = static_cast<int>(std::min<unsigned>(v, INT_MAX));
    });
  };
  auto i_notify = [&, this](std::string kw, NotifyScript VrrpInstance::*member) {
    return value(
        kw, [this, member](const LogicalLine& l) { SetNotify(l, &(Inst().v.*member), IName()); });
  };
  // unicast_src_ip / mcast_src_ip: `set` gets the address (IPv4 or IPv6).
  auto i_addr = [&, this](std::string kw, std::function<void(RawInstance&, IpAddress)> set,
                          std::string what) {
    return value(kw, [this, set, what](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      const std::string& text = l.tokens[1].text;
      const bool v6 = text.find(':') != std::string::npos;
      const std::optional<IpAddress> ip = IpAddress::Parse(text);
      if (!ip) {
        Report(Severity::kError, l.Where(1),
               "Configuration error: VRRP instance[" + Inst().v.name + "] malformed " + what +
                   " address[" + text + "]. Skipping...");
        return;
      }
      if (!FamilyMatches(v6)) {
        Report(Severity::kError, l.Where(1),
               "Configuration error: VRRP instance[" + Inst().v.name + "] and " + what +
                   " address[" + text + "] MUST be of the same family !!! Skipping...");
        return;
      }
      set(Inst(), *ip);
    });
  };

  instance_ = {
      value("state",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              RawInstance& in = Inst();
              const std::string& s = l.tokens[1].text;
              in.state_where = l.Where(1);
              if (s == "MASTER") {
                in.state = InitialState::kMaster;
              } else if (s == "BACKUP") {
                if (in.state == InitialState::kMaster)
                  Report(Severity::kError, l.Where(1),
                         IName() + " state previously set as MASTER - ignoring BACKUP");
                else
                  in.state = InitialState::kBackup;
              } else {
                Report(Severity::kError, l.Where(1),
                       IName() + " unknown state '" + s + "', defaulting to BACKUP");
                in.state = InitialState::kBackup;
              }
            }),
      value("interface",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              Inst().v.interface = l.tokens[1].text;
              Inst().interface_where = l.Where(1);
              if (!KnownInterface(l.tokens[1].text)) {
                Report(Severity::kError, l.Where(1),
                       "WARNING - interface " + l.tokens[1].text + " for vrrp_instance " +
                           Inst().v.name + " doesn't exist");
                missing_interface_ = true;
              }
            }),
      value("virtual_router_id",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 1, 255, &v)) {
                Report(Severity::kError, l.Where(1),
                       IName() + ": VRID '" + l.tokens[1].text +
                           "' not valid - must be between 1 & 255");
                return;
              }
              Inst().v.vrid = static_cast<int>(v);
            }),
      value("priority",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              Inst().priority_where = l.Where(1);
              if (!ReadUnsigned(l, 1, 1, 255, &v)) {
                Report(Severity::kError, l.Where(1),
                       IName() + " Priority not valid! must be between 1 & 255. Using default 100");
                v = 100;
              }
              Inst().priority = static_cast<int>(v);
            }),
      value("advert_int",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              Duration d = 0;
              Inst().advert_where = l.Where(1);
              if (!ReadDecimal(l, 1, 10000, 255000000, &d)) {
                Report(Severity::kError, l.Where(1),
                       IName() + " Advert interval (" + l.tokens[1].text +
                           ") not valid! Must be > 0 - ignoring");
                return;
              }
              Inst().advert_int = d;
            }),
      value("version",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 2, 3, &v)) {
                Report(Severity::kError, l.Where(1), IName() + ": Version must be either 2 or 3");
                return;
              }
              // keepalived 2.2.7 refuses a second, different version, and
              // version 2 once the family is known to be IPv6 (an address
              // earlier in the block, or native_ipv6). Given before the
              // family is known, version 2 stays: VRRPv2 over IPv6 (captured,
              // tests/data/captures/ipv6/README.md).
              RawInstance& in = Inst();
              if ((in.version && *in.version != static_cast<int>(v)) ||
                  (v == 2 && in.family_ipv6.value_or(false))) {
                Report(Severity::kError, l.Where(0),
                       IName() + " vrrp_version " + std::to_string(v) +
                           " conflicts with configured or deduced version " +
                           std::to_string(in.version.value_or(0)) + "; ignoring.");
                return;
              }
              in.version = static_cast<int>(v);
            }),
      value("native_ipv6",
            [this](const LogicalLine& l) {
              RawInstance& in = Inst();
              if (in.family_ipv6 && !*in.family_ipv6) {
                Report(Severity::kError, l.Where(0),
                       IName() + " Cannot specify native_ipv6 with IPv4 addresses");
                return;
              }
              in.family_ipv6 = true;
              in.v.ipv6 = true;
              in.version = 3;
            }),
      i_flag("nopreempt", [](RawInstance& in) { in.v.nopreempt = true; }),
      i_flag("preempt", [](RawInstance& in) { in.v.nopreempt = false; }),
      value("preempt_delay",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              Duration d = 0;
              Inst().preempt_delay_where = l.Where(1);
              if (!ReadDecimal(l, 1, 0, 1000000000, &d)) {
                Report(Severity::kError, l.Where(1),
                       IName() + " Preempt_delay not valid! must be between 0-1000");
                return;
              }
              Inst().v.preempt_delay = d;
            }),
      i_delay(
          "garp_master_delay", [](RawInstance & in) -> auto& { return in.garp_master_delay; },
          BadValue::kInvalidIgnoring),
      i_repeat(
          "garp_master_repeat", [](RawInstance & in) -> auto& { return in.garp_master_repeat; },
          true),
      i_delay(
          "garp_master_refresh", [](RawInstance & in) -> auto& { return in.garp_master_refresh; },
          BadValue::kInvalidPrefixIgnoring),
      i_repeat(
          "garp_master_refresh_repeat",
          [](RawInstance & in) -> auto& { return in.garp_master_refresh_repeat; }, true),
      i_delay(
          "garp_lower_prio_delay",
          [](RawInstance & in) -> auto& { return in.garp_lower_prio_delay; },
          BadValue::kInvalidIgnoring),
      i_repeat(
          "garp_lower_prio_repeat",
          [](RawInstance & in) -> auto& { return in.garp_lower_prio_repeat; }, false),
      block("authentication", &auth_, nullptr),
      vblock("virtual_ipaddress",
             [this](const LogicalLine& l) {
               Inst().vips_where = l.Where();
               ReadValueBlock(l, [this](LogicalLine& v) { VipLine(v, false); });
             }),
      vblock("virtual_ipaddress_excluded",
             [this](const LogicalLine& l) {
               ReadValueBlock(l, [this](LogicalLine& v) { VipLine(v, true); });
             }),
      vblock("track_interface",
             [this](const LogicalLine& l) {
               ReadValueBlock(l, [this](LogicalLine& v) {
                 TrackInterfaceLine(v, &Inst().track_interfaces, IName());
               });
             }),
      vblock("track_script",
             [this](const LogicalLine& l) {
               ReadValueBlock(l, [this](LogicalLine& v) {
                 TrackRefLine(v, &Inst().track_scripts, TrackKind::kScript, IName(), -254, 254);
               });
             }),
      vblock("track_file",
             [this](const LogicalLine& l) {
               ReadValueBlock(l, [this](LogicalLine& v) {
                 TrackRefLine(v, &Inst().track_files, TrackKind::kFile, IName(), -254, 254);
               });
             }),
      i_flag("dont_track_primary", [](RawInstance& in) { in.v.dont_track_primary = true; }),
      i_addr(
          "unicast_src_ip",
          [](RawInstance& in, IpAddress ip) {
            in.v.unicast_src_ip = ip;
            in.unicast_keyword = true;
          },
          "src"),
      vblock("unicast_peer",
             [this](const LogicalLine& l) {
               Inst().unicast_keyword = true;
               ReadValueBlock(l, [this](LogicalLine& v) { UnicastPeerLine(v); });
             }),
      value("unicast_ttl",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 0, 255, &v)) {
                Report(Severity::kError, l.Where(1),
                       IName() + ": TTL '" + l.tokens[1].text +
                           "' not valid - must be between 0 & 255");
                return;
              }
              Inst().v.unicast_ttl = static_cast<int>(v);
            }),
      i_addr(
          "mcast_src_ip", [](RawInstance& in, IpAddress ip) { in.v.mcast_src_ip = ip; }, "src"),
      value("mcast_dst_ip",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              const std::string& text = l.tokens[1].text;
              const bool v6 = text.find(':') != std::string::npos;
              if (v6 && IsIpv6Multicast(text)) {
                if (!FamilyMatches(true))
                  Report(Severity::kError, l.Where(1),
                         IName() + " mcast dest address " + text +
                             " MUST match VRRP instance family. Skipping...");
                else
                  Inst().mcast_dst = IpAddress::Parse(text);
                return;
              }
              auto ip = Ipv4::Parse(text);
              if (ip && ip->is_multicast() && !FamilyMatches(false)) {
                Report(Severity::kError, l.Where(1),
                       IName() + " mcast dest address " + text +
                           " MUST match VRRP instance family. Skipping...");
                return;
              }
              if (!ip || !ip->is_multicast()) {
                Report(
                    Severity::kError, l.Where(1),
                    IName() + " mcast_dst_ip " + l.tokens[1].text + " not multicast. Skipping...");
                return;
              }
              Inst().mcast_dst = *ip;
            }),
      // A flag in 2.2.7 (an argument, even "off", is ignored) and a unicast
      // keyword: without peers it draws the multicast fallback warning (R56).
      i_flag("check_unicast_src",
             [](RawInstance& in) {
               in.check_unicast_src = true;
               in.unicast_keyword = true;
             }),
      i_flag("unicast_fault_no_peer", [](RawInstance& in) { in.v.unicast_fault_no_peer = true; }),
      i_notify("notify_master", &VrrpInstance::notify_master),
      i_notify("notify_backup", &VrrpInstance::notify_backup),
      i_notify("notify_fault", &VrrpInstance::notify_fault),
      i_notify("notify_stop", &VrrpInstance::notify_stop),
      i_notify("notify", &VrrpInstance::notify),
      i_notify("notify_master_rx_lower_pri", &VrrpInstance::notify_master_rx_lower_pri),
      value("notify_priority_changes",
            [this](const LogicalLine& l) {
              if (auto b = BoolArg(l, IName() + " Invalid value '",
                                   "' for notify_priority_changes specified"))
                Inst().notify_priority_changes = *b;
            }),
      value("down_timer_adverts",
            [this](const LogicalLine& l) {
              if (!Need(l, 1)) return;
              unsigned v = 0;
              if (!ReadUnsigned(l, 1, 1, 100, &v)) {
                Report(Severity::kError, l.Where(1),
                       IName() + ": Invalid down_timer_adverts [1:100] '" + l.tokens[1].text + "'");
                return;
              }
              Inst().down_timer_adverts = static_cast<int>(v);
            }),
      i_bool(
          "lower_prio_no_advert",
          [](RawInstance & in) -> auto& { return in.lower_prio_no_advert; }),
      i_bool(
          "higher_prio_send_advert",
          [](RawInstance & in) -> auto& { return in.higher_prio_send_advert; }),
      i_bool(
          "skip_check_adv_addr", [](RawInstance & in) -> auto& { return in.skip_check_adv_addr; }),
      i_bool(
          "strict_mode", [](RawInstance & in) -> auto& { return in.strict_mode; }),
      i_flag("accept", [](RawInstance& in) { in.accept = true; }),
      i_flag("no_accept", [](RawInstance& in) { in.accept = false; }),
      value("smtp_alert",
            [this](const LogicalLine& l) {
              BoolArg(l, "Invalid vrrp_instance smtp_alert parameter ", "");
            }),
  };
  for (const char* k : {"use_vmac", "vmac_xmit_base", "use_vmac_addr", "promote_secondaries",
                        "linkbeat_use_polling", "kernel_rx_buf_size", "debug", "garp_extra_if",
                        "old_unicast_checksum", "track_src_ip"})
    instance_.push_back(ignored(k));
  for (const char* k : {"track_process", "track_bfd"}) instance_.push_back(ignored_block(k));

  // -------------------------------------------------------- vrrp_sync_group
  auto g_notify = [&, this](std::string kw, NotifyScript SyncGroup::*member) {
    return value(kw, [this, member](const LogicalLine& l) {
      SetNotify(l, &(Group().g.*member), "vrrp group " + Group().g.name + ":");
    });
  };
  sync_ = {
      vblock("group",
             [this](const LogicalLine& l) {
               std::size_t before = Group().members.size();
               if (before > 0) {
                 // As for track groups: keepalived's skip_block(true) (checked
                 // with -t, keepalived_t/sync_group_lists).
                 Report(Severity::kError, l.Where(),
                        "Group list already specified for sync group " + Group().g.name);
                 skip_sublevel_ = -1;
                 return;
               }
               ReadValueBlock(l, [this](LogicalLine& v) {
                 for (std::size_t i = 0; i < v.tokens.size(); ++i)
                   Group().members.emplace_back(v.tokens[i].text, v.Where(i));
               });
               if (Group().members.size() == before)
                 Report(Severity::kWarning, last_where_,
                        "Warning - sync group " + Group().g.name + " has empty group block");
             }),
      vblock("track_interface",
             [this](const LogicalLine& l) {
               ReadValueBlock(l, [this](LogicalLine& v) {
                 TrackInterfaceLine(v, &Group().track_interfaces, "(" + Group().g.name + ")");
               });
             }),
      vblock("track_script",
             [this](const LogicalLine& l) {
               ReadValueBlock(l, [this](LogicalLine& v) {
                 TrackRefLine(v, &Group().track_scripts, TrackKind::kScript,
                              "(" + Group().g.name + ")", -254, 254);
               });
             }),
      vblock("track_file",
             [this](const LogicalLine& l) {
               ReadValueBlock(l, [this](LogicalLine& v) {
                 TrackRefLine(v, &Group().track_files, TrackKind::kFile, "(" + Group().g.name + ")",
                              -254, 254);
               });
             }),
      g_notify("notify_master", &SyncGroup::notify_master),
      g_notify("notify_backup", &SyncGroup::notify_backup),
      g_notify("notify_fault", &SyncGroup::notify_fault),
      g_notify("notify_stop", &SyncGroup::notify_stop),
      g_notify("notify", &SyncGroup::notify),
      value("sync_group_tracking_weight",
            [this](const LogicalLine&) { Group().g.sync_group_tracking_weight = true; }),
      value("notify_priority_changes",
            [this](const LogicalLine& l) {
              if (auto b = BoolArg(l, "(" + Group().g.name + ") Invalid value '",
                                   "' for sync group notify_priority_changes specified"))
                Group().notify_priority_changes = *b;
            }),
      value("smtp_alert",
            [this](const LogicalLine& l) {
              BoolArg(l, "Invalid vrrp_group smtp_alert parameter ", "");
            }),
      value("global_tracking",
            [this](const LogicalLine& l) {
              Report(Severity::kWarning, l.Where(),
                     "(" + Group().g.name +
                         ") global_tracking is deprecated. Use track_interface/script/file on the "
                         "sync group");
            }),
      ignored_block("track_process"),
      ignored_block("track_bfd"),
  };

  // -------------------------------------------------------- root
  auto named = [this](const LogicalLine& l, std::string* name, Location* where) {
    if (!Need(l, 1)) return false;
    *name = l.tokens[1].text;
    *where = l.Where(1);
    return true;
  };
  root_ = {
      block("global_defs", &global_, nullptr),
      block(
          "vrrp_script", &script_,
          [this, named](const LogicalLine& l) {
            VrrpScript s;
            if (!named(l, &s.name, &s.where)) return;
            raw_.scripts.push_back(std::move(s));
            script_timeout_set_.push_back(false);
          },
          [this]() {
            const RawGlobals& G = raw_.globals;
            if (options_.user_exists && G.g.enable_script_security && G.g.script_user.empty() &&
                raw_.scripts.back().user.empty() && !options_.user_exists("keepalived_script")) {
              if (!default_user_failed_)
                Report(Severity::kError, last_where_,
                       "Unable to set default user keepalived_script for script", DiagClass::kHost);
              default_user_failed_ = true;
              Report(Severity::kError, last_where_,
                     "Unable to set default user for vrrp script " + raw_.scripts.back().name +
                         " - removing",
                     DiagClass::kHost);
              raw_.scripts.pop_back();
              script_timeout_set_.pop_back();
              return;
            }
            if (raw_.scripts.back().script.empty()) {
              Report(Severity::kError, last_where_,
                     "No script set for vrrp_script " + raw_.scripts.back().name + " - removing");
              raw_.scripts.pop_back();
              script_timeout_set_.pop_back();
              return;
            }
            if (!script_timeout_set_.back())
              raw_.scripts.back().timeout = raw_.scripts.back().interval;
          }),
      block(
          "track_file", &trackfile_,
          [this, named](const LogicalLine& l) {
            TrackFile f;
            if (!named(l, &f.name, &f.where)) return;
            raw_.track_files.push_back(std::move(f));
          },
          [this]() {
            if (raw_.track_files.back().path.empty()) {
              Report(Severity::kError, last_where_,
                     "No file set for track_file " + raw_.track_files.back().name + " - ignoring");
              raw_.track_files.pop_back();
            }
          }),
      block("vrrp_instance", &instance_,
            [this](const LogicalLine& l) {
              if (l.tokens.size() < 2) {
                Report(Severity::kError, l.Where(1), "vrrp_instance must have a name");
                skip_block_ = true;
                return;
              }
              RawInstance in;
              in.v.name = l.tokens[1].text;
              in.v.where = l.Where(1);
              for (const auto& other : raw_.instances)
                if (other.v.name == in.v.name) {
                  Report(Severity::kError, l.Where(1),
                         "vrrp instance " + in.v.name + " already defined");
                  skip_block_ = true;
                  return;
                }
              raw_.instances.push_back(std::move(in));
            }),
      block("vrrp_sync_group", &sync_,
            [this](const LogicalLine& l) {
              if (l.tokens.size() < 2) {
                Report(Severity::kError, l.Where(1), "vrrp_sync_group must have a name - skipping");
                skip_block_ = true;
                return;
              }
              RawSyncGroup g;
              g.g.name = l.tokens[1].text;
              g.g.where = l.Where(1);
              raw_.sync_groups.push_back(std::move(g));
            }),
  };
  // The rest of keepalived 2.2.7's keyword tree (engine/config/keywords.cpp):
  // read for their structure and unknown keywords, a few values checked
  // (LvsHandlers); nothing of it is simulated.
  // keepalived 2.2.7 reads `vrrp_track_file` as `track_file`.
  for (const Keyword& k : Table(root_))
    if (k.name == "track_file") {
      Keyword alias = k;
      alias.name = "vrrp_track_file";
      root_.push_back(alias);
    }
  HandlerMap special;
  CloserMap closers;
  LvsHandlers(&special, &closers);
  BuildGenericTables([&](const KeywordSpec& k) {
    std::string name(k.name);
    auto it = special.find({std::string(k.context), name});
    std::function<void(const LogicalLine&)> h = it == special.end() ? nullptr : it->second;
    switch (k.kind) {
      case KeywordSpec::kValue:
        return value(name, h);
      case KeywordSpec::kBlock: {
        auto c = closers.find({std::string(k.context), name});
        return block(name, &generic_[std::string(k.sub)], h,
                     c == closers.end() ? nullptr : c->second);
      }
      case KeywordSpec::kList:
        if (h) return vblock(name, h);
        return ignored_block(name);
      case KeywordSpec::kSkipBlock: {
        Keyword k = inactive(name);
        k.handler = h;
        return k;
      }
    }
    return inactive(name);
  });
}

void Reader::BuildGenericTables(const std::function<Keyword(const KeywordSpec&)>& make) {
  auto has = [](const Table& t, std::string_view name) {
    return std::any_of(t.begin(), t.end(), [&](const Keyword& k) { return k.name == name; });
  };
  for (const KeywordSpec& k : Keepalived227Keywords()) {
    if (k.kind == KeywordSpec::kBlock) generic_[std::string(k.sub)];
    generic_[std::string(k.context)];
  }
  for (const KeywordSpec& k : Keepalived227Keywords()) {
    Table* t = nullptr;
    if (k.context.empty())
      t = &root_;
    else if (k.context == "global_defs")
      t = &global_;
    else if (k.context == "vrrp_instance")
      t = &instance_;
    else if (k.context == "vrrp_sync_group")
      t = &sync_;
    else if (k.context == "vrrp_script")
      t = &script_;
    else if (k.context == "track_file")
      t = &trackfile_;
    else
      t = &generic_[std::string(k.context)];
    if (!has(*t, k.name)) t->push_back(make(k));
  }
}

// One line of a virtual_server_group (alloc_vsg_entry()): `fwmark N [inet|inet6]`,
// or `ADDR[-END|/MASK] [PORT]` where END is the last byte (IPv4) or 16-bit
// group (IPv6) or a whole address.
void Reader::VsGroupEntry(const LogicalLine& v) {
  RawVsGroup& g = raw_.vs_groups.back();
  const std::string& a = v.tokens[0].text;
  if (a == "fwmark") {
    if (!Need(v, 1)) return;
    unsigned mark = 0;
    if (!ReadUnsigned(v, 1, 0, UINT_MAX, &mark)) {
      Report(Severity::kError, v.Where(1),
             "(" + g.name + "): fwmark '" + v.tokens[1].text +
                 "' must be in [0, 4294967295] - ignoring");
      return;
    }
    if (v.tokens.size() > 2) {
      const std::string& f = v.tokens[2].text;
      if (f == "inet") {
        g.have_ipv4 = true;
      } else if (f == "inet6") {
        g.have_ipv6 = true;
      } else {
        Report(Severity::kError, v.Where(2),
               "(" + g.name + "): fwmark '" + std::to_string(mark) + "' family " + f +
                   " unknown - ignoring");
        return;
      }
    } else {
      g.fwmark_no_family = true;
    }
    ++g.fwmarks;
    return;
  }
  const std::string* port = v.tokens.size() > 1 ? &v.tokens[1].text : nullptr;
  if (port != nullptr && port->find_first_not_of('0') == std::string::npos) port = nullptr;
  RawRealServer start;
  if (!SockAddr(a, port, v.Where(), &start)) {
    Report(Severity::kError, v.Where(),
           "Invalid virtual server group IP address " + a + " " + (port ? "/port" : "") +
               (port ? "/" : "") + (port ? *port : "") + " - skipping");
    return;
  }
  const int af = start.ipv6 ? AF_INET6 : AF_INET;
  const std::size_t len = start.ipv6 ? 16 : 4;
  unsigned char lo[16] = {}, hi[16] = {};
  inet_pton(af, start.addr.c_str(), lo);
  std::copy(lo, lo + len, hi);
  const std::size_t slash = a.find('/'), dash = a.find('-');
  if (slash != std::string::npos) {
    const std::string m = a.substr(slash + 1);
    char* end = nullptr;
    unsigned long bits = std::strtoul(m.c_str(), &end, 10);
    if (*end != '\0' || bits == 0 || bits > len * 8) {
      Report(Severity::kError, v.Where(), "Invalid netmask - " + a + " - skipping");
      return;
    }
    bool bad = false;
    for (std::size_t bit = bits; bit < len * 8; ++bit) {
      const unsigned char mask = static_cast<unsigned char>(0x80u >> (bit % 8));
      if (lo[bit / 8] & mask) bad = true;
      hi[bit / 8] |= mask;
    }
    if (bad) {
      Report(Severity::kError, v.Where(), "Address mask bits not empty - " + a + " - skipping");
      return;
    }
  } else if (dash != std::string::npos &&
             a.find(start.ipv6 ? ':' : '.', dash + 1) != std::string::npos) {
    RawRealServer last;
    if (!SockAddr(a.substr(dash + 1), port, v.Where(), &last)) {
      Report(Severity::kError, v.Where(), "Invalid range end " + a + " - skipping");
      return;
    }
    if (last.ipv6 != start.ipv6) {
      Report(Severity::kError, v.Where(),
             "Range address families do not match " + a + " - skipping");
      return;
    }
    inet_pton(af, last.addr.c_str(), hi);
    if (std::lexicographical_compare(hi, hi + len, lo, lo + len)) {
      Report(Severity::kError, v.Where(),
             "Address range end is less than address range start - " + a + " - skipping");
      return;
    }
  } else if (dash != std::string::npos) {
    // inet_stor(): with -t any problem skips the entry.
    const std::string e = a.substr(dash + 1);
    char* end = nullptr;
    errno = 0;
    unsigned long r = std::strtoul(e.c_str(), &end, start.ipv6 ? 16 : 10);
    if (*end != '\0') {
      Report(Severity::kError, v.Where(),
             "Virtual server group range '" + a + "' has extra characters at end '" + end + "'");
      return;
    }
    if (errno == ERANGE || r > (start.ipv6 ? 0xffffUL : 255UL)) {
      Report(Severity::kError, v.Where(),
             "Virtual server group range '" + a + "' end '" + e + "' too large");
      return;
    }
    const unsigned long first =
        start.ipv6 ? (static_cast<unsigned long>(lo[14]) << 8 | lo[15]) : lo[3];
    if (first >= r) {
      Report(Severity::kError, v.Where(),
             "Address range end is not greater than address range start - " + a + " - skipping");
      return;
    }
    if (start.ipv6) {
      hi[14] = static_cast<unsigned char>(r >> 8);
      hi[15] = static_cast<unsigned char>(r);
    } else {
      hi[3] = static_cast<unsigned char>(r);
    }
  }
  char text[INET6_ADDRSTRLEN];
  inet_ntop(af, hi, text, sizeof text);
  RawVsGroup::Range range;
  range.port = start.port;
  range.text = start.addr + (std::equal(lo, lo + len, hi) ? "" : "-" + std::string(text)) + "," +
               std::to_string(start.port);
  g.ranges.push_back(range);
  (start.ipv6 ? g.have_ipv6 : g.have_ipv4) = true;
}

bool Reader::SockAddr(const std::string& ip, const std::string* port, const Location& where,
                      RawRealServer* out) {
  out->ipv6 = ip.find(':') != std::string::npos;
  out->port = 0;
  // A port of only zeros (or none) is no port (keepalived 2.0.7 on).
  if (port != nullptr && port->find_first_not_of('0') != std::string::npos) {
    if (!ParseUnsigned(*port, where, 1, 65535, &out->port)) return false;
  }
  std::string host = ip.substr(0, std::min(ip.find('-'), ip.find('/')));
  unsigned char buf[sizeof(in6_addr)];
  if (inet_pton(out->ipv6 ? AF_INET6 : AF_INET, host.c_str(), buf) != 1) return false;
  char text[INET6_ADDRSTRLEN];
  inet_ntop(out->ipv6 ? AF_INET6 : AF_INET, buf, text, sizeof text);
  out->addr = text;
  out->where = where;
  return true;
}

void Reader::Forwarding(const LogicalLine& l, int* slot, const std::string& who) {
  if (!Need(l, 1)) return;
  const std::string& m = l.tokens[1].text;
  int method = m == "NAT" ? 0 : m == "DR" ? 1 : m == "TUN" ? 2 : -1;
  if (method < 0) {
    Report(Severity::kError, l.Where(1),
           "PARSER : unknown [" + m + "] routing method for " + who + " server.");
    return;
  }
  *slot = method;
  // Tunnel options (keepalived 2.2.7 reads them after any method).
  std::string type = "ipip", csum = "nocsum";
  unsigned port = 0;
  for (std::size_t i = 2; i < l.tokens.size(); ++i) {
    const std::string& w = l.tokens[i].text;
    if (w == "type") {
      if (i + 1 == l.tokens.size()) {
        Report(Severity::kError, l.Where(i), "Missing tunnel type for " + who + " server.");
        return;
      }
      const std::string& t = l.tokens[++i].text;
      if (t != "ipip" && t != "gue" && t != "gre") {
        Report(Severity::kError, l.Where(i),
               "Unknown tunnel type " + t + " for " + who + " server.");
        return;
      }
      type = t;
    } else if (w == "port") {
      if (i + 1 == l.tokens.size()) {
        Report(Severity::kError, l.Where(i), "Missing port for " + who + " server gue tunnel.");
        return;
      }
      ++i;
      if (!ReadUnsigned(l, i, 1, 65535, &port)) {
        Report(Severity::kError, l.Where(i),
               "Invalid gue tunnel port " + l.tokens[i].text + " for " + who + " server.");
        return;
      }
    } else if (w == "nocsum" || w == "csum" || w == "remcsum") {
      csum = w;
    } else {
      Report(Severity::kError, l.Where(i),
             "Invalid tunnel option " + w + " for " + who + " server.");
      return;
    }
  }
  if ((type == "gue") != (port != 0)) {
    Report(Severity::kError, l.Where(1), "gue tunnels require port, otherwise cannot have port.");
  } else if (type == "ipip" && csum != "nocsum") {
    Report(Severity::kError, l.Where(1), "ipip tunnels do not support checksum option.");
  } else if (type == "gre" && csum == "remcsum") {
    Report(Severity::kError, l.Where(1), "gre tunnels do not support remote checksum option.");
  }
}

void Reader::Timer(const LogicalLine& l, std::uint64_t lo, std::uint64_t hi,
                   const std::string& before, const std::string& after) {
  if (!Need(l, 1)) return;
  Duration d = 0;
  if (!ReadDecimal(l, 1, lo, hi, &d))
    Report(Severity::kError, l.Where(1), before + l.tokens[1].text + after);
}

// keepalived 2.2.7's timers: at most TIMER_MAXIMUM (ULONG_MAX - 1) µs; a
// connection timeout at most UINT_MAX µs.
constexpr std::uint64_t kTimerMax = 18446744073709551614ULL;
constexpr std::uint64_t kConnectMax = UINT_MAX;

// The checkers (check_api.c and each checker's keywords): values checked as
// keepalived 2.2.7 checks them, completion messages at the block's closing line.
void Reader::CheckerHandlers(HandlerMap* h, CloserMap* close) {
  auto& H = *h;
  auto& C = *close;
  static const char* const kCheckers[] = {"TCP_CHECK", "HTTP_GET",  "MISC_CHECK", "SMTP_CHECK",
                                          "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK",
                                          "BFD_CHECK", "smtp_host"};
  // A checker's connection goes to the real server's address by default.
  auto rs_destination = [this]() {
    chk_.dst_family = 0;
    chk_.dst_addr.clear();
    if (RawRealServer* rs = rs_valid_ ? CurRs() : nullptr) {
      chk_.dst_family = rs->ipv6 ? 6 : 4;
      chk_.dst_addr = rs->addr;
    }
  };
  for (const char* c : kCheckers) {
    const std::string type = c;
    // Opening the checker block: keepalived queues a checker for the real
    // server. (smtp_host: SMTP_CHECK's `host` block, the same connection keywords.)
    if (type != "smtp_host")
      H[{"real_server", type}] = [this, rs_destination](const LogicalLine& l) {
        chk_ = CheckerState{};
        chk_.type = l.tokens[0].text;
        rs_destination();
      };
    H[{type, "connect_ip"}] = [this](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      RawRealServer a;
      if (!SockAddr(l.tokens[1].text, nullptr, l.Where(1), &a)) {
        Report(Severity::kError, l.Where(1),
               "Invalid connect_ip address " + l.tokens[1].text + " - ignoring");
        return;
      }
      chk_.dst_family = a.ipv6 ? 6 : 4;
      chk_.dst_addr = a.addr;
      if (chk_.bind_family != 0 && chk_.bind_family != chk_.dst_family) {
        Report(Severity::kError, l.Where(1),
               "connect_ip address " + l.tokens[1].text +
                   " does not match address family of bindto - skipping");
        chk_.dst_family = 0;
      }
    };
    H[{type, "bindto"}] = [this](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      RawRealServer a;
      if (!SockAddr(l.tokens[1].text, nullptr, l.Where(1), &a)) {
        Report(Severity::kError, l.Where(1),
               "Invalid bindto address " + l.tokens[1].text + " - ignoring");
        return;
      }
      chk_.bind_family = a.ipv6 ? 6 : 4;
      if (chk_.dst_family != 0 && chk_.dst_family != chk_.bind_family) {
        Report(Severity::kError, l.Where(1),
               "bindto address " + l.tokens[1].text +
                   " does not match address family of connect_ip - skipping");
        chk_.bind_family = 0;
      }
    };
    for (const char* k : {"connect_port", "bind_port"})
      H[{type, k}] = [this, k](const LogicalLine& l) {
        if (!Need(l, 1)) return;
        unsigned v = 0;
        if (!ReadUnsigned(l, 1, 1, 65535, &v))
          Report(Severity::kError, l.Where(1),
                 std::string("Invalid checker ") + k + " '" + l.tokens[1].text + "'");
      };
    H[{type, "bind_if"}] = [this](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      if (l.tokens[1].text.size() > 15) {
        Report(Severity::kError, l.Where(1),
               "Interface name " + l.tokens[1].text + " is too long - ignoring");
        return;
      }
      chk_.bind_if = true;
    };
    H[{type, "connect_timeout"}] = [this](const LogicalLine& l) {
      Timer(l, 1, kConnectMax, "connect_timeout ", " invalid - ignoring");
    };
    H[{type, "fwmark"}] = [this](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      unsigned v = 0;
      if (!ReadUnsigned(l, 1, 0, UINT_MAX, &v))
        Report(Severity::kError, l.Where(1),
               "Invalid fwmark connection value '" + l.tokens[1].text + "'");
    };
    H[{type, "retry"}] = [this](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      unsigned v = 0;
      if (!ReadUnsigned(l, 1, 0, UINT_MAX, &v))
        Report(Severity::kError, l.Where(1),
               "Invalid retry connection value '" + l.tokens[1].text + "'");
    };
    H[{type, "delay_before_retry"}] = [this](const LogicalLine& l) {
      Timer(l, 0, kTimerMax, "Invalid delay_before_retry connection value '", "'");
    };
    H[{type, "warmup"}] = [this](const LogicalLine& l) {
      Timer(l, 0, kTimerMax, "Invalid warmup connection value '", "'");
    };
    H[{type, "delay_loop"}] = [this](const LogicalLine& l) {
      Timer(l, 1, kTimerMax, "delay_loop '", "' is invalid - ignoring");
    };
    H[{type, "alpha"}] = [this](const LogicalLine& l) {
      BoolArg(l, "Invalid alpha parameter ", "");
    };
    H[{type, "log_all_failures"}] = [this](const LogicalLine& l) {
      BoolArg(l, "Invalid log_all_failures parameter ", "");
    };
  }
  H[{"real_server", "SSL_GET"}] = H[{"real_server", "HTTP_GET"}];
  // A link-local IPv6 destination needs an interface (check_conn_opts()).
  auto conn_opts = [this]() {
    if (chk_.dst_family == 6 && chk_.dst_addr.rfind("fe80:", 0) == 0 && !chk_.bind_if)
      Report(Severity::kError, last_where_,
             "Checker link local address " + chk_.dst_addr + " requires a bind_if");
  };
  for (const char* c : {"TCP_CHECK", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK", "PING_CHECK"})
    C[{"real_server", c}] = conn_opts;

  // HTTP_GET / SSL_GET.
  H[{"HTTP_GET", "url"}] = [this](const LogicalLine&) {
    chk_.url_path = false;
    chk_.digests.clear();
  };
  H[{"url", "path"}] = [this](const LogicalLine& l) {
    if (Need(l, 1)) chk_.url_path = true;
  };
  C[{"HTTP_GET", "url"}] = [this]() {
    if (!chk_.url_path)
      Report(Severity::kError, last_where_, "HTTP/SSL_GET checker url has no path - ignoring");
    else
      ++chk_.urls;
  };
  C[{"real_server", "HTTP_GET"}] = [this, conn_opts]() {
    if (chk_.urls == 0)
      Report(Severity::kError, last_where_,
             "HTTP/SSL_GET checker has no urls specified - ignoring");
    else
      conn_opts();
  };
  C[{"real_server", "SSL_GET"}] = C[{"real_server", "HTTP_GET"}];
  H[{"url", "status_code"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    auto code = [](const std::string& s, std::size_t* used) -> long {
      if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return -1;
      char* end = nullptr;
      long v = std::strtol(s.c_str(), &end, 10);
      *used = static_cast<std::size_t>(end - s.c_str());
      return v;
    };
    for (std::size_t i = 1; i < l.tokens.size(); ++i) {
      const std::string& t = l.tokens[i].text;
      std::size_t used = 0;
      long lo = code(t, &used), hi = lo;
      bool ok = lo >= 100 && lo <= 599;
      if (ok && used < t.size()) {
        std::size_t used2 = 0;
        hi = t[used] == '-' ? code(t.substr(used + 1), &used2) : -1;
        ok = t[used] == '-' && used + 1 + used2 == t.size() && hi >= lo && hi <= 599;
      }
      if (!ok) Report(Severity::kError, l.Where(i), "Invalid HTTP_GET status code '" + t + "'");
    }
  };
  H[{"url", "virtualhost"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() < 2)
      Report(Severity::kError, l.Where(), "Missing HTTP_GET virtualhost name");
  };
  H[{"HTTP_GET", "virtualhost"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() < 2)
      Report(Severity::kError, l.Where(), "HTTP_GET virtualhost name missing");
  };
  H[{"HTTP_GET", "http_protocol"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() < 2) {
      Report(Severity::kError, l.Where(), "Missing http_protocol version");
      return;
    }
    const std::string& v = l.tokens[1].text;
    if (v != "1.0" && v != "1.1" && v != "1.0C" && v != "1.0c")
      Report(Severity::kError, l.Where(1), "Invalid http_protocol version " + v);
  };
  for (const char* k : {"enable_sni", "fast_recovery"})
    H[{"HTTP_GET", k}] = [this, k](const LogicalLine& l) {
      BoolArg(l, std::string("Invalid ") + k + " parameter ", "");
    };

  // MISC_CHECK.
  H[{"MISC_CHECK", "misc_timeout"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    unsigned v = 0;
    if (!ReadUnsigned(l, 1, 0, UINT_MAX / 1000000, &v))
      Report(Severity::kError, l.Where(1), "Invalid misc_timeout value '" + l.tokens[1].text + "'");
  };
  C[{"real_server", "MISC_CHECK"}] = [this]() {
    if (!chk_.misc_path)
      Report(Severity::kError, last_where_,
             "No script path has been specified for MISC_CHECKER - skipping");
  };

  // SMTP_CHECK. The deprecated `host` block is a connection of its own: it
  // starts from the real server's address (not from the checker's connect_ip
  // or bindto - checked with -t, keepalived_t/smtp_host) and is checked at its
  // closing brace like a checker's.
  H[{"SMTP_CHECK", "host"}] = [this, rs_destination](const LogicalLine& l) {
    smtp_saved_ = chk_;
    chk_.bind_family = 0;
    chk_.bind_if = false;
    rs_destination();
    Report(Severity::kWarning, l.Where(),
           "The SMTP_CHECK host block is deprecated. Please define additional checkers.",
           DiagClass::kDaemon);
  };
  C[{"SMTP_CHECK", "host"}] = [this, conn_opts]() {
    conn_opts();
    chk_ = smtp_saved_;
  };
  H[{"SMTP_CHECK", "helo_name"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() < 2) Report(Severity::kError, l.Where(), "SMTP_CHECK helo name missing");
  };

  // DNS_CHECK.
  H[{"DNS_CHECK", "type"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    static const char* const kTypes[] = {"A",   "NS",   "CNAME", "SOA",   "MX",
                                         "TXT", "AAAA", "RRSIG", "DNSKEY"};
    std::string t = l.tokens[1].text;
    for (auto& ch : t) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (std::none_of(std::begin(kTypes), std::end(kTypes), [&](const char* x) { return t == x; }))
      Report(Severity::kError, l.Where(1),
             "Unknown DNS check type " + l.tokens[1].text + " - ignoring");
  };
  H[{"DNS_CHECK", "name"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    if (chk_.dns_name) {
      Report(Severity::kError, l.Where(1), "DNS_CHECK name already specified - ignoring");
      return;
    }
    const std::string& n = l.tokens[1].text;
    // Labels between dots may not be empty (a single "." is the root).
    bool empty_label = n != "." && (n.empty() || n[0] == '.' || n.find("..") != std::string::npos);
    if (empty_label) {
      Report(Severity::kError, l.Where(1), "DNS_CHECK name '" + n + "' has empty label - ignoring");
      return;
    }
    chk_.dns_name = true;
  };

  // UDP_CHECK.
  auto hex_ok = [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    });
  };
  H[{"UDP_CHECK", "payload"}] = [this, hex_ok](const LogicalLine& l) {
    if (l.tokens.size() < 2) {
      Report(Severity::kError, l.Where(), "UDP_CHECK payload requires a payload");
      return;
    }
    if (!hex_ok(l.tokens[1].text))
      Report(Severity::kError, l.Where(1), "Invalid hex string for UDP_CHECK payload");
  };
  H[{"UDP_CHECK", "require_reply"}] = [this, hex_ok](const LogicalLine& l) {
    if (l.tokens.size() >= 2 && !hex_ok(l.tokens[1].text))
      Report(Severity::kError, l.Where(1), "Invalid hex string for UDP_CHECK reply");
  };
  for (const char* k : {"min_reply_length", "max_reply_length"})
    H[{"UDP_CHECK", k}] = [this, k](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      unsigned v = 0;
      const bool min = k[1] == 'i';
      if (!ReadUnsigned(l, 1, 0, 65535, &v)) {
        Report(Severity::kError, l.Where(1),
               std::string("UDP_CHECK ") + (min ? "min" : "max") + " length " + l.tokens[1].text +
                   " not valid - must be between 0 & 65535");
        return;
      }
      (min ? chk_.udp_min : chk_.udp_max) = v;
    };
  C[{"real_server", "UDP_CHECK"}] = [this, conn_opts]() {
    if (chk_.udp_min && chk_.udp_max && *chk_.udp_min > *chk_.udp_max)
      Report(Severity::kError, last_where_,
             "UDP_CHECK min_reply length " + std::to_string(*chk_.udp_min) +
                 " > max_reply_length " + std::to_string(*chk_.udp_max) + " - will always fail");
    conn_opts();
  };

  // FILE_CHECK: the track_file must be defined before it.
  H[{"FILE_CHECK", "track_file"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    const std::string& n = l.tokens[1].text;
    if (std::none_of(raw_.track_files.begin(), raw_.track_files.end(),
                     [&](const TrackFile& f) { return f.name == n; })) {
      Report(Severity::kError, l.Where(1), "track_file " + n + " not found");
      return;
    }
    chk_.track_file = true;
  };
  H[{"FILE_CHECK", "weight"}] = [this](const LogicalLine& l) {
    if (!chk_.track_file) return;
    if (l.tokens.size() < 2) {
      Report(Severity::kError, l.Where(), "track file weight missing");
      return;
    }
    int w = 0;
    if (!ReadInt(l, 1, -INT_MAX, INT_MAX, &w)) {
      Report(Severity::kError, l.Where(1),
             "weight for track file must be in [-2147483647..2147483647] inclusive. Ignoring...");
      return;
    }
    if (l.tokens.size() > 2 && l.tokens[2].text != "reverse" && l.tokens[2].text != "noreverse")
      Report(Severity::kError, l.Where(2),
             "unknown track file weight option " + l.tokens[2].text + " - ignoring");
  };
  C[{"real_server", "FILE_CHECK"}] = [this]() {
    if (!chk_.track_file)
      Report(Severity::kError, last_where_, "FILE_CHECK has no track_file specified - ignoring");
  };

  // BFD_CHECK: the bfd_instance must be defined before it.
  auto rs_name = [this]() {
    RawVirtualServer* vs = CurVs();
    RawRealServer* rs = CurRs();
    if (vs == nullptr || rs == nullptr) return std::string();
    return "[" + rs->addr + "]:" + (vs->protocol.empty() ? "none" : vs->protocol) + ":" +
           std::to_string(rs->port);
  };
  H[{"BFD_CHECK", "name"}] = [this, rs_name](const LogicalLine& l) {
    if (l.tokens.size() != 2) {
      Report(Severity::kError, l.Where(),
             "(" + rs_name() + ") BFD_CHECK - No or too many names specified - skipping checker");
      chk_.bfd_name = true;  // the checker is gone: no message at its end
      return;
    }
    const std::string& n = l.tokens[1].text;
    if (std::find(bfd_names_.begin(), bfd_names_.end(), n) == bfd_names_.end()) {
      Report(Severity::kError, l.Where(1),
             "(" + rs_name() + ") BFD_CHECK - BFD " + n + " not configured");
      chk_.bfd_name = true;  // the checker is gone: no message at its end
      return;
    }
    chk_.bfd_name = true;
  };
  C[{"real_server", "BFD_CHECK"}] = [this, rs_name]() {
    if (!chk_.bfd_name)
      Report(Severity::kError, last_where_,
             "(" + rs_name() + ") No name has been specified for BFD_CHECKER - skipping");
  };
}

// bfd_instance blocks as keepalived 2.2.7's BFD process reads them (bfd_parser.c:
// the values, the checks at the block's end) and its VRRP process (the name,
// `weight`); each message checked with -t (keepalived_t/bfd_values).
void Reader::BfdHandlers(HandlerMap* h, CloserMap* close) {
  auto& H = *h;
  auto& C = *close;
  H[{"", "bfd_instance"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() < 2) return;
    const std::string& name = l.tokens[1].text;
    bfd_names_.push_back(name);
    bfd_ = BfdState{};
    bfd_.name = name;
    bfd_vrrp_active_ = false;
    // The VRRP process's list (track_bfd) ...
    if (name.size() >= 32) {
      Report(Severity::kError, l.Where(1), "BFD name " + name + " too long");
    } else if (std::find(bfd_vrrp_names_.begin(), bfd_vrrp_names_.end(), name) !=
               bfd_vrrp_names_.end()) {
      Report(Severity::kError, l.Where(1), "BFD " + name + " already specified");
    } else {
      bfd_vrrp_names_.push_back(name);
      bfd_vrrp_active_ = true;
    }
    // ... and the BFD process's instances.
    if (name.size() >= 32) {
      Report(Severity::kError, l.Where(1),
             "Configuration error: BFD instance " + name +
                 " name too long (maximum length is 31 characters) - ignoring");
    } else if (bfd_instances_.count(name) != 0) {
      Report(Severity::kError, l.Where(1),
             "Configuration error: BFD instance " + name + " already configured - ignoring");
    } else {
      bfd_.active = true;
      bfd_instances_[name] = "";
    }
  };
  // Neighbours are kept, compared (fd00::1 is fd00:0::1) and printed in
  // inet_ntop()'s form, as 2.2.7 does (checked with -t, keepalived_t/bfd_neighbours).
  auto drop = [this]() {
    bfd_instances_.erase(bfd_.name);
    bfd_.active = false;
  };
  for (const char* kw : {"neighbor_ip", "neighbour_ip"})
    H[{"bfd_instance", kw}] = [this, drop](const LogicalLine& l) {
      if (!bfd_.active || !Need(l, 1)) return;
      const std::string& a = l.tokens[1].text;
      IpText ip = SplitIpText(a, false);
      const std::string head = "Configuration error: BFD instance " + bfd_.name + " has ";
      if (!ip.valid) {
        Report(Severity::kError, l.Where(1),
               head + "malformed neighbor address " + a + ", ignoring instance");
        drop();
        return;
      }
      bfd_.nbr_text = InetNtop(a, ip.family);
      bfd_.nbr_family = ip.family;
    };
  H[{"bfd_instance", "source_ip"}] = [this](const LogicalLine& l) {
    if (!bfd_.active || !Need(l, 1)) return;
    const std::string& a = l.tokens[1].text;
    IpText ip = SplitIpText(a, false);
    if (!ip.valid) {
      Report(Severity::kError, l.Where(1),
             "Configuration error: BFD instance " + bfd_.name + " has malformed source address " +
                 a + ", ignoring");
      return;
    }
    bfd_.src_family = ip.family;
    bfd_.src_text = InetNtop(a, ip.family);
  };
  // min_rx/min_tx/idle_tx: milliseconds with 3 decimal places.
  for (auto [kw, lo] :
       {std::pair<const char*, unsigned>{"min_rx", 1}, {"min_tx", 1}, {"idle_tx", 1000}}) {
    const std::string k = kw;
    const unsigned low = lo;
    H[{"bfd_instance", kw}] = [this, k, low](const LogicalLine& l) {
      if (!bfd_.active || !Need(l, 1)) return;
      std::uint64_t v = 0;
      if (!ParseDecimal(l.tokens[1].text, l.Where(1), 3, std::uint64_t{low} * 1000,
                        std::uint64_t{4294967} * 1000, false, &v))
        Report(Severity::kError, l.Where(1),
               "Configuration error: BFD instance " + bfd_.name + " " + k + " value " +
                   l.tokens[1].text + " is not valid (must be in range [" + std::to_string(low) +
                   "-4294967]), ignoring");
    };
  }
  H[{"bfd_instance", "multiplier"}] = [this](const LogicalLine& l) {
    if (!bfd_.active || !Need(l, 1)) return;
    unsigned v = 0;
    if (!ReadUnsigned(l, 1, 1, 255, &v))
      Report(Severity::kError, l.Where(1),
             "Configuration error: BFD instance " + bfd_.name + " multiplier value " +
                 l.tokens[1].text + " not valid (must be in range [1-255]), ignoring");
  };
  for (const char* kw : {"ttl", "hoplimit"})
    H[{"bfd_instance", kw}] = [this](const LogicalLine& l) {
      if (!bfd_.active || !Need(l, 1)) return;
      unsigned v = 0;
      if (!ReadUnsigned(l, 1, 1, 255, &v))
        Report(Severity::kError, l.Where(1),
               "Configuration error: BFD instance " + bfd_.name + " ttl/hoplimit value " +
                   l.tokens[1].text + " not valid (must be in range [1-255]), ignoring");
      else
        bfd_.ttl = v;
    };
  H[{"bfd_instance", "max_hops"}] = [this](const LogicalLine& l) {
    if (!bfd_.active || !Need(l, 1)) return;
    int v = 0;
    if (!ReadInt(l, 1, -1, 255, &v))
      Report(Severity::kError, l.Where(1),
             "Configuration error: BFD instance " + bfd_.name + " max_hops value " +
                 l.tokens[1].text + " not valid (must be in range [-1-255]), ignoring");
    else
      bfd_.max_hops = v;
  };
  H[{"bfd_instance", "weight"}] = [this](const LogicalLine& l) {
    if (!bfd_vrrp_active_ || !Need(l, 1)) return;
    int v = 0;
    if (!ReadInt(l, 1, -253, 253, &v))
      Report(Severity::kError, l.Where(1),
             "Configuration error: BFD instance " + bfd_.name + " weight value " +
                 l.tokens[1].text + " not valid (must be in range [-253-253]), ignoring");
  };
  C[{"", "bfd_instance"}] = [this, drop]() {
    if (!bfd_.active) return;
    const std::string head = "Configuration error: BFD instance " + bfd_.name;
    if (bfd_.nbr_family == 0) {
      Report(Severity::kError, last_where_,
             head + " has no neighbor address set, disabling instance");
      drop();
      return;
    }
    // A neighbour another instance has: checked at the end of the block.
    for (const auto& [n, nbr] : bfd_instances_)
      if (n != bfd_.name && nbr == bfd_.nbr_text) {
        Report(Severity::kError, last_where_,
               head + " has duplicate neighbor address " + bfd_.nbr_text + ", ignoring instance");
        drop();
        return;
      }
    bfd_instances_[bfd_.name] = bfd_.nbr_text;
    if (bfd_.src_family != 0 && bfd_.src_family != bfd_.nbr_family) {
      // 2.2.7 formats both addresses into one static buffer: the source is printed twice.
      Report(Severity::kError, last_where_,
             head + " source address " + bfd_.src_text + " and neighbor address " + bfd_.src_text +
                 " are not of the same family, disabling instance");
      drop();
      return;
    }
    if (bfd_.max_hops && *bfd_.max_hops > static_cast<int>(bfd_.ttl.value_or(255)))
      Report(Severity::kError, last_where_,
             "BFD instance " + bfd_.name +
                 ": max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit");
  };
}

void Reader::LvsHandlers(HandlerMap* h, CloserMap* close) {
  CheckerHandlers(h, close);
  BfdHandlers(h, close);
  auto& H = *h;
  auto& C = *close;
  // SSL { ... }: a second block, or a second file of a kind, replaces the first.
  H[{"", "SSL"}] = [this](const LogicalLine& l) {
    if (ssl_seen_) Report(Severity::kError, l.Where(), "SSL context already specified - replacing");
    ssl_seen_ = true;
    ssl_files_.clear();
  };
  for (auto [kw, what] : {std::pair<const char*, const char*>{"password", "password"},
                          {"ca", "cafile"},
                          {"certificate", "certfile"},
                          {"key", "keyfile"}}) {
    const std::string w = what;
    H[{"ssl", kw}] = [this, w](const LogicalLine& l) {
      if (l.tokens.size() < 2) {
        Report(Severity::kError, l.Where(), "SSL " + w + " missing");
        return;
      }
      if (std::find(ssl_files_.begin(), ssl_files_.end(), w) != ssl_files_.end())
        Report(Severity::kError, l.Where(), "SSL " + w + " already specified - replacing");
      else
        ssl_files_.push_back(w);
    };
  }
  auto vs_only = [this](std::function<void(RawVirtualServer&, const LogicalLine&)> f) {
    return [this, f](const LogicalLine& l) {
      if (RawVirtualServer* vs = CurVs()) f(*vs, l);
    };
  };
  auto rs_only = [this](std::function<void(RawRealServer&, const LogicalLine&)> f) {
    return [this, f](const LogicalLine& l) {
      RawRealServer* rs = rs_valid_ ? CurRs() : nullptr;
      if (rs != nullptr) f(*rs, l);
    };
  };

  // `virtual_server IP [PORT]` / `fwmark N` / `group NAME` (alloc_vs()).
  H[{"", "virtual_server"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    RawVirtualServer vs;
    vs.where = l.Where();
    const std::string& p1 = l.tokens[1].text;
    if (p1 == "group") {
      if (!Need(l, 2)) return;
      vs.group = true;
      vs.group_name = l.tokens[2].text;
    } else if (p1 == "fwmark") {
      if (!Need(l, 2)) return;
      if (!ReadUnsigned(l, 2, 0, UINT_MAX, &vs.fwmark)) {
        Report(Severity::kError, l.Where(2),
               "virtual server fwmark '" + l.tokens[2].text +
                   "' must be in [0, 4294967295] - ignoring");
        skip_block_ = true;
        return;
      }
      vs.is_fwmark = true;
    } else {
      const std::string* port = l.tokens.size() > 2 ? &l.tokens[2].text : nullptr;
      bool has_port = port != nullptr && port->find_first_not_of('0') != std::string::npos;
      RawRealServer a;
      if (!SockAddr(p1, port, l.Where(1), &a)) {
        Report(Severity::kError, l.Where(1),
               "Invalid virtual server IP address" + std::string(has_port ? "/port" : "") + " " +
                   p1 + (has_port ? "/" + *port : "") + " - skipping");
        skip_block_ = true;
        return;
      }
      vs.addr = a.addr;
      vs.port = a.port;
      vs.family = a.ipv6 ? 6 : 4;
    }
    raw_.virtual_servers.push_back(std::move(vs));
  };
  // vs_end_handler(): the sorry server's family, then a family for the rest.
  C[{"", "virtual_server"}] = [this]() {
    RawVirtualServer* vs = CurVs();
    if (vs == nullptr) return;
    if (vs->sorry && vs->sorry->forwarding != 2) {
      int f = vs->sorry->ipv6 ? 6 : 4;
      if (vs->family == 0) {
        vs->family = f;
      } else if (vs->family != f) {
        Report(Severity::kError, last_where_,
               "Address family of virtual server and sorry server " + vs->sorry->addr +
                   " don't match - skipping sorry server.");
        vs->sorry.reset();
      }
    }
    if (vs->family == 0 && !vs->group) {
      bool mixed = false;
      if (vs->sorry) vs->family = vs->sorry->ipv6 ? 6 : 4;
      for (const auto& rs : vs->real_servers) {
        int f = rs.ipv6 ? 6 : 4;
        if (vs->family == 0)
          vs->family = f;
        else if (vs->family != f)
          mixed = true;
      }
      if (mixed || vs->family == 0) vs->family = 4;
    }
  };
  H[{"virtual_server", "ip_family"}] = vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
    if (!Need(l, 1)) return;
    const std::string& f = l.tokens[1].text;
    int af = f == "inet" ? 4 : f == "inet6" ? 6 : 0;
    if (af == 0) {
      Report(Severity::kError, l.Where(1), "unknown address family " + f);
      return;
    }
    if (vs.family != 0 && vs.family != af) {
      Report(Severity::kError, l.Where(1),
             "Virtual server specified family " + f + " conflicts with server family");
      return;
    }
    vs.family = af;
  });
  H[{"virtual_server", "retry"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    unsigned v = 0;
    if (!ReadUnsigned(l, 1, 1, UINT_MAX, &v))
      Report(Severity::kError, l.Where(1), "retry value invalid - " + l.tokens[1].text);
  };
  H[{"virtual_server", "delay_before_retry"}] = [this](const LogicalLine& l) {
    Timer(l, 0, kTimerMax, "virtual server delay before retry '", "' invalid - ignoring");
  };
  H[{"virtual_server", "warmup"}] = [this](const LogicalLine& l) {
    Timer(l, 0, kTimerMax, "virtual server warmup '", "' invalid - ignoring");
  };
  H[{"virtual_server", "connect_timeout"}] = [this](const LogicalLine& l) {
    Timer(l, 1, kConnectMax, "virtual server connect_timeout ", " invalid - ignoring");
  };
  H[{"virtual_server", "delay_loop"}] = [this](const LogicalLine& l) {
    Timer(l, 1, kTimerMax, "virtual server delay loop '", "' invalid - ignoring");
  };
  H[{"virtual_server", "inhibit_on_failure"}] =
      vs_only([](RawVirtualServer& vs, const LogicalLine&) { vs.inhibit = true; });
  H[{"virtual_server", "protocol"}] = vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
    if (!Need(l, 1)) return;
    std::string p = l.tokens[1].text;
    for (auto& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (p == "tcp" || p == "udp" || p == "sctp")
      vs.protocol = p;
    else
      Report(Severity::kError, l.Where(1), "Unknown protocol " + l.tokens[1].text + " - ignoring");
  });
  // The IPVS schedulers keepalived 2.2.7 accepts (checked with -t).
  for (const char* k : {"lb_algo", "lvs_sched"})
    H[{"virtual_server", k}] = vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
      if (!Need(l, 1)) return;
      static constexpr const char* const kSched[] = {"rr",    "wrr", "lc", "wlc", "lblc",
                                                     "lblcr", "dh",  "sh", "sed", "nq",
                                                     "fo",    "ovf", "mh", "twos"};
      const std::string& v = l.tokens[1].text;
      if (std::none_of(std::begin(kSched), std::end(kSched),
                       [&](const char* x) { return v == x; })) {
        Report(Severity::kError, l.Where(1), "Invalid lvs_scheduler '" + v + "' - ignoring");
        return;
      }
      vs.scheduler = v;
    });
  // Scheduler flags: in 2.2.7 `hashed` falls through to the sh/mh check.
  for (const char* k : {"hashed", "ops", "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback",
                        "mh-port", "mh-fallback"})
    H[{"virtual_server", k}] = vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
      const std::string& w = l.tokens[0].text;
      if (w == "ops")
        vs.ops = true;
      else if (w.rfind("flag-", 0) != 0 && vs.scheduler != "sh" && vs.scheduler != "mh")
        Report(Severity::kError, l.Where(), w + " only applies to sh scheduler - ignoring");
    });
  for (const char* k : {"lb_kind", "lvs_method"})
    H[{"virtual_server", k}] = vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
      Forwarding(l, &vs.forwarding, "virtual");
    });
  H[{"virtual_server", "persistence_engine"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    if (l.tokens[1].text.size() > 15)
      Report(Severity::kError, l.Where(1),
             "persistence_name too long, truncating - " + l.tokens[1].text);
  };
  H[{"virtual_server", "persistence_timeout"}] =
      vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
        if (l.tokens.size() < 2) {  // the default timeout
          vs.persistent = true;
          return;
        }
        unsigned v = 0;
        if (!ReadUnsigned(l, 1, 1, 2678400, &v)) {
          Report(Severity::kError, l.Where(1), "persistence_timeout invalid");
          return;
        }
        vs.persistent = true;
      });
  H[{"virtual_server", "persistence_granularity"}] =
      vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
        if (!Need(l, 1)) return;
        const std::string& g = l.tokens[1].text;
        int af = vs.family != 0 ? vs.family : g.find('.') != std::string::npos ? 4 : 6;
        if (af == 6) {
          unsigned v = 0;
          if (!ReadUnsigned(l, 1, 1, 128, &v)) {
            Report(Severity::kError, l.Where(1),
                   "Invalid IPv6 persistence_granularity specified - " + g);
            return;
          }
        } else {
          in_addr a{};
          if (inet_aton(g.c_str(), &a) == 0) {
            Report(Severity::kError, l.Where(1),
                   "Invalid IPv4 persistence_granularity specified - " + g);
            return;
          }
        }
        if (vs.family == 0) vs.family = af;
        vs.persistent = true;
      });
  H[{"virtual_server", "ha_suspend"}] =
      vs_only([](RawVirtualServer& vs, const LogicalLine&) { vs.ha_suspend = true; });
  H[{"virtual_server", "smtp_alert"}] = [this](const LogicalLine& l) {
    BoolArg(l, "Invalid virtual_server smtp_alert parameter ", "");
  };
  H[{"virtual_server", "virtualhost"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() < 2)
      Report(Severity::kError, l.Where(), "virtual server virtualhost missing");
  };
  H[{"virtual_server", "snmp_name"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() != 2)
      Report(Severity::kError, l.Where(), "virtual server snmp_name missing or extra parameters");
  };
  H[{"virtual_server", "quorum"}] = vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
    if (!Need(l, 1)) return;
    unsigned v = 0;
    if (!ReadUnsigned(l, 1, 1, UINT_MAX, &v)) {
      Report(Severity::kError, l.Where(1),
             "Quorum " + l.tokens[1].text + " must be in [1, 4294967295]. Setting to 1.");
      v = 1;
    }
    vs.quorum = v;
  });
  H[{"virtual_server", "hysteresis"}] = vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
    if (!Need(l, 1)) return;
    unsigned v = 0;
    if (ReadUnsigned(l, 1, 0, UINT_MAX, &v))
      vs.hysteresis = v;
    else
      Report(Severity::kError, l.Where(1),
             "Hysteresis " + l.tokens[1].text + " must be in [0, 4294967295] - ignoring");
  });
  H[{"virtual_server", "weight"}] = vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
    if (!Need(l, 1)) return;
    unsigned v = 0;
    if (!ReadUnsigned(l, 1, 1, INT_MAX, &v)) {
      Report(Severity::kError, l.Where(1),
             "Virtual server weight " + l.tokens[1].text + " is outside range 1-2147483647");
      return;
    }
    vs.weight = v;
  });
  // Sorry server (alloc_ssvr()): takes the virtual server's forwarding method
  // as it is at that line.
  H[{"virtual_server", "sorry_server"}] =
      vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
        if (!Need(l, 1)) return;
        RawRealServer s;
        const std::string* port = l.tokens.size() > 2 ? &l.tokens[2].text : nullptr;
        if (!SockAddr(l.tokens[1].text, port, l.Where(1), &s)) {
          Report(Severity::kError, l.Where(1),
                 "Invalid sorry server IP address " + l.tokens[1].text + " - skipping");
          return;
        }
        s.forwarding = vs.forwarding;
        s.inhibit = 0;
        vs.sorry = s;
      });
  H[{"virtual_server", "sorry_server_inhibit"}] =
      vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
        if (vs.sorry)
          vs.sorry->inhibit = 1;
        else
          Report(Severity::kError, l.Where(),
                 "Ignoring sorry_server inhibit used before or without sorry_server");
      });
  H[{"virtual_server", "sorry_server_lvs_method"}] =
      vs_only([this](RawVirtualServer& vs, const LogicalLine& l) {
        if (vs.sorry)
          Forwarding(l, &vs.sorry->forwarding, "sorry");
        else
          Report(Severity::kError, l.Where(), "sorry_server forwarding used without sorry_server");
      });
  // Real servers (alloc_rs()).
  H[{"virtual_server", "real_server"}] = [this](const LogicalLine& l) {
    rs_valid_ = false;
    RawVirtualServer* vs = CurVs();
    if (vs == nullptr || !Need(l, 1)) return;
    RawRealServer rs;
    const std::string* port = l.tokens.size() > 2 ? &l.tokens[2].text : nullptr;
    if (!SockAddr(l.tokens[1].text, port, l.Where(1), &rs)) {
      Report(Severity::kError, l.Where(1),
             "Invalid real server ip address/port " + l.tokens[1].text + "/" +
                 (port ? *port : std::string("(null)")) + " - skipping");
      skip_block_ = true;
      return;
    }
    rs.where = l.Where();
    rs.forwarding = vs->forwarding;
    vs->real_servers.push_back(rs);
    rs_valid_ = true;
  };
  // rs_end_handler(): a real server of the other family is dropped unless tunnelled.
  C[{"virtual_server", "real_server"}] = [this]() {
    RawVirtualServer* vs = CurVs();
    RawRealServer* rs = rs_valid_ ? CurRs() : nullptr;
    rs_valid_ = false;
    if (vs == nullptr || rs == nullptr || rs->forwarding == 2) return;
    int f = rs->ipv6 ? 6 : 4;
    if (vs->family == 0) {
      vs->family = f;
    } else if (vs->family != f) {
      Report(Severity::kError, last_where_,
             "Address family of virtual server and real server " + rs->addr +
                 " don't match - skipping real server.");
      // Its checkers stay queued (their scripts count), its notify scripts go.
      vs->scripts.insert(vs->scripts.end(), rs->checker_scripts.begin(), rs->checker_scripts.end());
      vs->real_servers.pop_back();
    }
  };
  H[{"real_server", "weight"}] = rs_only([this](RawRealServer& rs, const LogicalLine& l) {
    if (!Need(l, 1)) return;
    unsigned v = 0;
    if (!ReadUnsigned(l, 1, 0, INT_MAX, &v)) {
      Report(Severity::kError, l.Where(1),
             "Real server weight " + l.tokens[1].text + " is outside range 0-2147483647");
      return;
    }
    rs.weight = v;
  });
  H[{"real_server", "lvs_method"}] = rs_only(
      [this](RawRealServer& rs, const LogicalLine& l) { Forwarding(l, &rs.forwarding, "real"); });
  for (const char* k : {"uthreshold", "lthreshold"})
    H[{"real_server", k}] = [this, k](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      unsigned v = 0;
      if (!ReadUnsigned(l, 1, 0, UINT_MAX, &v))
        Report(Severity::kError, l.Where(1),
               std::string("Invalid real_server ") + k + " '" + l.tokens[1].text + "' - ignoring");
    };
  H[{"real_server", "inhibit_on_failure"}] =
      rs_only([this](RawRealServer& rs, const LogicalLine& l) {
        if (auto b = BoolArg(l, "Invalid inhibit_on_failure parameter ", ""))
          rs.inhibit = *b ? 1 : 0;
      });
  H[{"real_server", "alpha"}] = [this](const LogicalLine& l) {
    BoolArg(l, "Invalid alpha parameter ", "");
  };
  H[{"real_server", "retry"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    unsigned v = 0;
    if (!ReadUnsigned(l, 1, 1, UINT_MAX, &v))
      Report(Severity::kError, l.Where(1), "retry value invalid - " + l.tokens[1].text);
  };
  H[{"real_server", "delay_before_retry"}] = [this](const LogicalLine& l) {
    Timer(l, 0, kTimerMax, "real server delay_before_retry '", "' invalid - ignoring");
  };
  H[{"real_server", "warmup"}] = [this](const LogicalLine& l) {
    Timer(l, 0, kTimerMax, "real server warmup '", "' invalid - ignoring");
  };
  H[{"real_server", "connect_timeout"}] = [this](const LogicalLine& l) {
    Timer(l, 1, kConnectMax, "real server connect_timeout ", " invalid - ignoring");
  };
  H[{"real_server", "delay_loop"}] = [this](const LogicalLine& l) {
    Timer(l, 1, kTimerMax, "real server delay_loop '", "' invalid - ignoring");
  };
  H[{"real_server", "smtp_alert"}] = [this](const LogicalLine& l) {
    BoolArg(l, "Invalid real_server smtp_alert parameter ", "");
  };
  H[{"real_server", "virtualhost"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() < 2) Report(Severity::kError, l.Where(), "real server virtualhost missing");
  };
  H[{"real_server", "snmp_name"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() != 2)
      Report(Severity::kError, l.Where(), "real server snmp_name missing or extra parameters");
  };
  // Scripts the checker would run (R37's check-script counterpart). A second
  // one is ignored with keepalived's message, which names the virtual
  // server's group (printf's "(null)" for a virtual server without one).
  // Each is kept with its virtual or real server: keepalived counts only the
  // scripts of the servers it keeps (checked with -t, keepalived_t/lvs_script_security).
  auto check_script = [this](const LogicalLine& l) {
    std::vector<std::string> w;
    if (!CommandWords(l, &w)) return;
    RawVirtualServer* vs = CurVs();
    RawRealServer* rs = rs_valid_ ? CurRs() : nullptr;
    const std::string& k = l.tokens[0].text;
    if (vs == nullptr) return;
    if (k == "quorum_up" || k == "quorum_down" || rs == nullptr)
      vs->scripts.emplace_back(w[0], l.Where(1));
    else if (k == "notify_up" || k == "notify_down")
      rs->notify_scripts.emplace_back(w[0], l.Where(1));
    else
      rs->checker_scripts.emplace_back(w[0], l.Where(1));
  };
  for (const char* k : {"quorum_up", "quorum_down", "notify_up", "notify_down"}) {
    const std::string ctx = k[0] == 'q' ? "virtual_server" : "real_server";
    H[{ctx, k}] = [this, k, check_script](const LogicalLine& l) {
      RawVirtualServer* vs = CurVs();
      if (vs == nullptr) return;
      std::vector<std::string> w;
      if (!CommandWords(l, &w)) return;
      // One script of each kind per virtual (quorum) or real (notify) server.
      std::string key = std::string(k) + "#" + std::to_string(raw_.virtual_servers.size()) + "#" +
                        (k[0] == 'q' ? "" : std::to_string(vs->real_servers.size()));
      if (std::find(script_slots_.begin(), script_slots_.end(), key) != script_slots_.end()) {
        Report(Severity::kError, l.Where(1),
               "(" + (vs->group ? vs->group_name : std::string("(null)")) + ") " + k +
                   " script already specified - ignoring " + w[0]);
        return;
      }
      script_slots_.push_back(key);
      check_script(l);
    };
  }
  H[{"MISC_CHECK", "misc_path"}] = [this, check_script](const LogicalLine& l) {
    check_script(l);
    chk_.misc_path = true;
  };
  H[{"HTTP_GET", "nb_get_retry"}] = [this](const LogicalLine& l) {
    Report(Severity::kWarning, l.Where(), "nb_get_retry is deprecated - please use 'retry'");
    if (!Need(l, 1)) return;
    unsigned v = 0;
    if (!ReadUnsigned(l, 1, 0, UINT_MAX, &v))
      Report(Severity::kError, l.Where(1), "Invalid nb_get_retry value '" + l.tokens[1].text + "'");
  };
  H[{"url", "digest"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    const std::string& d = l.tokens[1].text;
    if (d.size() != 32) {
      Report(Severity::kError, l.Where(1),
             "digest '" + d + "' character length should be 32 rather than " +
                 std::to_string(d.size()));
      return;
    }
    for (std::size_t i = 0; i < d.size(); ++i)
      if (!std::isxdigit(static_cast<unsigned char>(d[i]))) {
        std::size_t pair = i & ~std::size_t{1};
        Report(Severity::kError, l.Where(1),
               "Unable to interpret hex digit in '" + d + "' at offset " + std::to_string(pair) +
                   "/" + std::to_string(pair + 1));
        return;
      }
    std::string lower = d;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::find(chk_.digests.begin(), chk_.digests.end(), lower) != chk_.digests.end()) {
      Report(Severity::kError, l.Where(1), "Digest '" + d + "' is a duplicate");
      return;
    }
    chk_.digests.push_back(lower);
  };
  // Routes and rules: keepalived's alloc_route() / alloc_rule() on each line.
  for (bool st : {true, false}) {
    auto routes = [this, st](const LogicalLine& l) {
      ReadValueBlock(l, [this, st](LogicalLine& v) { RouteLine(v, st); });
    };
    auto rules = [this, st](const LogicalLine& l) {
      ReadValueBlock(l, [this, st](LogicalLine& v) { RuleLine(v, st); });
    };
    H[{st ? "" : "vrrp_instance", st ? "static_routes" : "virtual_routes"}] = routes;
    H[{st ? "" : "vrrp_instance", st ? "static_rules" : "virtual_rules"}] = rules;
  }
  // Static track groups: `track_group NAME { group { VI_1 VI_2 } }`, read as
  // keepalived 2.2.7 reads them (every message checked with -t,
  // keepalived_t/track_group_bodies). A group without a name or with extra
  // words, and a second group of a name, are skipped.
  H[{"", "track_group"}] = [this](const LogicalLine& l) {
    if (l.tokens.size() != 2) {
      Report(Severity::kError, l.Where(), "track_group must have a name - skipping");
      skip_block_ = true;
      return;
    }
    const std::string& name = l.tokens[1].text;
    if (TrackGroupDefined(name)) {
      Report(Severity::kError, l.Where(1), "track_group " + name + " already defined");
      skip_block_ = true;
      return;
    }
    track_groups_.push_back(name);
    track_group_where_.push_back(l.Where(1));
    track_group_members_.emplace_back();
    track_group_has_list_.push_back(false);
  };
  H[{"track_group", "group"}] = [this](const LogicalLine& l) {
    const std::string& name = track_groups_.back();
    if (track_group_has_list_.back()) {
      // keepalived's skip_block(true): a block that follows is skipped and its
      // closing brace ends the track_group too (so the group's own closing
      // brace is read at the top level).
      Report(Severity::kError, l.Where(), "Group list already specified for sync group " + name);
      skip_sublevel_ = -1;
      return;
    }
    std::vector<std::pair<std::string, Location>>& members = track_group_members_.back();
    ReadValueBlock(l, [&members](LogicalLine& v) {
      for (std::size_t i = 0; i < v.tokens.size(); ++i)
        members.emplace_back(v.tokens[i].text, v.Where(i));
    });
    if (members.empty())
      Report(Severity::kWarning, last_where_,
             "Warning - track group " + name + " has empty group block");
    else
      track_group_has_list_.back() = true;
  };
  // garp_group { garp_interval T  gna_interval T  interface IF  interfaces { IF... } },
  // read as keepalived 2.2.7's VRRP process reads it (every message checked
  // with -t, keepalived_t/garp_groups). Words after `garp_group` are ignored.
  H[{"", "garp_group"}] = [this](const LogicalLine&) { garp_groups_.emplace_back(); };
  for (const char* kw : {"garp_interval", "gna_interval"}) {
    const std::string name = kw;
    H[{"garp_group", name}] = [this, name](const LogicalLine& l) {
      if (!Need(l, 1)) return;
      Duration d{};
      if (!ReadDecimal(l, 1, 0, INT_MAX, &d)) {
        Report(Severity::kError, l.Where(1),
               "garp_group " + name + " '" + l.tokens[1].text + "' invalid");
        return;
      }
      // keepalived logs "The ... is very large" for a second or more: not by -t.
      garp_groups_.back().has_delay = true;
    };
  }
  H[{"garp_group", "interface"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    const std::string& name = l.tokens[1].text;
    if (!KnownInterface(name)) {
      Report(Severity::kError, l.Where(1),
             "WARNING - interface " + name + " specified for garp_group doesn't exist");
      missing_interface_ = true;
      return;
    }
    if (garp_group_of_.count(name) != 0) {
      Report(Severity::kError, l.Where(1),
             "garp_group already specified for " + name + " - ignoring");
      return;
    }
    garp_group_of_[name] = garp_groups_.size() - 1;
  };
  H[{"garp_group", "interfaces"}] = [this](const LogicalLine& l) {
    LogicalLine names;  // the block's words, as keepalived's read_value_block() gathers them
    ReadValueBlock(l, [&names](LogicalLine& v) {
      names.tokens.insert(names.tokens.end(), v.tokens.begin(), v.tokens.end());
    });
    if (fatal_) return;
    names.file = last_where_.file;
    names.line = last_where_.line;
    if (names.tokens.empty()) {
      Report(Severity::kError, last_where_, "Warning - empty garp_group interfaces block");
      return;
    }
    GarpGroup& g = garp_groups_.back();
    g.aggregation = 1;
    for (std::size_t k = 0; k + 1 < garp_groups_.size(); ++k)
      if (!garp_groups_[k].removed && garp_groups_[k].aggregation != 0) ++g.aggregation;
    // Every message at the block's last line (it is read whole first).
    for (Token& t : names.tokens) t.column = last_where_.column;
    for (const Token& t : names.tokens) {
      if (!KnownInterface(t.text)) {
        Report(Severity::kError, last_where_,
               "WARNING - interface " + t.text + " specified for garp_group doesn't exist");
        missing_interface_ = true;
        continue;
      }
      if (garp_group_of_.count(t.text) != 0) {
        // 2.2.7 names the block's second word here, whichever is the duplicate;
        // a block of one word has none: "missing a parameter", which stops the
        // VRRP process (checked with -t).
        if (!Need(names, 1)) return;
        Report(Severity::kError, last_where_,
               "garp_group already specified for " + names.tokens[1].text + " - ignoring");
        continue;
      }
      garp_group_of_[t.text] = garp_groups_.size() - 1;
    }
  };
  C[{"", "garp_group"}] = [this]() {
    GarpGroup& g = garp_groups_.back();
    if (g.has_delay) return;
    Report(
        Severity::kError, last_where_,
        "garp group " + std::to_string(g.aggregation) + " does not have any delay set - removing");
    g.removed = true;
    const std::size_t index = garp_groups_.size() - 1;
    std::erase_if(garp_group_of_, [index](const auto& e) { return e.second == index; });
  };
  // linkbeat_interfaces { IF [MII|ETHTOOL|IOCTL] ... }: keepalived 2.2.7's
  // alloc_linkbeat_interface() on each line (checked with -t,
  // keepalived_t/linkbeat_interfaces). An unknown interface does not give
  // the "Non-existent interface" line.
  H[{"", "linkbeat_interfaces"}] = [this](const LogicalLine& l) {
    ReadValueBlock(l, [this](LogicalLine& v) {
      if (!KnownInterface(v.tokens[0].text)) {
        Report(Severity::kError, v.Where(),
               "unknown interface " + v.tokens[0].text + " specified for linkbeat interface");
        return;
      }
      if (v.tokens.size() < 2) return;
      const std::string& type = v.tokens[1].text;
      if ((type != "MII" && type != "ETHTOOL" && type != "IOCTL") || v.tokens.size() > 2)
        Report(Severity::kError, v.Where(1), "extra characters " + type + " in linkbeat interface");
    });
  };
  H[{"", "static_ipaddress"}] = [this](const LogicalLine& l) {
    ReadValueBlock(l, [this](LogicalLine& v) { VipLine(v, false, true); });
  };
  // `virtual_server_group NAME { addresses }`: the name, then data lines;
  // an empty group, or one mixing IPv4, IPv6 and family-less fwmarks, is removed.
  H[{"", "virtual_server_group"}] = [this](const LogicalLine& l) {
    if (!Need(l, 1)) return;
    LogicalLine head = l;
    head.tokens.erase(head.tokens.begin() + 1);
    RawVsGroup g;
    g.name = l.tokens[1].text;
    raw_.vs_groups.push_back(g);
    ReadValueBlock(head, [this](LogicalLine& v) { VsGroupEntry(v); });
    const RawVsGroup& G = raw_.vs_groups.back();
    if (G.fwmarks == 0 && G.ranges.empty()) {
      Report(Severity::kError, last_where_,
             "virtual server group " + G.name + " has no entries - removing");
      raw_.vs_groups.pop_back();
    } else if (G.have_ipv4 && G.have_ipv6 && G.fwmark_no_family) {
      Report(Severity::kError, last_where_,
             "virtual server group " + G.name +
                 " cannot have IPv4, IPv6 and fwmark without family - removing");
      raw_.vs_groups.pop_back();
    }
  };
}

}  // namespace

ParseResult ParseConfig(std::string_view text, const std::string& filename,
                        const ParseOptions& options) {
  ParseResult result;
  Reader reader(options);
  reader.Run(text, filename);
  result.diagnostics = std::move(reader.diags());
  if (reader.fatal()) {
    // keepalived -t reads the file once per process; a keyword missing its
    // value stops only the processes that read it. When that was inside a
    // VRRP or an LVS block, the other processes read on to the end: their
    // messages after that line are keepalived -t's too (checked with -t,
    // keepalived_t/abort_other_processes).
    static const std::vector<std::string> kVrrpBlocks = {
        "vrrp_instance",   "vrrp_sync_group",     "vrrp_script",      "track_file",
        "vrrp_track_file", "vrrp_track_process",  "static_ipaddress", "static_routes",
        "static_rules",    "linkbeat_interfaces", "garp_group",       "bfd_instance"};
    static const std::vector<std::string> kCheckerBlocks = {"virtual_server",
                                                            "virtual_server_group", "SSL"};
    const std::string& b = reader.abort_root_block();
    const bool vrrp = std::find(kVrrpBlocks.begin(), kVrrpBlocks.end(), b) != kVrrpBlocks.end();
    const bool checker =
        std::find(kCheckerBlocks.begin(), kCheckerBlocks.end(), b) != kCheckerBlocks.end();
    if (reader.aborted() && (vrrp || checker)) {
      Reader other(options, vrrp ? kVrrpBlocks : kCheckerBlocks);
      other.CollectAfter(reader.abort_where());
      other.Run(text, filename);
      Diagnostics& od = other.diags();
      std::size_t from = std::min(other.collect_from(), od.size());
      auto seen = [&](const Diagnostic& d) {
        return std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                           [&](const Diagnostic& x) {
                             return x.message == d.message && x.where.line == d.where.line;
                           });
      };
      Diagnostics extra;
      for (std::size_t i = from; i < od.size(); ++i)
        if (!seen(od[i])) extra.push_back(od[i]);
      if (vrrp && !other.fatal()) CompleteChecker(std::move(other.raw()), options, &extra);
      result.diagnostics.insert(result.diagnostics.end(), extra.begin(), extra.end());
    }
    return result;
  }
  result.config = Complete(std::move(reader.raw()), options, &result.diagnostics);
  return result;
}

}  // namespace vrrp

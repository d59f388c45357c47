#include "engine/config/preprocess.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vrrp {

namespace {

// keepalived's line buffer (MAXBUF): a substitution may not make a line longer.
constexpr std::size_t kMaxBuf = 1024;
// Limits keepalived does not have (it loops forever on `$A=$A`, and a ~SEQ
// whose text makes another ~SEQ grows without end); vrrpsim stops instead.
constexpr int kMaxReplacements = 10000;              // per line
constexpr std::size_t kMaxGeneratedLines = 1000000;  // from ~SEQ and multi-line values

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string DirName(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// strtol(p, &end, 0) on a std::string from `pos`; returns the value and moves pos.
long StrToL(const std::string& s, std::size_t* pos) {
  const char* begin = s.c_str() + *pos;
  char* end = nullptr;
  long v = std::strtol(begin, &end, 0);
  *pos += static_cast<std::size_t>(end - begin);
  return v;
}

void SkipBlanks(const std::string& s, std::size_t* pos) {
  while (*pos < s.size() && IsBlank(s[*pos])) ++*pos;
}

}  // namespace

LinePreprocessor::LinePreprocessor(std::optional<std::string> config_id, ReportFn report,
                                   IncludeFn include)
    : config_id_(std::move(config_id)), report_(std::move(report)), include_(std::move(include)) {
  Definition pwd;
  pwd.name = "_PWD";
  pwd.std = Definition::Std::kPwd;
  defs_.push_back(pwd);
  Definition inst;
  inst.name = "_INSTANCE";
  inst.std = Definition::Std::kInstance;
  defs_.push_back(inst);
  Definition rnd;
  rnd.name = "_RANDOM";
  rnd.std = Definition::Std::kRandom;
  rnd.max_params = 2;
  defs_.push_back(rnd);
}

void LinePreprocessor::PushFile(const std::string& name, std::vector<SourceLine> lines) {
  Frame f;
  f.name = name;
  f.lines = std::move(lines);
  f.seq_base = seqs_.size();
  files_.push_back(std::move(f));
}

Location LinePreprocessor::Here(int column) const { return {cur_file_, cur_line_, column}; }

LinePreprocessor::Definition* LinePreprocessor::Find(const std::string& name) {
  for (auto& d : defs_)
    if (d.name == name) return &d;
  return nullptr;
}

std::string LinePreprocessor::StdValue(const Definition& d, const std::string& params) const {
  switch (d.std) {
    case Definition::Std::kNone:
      break;
    case Definition::Std::kPwd:
      return DirName(cur_file_);
    case Definition::Std::kInstance:
      return config_id_.value_or("");
    case Definition::Std::kRandom: {
      // keepalived draws from random(); vrrpsim is deterministic and takes
      // the lower bound (0 unless given).
      if (params.empty()) return "0";
      return std::to_string(std::strtoul(params.c_str(), nullptr, 10));
    }
  }
  return d.value;
}

// keepalived's find_definition() for a use at s[pos] (just after the '$').
std::optional<LinePreprocessor::Match> LinePreprocessor::FindUse(const std::string& s,
                                                                 std::size_t pos) {
  bool braces = false;
  std::size_t name = pos;
  if (name < s.size() && s[name] == '{') {
    braces = true;
    ++name;
  }
  if (name >= s.size() || (!IsAlpha(s[name]) && s[name] != '_')) return std::nullopt;
  std::size_t p = name + 1;
  while (p < s.size() && (IsAlnum(s[p]) || s[p] == '_')) ++p;
  std::size_t len = p - name;
  std::size_t param_start = std::string::npos, param_end = std::string::npos;
  if (braces) {
    while (p < s.size() && (s[p] == ' ' || IsDigit(s[p]))) {
      if (s[p] != ' ') {
        if (param_start == std::string::npos) param_start = p;
        param_end = p;
      }
      ++p;
    }
    if (param_start != std::string::npos && param_end + 1 != p) return std::nullopt;
    if (p >= s.size() || s[p] != '}') return std::nullopt;
  } else if (p < s.size() && s[p] != ' ' && s[p] != '\t' && s[p] != ',' && s[p] != ')') {
    return std::nullopt;
  }
  bool allow_multiline = braces ? name + len + 1 == s.size() : name + len == s.size();
  const std::string n = s.substr(name, len);
  for (auto& d : defs_) {
    if (d.name != n || (d.multiline && !allow_multiline)) continue;
    if (param_start != std::string::npos && d.max_params == 0) return std::nullopt;
    Match m;
    m.def = &d;
    // The '$', the name and the braces; with parameters up to the '}'.
    if (param_start != std::string::npos) {
      m.region = param_end + 2 - (pos - 1);
      m.params = s.substr(param_start, param_end + 1 - param_start);
    } else {
      m.region = len + 1 + (braces ? 2 : 0);
    }
    return m;
  }
  return std::nullopt;
}

// keepalived's replace_param(): true if anything was replaced.
bool LinePreprocessor::Replace(ColumnText* buf) {
  std::size_t cur = 0;
  bool found = false;
  std::optional<std::string> multiline_ptr = next_ptr_;
  std::optional<std::string> next = next_ptr_;
  int replacements = 0;
  while ((cur = buf->s.find('$', cur)) != std::string::npos && cur + 1 < buf->s.size()) {
    std::optional<Match> m = FindUse(buf->s, cur + 1);
    if (!m) {
      ++cur;
      continue;
    }
    if (++replacements > kMaxReplacements) {
      std::string shown = buf->s.size() > 60 ? buf->s.substr(0, 60) + "..." : buf->s;
      report_(Severity::kError, DiagClass::kVrrpsim, Here(buf->ColumnAt(cur)),
              "Parameter substitution on line '" + shown + "' does not end (more than " +
                  std::to_string(kMaxReplacements) +
                  " substitutions; keepalived would loop forever) - line left as it is");
      return false;
    }
    found = true;
    Definition& d = *m->def;
    next = multiline_ptr;
    if (d.multiline && multiline_ptr)
      multiline_stack_.emplace_back(*multiline_ptr, multiline_seq_depth_);
    if (d.multiline) multiline_seq_depth_ = seqs_.size();
    std::string value = d.std == Definition::Std::kNone ? d.value : StdValue(d, m->params);
    std::string text = value;
    if (d.multiline) {
      std::size_t nl = value.find('\n');
      text = value.substr(0, nl);
      if (nl == std::string::npos)
        next.reset();
      else
        next = value.substr(nl + 1);
      multiline_ptr = next;
      next_col_ = buf->ColumnAt(cur);
    }
    if (buf->s.size() + text.size() - m->region >= kMaxBuf) {
      std::string shown = buf->s.size() > 60 ? buf->s.substr(0, 60) + "..." : buf->s;
      report_(Severity::kWarning, DiagClass::kDaemon, Here(buf->ColumnAt(cur)),
              "Parameter substitution on line '" + shown + "' would exceed maximum line length");
      return false;
    }
    buf->Replace(cur, m->region, text, buf->ColumnAt(cur));
    std::size_t first = value.find_first_not_of(" \t");
    if (first != std::string::npos && value[first] == '~') break;
  }
  if (found) next_ptr_ = next;
  return found;
}

// keepalived's check_definition(): `$NAME=value` (no blank before the '=').
bool LinePreprocessor::CheckDefinition(const ColumnText& buf, Definition** out) {
  const std::string& s = buf.s;
  if (s.size() < 2 || s[0] != '$' || (!IsAlpha(s[1]) && s[1] != '_')) return false;
  std::size_t p = 2;
  for (; p < s.size(); ++p) {
    if (s[p] == '=') break;
    if (!IsAlnum(s[p]) && s[p] != '_') return false;
  }
  if (p >= s.size()) return false;
  std::string name = s.substr(1, p - 1);
  Definition* d = Find(name);
  if (d == nullptr) {
    defs_.push_back(Definition{});
    d = &defs_.back();
    d->name = name;
  }
  d->std = Definition::Std::kNone;
  ++p;
  SkipBlanks(s, &p);
  std::string value = s.substr(p);
  if (!value.empty() && value.back() == '\\') {
    value.pop_back();
    while (!value.empty() && IsBlank(value.back())) value.pop_back();
    if (!value.empty()) value.push_back('\n');
    d->multiline = true;
  } else {
    d->multiline = false;
  }
  d->value = value;
  *out = d;
  return true;
}

// keepalived's add_seq(): `~SEQ(var, [start,] [step,] end) text`, `~SEQx` for hex.
bool LinePreprocessor::AddSeq(const ColumnText& buf) {
  const std::string& s = buf.s;
  std::size_t p = 4;
  bool hex = false;
  if (p < s.size() && s[p] == 'x') {
    hex = true;
    ++p;
  }
  SkipBlanks(s, &p);
  if (p >= s.size() || s[p++] != '(') return false;
  SkipBlanks(s, &p);
  std::size_t var = p;
  while (p < s.size() && !IsBlank(s[p]) && s[p] != ',' && s[p] != ')') ++p;
  std::size_t var_end = p;
  SkipBlanks(s, &p);
  const Location where = Here(buf.ColumnAt(0));
  auto invalid = [&](const std::string& what) {
    report_(Severity::kError, DiagClass::kConfigTest, where, what + " '" + s + "'");
    return false;
  };
  if (p >= s.size() || s[p] == ')' || var_end == var) return invalid("Invalid ~SEQ definition");
  ++p;
  SkipBlanks(s, &p);
  std::size_t end_seq = s.find(')', p);
  if (end_seq == std::string::npos) return invalid("Invalid ~SEQ definition");
  if (end_seq + 2 - p > 3 * 20 + 3 + 1) return invalid("~SEQ parameter strings too long");
  ColumnText params;
  params.s = s.substr(p, end_seq + 1 - p);
  params.col.assign(params.s.size(), buf.ColumnAt(p));
  std::optional<std::string> saved_next = next_ptr_;
  next_ptr_.reset();
  Replace(&params);
  bool multiline = next_ptr_.has_value();
  next_ptr_ = saved_next;
  if (multiline) return invalid("~SEQ parameter is multiline definition");
  const std::string& ps = params.s;
  std::size_t q = 0;
  long start = 0, step = 0, end = 0;
  long one = StrToL(ps, &q);
  SkipBlanks(ps, &q);
  if (q < ps.size() && ps[q] == ')') {
    end = one;
    step = end < 1 ? -1 : 1;
    start = end < 0 ? -1 : 1;
  } else {
    if (q >= ps.size() || ps[q] != ',') return invalid("Invalid ~SEQ definition");
    ++q;
    long two = StrToL(ps, &q);
    SkipBlanks(ps, &q);
    if (q < ps.size() && ps[q] == ')') {
      start = one;
      end = two;
      step = start <= end ? 1 : -1;
    } else {
      if (q >= ps.size() || ps[q] != ',') return invalid("Invalid ~SEQ definition");
      ++q;
      long three = StrToL(ps, &q);
      SkipBlanks(ps, &q);
      if (q >= ps.size() || ps[q] != ')') return invalid("Invalid ~SEQ definition");
      start = one;
      step = two;
      end = three;
      if (step == 0 || (start < end && step < 0) || (start > end && step > 0))
        return invalid("Invalid ~SEQ values");
    }
  }
  if (hex && (start < 0 || end < 0)) return invalid("~SEQx is only valid for positive numbers");
  // A sequence longer than any configuration could use is refused (keepalived
  // would expand it line by line, for as long as it takes).
  constexpr long kMaxSeq = 100000;
  if (std::fabs(static_cast<double>(end) - static_cast<double>(start)) /
          std::fabs(static_cast<double>(step)) >=
      kMaxSeq) {
    report_(
        Severity::kError, DiagClass::kVrrpsim, where,
        "~SEQ of more than " + std::to_string(kMaxSeq) + " lines refused by vrrpsim '" + s + "'");
    return true;
  }
  std::size_t text = end_seq + 1;
  SkipBlanks(s, &text);
  Seq seq;
  seq.var = s.substr(var, var_end - var);
  seq.next = start;
  seq.step = step;
  seq.last = end;
  seq.hex = hex;
  seq.text = buf.Sub(text);
  seqs_.push_back(std::move(seq));
  return true;
}

bool LinePreprocessor::Next(LogicalLine* out) {
  // keepalived keeps "inside a multi-line definition" in a local of
  // read_line(): a call that returns (a comment-only line) ends it.
  bool multiline_def = false;
  Definition* def = nullptr;
  ColumnText buf;
  while (true) {
    if (generated_ > kMaxGeneratedLines) {
      if (!stopped_)
        report_(Severity::kFatal, DiagClass::kVrrpsim, Here(0),
                "More than " + std::to_string(kMaxGeneratedLines) +
                    " lines generated by parameters and ~SEQ (a definition that expands to "
                    "itself?) - vrrpsim stops reading");
      stopped_ = true;
      return false;
    }
    buf = ColumnText{};
    if (residue_) {
      buf = std::move(*residue_);
      residue_.reset();
    } else if (!seqs_.empty() && seqs_.size() > multiline_seq_depth_ &&
               (files_.empty() || seqs_.size() > files_.back().seq_base)) {
      ++generated_;
      Seq& seq = seqs_.back();
      char val[32];
      std::snprintf(val, sizeof val, seq.hex ? "%lx" : "%ld", seq.next);
      Definition* d = Find(seq.var);
      if (d == nullptr) {
        defs_.push_back(Definition{});
        d = &defs_.back();
        d->name = seq.var;
      }
      d->std = Definition::Std::kNone;
      d->value = val;
      buf = seq.text;
      long following = 0;
      if (__builtin_add_overflow(seq.next, seq.step, &following) ||
          (seq.step > 0 && following > seq.last) || (seq.step < 0 && following < seq.last))
        seqs_.pop_back();
      else
        seq.next = following;
    } else if (next_ptr_) {
      ++generated_;
      std::string& rest = *next_ptr_;
      std::size_t nl = rest.find('\n');
      std::string line = rest.substr(0, nl);
      buf.s = line;
      buf.col.assign(line.size(), next_col_);
      if (nl == std::string::npos) {
        if (!multiline_stack_.empty()) {
          next_ptr_ = multiline_stack_.back().first;
          multiline_seq_depth_ = multiline_stack_.back().second;
          multiline_stack_.pop_back();
        } else {
          next_ptr_.reset();
          multiline_seq_depth_ = 0;
        }
      } else {
        rest.erase(0, nl + 1);
      }
    } else {
      // The next line of the innermost file; a file's sequences end with it.
      if (files_.empty()) return false;
      Frame& f = files_.back();
      if (f.next >= f.lines.size()) {
        seqs_.resize(std::min(seqs_.size(), f.seq_base));
        files_.pop_back();
        continue;
      }
      SourceLine& sl = f.lines[f.next++];
      cur_file_ = f.name;
      cur_line_ = sl.line;
      if (sl.empty_physical) {
        if (multiline_def) {
          multiline_def = false;
          if (def->value.empty()) def->multiline = false;
        }
        continue;
      }
      buf = std::move(sl.text);
      if (buf.s.empty()) {
        multiline_def = false;  // keepalived's read_line() returns here
        continue;
      }
    }

    if (multiline_def) {
      std::string add = buf.s;
      if (!add.empty() && add.back() == '\\') {
        add.pop_back();
        while (!add.empty() && IsBlank(add.back())) add.pop_back();
        add.push_back('\n');
      } else {
        multiline_def = false;
        if (def->value.empty()) def->multiline = false;
      }
      if (add.size() >= 2 || (!add.empty() && !multiline_def)) def->value += add;
      continue;
    }
    if (buf.s.empty()) continue;

    bool recheck = false;
    do {
      recheck = false;
      if (!buf.s.empty() && buf.s[0] == '@') {
        bool rev = buf.s.size() > 1 && buf.s[1] == '^';
        std::size_t ofs = rev ? 2 : 1;
        std::size_t blank = buf.s.find_first_of(" \t", ofs);
        if (blank == std::string::npos) {
          buf = ColumnText{};
          break;
        }
        bool match = config_id_ && buf.s.compare(ofs, blank - ofs, *config_id_) == 0 &&
                     blank - ofs == config_id_->size();
        if (match == rev) {
          buf = ColumnText{};
          break;
        }
        std::size_t start = blank;
        while (start < buf.s.size() && IsBlank(buf.s[start])) ++start;
        buf.Erase(0, start);
      }
      if (!buf.s.empty() && buf.s[0] == '$' && CheckDefinition(buf, &def)) {
        if (def->multiline) multiline_def = true;
        buf = ColumnText{};
        break;
      }
      if (buf.s.rfind("~SEQ", 0) == 0) {
        if (!AddSeq(buf))
          report_(Severity::kError, DiagClass::kConfigTest, Here(buf.ColumnAt(0)),
                  "Invalid ~SEQ specification '" + buf.s + "'");
        buf = ColumnText{};
        break;
      }
      if (!buf.s.empty() && buf.s[0] == '~') break;
      if (buf.s.find('$') != std::string::npos) {
        if (!Replace(&buf)) break;
        if (!buf.s.empty() && buf.s[0] == '@') recheck = true;
        if (buf.s.find('$') != std::string::npos) recheck = true;
      }
    } while (recheck);
    if (buf.s.empty()) continue;

    // Includes are recognised on the whole line, before the brace split.
    LogicalLine whole;
    Diagnostics scratch;
    if (MakeLogicalLine(buf, cur_file_, cur_line_, &whole, &scratch) && include_(whole)) continue;

    ColumnText rest;
    if (SplitAtBrace(&buf, &rest)) residue_ = std::move(rest);
    Diagnostics lex;
    bool ok = MakeLogicalLine(buf, cur_file_, cur_line_, out, &lex);
    for (const auto& d : lex) report_(d.severity, d.cls, d.where, d.message);
    if (ok) return true;
  }
}

}  // namespace vrrp

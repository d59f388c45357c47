// The line stage of the keepalived.conf reader: what keepalived 2.2.7's
// read_line() does to a decommented line before any keyword sees it.
//
//   * `@ID rest` / `@^ID rest`: the line is kept (without its prefix) only if
//     ID is (is not) the configuration id (`keepalived -i ID`).
//   * `$NAME=value` defines a parameter; a value ending in `\` continues on the
//     following lines (a multi-line definition, ended by a line without `\`, by
//     an empty line or by a comment-only line).
//   * `$NAME` and `${NAME}` are replaced anywhere in a line, repeatedly, as
//     keepalived does (a plain `$NAME` only before a blank, `,`, `)` or the end
//     of the line; a multi-line definition only at the end of a line, its
//     further lines then read as lines of their own). Unknown names stay.
//   * `~SEQ(var, start, step, end) text` repeats `text` with $var counting.
//   * the standard definitions `$_PWD`, `$_INSTANCE`, `${_RANDOM [min [max]]}`.
//   * every `{` or `}` outside double quotes ends a logical line; the rest of
//     the line goes through all of the above again.
//
// Every line produced keeps the file and line number of the line it came
// from (keepalived reports expanded lines with the number of the line that
// used the parameter); replaced text takes the column of its `$`.
//
// Checked against `keepalived -t` (tests/engine/config/preprocess_test.cpp,
// catalogue tests/data/config/malformed/param_*). Deviations, all of them
// cases where 2.2.7 reads freed or stale memory: a line that only starts with
// `@` after substitution is checked against the id correctly here (2.2.7 uses
// a stale length and garbles the line or crashes); `$_RANDOM` gives its
// minimum (vrrpsim is deterministic); a multi-line definition with nothing in
// it expands to nothing.
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/lexer.h"
#include "engine/diagnostic.h"

namespace vrrp {

class LinePreprocessor {
 public:
  using ReportFn = std::function<void(Severity, DiagClass, const Location&, const std::string&)>;
  // Returns true when the line was an include directive (and was handled).
  using IncludeFn = std::function<bool(const LogicalLine&)>;

  LinePreprocessor(std::optional<std::string> config_id, ReportFn report, IncludeFn include);

  // Pushes a file on top of the stack: its lines are read next.
  void PushFile(const std::string& name, std::vector<SourceLine> lines);
  std::size_t depth() const { return files_.size(); }

  // The next logical line; false at the end of the input.
  bool Next(LogicalLine* out);

 private:
  struct Definition {
    std::string name;
    std::string value;  // lines separated by '\n' when multiline
    bool multiline = false;
    enum class Std { kNone, kPwd, kInstance, kRandom } std = Std::kNone;
    unsigned max_params = 0;
  };
  struct Seq {
    std::string var;
    long next = 0, last = 0, step = 1;
    bool hex = false;
    ColumnText text;
  };
  struct Frame {
    std::string name;
    std::vector<SourceLine> lines;
    std::size_t next = 0;
    std::size_t seq_base = 0;  // seqs_ belonging to outer files
  };
  struct Match {
    Definition* def = nullptr;
    std::size_t region = 0;  // characters replaced, from the '$'
    std::string params;      // ${NAME 1 2}
  };

  Definition* Find(const std::string& name);
  std::optional<Match> FindUse(const std::string& s, std::size_t dollar);
  bool CheckDefinition(const ColumnText& buf, Definition** def);
  bool AddSeq(const ColumnText& buf);
  bool Replace(ColumnText* buf);
  std::string StdValue(const Definition& d, const std::string& params) const;
  Location Here(int column) const;

  std::optional<std::string> config_id_;
  ReportFn report_;
  IncludeFn include_;
  std::vector<Frame> files_;
  std::deque<Definition> defs_;  // stable addresses
  std::vector<Seq> seqs_;
  std::size_t multiline_seq_depth_ = 0;
  // Multi-line expansion in progress: what is left of the value, and the
  // outer expansions it interrupted.
  std::optional<std::string> next_ptr_;
  int next_col_ = 1;
  std::vector<std::pair<std::string, std::size_t>> multiline_stack_;
  std::optional<ColumnText> residue_;
  std::string cur_file_;
  int cur_line_ = 0;
  std::size_t generated_ = 0;  // lines from ~SEQ and multi-line values
  bool stopped_ = false;
};

}  // namespace vrrp

// Lexical layer of the keepalived.conf reader (semantics doc R80).
//
// keepalived 2.2.7 reads a file line by line and, before any keyword is
// looked at, (1) strips comments, (2) splits every `{` and `}` onto a line of
// its own and (3) cuts the remainder into whitespace-separated words. The
// parser only ever sees the resulting "logical lines", so reproducing these
// three steps exactly is what makes one-line blocks, `{` on the next line and
// the brace-error messages come out the way the daemon prints them.
//
// Observed 2.2.7 behaviour that differs from the man page (checked with
// `keepalived -t`): a trailing `\` does NOT join lines (the `\` stays glued to
// the last word), and only double quotes group words; single quotes and
// backslash escapes are recognised only where a command line is re-split
// (scripts, notify), see SplitCommandWords().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostic.h"

namespace vrrp {

struct Token {
  std::string text;
  int column = 0;          // 1-based column of the first character in the physical line
  std::size_t offset = 0;  // offset of the token start in LogicalLine::raw
};

// One line as keepalived's keyword dispatcher sees it.
struct LogicalLine {
  std::string file;
  int line = 0;                 // 1-based physical line number
  std::string raw;              // decommented text of this logical line
  std::vector<int> raw_column;  // column of every byte of `raw`
  std::vector<Token> tokens;    // never empty

  bool Is(std::string_view word) const { return tokens.size() == 1 && tokens[0].text == word; }
  Location Where(std::size_t token_index = 0) const;
  // The text from token `index` to the end of the line, or "" if absent.
  std::string RestFrom(std::size_t index) const;
};

// A string whose every byte remembers the column it came from, so that words
// keep their position through comment stripping, substitution and brace
// splitting.
struct ColumnText {
  std::string s;
  std::vector<int> col;

  void Erase(std::size_t pos, std::size_t n);
  void Truncate(std::size_t n);
  void TrimTrailingBlanks();
  void TrimLeadingBlanks();
  ColumnText Sub(std::size_t pos) const;
  // Replaces [pos, pos+n) by `text`, every new byte at column `column`.
  void Replace(std::size_t pos, std::size_t n, const std::string& text, int column);
  int ColumnAt(std::size_t pos) const;
};

// One physical line (or 1023-byte piece of one) after comment removal.
struct SourceLine {
  int line = 0;
  ColumnText text;
  bool empty_physical = false;  // nothing but the line end (before decommenting)
};

// keepalived reads lines with a fixed 1024-byte buffer (MAXBUF); longer
// physical lines are processed in 1023-byte pieces, each a line of its own.
inline constexpr std::size_t kMaxLineBytes = 1023;

// Splits one file's text into decommented physical lines (unterminated
// quotes are reported to `diags`).
std::vector<SourceLine> ReadSourceLines(std::string_view text, const std::string& file,
                                        Diagnostics* diags);

// keepalived's brace split: if `t` holds a `{` or `}` outside double quotes,
// `t` is cut before it (a leading brace stays alone) and the rest, trimmed,
// is returned in `rest`. Returns false when there is nothing to split.
bool SplitAtBrace(ColumnText* t, ColumnText* rest);

// Cuts a logical line into words; false if it has none.
bool MakeLogicalLine(const ColumnText& t, const std::string& file, int line, LogicalLine* out,
                     Diagnostics* diags);

// Splits one file's text into logical lines (no parameters, ids or sequences:
// see LinePreprocessor for those). Diagnostics (unterminated
// quotes) are appended to `diags`.
std::vector<LogicalLine> LexFile(std::string_view text, const std::string& file,
                                 Diagnostics* diags);

// Re-splits a command string the way keepalived splits script and notify
// command lines: "..." and '...' group words, backslash escapes (\n, \t, \x41,
// \101, \", \', \\ ...) are decoded. Returns false on an unterminated quote.
bool SplitCommandWords(std::string_view text, std::vector<std::string>* words);

}  // namespace vrrp

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

// keepalived reads lines with a fixed 1024-byte buffer (MAXBUF); longer
// physical lines are processed in 1023-byte pieces, each a line of its own.
inline constexpr std::size_t kMaxLineBytes = 1023;

// Splits one file's text into logical lines. Diagnostics (unterminated
// quotes) are appended to `diags`.
std::vector<LogicalLine> LexFile(std::string_view text, const std::string& file,
                                 Diagnostics* diags);

// Re-splits a command string the way keepalived splits script and notify
// command lines: "..." and '...' group words, backslash escapes (\n, \t, \x41,
// \101, \", \', \\ ...) are decoded. Returns false on an unterminated quote.
bool SplitCommandWords(std::string_view text, std::vector<std::string>* words);

}  // namespace vrrp

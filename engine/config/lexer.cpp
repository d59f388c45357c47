#include "engine/config/lexer.h"

#include <cctype>
#include <cstdint>

#include "engine/config/parser.h"

namespace vrrp {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsWhite(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r' || c == '\v';
}

using Text = ColumnText;

// Comment removal as keepalived does it: `#` and `!` start a comment unless
// inside double quotes or escaped with a backslash (the backslash is then
// dropped); single quotes do not protect anything here. A trailing backslash
// is kept but the blanks before it are removed.
void Decomment(Text* t, const std::string& file, int line, Diagnostics* diags) {
  t->TrimLeadingBlanks();
  bool quote = false;
  bool cont = false;
  std::size_t skip = std::string::npos;
  std::size_t p = 0;
  while (p < t->s.size()) {
    char c = t->s[p];
    if (c == '"') {
      if (skip == std::string::npos) quote = !quote;
      ++p;
      continue;
    }
    if (c == '\\') {
      if (p + 1 < t->s.size()) {
        if (!quote && (t->s[p + 1] == '#' || t->s[p + 1] == '!')) {
          t->Erase(p, 1);
          ++p;
        } else {
          p += 2;
        }
        continue;
      }
      t->Truncate(p);
      cont = true;
      break;
    }
    if ((c == '!' || c == '#') && !quote && skip == std::string::npos) skip = p;
    ++p;
  }
  if (quote && diags->size() <= kMaxConfigDiagnostics) {
    diags->push_back({Severity::kError,
                      {file, line, t->col.empty() ? 1 : t->col[0]},
                      "Unterminated quote '" + t->s + "'"});
  }
  if (skip != std::string::npos && skip < t->s.size()) t->Truncate(skip);
  t->TrimTrailingBlanks();
  if (cont) {
    int c = t->col.empty() ? 1 : t->col.back() + 1;
    t->s.push_back('\\');
    t->col.push_back(c);
  }
}

// Word splitting of a logical line: blanks separate words, a word starting
// with `"` runs to the next `"` (no escapes), and an unquoted word also ends
// at a `"`.
void Tokenize(LogicalLine* ll, Diagnostics* diags) {
  const std::string& s = ll->raw;
  std::size_t p = 0;
  while (true) {
    while (p < s.size() && IsWhite(s[p])) ++p;
    if (p >= s.size()) break;
    std::size_t start = p;
    Token tok;
    tok.column = ll->raw_column[p];
    tok.offset = p;
    if (s[p] == '"') {
      std::size_t close = s.find('"', p + 1);
      if (close == std::string::npos) {
        if (diags->size() <= kMaxConfigDiagnostics)
          diags->push_back(
              {Severity::kError, {ll->file, ll->line, tok.column}, "Unmatched quote: '" + s + "'"});
        break;
      }
      tok.text = s.substr(start + 1, close - start - 1);
      p = close + 1;
    } else {
      while (p < s.size() && !IsWhite(s[p]) && s[p] != '"') ++p;
      tok.text = s.substr(start, p - start);
    }
    ll->tokens.push_back(std::move(tok));
  }
}

void EmitLogical(const Text& t, const std::string& file, int line, std::vector<LogicalLine>* out,
                 Diagnostics* diags) {
  LogicalLine ll;
  if (MakeLogicalLine(t, file, line, &ll, diags)) out->push_back(std::move(ll));
}

}  // namespace

void ColumnText::Erase(std::size_t pos, std::size_t n) {
  s.erase(pos, n);
  col.erase(col.begin() + static_cast<std::ptrdiff_t>(pos),
            col.begin() + static_cast<std::ptrdiff_t>(pos + n));
}
void ColumnText::Truncate(std::size_t n) {
  s.resize(n);
  col.resize(n);
}
void ColumnText::TrimTrailingBlanks() {
  std::size_t n = s.size();
  while (n > 0 && IsBlank(s[n - 1])) --n;
  Truncate(n);
}
void ColumnText::TrimLeadingBlanks() {
  std::size_t n = 0;
  while (n < s.size() && IsBlank(s[n])) ++n;
  Erase(0, n);
}
ColumnText ColumnText::Sub(std::size_t pos) const {
  ColumnText t;
  t.s = s.substr(pos);
  t.col.assign(col.begin() + static_cast<std::ptrdiff_t>(pos), col.end());
  return t;
}
void ColumnText::Replace(std::size_t pos, std::size_t n, const std::string& text, int column) {
  s.replace(pos, n, text);
  col.erase(col.begin() + static_cast<std::ptrdiff_t>(pos),
            col.begin() + static_cast<std::ptrdiff_t>(pos + n));
  col.insert(col.begin() + static_cast<std::ptrdiff_t>(pos), text.size(), column);
}
int ColumnText::ColumnAt(std::size_t pos) const {
  if (pos < col.size()) return col[pos];
  return col.empty() ? 1 : col.back() + 1;
}

bool SplitAtBrace(ColumnText* t, ColumnText* rest) {
  std::size_t brace = std::string::npos;
  if (t->s.empty()) return false;
  if (t->s[0] == '{' || t->s[0] == '}') {
    brace = 0;
  } else {
    std::size_t p = 0;
    while (p < t->s.size()) {
      char c = t->s[p];
      if (c == '{' || c == '}') {
        brace = p;
        break;
      }
      if (c == '"') {
        std::size_t close = t->s.find('"', p + 1);
        if (close == std::string::npos) break;
        p = close + 1;
        continue;
      }
      ++p;
    }
  }
  if (brace == std::string::npos) return false;
  std::size_t cut = brace;
  if (brace == 0) {
    cut = 1;
    while (cut < t->s.size() && IsBlank(t->s[cut])) ++cut;
  }
  if (cut >= t->s.size()) return false;
  *rest = t->Sub(cut);
  rest->TrimTrailingBlanks();
  t->Truncate(brace == 0 ? 1 : brace);
  return !rest->s.empty();
}

bool MakeLogicalLine(const ColumnText& t, const std::string& file, int line, LogicalLine* out,
                     Diagnostics* diags) {
  ColumnText c = t;
  c.TrimTrailingBlanks();
  if (c.s.empty()) return false;
  *out = LogicalLine{};
  out->file = file;
  out->line = line;
  out->raw = c.s;
  out->raw_column = c.col;
  Tokenize(out, diags);
  return !out->tokens.empty();
}

std::vector<SourceLine> ReadSourceLines(std::string_view text, const std::string& file,
                                        Diagnostics* diags) {
  std::vector<SourceLine> out;
  std::size_t pos = 0;
  int line = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    ++line;
    std::string_view physical = text.substr(pos, end - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;

    // fgets() with keepalived's buffer: long lines arrive in pieces.
    for (std::size_t piece = 0; piece == 0 || piece < physical.size(); piece += kMaxLineBytes) {
      std::string_view chunk = physical.substr(piece, kMaxLineBytes);
      // The C string ends at the first NUL byte.
      std::size_t nul = chunk.find('\0');
      if (nul != std::string_view::npos) chunk = chunk.substr(0, nul);
      while (!chunk.empty() && (chunk.back() == '\r' || chunk.back() == '\n'))
        chunk.remove_suffix(1);
      SourceLine sl;
      sl.line = line;
      if (chunk.empty()) {
        sl.empty_physical = true;
        out.push_back(std::move(sl));
        if (physical.empty()) break;
        continue;
      }
      sl.text.s.assign(chunk);
      sl.text.col.resize(chunk.size());
      for (std::size_t i = 0; i < chunk.size(); ++i)
        sl.text.col[i] = static_cast<int>(piece + i + 1);
      Decomment(&sl.text, file, line, diags);
      out.push_back(std::move(sl));
    }
  }
  return out;
}

Location LogicalLine::Where(std::size_t token_index) const {
  int col = 1;
  if (token_index < tokens.size())
    col = tokens[token_index].column;
  else if (!tokens.empty())
    col = tokens.back().column + static_cast<int>(tokens.back().text.size());
  return {file, line, col};
}

std::string LogicalLine::RestFrom(std::size_t index) const {
  if (index >= tokens.size()) return "";
  return raw.substr(tokens[index].offset);
}

std::vector<LogicalLine> LexFile(std::string_view text, const std::string& file,
                                 Diagnostics* diags) {
  std::vector<LogicalLine> out;
  for (SourceLine& sl : ReadSourceLines(text, file, diags)) {
    ColumnText t = std::move(sl.text);
    ColumnText rest;
    while (true) {
      bool more = SplitAtBrace(&t, &rest);
      EmitLogical(t, file, sl.line, &out, diags);
      if (!more) break;
      t = std::move(rest);
      rest = ColumnText{};
    }
  }
  return out;
}

bool SplitCommandWords(std::string_view src, std::vector<std::string>* words) {
  words->clear();
  std::size_t p = 0;
  char quote = 0;
  while (p < src.size()) {
    while (p < src.size() && IsWhite(src[p])) ++p;
    if (p >= src.size()) break;
    std::string word;
    while (p < src.size()) {
      char c = src[p];
      if (quote) {
        if (c == quote) {
          quote = 0;
          ++p;
          continue;
        }
      } else if (IsWhite(c)) {
        break;
      } else if (c == '"' || c == '\'') {
        quote = c;
        ++p;
        continue;
      }
      if (c != '\\') {
        word.push_back(c);
        ++p;
        continue;
      }
      // Backslash escape.
      ++p;
      if (p >= src.size()) return false;
      char e = src[p];
      if (e == 'x' && p + 1 < src.size() && std::isxdigit(static_cast<unsigned char>(src[p + 1]))) {
        unsigned v = 0;
        ++p;
        while (p < src.size() && std::isxdigit(static_cast<unsigned char>(src[p]))) {
          char h = src[p++];
          v = (v << 4) | static_cast<unsigned>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        word.push_back(static_cast<char>(v & 0xff));
      } else if (e == 'c' && p + 1 < src.size()) {
        word.push_back(static_cast<char>(src[p + 1] & 0x1f));
        p += 2;
      } else if (e >= '0' && e <= '7') {
        unsigned v = 0;
        for (int i = 0; i < 3 && p < src.size() && src[p] >= '0' && src[p] <= '7'; ++i)
          v = (v << 3) + static_cast<unsigned>(src[p++] - '0');
        word.push_back(static_cast<char>(v & 0xff));
      } else {
        switch (e) {
          case 'a':
            word.push_back('\a');
            break;
          case 'b':
            word.push_back('\b');
            break;
          case 'E':
            word.push_back('\x1b');
            break;
          case 'f':
            word.push_back('\f');
            break;
          case 'n':
            word.push_back('\n');
            break;
          case 'r':
            word.push_back('\r');
            break;
          case 't':
            word.push_back('\t');
            break;
          case 'v':
            word.push_back('\v');
            break;
          default:
            word.push_back(e);
            break;
        }
        ++p;
      }
    }
    if (quote) return false;
    words->push_back(std::move(word));
  }
  return true;
}

}  // namespace vrrp

// Lexical rules (R80) as keepalived 2.2.7 applies them; every case here was
// checked with `keepalived -t` where the behaviour is observable.
#include "engine/config/lexer.h"

#include <gtest/gtest.h>

namespace vrrp {
namespace {

std::vector<std::vector<std::string>> Words(std::string_view text, Diagnostics* diags = nullptr) {
  Diagnostics local;
  std::vector<std::vector<std::string>> out;
  for (const auto& l : LexFile(text, "t.conf", diags ? diags : &local)) {
    std::vector<std::string> w;
    for (const auto& t : l.tokens) w.push_back(t.text);
    out.push_back(w);
  }
  return out;
}

using W = std::vector<std::vector<std::string>>;

TEST(LexerTest, SplitsOnWhitespace) {
  EXPECT_EQ(Words("  priority\t100  \n"), (W{{"priority", "100"}}));
}

TEST(LexerTest, BlankAndCommentOnlyLinesVanish) { EXPECT_EQ(Words("\n   \n# x\n! y\n\r\n"), W{}); }

TEST(LexerTest, HashAndBangStartCommentsAnywhere) {
  EXPECT_EQ(Words("interface eth0 # primary\npriority 100! bang"),
            (W{{"interface", "eth0"}, {"priority", "100"}}));
}

TEST(LexerTest, SlashSlashIsNotAComment) {
  EXPECT_EQ(Words("interface eth0 // primary"), (W{{"interface", "eth0", "//", "primary"}}));
}

TEST(LexerTest, EscapedCommentCharactersAreKept) {
  EXPECT_EQ(Words("auth_pass a\\#b\\!c"), (W{{"auth_pass", "a#b!c"}}));
}

TEST(LexerTest, DoubleQuotesGroupAndProtectComments) {
  EXPECT_EQ(Words("script \"/bin/x # not a comment\" # comment"),
            (W{{"script", "/bin/x # not a comment"}}));
}

TEST(LexerTest, SingleQuotesDoNotGroupWords) {
  // keepalived 2.2.7: `priority 'x y'` reports "invalid number ''x'".
  EXPECT_EQ(Words("priority 'x y'"), (W{{"priority", "'x", "y'"}}));
}

TEST(LexerTest, TrailingBackslashDoesNotJoinLines) {
  // keepalived 2.2.7 reports "Unknown keyword 'virtual_router_id\'" and "'51'".
  EXPECT_EQ(Words("virtual_router_id \\\n  51"), (W{{"virtual_router_id\\"}, {"51"}}));
}

TEST(LexerTest, BracesBecomeLinesOfTheirOwn) {
  EXPECT_EQ(Words("virtual_ipaddress { 10.0.0.1/24 }"),
            (W{{"virtual_ipaddress"}, {"{"}, {"10.0.0.1/24"}, {"}"}}));
  EXPECT_EQ(Words("track_script {chk}"), (W{{"track_script"}, {"{"}, {"chk"}, {"}"}}));
  EXPECT_EQ(Words("}}"), (W{{"}"}, {"}"}}));
}

TEST(LexerTest, BracesInsideQuotesStayInTheWord) {
  EXPECT_EQ(Words("notify \"/bin/x {a}\""), (W{{"notify", "/bin/x {a}"}}));
}

TEST(LexerTest, ColumnsPointAtTheOriginalText) {
  Diagnostics d;
  auto lines = LexFile("  a\\#b  c { d", "f", &d);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].tokens[0].column, 3);
  EXPECT_EQ(lines[0].tokens[1].column, 9);
  EXPECT_EQ(lines[1].tokens[0].column, 11);
  EXPECT_EQ(lines[2].tokens[0].column, 13);
  EXPECT_EQ(lines[2].line, 1);
}

TEST(LexerTest, UnterminatedQuoteIsReported) {
  Diagnostics d;
  auto w = Words("interface \"eth0", &d);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "Unterminated quote 'interface \"eth0'");
  EXPECT_EQ(d[1].message, "Unmatched quote: 'interface \"eth0'");
  EXPECT_EQ(w, (W{{"interface"}}));
}

TEST(LexerTest, NulEndsTheLineAndCrIsStripped) {
  EXPECT_EQ(Words(std::string("a b\0c d\r\ne", 11)), (W{{"a", "b"}, {"e"}}));
}

TEST(LexerTest, LongLinesArriveInPieces) {
  std::string text = "k " + std::string(2000, 'x');
  Diagnostics d;
  auto lines = LexFile(text, "f", &d);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].tokens[1].text.size(), kMaxLineBytes - 2);
  EXPECT_EQ(lines[1].tokens[0].column, static_cast<int>(kMaxLineBytes) + 1);
}

TEST(LexerTest, RestFromKeepsTheRawText) {
  Diagnostics d;
  auto lines = LexFile("notify_master \"/bin/x a\" root  # c", "f", &d);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].RestFrom(1), "\"/bin/x a\" root");
}

TEST(SplitCommandWordsTest, QuotesAndEscapes) {
  std::vector<std::string> w;
  ASSERT_TRUE(SplitCommandWords("'/bin/a b' \"c\\\"d\" e\\x41\\101\\n", &w));
  EXPECT_EQ(w, (std::vector<std::string>{"/bin/a b", "c\"d", "eAA\n"}));
  EXPECT_FALSE(SplitCommandWords("'open", &w));
  EXPECT_FALSE(SplitCommandWords("trailing\\", &w));
}

}  // namespace
}  // namespace vrrp

// Durations and time references as written in scenario files.
#include <cctype>
#include <cstdio>
#include <limits>

#include "sim/scenario/scenario.h"

namespace vsim {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsLabelStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsLabelChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

}  // namespace

std::optional<Duration> ParseDuration(std::string_view text, std::string* error) {
  std::string_view s = Trim(text);
  if (s == "0") return Duration{0};
  std::size_t i = 0;
  std::uint64_t whole = 0;
  std::size_t digits = 0;
  constexpr std::uint64_t kCap = std::numeric_limits<std::int64_t>::max() / 10;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    if (whole > kCap) {
      *error = "duration '" + std::string(s) + "' is too large";
      return std::nullopt;
    }
    whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
    ++i;
    ++digits;
  }
  std::string frac;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) frac += s[i++];
    if (frac.empty()) digits = 0;
  }
  if (digits == 0) {
    *error =
        "expected a duration such as 500us, 250ms, 1.5s, 2min or 1h, got '" + std::string(s) + "'";
    return std::nullopt;
  }
  std::string_view unit = Trim(s.substr(i));
  std::int64_t scale = 0;
  if (unit == "us" || unit == "µs")
    scale = 1;
  else if (unit == "ms")
    scale = 1000;
  else if (unit == "s")
    scale = 1000000;
  else if (unit == "min")
    scale = 60LL * 1000000;
  else if (unit == "h")
    scale = 3600LL * 1000000;
  else if (unit == "d")
    scale = 86400LL * 1000000;
  if (scale == 0) {
    if (unit.empty())
      *error = "duration '" + std::string(s) + "' needs a unit (us, ms, s, min, h, d)";
    else if (unit == "m")
      *error = "ambiguous unit 'm' in '" + std::string(s) + "': write 'min' or 'ms'";
    else
      *error = "unknown unit '" + std::string(unit) + "' in '" + std::string(s) +
               "' (expected us, ms, s, min, h or d)";
    return std::nullopt;
  }
  if (frac.size() > 12) {
    *error = "too many decimals in '" + std::string(s) + "'";
    return std::nullopt;
  }
  const std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (whole > limit / static_cast<std::uint64_t>(scale)) {
    *error = "duration '" + std::string(s) + "' is too large";
    return std::nullopt;
  }
  std::uint64_t us = whole * static_cast<std::uint64_t>(scale);
  // Fraction: exact in integer arithmetic, must be whole microseconds.
  std::uint64_t num = 0, den = 1;
  for (char c : frac) {
    num = num * 10 + static_cast<std::uint64_t>(c - '0');
    den *= 10;
  }
  // num/den * scale: scale <= 8.64e10 and num < 1e12 can overflow 64 bits;
  // reduce with the common powers of ten first.
  std::uint64_t sc = static_cast<std::uint64_t>(scale);
  while (den > 1 && sc % 10 == 0) {
    sc /= 10;
    den /= 10;
  }
  if (num != 0 && sc > std::numeric_limits<std::uint64_t>::max() / num) {
    *error = "duration '" + std::string(s) + "' is too large";
    return std::nullopt;
  }
  const std::uint64_t fr = num * sc;
  if (fr % den != 0) {
    *error = "duration '" + std::string(s) + "' is not a whole number of microseconds";
    return std::nullopt;
  }
  if (us > limit - fr / den) {
    *error = "duration '" + std::string(s) + "' is too large";
    return std::nullopt;
  }
  us += fr / den;
  return static_cast<Duration>(us);
}

std::optional<TimeRef> ParseTimeRef(std::string_view text, std::string* error) {
  std::string_view s = Trim(text);
  TimeRef ref;
  ref.text = std::string(s);
  if (s.empty()) {
    *error = "expected a time (e.g. 8s) or '<id> + <duration>', got an empty value";
    return std::nullopt;
  }
  if (!IsLabelStart(s[0])) {
    auto d = ParseDuration(s, error);
    if (!d) return std::nullopt;
    ref.offset = *d;
    return ref;
  }
  std::size_t i = 0;
  while (i < s.size() && IsLabelChar(s[i])) ++i;
  ref.label = std::string(s.substr(0, i));
  std::string_view rest = Trim(s.substr(i));
  if (rest.empty()) return ref;
  const char op = rest[0];
  if (op != '+' && op != '-') {
    *error = "expected '+ <duration>' or '- <duration>' after '" + ref.label + "' in '" +
             std::string(s) + "'";
    return std::nullopt;
  }
  auto d = ParseDuration(rest.substr(1), error);
  if (!d) return std::nullopt;
  ref.offset = op == '+' ? *d : -*d;
  return ref;
}

const char* ExpectKindName(ExpectKind k) {
  switch (k) {
    case ExpectKind::kState:
      return "state";
    case ExpectKind::kMaster:
      return "master";
    case ExpectKind::kVip:
      return "vip";
    case ExpectKind::kPriority:
      return "priority";
    case ExpectKind::kNoSplitBrain:
      return "no_split_brain";
    case ExpectKind::kSplitBrain:
      return "split_brain";
    case ExpectKind::kFailover:
      return "failover";
    case ExpectKind::kVipDowntime:
      return "vip_downtime";
    case ExpectKind::kFlaps:
      return "flaps";
    case ExpectKind::kConverges:
      return "converges";
    case ExpectKind::kTransitions:
      return "transitions";
    case ExpectKind::kFinal:
      return "final";
    case ExpectKind::kClient:
      return "client";
    case ExpectKind::kVipAvailable:
      return "vip_available";
    case ExpectKind::kNoFlapping:
      return "no_flapping";
  }
  return "?";
}

int Scenario::FindNode(std::string_view n) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == n) return static_cast<int>(i);
  return -1;
}

bool ValidName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_') return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  return true;
}

std::optional<Time> Scenario::LabelTime(std::string_view label) const {
  for (const auto& op : timeline)
    if (op.label == label) return op.at;
  return std::nullopt;
}

}  // namespace vsim

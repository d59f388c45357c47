// Quoting input in a message: a message names the offending value, but a
// hostile file's value can be megabytes long (a 50 MB scenario name), and a
// message must not cost more than the refusal it reports.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vsim {

inline constexpr std::size_t kMaxQuotedBytes = 100;

// `text` itself when it is at most `max` bytes; otherwise its first bytes (cut
// at a UTF-8 character boundary) and "... (N bytes)".
std::string Clip(std::string_view text, std::size_t max = kMaxQuotedBytes);

// `message` with every '...'-quoted part longer than `max` bytes clipped: the
// safety net of a reader whose messages quote what they refuse.
std::string ClipQuoted(std::string message, std::size_t max = kMaxQuotedBytes);

}  // namespace vsim

#include "sim/core/clip.h"

namespace vsim {

std::string Clip(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string ClipQuoted(std::string message, std::size_t max) {
  if (message.size() <= max) return message;
  std::string out;
  std::size_t pos = 0;
  while (pos < message.size()) {
    const std::size_t open = message.find('\'', pos);
    const std::size_t close =
        open == std::string::npos ? std::string::npos : message.find('\'', open + 1);
    if (close == std::string::npos) {
      out.append(message, pos, std::string::npos);
      break;
    }
    out.append(message, pos, open + 1 - pos);
    out += Clip(std::string_view(message).substr(open + 1, close - open - 1), max);
    out += '\'';
    pos = close + 1;
  }
  // Whatever is still long (an unquoted value): its head and its size.
  return out.size() > 16 * max ? Clip(out, 16 * max) : out;
}

}  // namespace vsim

#include "engine/ipv4.h"

#include <arpa/inet.h>

namespace vrrp {

std::optional<Ipv4> Ipv4::Parse(std::string_view text) {
  std::uint32_t result = 0;
  int octets = 0;
  std::size_t i = 0;
  while (octets < 4) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
    std::uint32_t octet = 0;
    int digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      octet = octet * 10 + static_cast<std::uint32_t>(text[i] - '0');
      if (++digits > 3 || octet > 255) return std::nullopt;
      ++i;
    }
    result = (result << 8) | octet;
    ++octets;
    if (octets < 4) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return Ipv4(result);
}

std::string Ipv4::ToString() const {
  std::string out;
  out.reserve(15);
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += std::to_string((value >> shift) & 0xff);
    if (shift) out += '.';
  }
  return out;
}

bool IsIpv6Literal(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

bool IsIpv6Multicast(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET6, text.c_str(), buf) == 1 && buf[0] == 0xff;
}

}  // namespace vrrp

#include "engine/ip_address.h"

#include <arpa/inet.h>

namespace vrrp {

std::array<std::uint8_t, 16> IpAddress::bytes() const {
  std::array<std::uint8_t, 16> b{};
  const int words = is_v4() ? 1 : 4;
  for (int i = 0; i < words; ++i) {
    b[4 * i] = static_cast<std::uint8_t>(w_[i] >> 24);
    b[4 * i + 1] = static_cast<std::uint8_t>(w_[i] >> 16);
    b[4 * i + 2] = static_cast<std::uint8_t>(w_[i] >> 8);
    b[4 * i + 3] = static_cast<std::uint8_t>(w_[i]);
  }
  return b;
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.find(':') == std::string_view::npos) {
    std::optional<Ipv4> a = Ipv4::Parse(text);
    if (!a) return std::nullopt;
    return IpAddress(*a);
  }
  if (text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);  // inet_pton needs a terminated string
  std::array<std::uint8_t, 16> b{};
  if (inet_pton(AF_INET6, s.c_str(), b.data()) != 1) return std::nullopt;
  return V6(b);
}

std::string IpAddress::ToString() const {
  if (is_v4()) return v4().ToString();
  const std::array<std::uint8_t, 16> b = bytes();
  char out[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(AF_INET6, b.data(), out, sizeof out) == nullptr) return "::";
  return out;
}

}  // namespace vrrp

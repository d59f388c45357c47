// One address type for IPv4 and IPv6: every address that flows through the
// engine (configuration, adverts, actions, run-time state) is a vrrp::IpAddress.
//
// The representation is four 32-bit words in host order, most significant
// first, plus the family: an IPv4 address is word 0 (the same host-order
// integer as Ipv4::value, so IPv4 code reads it without conversion) with the
// other three words zero; an IPv6 address is its 16 bytes as four big-endian
// words. Ordering compares the family, then the words in order, which is
// keepalived 2.2.7's rule for the equal-priority tie-break (R17) for both
// families: unsigned host-order integers for IPv4, and for IPv6 memcmp() of
// the 16 network-order bytes (the same order as the four words compared most
// significant first).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "engine/ipv4.h"

namespace vrrp {

enum class IpFamily : std::uint8_t { kV4 = 4, kV6 = 6 };

class IpAddress {
 public:
  constexpr IpAddress() = default;  // 0.0.0.0
  // IPv4 converts implicitly: an Ipv4 is an IpAddress of family kV4.
  constexpr IpAddress(Ipv4 a) : w_{a.value, 0, 0, 0} {}  // NOLINT(google-explicit-constructor)

  // An IPv6 address from its 16 network-order bytes.
  static constexpr IpAddress V6(const std::array<std::uint8_t, 16>& b) {
    IpAddress r;
    for (int i = 0; i < 4; ++i)
      r.w_[i] = (std::uint32_t{b[4 * i]} << 24) | (std::uint32_t{b[4 * i + 1]} << 16) |
                (std::uint32_t{b[4 * i + 2]} << 8) | b[4 * i + 3];
    r.family_ = IpFamily::kV6;
    return r;
  }
  // An IPv6 address from its four 32-bit words, most significant first.
  static constexpr IpAddress V6Words(std::uint32_t a, std::uint32_t b, std::uint32_t c,
                                     std::uint32_t d) {
    IpAddress r;
    r.w_[0] = a;
    r.w_[1] = b;
    r.w_[2] = c;
    r.w_[3] = d;
    r.family_ = IpFamily::kV6;
    return r;
  }

  constexpr IpFamily family() const { return family_; }
  constexpr bool is_v4() const { return family_ == IpFamily::kV4; }
  constexpr bool is_v6() const { return family_ == IpFamily::kV6; }
  // REQUIRES: is_v4().
  constexpr Ipv4 v4() const { return Ipv4(w_[0]); }
  // Word i (0..3) in host order; for IPv4 word 0 is the address.
  constexpr std::uint32_t word(int i) const { return w_[i]; }
  // The address as on the wire: 4 bytes (IPv4) or 16 (IPv6).
  std::array<std::uint8_t, 16> bytes() const;
  constexpr std::size_t byte_length() const { return is_v4() ? 4 : 16; }

  // ff00::/8 or 224.0.0.0/4.
  constexpr bool is_multicast() const {
    return is_v4() ? (w_[0] >> 28) == 0xe : (w_[0] >> 24) == 0xff;
  }
  // fe80::/10 (IPv6 only).
  constexpr bool is_link_local_v6() const { return is_v6() && (w_[0] >> 22) == (0xfe80u >> 6); }
  constexpr bool is_zero() const { return (w_[0] | w_[1] | w_[2] | w_[3]) == 0; }

  // A dotted quad (exactly Ipv4::Parse) or an IPv6 literal (inet_pton's
  // syntax); nullopt for anything else.
  static std::optional<IpAddress> Parse(std::string_view text);
  // Dotted quad, or RFC 5952 text (inet_ntop's form: lower case, longest run
  // of zero words compressed).
  std::string ToString() const;

  // Every byte of an IpAddress is a member (the padding after the family is
  // one, always zero), so equality is one 20-byte compare: no branch per
  // word, which matters where adverts are compared whole (the simulator's
  // per-instance encoding memo compares one per advert sent).
  friend constexpr bool operator==(const IpAddress& a, const IpAddress& b) {
    if (std::is_constant_evaluated())
      return a.w_[0] == b.w_[0] && a.w_[1] == b.w_[1] && a.w_[2] == b.w_[2] && a.w_[3] == b.w_[3] &&
             a.family_ == b.family_;
    return ((Load64(a, 0) ^ Load64(b, 0)) | (Load64(a, 8) ^ Load64(b, 8)) |
            (Load32(a, 16) ^ Load32(b, 16))) == 0;
  }
  friend constexpr bool operator==(const IpAddress& a, const Ipv4& b) { return a == IpAddress(b); }
  friend constexpr std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b) {
    if (a.family_ != b.family_) return a.family_ <=> b.family_;
    for (int i = 0; i < 4; ++i)
      if (a.w_[i] != b.w_[i]) return a.w_[i] <=> b.w_[i];
    return std::strong_ordering::equal;
  }

 private:
  // Byte `at` onwards of x's representation as an integer (memcpy: no
  // aliasing question; compilers make it one load).
  static std::uint64_t Load64(const IpAddress& x, std::size_t at) {
    std::uint64_t v;
    std::memcpy(&v, reinterpret_cast<const unsigned char*>(&x) + at, sizeof v);
    return v;
  }
  static std::uint32_t Load32(const IpAddress& x, std::size_t at) {
    std::uint32_t v;
    std::memcpy(&v, reinterpret_cast<const unsigned char*>(&x) + at, sizeof v);
    return v;
  }

  std::uint32_t w_[4] = {0, 0, 0, 0};
  IpFamily family_ = IpFamily::kV4;
  // Explicit padding, never written: see operator== (which reads it as bytes).
  [[maybe_unused]] std::uint8_t zero_[3] = {0, 0, 0};
};

// keepalived's VRRP groups: 224.0.0.18 and ff02::12 (R55).
inline constexpr IpAddress kVrrpMulticastGroup6 = IpAddress::V6Words(0xff020000, 0, 0, 0x12);

static_assert(sizeof(IpAddress) == 20 && std::has_unique_object_representations_v<IpAddress>,
              "IpAddress has padding: operator== compares its bytes");

}  // namespace vrrp

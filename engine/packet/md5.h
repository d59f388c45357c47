// MD5 (RFC 1321) and HMAC-MD5 (RFC 2104), only for the ICV of the IPsec AH
// header keepalived puts on `auth_type AH` adverts (HMAC-MD5-96, RFC 2403).
// Not for any security purpose: AH authentication is long deprecated and
// vrrpsim only needs to reproduce keepalived's bytes.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace vrrp {

using Md5Digest = std::array<std::uint8_t, 16>;

// Incremental MD5.
class Md5 {
 public:
  Md5();
  void Update(std::span<const std::uint8_t> data);
  // Finishes the hash; the object must not be used afterwards.
  Md5Digest Final();

 private:
  void Block(const std::uint8_t* p);

  std::array<std::uint32_t, 4> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::uint64_t length_ = 0;  // bytes hashed so far
};

Md5Digest Md5Of(std::span<const std::uint8_t> data);

// HMAC-MD5 of `data`; keys longer than 64 bytes are hashed first (RFC 2104).
Md5Digest HmacMd5(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

}  // namespace vrrp

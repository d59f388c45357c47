// Fuzz target: the VRRP packet codec (engine/packet).
//
// Invariants: DecodeIpv4 never reads outside the buffer (ASan) and accepts any
// byte sequence; its facts agree with the bytes it was given; a decoded
// advert re-encodes (EncodeIpv4) into a datagram that decodes to the same
// fields with good checksums; Describe and VerifyAhIcv accept anything.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/packet/vrrp_packet.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const vrrp::DecodedPacket d = vrrp::DecodeIpv4(bytes);
  VFUZZ_CHECK(d.received_length == size, "received_length");
  (void)vrrp::VerifyAhIcv(bytes, bytes.first(size < 8 ? size : 8));
  if (!d.ok()) return 0;

  const vrrp::VrrpAdvert& a = d.advert;
  VFUZZ_CHECK(d.ip_header_length >= vrrp::kIpv4HeaderLength && d.ip_header_length <= size,
              std::to_string(d.ip_header_length));
  VFUZZ_CHECK(a.addresses.size() <= a.count, "more addresses than the count field");
  VFUZZ_CHECK(a.version <= 15 && a.type <= 15, "nibbles");
  if (d.addresses_complete) VFUZZ_CHECK(a.addresses.size() == a.count, "addresses_complete");
  (void)vrrp::Describe(a);

  // Round trip: what we would send for these fields decodes to them.
  if (a.version != 2 && a.version != 3) return 0;
  vrrp::VrrpAdvert b = a;
  b.count = static_cast<std::uint8_t>(b.addresses.size());
  if (b.version == 3) b.adver_int &= 0x0fff;
  const std::vector<std::uint8_t> out = vrrp::EncodeIpv4(b);
  const vrrp::DecodedPacket e = vrrp::DecodeIpv4(out);
  VFUZZ_CHECK(e.ok(), vrrp::DecodeErrorName(e.error));
  VFUZZ_CHECK(e.checksum_ok && e.ip_checksum_ok, vrrp::Describe(b));
  VFUZZ_CHECK(e.addresses_complete, vrrp::Describe(b));
  const vrrp::VrrpAdvert& c = e.advert;
  VFUZZ_CHECK(c.version == b.version && c.vrid == b.vrid && c.priority == b.priority &&
                  c.count == b.count && c.addresses == b.addresses && c.src == b.src &&
                  c.dst == b.dst && c.ttl == b.ttl && c.ip_id == b.ip_id,
              vrrp::Describe(b) + " != " + vrrp::Describe(c));
  if (b.version == 3) VFUZZ_CHECK(c.adver_int == b.adver_int, vrrp::Describe(c));
  return 0;
}

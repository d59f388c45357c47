// TEMPORARY: the codec (engine/packet) has not landed yet, so DecodeIpv4 has
// no definition. A weak stand-in lets the test binary link; the real, strong
// definition wins as soon as the codec is in. Remove once it has landed.
#include "engine/packet/vrrp_packet.h"

namespace vrrp {
__attribute__((weak)) DecodedPacket DecodeIpv4(std::span<const std::uint8_t> datagram) {
  DecodedPacket p;
  p.error = DecodeError::kTruncatedIpHeader;
  p.received_length = datagram.size();
  return p;
}
}  // namespace vrrp

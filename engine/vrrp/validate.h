// Receive-side validation of an advertisement (R13), in keepalived 2.2.7's
// order and with its log wording.
#pragma once

#include <cstdint>
#include <string>

#include "engine/config/model.h"
#include "engine/packet/vrrp_packet.h"

namespace vrrp {

struct ValidateOptions {
  // Run the "VIP checking" rows (address count, address list, unicast
  // source). Always true in MASTER; in BACKUP false only with
  // skip_check_adv_addr and the sender being the last accepted master.
  bool check_vip_addr = true;
  // Global vrrp_check_unicast_src.
  bool global_check_unicast_src = false;

  // Row 8 (AH) can only be checked when the raw datagram was received (the
  // bytes path): then `ah_checked` is set, `ah_icv_ok` says whether the
  // HMAC-MD5-96 ICV verified, and `ah_rx_seq` is the instance's replay
  // counter, advanced to every newer sequence number seen.
  bool ah_checked = false;
  bool ah_icv_ok = false;
  std::uint32_t* ah_rx_seq = nullptr;
};

// Returns true if `pkt` passes every check for instance `cfg`. On failure,
// when `log` is non-null, *log receives the line keepalived prints (prefixed
// "(<instance>) "). Does not allocate unless it writes a log line.
// REQUIRES: pkt.ok().
bool ValidateAdvert(const VrrpInstance& cfg, const DecodedPacket& pkt,
                    const ValidateOptions& options, std::string* log);

}  // namespace vrrp

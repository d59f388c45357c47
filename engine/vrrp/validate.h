// Receive-side validation of an advertisement (R13), in keepalived 2.2.7's
// order and with its log wording.
#pragma once

#include <algorithm>
#include <cstddef>
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

// Lengths ValidateAdvert checks the received length against.
inline constexpr std::size_t kAdvertHeaderBytes = 8;  // VRRP header
inline constexpr std::size_t kV2AuthBytes = 8;        // v2 authentication data

// ValidateAdvert's common case in a few comparisons: for a multicast
// instance without AH or PASS authentication whose VIPs all fit in an
// advert, a well-formed advert carrying exactly the instance's own version,
// authentication type, interval and address list (its peers' adverts, when
// their configurations agree) passes every check; the receive path of a
// backup tries this first. The summary is taken once per configuration.
struct QuickValidation {
  bool usable = false;
  std::uint8_t version = 2;       // cfg.version (here, so the check reads one cache line less)
  std::uint16_t v2_interval = 0;  // v2: the interval field (seconds) the checks accept
};
QuickValidation QuickValidationFor(const VrrpInstance& cfg);

// True only if ValidateAdvert(cfg, pkt, options with `check_vip_addr`) would
// be true, where `q` = QuickValidationFor(cfg) and `own` is an advert with
// cfg's version, authentication type and VIPs (the instance's own template);
// false says nothing. REQUIRES: pkt.ok(), pkt.plain == PlainShape(pkt).
inline bool SurelyValid(const QuickValidation& q, const VrrpAdvert& own, const DecodedPacket& pkt,
                        bool check_vip_addr) {
  const VrrpAdvert& a = pkt.advert;
  return q.usable && pkt.plain && a.version == q.version &&
         (a.version == 3 || a.adver_int == q.v2_interval) &&
         (!check_vip_addr ||
          (a.count == own.addresses.size() &&
           std::equal(own.addresses.begin(), own.addresses.end(), a.addresses.begin())));
}

// Returns true if `pkt` passes every check for instance `cfg`. On failure,
// when `log` is non-null, *log receives the line keepalived prints (prefixed
// "(<instance>) "). Does not allocate unless it writes a log line.
// REQUIRES: pkt.ok().
bool ValidateAdvert(const VrrpInstance& cfg, const DecodedPacket& pkt,
                    const ValidateOptions& options, std::string* log);

}  // namespace vrrp

#include "engine/vrrp/validate.h"

#include <cassert>
#include <cstdint>
#include <string_view>

#include "engine/time.h"

namespace vrrp {

namespace {

constexpr std::size_t kVrrpHeaderLength = kAdvertHeaderBytes;
constexpr std::size_t kV2AuthLength = kV2AuthBytes;
constexpr std::size_t kAhHeaderLength = 24;  // RFC 2402 header as keepalived sends it

// A number or an address in a log line, formatted only when the line is
// wanted: an advert that fails validation is not rare (a peer with another
// advert_int fails every advert), and with logs off nothing may be built.
struct Num {
  std::int64_t v;
  explicit Num(std::int64_t value) : v(value) {}
};
struct Addr {
  IpAddress a;
};

void Append(std::string* log, std::string_view s) { log->append(s); }
void Append(std::string* log, Num n) { log->append(std::to_string(n.v)); }
void Append(std::string* log, Addr a) { log->append(a.a.ToString()); }

// Writes "(<inst>) <text>" into *log if logging; returns false so callers can
// `return Fail(...)`.
template <typename... Parts>
bool Fail(std::string* log, const VrrpInstance& cfg, const Parts&... parts) {
  if (log != nullptr) {
    log->clear();
    log->append("(").append(cfg.name).append(") ");
    (Append(log, parts), ...);
  }
  return false;
}

std::uint32_t ByteSwap(std::uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

bool PasswordMatches(const VrrpInstance& cfg, const VrrpAdvert& adv) {
  // keepalived compares exactly 8 bytes of the zero-padded password.
  for (std::size_t i = 0; i < adv.auth_data.size(); ++i) {
    const std::uint8_t want =
        i < cfg.auth_pass.size() ? static_cast<std::uint8_t>(cfg.auth_pass[i]) : 0;
    if (adv.auth_data[i] != want) return false;
  }
  return true;
}

bool ContainsAddress(const VrrpAdvert& adv, const IpAddress& addr) {
  for (const IpAddress& a : adv.addresses)
    if (a == addr) return true;
  return false;
}

}  // namespace

QuickValidation QuickValidationFor(const VrrpInstance& cfg) {
  QuickValidation q;
  // Unicast instances check TTL ranges and sources; AH and PASS compare
  // more than the template holds; a v2 interval that is no whole number of
  // seconds matches no interval field; more VIPs than an advert carries
  // would not all be in the template.
  q.usable =
      !cfg.is_unicast() && cfg.vips.size() <= static_cast<std::size_t>(kMaxVrrpAddresses) &&
      cfg.auth_type != AuthType::kAh &&  // row 1 wants an AH header even in v3
      (cfg.version == 3 || (cfg.version == 2 && cfg.auth_type == AuthType::kNone &&
                            cfg.advert_int % kSecond == 0 && cfg.advert_int / kSecond <= 0xffff));
  q.version = static_cast<std::uint8_t>(cfg.version);
  if (q.usable && cfg.version == 2)
    q.v2_interval = static_cast<std::uint16_t>(cfg.advert_int / kSecond);
  return q;
}

bool ValidateAdvert(const VrrpInstance& cfg, const DecodedPacket& pkt,
                    const ValidateOptions& options, std::string* log) {
  assert(pkt.ok());
  const VrrpAdvert& adv = pkt.advert;
  // IPv6 (vrrp_packet6.h): keepalived's raw IPv6 socket hands over the VRRP
  // payload only, so its lengths exclude the IPv6 header; addresses are 16
  // bytes and no auth bytes follow, whatever the version; the AH (row 1) and
  // IPv4 total-length (row 12) checks are IPv4 only, and the kernel has
  // already dropped a bad checksum (row 13) without a word.
  const bool v6 = adv.src.is_v6();

  // 1. AH header present iff auth_type AH.
  const bool want_ah = cfg.auth_type == AuthType::kAh && !v6;
  if (pkt.has_ah != want_ah) {
    if (pkt.has_ah) return Fail(log, cfg, "Received AH header but auth type not AH");
    return Fail(log, cfg, "No AH header but auth type is AH");
  }

  // 2. The received length must be exactly what the header announces
  // (computed from the packet's own version and count fields).
  std::size_t expected = pkt.ip_header_length + (want_ah ? kAhHeaderLength : 0) +
                         kVrrpHeaderLength + (v6 ? 16u : 4u) * adv.count +
                         (adv.version == 2 && !v6 ? kV2AuthLength : 0);
  if (pkt.received_length != expected) {
    const std::size_t shown = v6 ? pkt.ip_header_length : 0;
    return Fail(log, cfg, "vrrp packet too ", pkt.received_length > expected ? "long" : "short",
                ", length ", Num(static_cast<std::int64_t>(pkt.received_length - shown)),
                " and expect ", Num(static_cast<std::int64_t>(expected - shown)));
  }

  // 3. TTL 255, not checked for unicast instances.
  if (!cfg.is_unicast() && adv.ttl != 255) {
    return Fail(log, cfg, "invalid TTL/HL. Received ", Num(adv.ttl), " and expect 255");
  }

  // 4. Version.
  if (adv.version != cfg.version) {
    return Fail(log, cfg, "wrong version. Received ", Num(adv.version), " and expect ",
                Num(cfg.version));
  }

  if (cfg.version == 2) {
    // 5-8. Authentication.
    if (adv.auth_type_raw > 2) {
      return Fail(log, cfg, "Invalid auth type: ", Num(adv.auth_type_raw));
    }
    if (adv.auth_type_raw != static_cast<std::uint8_t>(cfg.auth_type)) {
      return Fail(log, cfg, "received a ", Num(adv.auth_type_raw), " auth, expecting ",
                  Num(static_cast<int>(cfg.auth_type)), "!");
    }
    if (cfg.auth_type == AuthType::kPass && !PasswordMatches(cfg, adv)) {
      return Fail(log, cfg, "received an invalid passwd!");
    }
    if (cfg.auth_type == AuthType::kAh && options.ah_checked) {
      if (!options.ah_icv_ok) {
        return Fail(log, cfg,
                    "IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad "
                    "password !");
      }
      if (pkt.ah_spi != adv.src.word(0)) {
        // keepalived prints both as raw network-order words on a
        // little-endian host, and without the instance prefix.
        if (log != nullptr) {
          *log = "IPSEC AH : invalid IPSEC SPI value. " +
                 std::to_string(ByteSwap(adv.src.word(0))) + " and expect " +
                 std::to_string(ByteSwap(pkt.ah_spi));
        }
        return false;
      }
      if (options.ah_rx_seq != nullptr) {
        if (adv.ah_seq > *options.ah_rx_seq) {
          *options.ah_rx_seq = adv.ah_seq;
        } else {
          return Fail(log, cfg, "IPSEC-AH : sequence number ", Num(adv.ah_seq),
                      " already processed. Packet dropped. Local(", Num(*options.ah_rx_seq), ")");
        }
      }
    }

    // 9. v2 advert interval must equal ours.
    if (adv.adver_int * kSecond != cfg.advert_int) {
      return Fail(log, cfg, "advertisement interval mismatch mine=", Num(cfg.advert_int / kSecond),
                  " sec rcv'd=", Num(adv.adver_int), " sec");
    }
  }

  // 10. Type.
  if (adv.type != 1) {
    return Fail(log, cfg, "Invalid packet type. ", Num(adv.type), " and expect 1");
  }

  // 11. Address count.
  if (options.check_vip_addr && adv.count != cfg.vips.size()) {
    return Fail(log, cfg, "received an unexpected ip number count ", Num(adv.count), ", expected ",
                Num(static_cast<std::int64_t>(cfg.vips.size())), "!");
  }

  // 12. IPv4 total length field.
  if (!v6 && pkt.ip_total_length != pkt.received_length) {
    return Fail(log, cfg, "ip_tot_len mismatch against received length. ", Num(pkt.ip_total_length),
                " and received ", Num(static_cast<std::int64_t>(pkt.received_length)));
  }

  // 13. Checksum. keepalived 2.2.7 also accepts, for v3 unicast, the
  // pre-1.3.6 checksum whose pseudo-header always names 224.0.0.18.
  const bool old_unicast_ok = cfg.version == 3 && cfg.is_unicast() && pkt.checksum_ok_old_unicast;
  if (!pkt.checksum_ok && v6) {
    if (log != nullptr) log->clear();  // the kernel's silent drop
    return false;
  }
  if (!pkt.checksum_ok && !old_unicast_ok) {
    return Fail(log, cfg, cfg.version == 3 ? "Invalid VRRPv3 checksum" : "Invalid VRRPv2 checksum");
  }

  // 14. Multicast destination iff multicast instance.
  if (adv.dst.is_multicast() == cfg.is_unicast()) {
    if (cfg.is_unicast())
      return Fail(log, cfg, "Expected unicast packet but received multicast packet");
    return Fail(log, cfg, "Expected multicast packet but received unicast packet");
  }

  if (options.check_vip_addr) {
    // 15. Every configured VIP must be in the advert.
    for (const VirtualAddress& vip : cfg.vips) {
      if (!ContainsAddress(adv, vip.addr)) {
        return Fail(log, cfg, "ip address associated with VRID ", Num(cfg.vrid),
                    " not present in MASTER advert : ", Addr{vip.addr});
      }
    }

    // 16. Unicast source / TTL range.
    bool ttl_range = false;
    for (const UnicastPeer& p : cfg.unicast_peers)
      if (p.min_ttl > 0 || p.max_ttl < 255) ttl_range = true;
    if (cfg.is_unicast() &&
        (cfg.check_unicast_src || options.global_check_unicast_src || ttl_range)) {
      const UnicastPeer* peer = nullptr;
      for (const UnicastPeer& p : cfg.unicast_peers)
        if (p.addr == adv.src) peer = &p;
      if (peer == nullptr) {
        return Fail(log, cfg, "unicast source address ", Addr{adv.src}, " not a unicast peer");
      }
      if (adv.ttl < peer->min_ttl || adv.ttl > peer->max_ttl) {
        return Fail(log, cfg, "TTL/HL ", Num(adv.ttl), " not in range ", Num(peer->min_ttl), " - ",
                    Num(peer->max_ttl));
      }
    }
  }
  return true;
}

}  // namespace vrrp

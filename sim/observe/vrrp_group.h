// A VRRP group as the observers count it: a VRID of one address family.
//
// An IPv4 and an IPv6 instance with the same VRID on the same hosts are two
// VRRP instances that never meet (keepalived gives each family its own
// socket, adverts and virtual MAC: RFC 5798 section 7.3), so the metrics,
// the split-brain detector and the expectations keep them apart. They key
// them by one int, the group key: the VRID for IPv4 (so everything of an
// IPv4-only run reads and prints exactly as before), the VRID plus
// kIpv6GroupFlag for IPv6.
#pragma once

#include <string>

#include "engine/ip_address.h"

namespace vsim {

inline constexpr int kIpv6GroupFlag = 0x100;

constexpr int GroupKey(int vrid, vrrp::IpFamily family) {
  return family == vrrp::IpFamily::kV6 ? vrid | kIpv6GroupFlag : vrid;
}
constexpr int GroupVrid(int key) { return key & ~kIpv6GroupFlag; }
constexpr vrrp::IpFamily GroupFamily(int key) {
  return (key & kIpv6GroupFlag) != 0 ? vrrp::IpFamily::kV6 : vrrp::IpFamily::kV4;
}

// "81" for IPv4, "81 IPv6" for IPv6: what follows "VRID " / "vrid " in text.
inline std::string GroupText(int key) {
  return std::to_string(GroupVrid(key)) + (GroupFamily(key) == vrrp::IpFamily::kV6 ? " IPv6" : "");
}

// Which groups an expectation or query is about: `vrid` 0 = every VRID,
// `family` 0 = both families (else 4 or 6).
struct GroupFilter {
  int vrid = 0;
  int family = 0;
  constexpr bool operator()(int key) const {
    if (vrid != 0 && GroupVrid(key) != vrid) return false;
    if (family == 4) return GroupFamily(key) == vrrp::IpFamily::kV4;
    if (family == 6) return GroupFamily(key) == vrrp::IpFamily::kV6;
    return true;
  }
  constexpr bool all() const { return vrid == 0 && family == 0; }
};

}  // namespace vsim

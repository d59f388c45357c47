#include "engine/config/iproute.h"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>

#include "engine/ipv4.h"

namespace vrrp {

namespace {

bool OneOf(const std::string& s, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return s == n; });
}

// strtoul(s, base 0) over the whole string, truncated to 32 bits as
// keepalived's find_entry() stores it; nullopt when not a number.
std::optional<std::uint32_t> WholeNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  unsigned long v = std::strtoul(s.c_str(), &end, 0);
  if (end == s.c_str() || *end != '\0') return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

bool Entry(const std::string& s, std::uint32_t max, std::initializer_list<const char*> names,
           unsigned* id = nullptr) {
  if (auto n = WholeNumber(s)) {
    if (id != nullptr) *id = *n;
    return *n <= max;
  }
  return OneOf(s, names);
}

}  // namespace

IpText SplitIpText(const std::string& text, bool allow_prefix) {
  IpText r;
  r.family = text.find(':') != std::string::npos ? 6 : 4;
  std::string host = text;
  std::size_t slash = allow_prefix ? text.find('/') : std::string::npos;
  if (slash != std::string::npos) {
    r.has_prefix = true;
    r.prefix = text.substr(slash + 1);
    host = text.substr(0, slash);
  }
  r.valid = r.family == 6 ? IsIpv6Literal(host) : Ipv4::Parse(host).has_value();
  return r;
}

bool RtTableName(const std::string& s) {
  return Entry(s, UINT32_MAX, {"local", "main", "default", "unspec"});
}

bool RtProtoName(const std::string& s, unsigned* id) {
  static const std::pair<const char*, unsigned> kProtos[] = {
      {"unspec", 0},    {"redirect", 1}, {"kernel", 2}, {"boot", 3},   {"static", 4},
      {"gated", 8},     {"ra", 9},       {"mrt", 10},   {"zebra", 11}, {"bird", 12},
      {"dnrouted", 13}, {"xorp", 14},    {"ntk", 15},   {"dhcp", 16},  {"keepalived", 18},
      {"babel", 42},    {"openr", 99},   {"bgp", 186},  {"isis", 187}, {"ospf", 188},
      {"rip", 189},     {"eigrp", 192}};
  if (auto n = WholeNumber(s)) {
    *id = *n & 0xff;
    return *n <= 255;
  }
  for (const auto& [name, v] : kProtos)
    if (s == name) {
      *id = v;
      return true;
    }
  return false;
}

bool RtScopeName(const std::string& s) {
  return Entry(s, 255, {"global", "nowhere", "host", "link", "site"});
}

bool RtDsfieldName(const std::string& s) {
  return Entry(s, 255, {"default", "AF11", "AF12", "AF13", "AF21", "AF22", "AF23",
                        "AF31",    "AF32", "AF33", "AF41", "AF42", "AF43", "CS1",
                        "CS2",     "CS3",  "CS4",  "CS5",  "CS6",  "CS7",  "EF"});
}

bool RtRealmName(const std::string& s) { return Entry(s, 255, {"cosmos"}); }

bool RtGroupName(const std::string& s) { return Entry(s, INT32_MAX, {"default"}); }

bool RtRealms(const std::string& s) {
  std::size_t slash = s.find('/');
  if (slash == std::string::npos) return RtRealmName(s);
  return RtRealmName(s.substr(0, slash)) && RtRealmName(s.substr(slash + 1));
}

bool RtnType(const std::string& s, unsigned* id) {
  static const std::pair<const char*, unsigned> kTypes[] = {
      {"local", 2},     {"nat", 10},      {"broadcast", 3}, {"brd", 3},
      {"anycast", 4},   {"multicast", 5}, {"prohibit", 8},  {"unreachable", 7},
      {"blackhole", 6}, {"xresolve", 11}, {"unicast", 1},   {"throw", 9}};
  for (const auto& [name, v] : kTypes)
    if (s == name) {
      *id = v;
      return true;
    }
  char* end = nullptr;
  unsigned long v = std::strtoul(s.c_str(), &end, 0);
  if (*end != '\0' || v > 255 || (!s.empty() && s[0] == '-')) return false;
  *id = static_cast<unsigned>(v);
  return true;
}

bool IpProtoName(const std::string& s) {
  // Debian 12's /etc/protocols (netbase): names and aliases.
  static const char* const kNames[] = {"ip",
                                       "IP",
                                       "hopopt",
                                       "HOPOPT",
                                       "icmp",
                                       "ICMP",
                                       "igmp",
                                       "IGMP",
                                       "ggp",
                                       "GGP",
                                       "ipencap",
                                       "IP-ENCAP",
                                       "st",
                                       "ST",
                                       "tcp",
                                       "TCP",
                                       "egp",
                                       "EGP",
                                       "igp",
                                       "IGP",
                                       "pup",
                                       "PUP",
                                       "udp",
                                       "UDP",
                                       "hmp",
                                       "HMP",
                                       "xns-idp",
                                       "XNS-IDP",
                                       "rdp",
                                       "RDP",
                                       "iso-tp4",
                                       "ISO-TP4",
                                       "dccp",
                                       "DCCP",
                                       "xtp",
                                       "XTP",
                                       "ddp",
                                       "DDP",
                                       "idpr-cmtp",
                                       "IDPR-CMTP",
                                       "ipv6",
                                       "IPv6",
                                       "ipv6-route",
                                       "IPv6-Route",
                                       "ipv6-frag",
                                       "IPv6-Frag",
                                       "idrp",
                                       "IDRP",
                                       "rsvp",
                                       "RSVP",
                                       "gre",
                                       "GRE",
                                       "esp",
                                       "IPSEC-ESP",
                                       "ah",
                                       "IPSEC-AH",
                                       "skip",
                                       "SKIP",
                                       "ipv6-icmp",
                                       "IPv6-ICMP",
                                       "ipv6-nonxt",
                                       "IPv6-NoNxt",
                                       "ipv6-opts",
                                       "IPv6-Opts",
                                       "rspf",
                                       "RSPF",
                                       "CPHB",
                                       "vmtp",
                                       "VMTP",
                                       "eigrp",
                                       "EIGRP",
                                       "ospf",
                                       "OSPFIGP",
                                       "ax.25",
                                       "AX.25",
                                       "ipip",
                                       "IPIP",
                                       "etherip",
                                       "ETHERIP",
                                       "encap",
                                       "ENCAP",
                                       "pim",
                                       "PIM",
                                       "ipcomp",
                                       "IPCOMP",
                                       "vrrp",
                                       "VRRP",
                                       "l2tp",
                                       "L2TP",
                                       "isis",
                                       "ISIS",
                                       "sctp",
                                       "SCTP",
                                       "fc",
                                       "FC",
                                       "mobility-header",
                                       "Mobility-Header",
                                       "udplite",
                                       "UDPLite",
                                       "mpls-in-ip",
                                       "MPLS-in-IP",
                                       "manet",
                                       "hip",
                                       "HIP",
                                       "shim6",
                                       "Shim6",
                                       "wesp",
                                       "WESP",
                                       "rohc",
                                       "ROHC",
                                       "ethernet",
                                       "Ethernet"};  // mptcp (262) is invalid
  if (std::any_of(std::begin(kNames), std::end(kNames), [&](const char* n) { return s == n; }))
    return true;
  // A number is read into a signed byte: 0..127 (checked with -t).
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
  return s.size() <= 3 && std::atoi(s.c_str()) <= 127;
}

}  // namespace vrrp

// Name tables and address syntax of keepalived 2.2.7's route, rule and
// address readers (static_routes, virtual_routes, static_rules,
// virtual_rules, static_ipaddress, virtual_ipaddress), without messages: the
// reader (parser.cpp) reports what keepalived reports.
//
// keepalived looks names up in iproute2's files on its host (/etc/iproute2/
// rt_tables, rt_protos, rt_scopes, rt_dsfield, rt_realms, group) and protocol
// names with getprotobyname(). The tables here are those of the machine the
// conformance corpus is recorded on (Debian 12, iproute2 6.1, netbase):
// the names of a host with other files differ (docs/conformance.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vrrp {

// An address as keepalived's parse_ipaddress() reads it: the family is IPv6
// when the text holds ':'; with `allow_prefix` a "/N" suffix is split off
// (`prefix` holds its text, `has_prefix` set). `valid` is inet_pton's verdict
// on the address part.
struct IpText {
  int family = 4;  // 4 or 6; 0 for parse_route()'s default/any/all
  bool valid = false;
  bool has_prefix = false;
  std::string prefix;  // the text after '/'
};
IpText SplitIpText(const std::string& text, bool allow_prefix);

// rttables find_entry(): a number (strtoul base 0, whole string) not above
// `max` after truncation to 32 bits, or a name of the table.
bool RtTableName(const std::string& s);  // routing tables (any 32-bit number)
bool RtProtoName(const std::string& s, unsigned* id);
bool RtScopeName(const std::string& s);
bool RtDsfieldName(const std::string& s);
bool RtRealmName(const std::string& s);
bool RtGroupName(const std::string& s);
// `realm` or `from/to` realms.
bool RtRealms(const std::string& s);
// find_rttables_rtntype(): unicast, local, ... or a number 0..255; *id gets the type.
bool RtnType(const std::string& s, unsigned* id);
// The rule ipproto reader: a protocol name or alias (below 256), or a decimal number 0..127.
bool IpProtoName(const std::string& s);

}  // namespace vrrp

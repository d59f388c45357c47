// Loads tests/data/captures/NAME.hex: real keepalived adverts, one IPv4
// datagram (ipv6/NAME: IPv6 packet) per non-comment line, as hex (see
// tests/data/captures/README.md and ipv6/README.md).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace vrrp::testing {

using Bytes = std::vector<std::uint8_t>;

// Parses hex text ("45c0 00 28..."; whitespace ignored). Returns false on a
// bad digit or an odd digit count.
inline bool ParseHex(const std::string& text, Bytes* out) {
  out->clear();
  int hi = -1;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      continue;
    } else {
      return false;
    }
    if (hi < 0) {
      hi = d;
    } else {
      out->push_back(static_cast<std::uint8_t>(hi * 16 + d));
      hi = -1;
    }
  }
  return hi < 0;
}

inline std::string CapturePath(const std::string& name) {
  return std::string(VRRPSIM_TEST_DATA_DIR) + "/captures/" + name + ".hex";
}

// A datagram with its time: the "# +S.SSSs ..." comment line before it
// (seconds from the node's first advert), 0 if none.
struct TimedDatagram {
  double t = 0;
  Bytes bytes;
};

// Every datagram of the capture file with its time, in file order; empty if
// the file is missing or malformed (tests assert non-empty).
inline std::vector<TimedDatagram> LoadTimedCapture(const std::string& name) {
  std::vector<TimedDatagram> datagrams;
  std::ifstream in(CapturePath(name));
  std::string line;
  double pending = 0;
  while (std::getline(in, line)) {
    if (line.rfind("# +", 0) == 0) pending = std::strtod(line.c_str() + 3, nullptr);
    if (line.empty() || line[0] == '#') continue;
    TimedDatagram d;
    d.t = pending;
    if (!ParseHex(line, &d.bytes)) return {};
    datagrams.push_back(std::move(d));
  }
  return datagrams;
}

// Every datagram of the capture file, in file order; empty if the file is
// missing or malformed (tests assert non-empty).
inline std::vector<Bytes> LoadCapture(const std::string& name) {
  std::vector<Bytes> datagrams;
  for (auto& d : LoadTimedCapture(name)) datagrams.push_back(std::move(d.bytes));
  return datagrams;
}

// The names of all capture files, kept in step with tests/data/captures.
inline const std::vector<std::string>& AllCaptureNames() {
  static const std::vector<std::string> kNames = {
      "v2_mcast_noauth",
      "v2_mcast_pass_short",
      "v2_mcast_pass8",
      "v2_mcast_3vips",
      "v2_mcast_adv3_prio1",
      "v2_mcast_ah",
      "v2_owner255",
      "v2_prio0_sigterm",
      "v2_unicast",
      "v2_unicast_2peers",
      "v2_two_instances",
      "v2_two_instances_vrid26",
      "v2_two_instances_vrid27",
      "v3_mcast_adv1",
      "v3_mcast_adv050",
      "v3_prio0_sigterm",
      "v3_unicast",
      "v3_unicast_old_checksum",
      "v2_unicast_ttl64",
      "v2_mcast_novip",
      "v2_prio0_fault",
  };
  return kNames;
}

}  // namespace vrrp::testing

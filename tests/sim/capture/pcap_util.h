// Builds small captures in the test: frames from the project's own codec,
// written with libpcap (pcap_open_dead + pcap_dump).
#pragma once

#include <cstdint>
#include <pcap/pcap.h>
#include <string>
#include <vector>

#include "engine/packet/neighbour_advert.h"
#include "engine/packet/vrrp_packet.h"
#include "engine/packet/vrrp_packet6.h"

namespace vsim::capture::test {

struct Pkt {
  std::int64_t ts_us = 0;
  std::vector<std::uint8_t> bytes;
  std::uint32_t wire_length = 0;  // 0: bytes.size()
};

inline constexpr std::int64_t kEpoch = 1'765'000'000'000'000;  // 2025-12-06, a fixed start

inline vrrp::VrrpAdvert Advert(const char* src, int vrid, int prio, int adv = 1,
                               std::vector<vrrp::Ipv4> vips = {vrrp::Ipv4(10, 250, 0, 100)},
                               int version = 2) {
  vrrp::VrrpAdvert a;
  a.src = *vrrp::Ipv4::Parse(src);
  a.dst = vrrp::kVrrpMulticastGroup;
  a.version = static_cast<std::uint8_t>(version);
  a.vrid = static_cast<std::uint8_t>(vrid);
  a.priority = static_cast<std::uint8_t>(prio);
  a.adver_int = static_cast<std::uint16_t>(version == 3 ? adv * 100 : adv);
  a.addresses = vips;
  a.count = static_cast<std::uint8_t>(vips.size());
  return a;
}

// The same over IPv6 (VRRPv3, to ff02::12); `src` is an IPv6 literal.
inline vrrp::VrrpAdvert Advert6(const char* src, int vrid, int prio, int adv = 1,
                                std::vector<vrrp::IpAddress> vips = {
                                    *vrrp::IpAddress::Parse("fd00::100")}) {
  vrrp::VrrpAdvert a;
  a.src = *vrrp::IpAddress::Parse(src);
  a.dst = vrrp::kVrrpMulticastGroup6;
  a.version = 3;
  a.vrid = static_cast<std::uint8_t>(vrid);
  a.priority = static_cast<std::uint8_t>(prio);
  a.adver_int = static_cast<std::uint16_t>(adv * 100);
  a.addresses = vips;
  a.count = static_cast<std::uint8_t>(vips.size());
  return a;
}

inline void PutMac(std::vector<std::uint8_t>* b, std::uint64_t mac) {
  for (int i = 5; i >= 0; --i) b->push_back(static_cast<std::uint8_t>(mac >> (8 * i)));
}
inline void Put16(std::vector<std::uint8_t>* b, unsigned v) {
  b->push_back(static_cast<std::uint8_t>(v >> 8));
  b->push_back(static_cast<std::uint8_t>(v));
}
inline void Put32(std::vector<std::uint8_t>* b, std::uint32_t v) {
  Put16(b, v >> 16);
  Put16(b, v & 0xffff);
}

// An Ethernet frame (optionally 802.1Q tagged) from `mac` to `dst` carrying
// `payload` of EtherType `type`: an IPv4 datagram or IPv6 packet, e.g. one
// of a real capture (tests/data/captures/**/*.hex hold them without the
// Ethernet header).
inline std::vector<std::uint8_t> EthFrame(std::uint16_t type,
                                          const std::vector<std::uint8_t>& payload,
                                          std::uint64_t mac, std::uint64_t dst, int vlan = -1) {
  std::vector<std::uint8_t> b;
  PutMac(&b, dst);
  PutMac(&b, mac);
  if (vlan >= 0) {
    Put16(&b, 0x8100);
    Put16(&b, static_cast<unsigned>(vlan));
  }
  Put16(&b, type);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
// An IPv4 datagram / IPv6 packet in Ethernet, to the VRRP multicast MAC
// (IPv6: the all-nodes one when it is an ICMPv6 neighbour advertisement).
inline std::vector<std::uint8_t> EthIp(const std::vector<std::uint8_t>& packet, std::uint64_t mac,
                                       int vlan = -1) {
  if (!packet.empty() && (packet[0] >> 4) == 6)
    return EthFrame(0x86dd, packet, mac,
                    packet.size() > 6 && packet[6] == 58 ? 0x333300000001 : 0x333300000012, vlan);
  return EthFrame(0x0800, packet, mac, 0x01005e000012, vlan);
}

// An Ethernet frame (optionally 802.1Q tagged) carrying `a`, over IPv4 or
// IPv6 as a.src is.
inline std::vector<std::uint8_t> EthVrrp(const vrrp::VrrpAdvert& a, std::uint64_t mac,
                                         int vlan = -1) {
  return EthIp(a.src.is_v6() ? vrrp::EncodeIpv6(a) : vrrp::EncodeIpv4(a), mac, vlan);
}

// keepalived's unsolicited neighbour advertisement for `vip` from `mac`.
inline std::vector<std::uint8_t> EthNa(const char* vip, std::uint64_t mac, int vlan = -1) {
  vrrp::MacAddress m{};
  for (int i = 0; i < 6; ++i) m[i] = static_cast<std::uint8_t>(mac >> (8 * (5 - i)));
  return EthIp(vrrp::EncodeUnsolicitedNa(*vrrp::IpAddress::Parse(vip), m), mac, vlan);
}

// A gratuitous ARP request for `ip` from `mac`.
inline std::vector<std::uint8_t> EthGarp(const char* ip, std::uint64_t mac) {
  std::vector<std::uint8_t> b;
  PutMac(&b, 0xffffffffffff);
  PutMac(&b, mac);
  Put16(&b, 0x0806);
  Put16(&b, 1);
  Put16(&b, 0x0800);
  b.push_back(6);
  b.push_back(4);
  Put16(&b, 1);
  PutMac(&b, mac);
  Put32(&b, vrrp::Ipv4::Parse(ip)->value);
  PutMac(&b, 0);
  Put32(&b, vrrp::Ipv4::Parse(ip)->value);
  return b;
}

// Linux cooked v1 / v2 headers in front of the IPv4 datagram of `a`.
inline std::vector<std::uint8_t> SllVrrp(const vrrp::VrrpAdvert& a, std::uint64_t mac) {
  std::vector<std::uint8_t> b;
  Put16(&b, 2);  // sent to us... (multicast)
  Put16(&b, 1);  // ARPHRD_ETHER
  Put16(&b, 6);
  PutMac(&b, mac);
  Put16(&b, 0);
  Put16(&b, 0x0800);
  const auto ip = vrrp::EncodeIpv4(a);
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}
inline std::vector<std::uint8_t> Sll2Vrrp(const vrrp::VrrpAdvert& a, std::uint64_t mac,
                                          std::uint32_t ifindex) {
  std::vector<std::uint8_t> b;
  Put16(&b, 0x0800);
  Put16(&b, 0);
  Put32(&b, ifindex);
  Put16(&b, 1);
  b.push_back(2);
  b.push_back(6);
  PutMac(&b, mac);
  Put16(&b, 0);
  const auto ip = vrrp::EncodeIpv4(a);
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}

// Writes `pkts` as a pcap file of `link_type`. pcapng: libpcap writes only
// pcap, so the pcapng tests build theirs by hand (tests only).
inline void WritePcap(const std::string& path, const std::vector<Pkt>& pkts,
                      int link_type = DLT_EN10MB) {
  pcap_t* dead =
      pcap_open_dead_with_tstamp_precision(link_type, 65535, PCAP_TSTAMP_PRECISION_MICRO);
  pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
  for (const auto& p : pkts) {
    pcap_pkthdr h{};
    h.ts.tv_sec = p.ts_us / 1'000'000;
    h.ts.tv_usec = p.ts_us % 1'000'000;
    h.caplen = static_cast<bpf_u_int32>(p.bytes.size());
    h.len = p.wire_length != 0 ? p.wire_length : h.caplen;
    pcap_dump(reinterpret_cast<u_char*>(d), &h, p.bytes.data());
  }
  pcap_dump_close(d);
  pcap_close(dead);
}

}  // namespace vsim::capture::test

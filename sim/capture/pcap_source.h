// libpcap behind one small interface: a capture file (pcap or pcapng,
// streamed packet by packet) or a live interface. Only this file and its .cpp
// include <pcap.h>.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace vsim::capture {

struct RawPacket {
  std::int64_t ts_us = 0;               // the capture's timestamp, µs since the epoch
  std::span<const std::uint8_t> bytes;  // what was captured of the frame
  std::uint32_t wire_length = 0;        // how long the frame was on the wire
};

class PcapSource {
 public:
  enum class Status { kPacket, kTimeout, kEnd, kError };

  ~PcapSource();
  PcapSource(const PcapSource&) = delete;
  PcapSource& operator=(const PcapSource&) = delete;

  // A capture file. Refuses what is not a regular file (a FIFO, directory or
  // device) before libpcap sees it. nullptr + `*error` (the reason, without
  // the file name) otherwise.
  static std::unique_ptr<PcapSource> OpenFile(const std::string& path, std::string* error);
  // A live interface, filtered to VRRP, AH and ARP (also VLAN-tagged).
  // nullptr + `*error`: e.g. the missing CAP_NET_RAW, said as such.
  static std::unique_ptr<PcapSource> OpenLive(const std::string& iface, std::string* error);

  int link_type() const { return link_type_; }
  // libpcap's name for the link type ("EN10MB", "LINUX_SLL", ...).
  std::string LinkTypeName() const;
  // The next packet; kTimeout only live (nothing within 100 ms); kError with
  // `*error` (e.g. a file that ends inside a packet).
  Status Next(RawPacket* out, std::string* error);
  // Live: makes a blocked Next return kEnd (from a signal handler).
  void BreakLoop();

 private:
  PcapSource() = default;
  struct Impl;
  Impl* impl_ = nullptr;
  int link_type_ = 0;
  bool live_ = false;
};

}  // namespace vsim::capture

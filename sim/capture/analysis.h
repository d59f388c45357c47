// A capture file, read and understood: the offline driver of the Observer,
// and the outputs of `vrrpsim capture` (text and JSON summaries, the
// observed trace). docs/capture.md.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/capture/observer.h"
#include "sim/scenario/run_result.h"

namespace vsim::capture {

// At most this many per-packet warnings are kept (the rest are counted).
inline constexpr std::size_t kMaxWarnings = 100;

struct CaptureAnalysis {
  std::string file;
  std::string link_type;       // libpcap's name
  std::int64_t start_us = -1;  // the first packet's timestamp (µs since the epoch), -1: none
  Time duration = 0;           // from the first packet to the last
  CaptureCounts counts;
  std::vector<std::pair<std::uint64_t, std::string>> warnings;  // (packet, text), the first 100
  std::uint64_t warnings_total = 0;
  std::vector<ObservedEvent> events;  // time order
  std::vector<MasterInterval> masters;
  std::vector<ObservedSplitBrain> split_brains;
  std::vector<Observer::GroupInfo> groups;
  std::uint64_t alerts = 0;
  // The link layer's source address (Ethernet / SLL) of each advert source:
  // the first nonzero one its adverts came from, `several` once they came
  // from another too. What ties a node's IPv4 and IPv6 sources into one host
  // in the observed trace (ObservedRun); in no other output.
  struct SourceMac {
    std::uint64_t mac = 0;
    bool several = false;
  };
  std::map<vrrp::IpAddress, SourceMac> source_macs;

  void Warn(std::uint64_t packet, std::string text);
  // An advert from `src` came from link-layer address `mac` (0: none known).
  void NoteSourceMac(vrrp::IpAddress src, std::uint64_t mac);
};

// Feeds one raw packet's time to the analysis: `t` relative to the first
// packet, clamped (with a warning) when the capture's clock goes backwards.
class Clock {
 public:
  Time Relative(std::int64_t ts_us, std::uint64_t packet, CaptureAnalysis* a);
  std::int64_t start() const { return start_; }

 private:
  std::int64_t start_ = -1;
  Time last_ = 0;
};

// Reads `path` (pcap or pcapng) and infers what happened. False + `*error`
// when the file cannot be read as a capture at all (not a regular file, not
// pcap/pcapng, a link type without Ethernet/IPv4); a capture that breaks off
// (truncated, corrupt) keeps what was read and gets a warning.
bool AnalyzeCaptureFile(const std::string& path, CaptureAnalysis* out, std::string* error);

// "vrid 5", "vlan 100 vrid 5", "vrid 5 IPv6": a group as the outputs name it
// (an IPv4 group's name says no family).
std::string GroupName(const Domain& d, vrrp::IpFamily family, int vrid);

// One line for an event, as `capture` and `watch` print it (no time column).
std::string EventLine(const ObservedEvent& e);
// "  12.345678s  #123     " + EventLine.
std::string TimelineLine(const ObservedEvent& e);

// `timeline`: false leaves the timeline out (-q).
void WriteCaptureText(const CaptureAnalysis& a, std::ostream& out, bool timeline = true);
void WriteCaptureJson(const CaptureAnalysis& a, std::ostream& out);
// `text` as the inside of a JSON string.
std::string JsonEscape(const std::string& text);
// One event as a JSON object on one line (watch --format json).
std::string EventJsonLine(const ObservedEvent& e);

// True for a VRRP virtual router MAC (00:00:5e:00:01:XX for IPv4,
// 00:00:5e:00:02:XX for IPv6): keepalived with use_vmac advertises from it,
// and so does every node that becomes MASTER of that VRID.
constexpr bool IsVrrpVirtualMac(std::uint64_t mac) {
  return (mac >> 8) == 0x00005e0001 || (mac >> 8) == 0x00005e0002;
}

// The observed trace (docs/trace-format.md, "Observed traces"): hosts are
// the advertising sources, one instance per group (VRID and family) they
// advertised; sources that advertised from the same (nonzero, not virtual)
// MAC, in no common group, are one host (a dual-stack node's IPv4 address
// and IPv6 link-local address).
RunResult ObservedRun(const CaptureAnalysis& a);

}  // namespace vsim::capture

// What happened on the wire: VRRP mastership inferred from captured adverts
// (docs/capture.md). Pure code fed frames with their times, so the offline
// reader (`vrrpsim capture`), the live one (`vrrpsim watch`) and the tests
// all drive the same inference.
//
// A group is a VRID of one address family in one broadcast domain: an IPv4
// and an IPv6 instance on the same VRID are different VRRP instances (their
// adverts, sockets and virtual MACs are apart), never merged here.
//
// On the wire a VRRP router advertises only while it is MASTER, so a source
// "is MASTER" of a group from its first advert with
// a priority above 0 until:
//   - it sends priority 0 (a graceful stop: keepalived shutting down or
//     going to FAULT): the end is that packet;
//   - it falls silent (no advert for 1.5 of its intervals): the end is the
//     first advert of another source of the VRID after its last one (the
//     advert that made it step down), preferring a higher-priority source
//     (or equal priority and higher address); with none, its last advert
//     ("silent");
//   - the capture ends.
// Alerts: two sources advertising at once (split brain: both still
// advertised half an interval or more after the second one started), no
// advert at all for longer than the master-down interval (a master lost),
// a VRID whose sources announce disjoint VIP lists (a collision between
// unrelated clusters), and mismatched advert interval, version,
// authentication or VIP lists between sources of one VRID.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/ip_address.h"
#include "engine/time.h"
#include "sim/capture/frame.h"

namespace vsim::capture {

using vrrp::Time;

enum class ObservedKind : std::uint8_t {
  kMaster,        // a source started advertising (priority, adver_int)
  kMasterEnd,     // it stopped: detail says how (priority-0, superseded, silent, end-of-capture)
  kPriority,      // a source's advertised priority changed (value = old)
  kInterval,      // a source's advert interval changed (value = old, µs)
  kPriorityZero,  // a priority-0 advert (graceful stop)
  kGarp,          // a gratuitous ARP (IPv4) or an unsolicited neighbour
                  // advertisement (IPv6) for one of the VRID's addresses
  kVipMoved,      // the VIP's ARP now points at another MAC (value: 0)
  kSplitBrain,    // two or more sources advertising at once (alert)
  kSplitBrainEnd,
  kMasterLost,  // no advert for longer than the master-down interval (alert)
  kMismatch,    // sources of one VRID disagree (alert; detail says on what)
  kCollision,   // sources of one VRID announce disjoint VIP lists (alert)
};
const char* ObservedKindName(ObservedKind k);
bool IsAlert(ObservedKind k);

struct ObservedEvent {
  Time t = 0;                // µs since the capture's first packet
  std::uint64_t packet = 0;  // 1-based packet number, as Wireshark counts
  ObservedKind kind = ObservedKind::kMaster;
  Domain domain;
  vrrp::IpFamily family = vrrp::IpFamily::kV4;  // the group's address family
  int vrid = 0;
  vrrp::IpAddress source;  // the advertising source (or the GARP's owner)
  vrrp::IpAddress other;   // the other party (split brain, mismatch, successor), or the VIP
  int priority = 0;
  std::int64_t value = 0;
  std::string detail;
  std::uint64_t seq = 0;  // order of decision (ties in time)
};

// One source's tenure as MASTER, as seen on the wire.
struct MasterInterval {
  Domain domain;
  vrrp::IpFamily family = vrrp::IpFamily::kV4;
  int vrid = 0;
  vrrp::IpAddress source;
  Time from = 0, to = 0;
  std::uint64_t from_packet = 0, to_packet = 0;
  int priority = 0;    // at the start
  Time adver_int = 0;  // µs
  int version = 2;
  std::string end;     // priority-0, superseded, silent, end-of-capture
  vrrp::IpAddress by;  // superseded: by whom
  std::uint64_t adverts = 0;
};

struct ObservedSplitBrain {
  Domain domain;
  vrrp::IpFamily family = vrrp::IpFamily::kV4;
  int vrid = 0;
  std::vector<vrrp::IpAddress> sources;  // every source active in it, ascending
  Time from = 0, to = 0;
  std::uint64_t from_packet = 0, to_packet = 0;
};

struct CaptureCounts {
  std::uint64_t packets = 0;
  std::uint64_t vrrp = 0;
  std::uint64_t arp = 0;
  std::uint64_t garp = 0;
  std::uint64_t ipv6 = 0;            // VRRP adverts over IPv6 (counted in `vrrp` too)
  std::uint64_t na = 0;              // IPv6 neighbour advertisements
  std::uint64_t unsolicited_na = 0;  // of which unsolicited (the IPv6 GARP)
  std::uint64_t bad = 0;
  std::uint64_t invalid_adverts = 0;  // decoded but failing a check (TTL, checksum, type, version)
};

class Observer {
 public:
  // Called with each event as it is decided (watch prints it). The event's
  // time can be earlier than the packet that decided it.
  void SetSink(std::function<void(const ObservedEvent&)> sink) { sink_ = std::move(sink); }
  // Called for a per-packet warning (packet number, text).
  void SetWarningSink(std::function<void(std::uint64_t, const std::string&)> sink) {
    warn_ = std::move(sink);
  }

  // `t`: µs since the first packet, never decreasing. `packet`: 1-based.
  void OnFrame(Time t, std::uint64_t packet, const Frame& frame);
  // Decides what has gone stale by `now` (live: called on a timer too).
  void Advance(Time now);
  // End of the capture at `end`: closes every open interval there.
  void Finish(Time end, std::uint64_t last_packet);

  // Every event so far, in time order (then decision order).
  std::vector<ObservedEvent> SortedEvents() const;
  // The same, moved out (the observer's own list is left empty).
  std::vector<ObservedEvent> TakeSortedEvents();
  const std::vector<MasterInterval>& masters() const { return masters_; }
  const std::vector<ObservedSplitBrain>& split_brains() const { return split_brains_; }
  const CaptureCounts& counts() const { return counts_; }
  CaptureCounts& counts() { return counts_; }

  struct GroupInfo {
    Domain domain;
    vrrp::IpFamily family = vrrp::IpFamily::kV4;
    int vrid = 0;
    std::vector<vrrp::IpAddress> sources;  // ascending
  };
  // Each (domain, family, vrid) seen, with the sources that advertised in it,
  // in that order (IPv4 before IPv6).
  std::vector<GroupInfo> Groups() const;

 private:
  struct Source {
    bool active = false;
    Time first = 0, last = 0;
    std::uint64_t first_packet = 0, last_packet = 0;
    std::uint64_t adverts = 0;  // in this tenure
    int priority = 0;
    int start_priority = 0;
    Time adver_int = 0;
    int version = 0;
    vrrp::AuthType auth = vrrp::AuthType::kNone;
    std::array<std::uint8_t, 8> auth_data{};
    std::vector<vrrp::IpAddress> vips;  // sorted
    std::uint64_t mac = 0;
    // The first advert of another source after `last` (higher first).
    Time next_sup = -1, next_any = -1;
    std::uint64_t next_sup_packet = 0, next_any_packet = 0;
    vrrp::IpAddress next_sup_src, next_any_src;
    // The first higher advert between its last two adverts: it stepped down
    // right after its last one (it had sent that before hearing the other).
    Time sup_before_last = -1;
    std::uint64_t sup_before_last_packet = 0;
    vrrp::IpAddress sup_before_last_src;
    bool in_split = false;  // in a split brain during this tenure
  };
  struct Group {
    Domain domain;
    vrrp::IpFamily family = vrrp::IpFamily::kV4;
    int vrid = 0;
    std::map<vrrp::IpAddress, Source> sources;
    int active = 0;
    Time last_advert = -1;
    std::uint64_t last_packet = 0;
    Time last_down_interval = 0;
    bool lost_reported = false;
    // Split brain in progress.
    bool split = false;
    std::size_t split_index = 0;  // in split_brains_
  };
  struct VipOwner {
    std::uint64_t mac = 0;
    Time last_garp = -1;
  };

  void Emit(ObservedEvent e);
  void OnAdvert(Time t, std::uint64_t packet, const Frame& f);
  void OnArp(Time t, std::uint64_t packet, const Frame& f);
  void OnNa(Time t, std::uint64_t packet, const Frame& f);
  // A gratuitous ARP or unsolicited NA: `vip` is at `mac`.
  void OnAnnounce(Time t, std::uint64_t packet, const Domain& domain, vrrp::IpAddress vip,
                  std::uint64_t mac);
  void Close(Group& g, vrrp::IpAddress src, Source& s, Time end, std::uint64_t end_packet,
             const char* how, vrrp::IpAddress by);
  void CheckSplit(Group& g);
  void CheckMismatch(Group& g, vrrp::IpAddress src, const Source& s, Time t, std::uint64_t packet);
  void AdvanceGroup(Group& g, Time now);

  std::function<void(const ObservedEvent&)> sink_;
  std::function<void(std::uint64_t, const std::string&)> warn_;
  std::map<std::tuple<Domain, vrrp::IpFamily, int>, Group> groups_;
  Group* last_group_ = nullptr;
  std::map<std::pair<Domain, vrrp::IpAddress>, VipOwner> vip_owner_;
  // A VIP's VRID (first seen); its family is the VIP's.
  std::map<std::pair<Domain, vrrp::IpAddress>, int> vip_vrid_;
  std::set<std::tuple<Domain, int, int, vrrp::IpAddress, vrrp::IpAddress>> mismatches_reported_;
  std::vector<ObservedEvent> events_;
  std::vector<MasterInterval> masters_;
  std::vector<ObservedSplitBrain> split_brains_;
  CaptureCounts counts_;
  std::uint64_t seq_ = 0;
  Time next_advance_ = 0;
};

}  // namespace vsim::capture

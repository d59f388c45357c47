// Per-packet delivery over a Topology: who receives a frame, when, and which
// frames are lost, with partitions and one-way loss applied as filters.
//
// Randomness (jitter, loss) comes from one Rng stream per directed link,
// named after the link's endpoints, so adding a host or a link elsewhere does
// not change what this link draws. A multicast frame crosses each link of its
// delivery tree once: one draw per directed link per frame, shared by every
// receiver behind that link.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/ip_address.h"
#include "engine/time.h"
#include "sim/core/rng.h"
#include "sim/net/topology.h"

namespace vsim {

using vrrp::Time;

enum class DropReason : std::uint8_t {
  kNoRoute,        // unicast destination unknown or unreachable
  kLinkLoss,       // random loss on a link of the path
  kPartition,      // a partition or one-way filter between the two hosts
  kInterfaceDown,  // the sender's interface/link is down
};
const char* DropReasonName(DropReason r);

struct Delivery {
  int dst_iface = -1;
  Time at = 0;
};

struct Drop {
  int dst_iface = -1;  // -1 when the frame never left the sender
  DropReason reason = DropReason::kNoRoute;
  int directed_link = -1;  // for kLinkLoss
};

class Network {
 public:
  // REQUIRES: topology outlives the network.
  Network(Topology* topology, std::uint64_t seed);
  // A copy of `o` (its filters and random streams) over `topology`, a copy
  // of o's topology. REQUIRES: topology outlives the network.
  Network(const Network& o, Topology* topology);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Makes the network's random streams those of a run seeded with `seed`.
  // Returns false (and changes nothing) if a stream has been drawn from: the
  // run so far would not be the one of `seed`.
  bool Reseed(std::uint64_t seed);
  bool random_drawn() const;

  // A frame from `src_iface` to `dst` (multicast: the whole broadcast domain;
  // unicast: the interface owning `dst`). Appends to `out` and `drops` (if
  // non-null) in interface-id order.
  void Send(Time now, int src_iface, vrrp::Ipv4 dst, std::vector<Delivery>* out,
            std::vector<Drop>* drops);
  // The same for an IPv6 frame (ff02::12 and every ff00::/8 group: the whole
  // broadcast domain; unicast: the interface with that address, link-local
  // or global), with the same latency, jitter, loss and filters: a link's
  // draws are per frame, whatever its family.
  void Send6(Time now, int src_iface, const vrrp::IpAddress& dst, std::vector<Delivery>* out,
             std::vector<Drop>* drops);
  // Send's work once the destination is resolved, whatever its family:
  // kToDomain (multicast: the whole broadcast domain) or unicast to
  // `dst_iface` (Topology::FindInterfaceByAddress; -1: unknown, dropped as
  // kNoRoute). For a sender that keeps the resolution (the simulator's
  // advert memo: addresses do not change once hosts are added). One int,
  // not a flag and an int: six arguments stay in registers.
  static constexpr int kToDomain = -2;
  void SendResolved(Time now, int src_iface, int dst_iface, std::vector<Delivery>* out,
                    std::vector<Drop>* drops);
  // The destination SendResolved takes for `dst`.
  int Resolve(const vrrp::IpAddress& dst) const {
    return dst.is_multicast() ? kToDomain : topology_->FindInterfaceByAddress(dst);
  }

  // One-way filter: frames from host `from` do not reach host `to`.
  void SetBlocked(int from_host, int to_host, bool blocked);
  bool blocked(int from_host, int to_host) const {
    return any_blocked() && BlockedSlow(from_host, to_host);
  }
  // Whether some filter is in place (cheap: asked per frame and receiver).
  bool any_blocked() const { return !partitions_.empty() || !pairs_.empty(); }
  // Symmetric partition: hosts in different groups cannot hear each other;
  // hosts not listed keep their connectivity to everyone.
  void Partition(const std::vector<std::vector<int>>& groups);
  // Removes every filter.
  void Heal();

  Topology& topology() { return *topology_; }

 private:
  Rng& LinkRng(int directed_link);
  bool BlockedSlow(int from_host, int to_host) const;
  bool Separated(int from_host, int to_host) const;  // by some partition
  static std::uint64_t PairKey(int from_host, int to_host) {
    return (static_cast<std::uint64_t>(from_host) << 32) | static_cast<std::uint32_t>(to_host);
  }

  Topology* topology_;
  std::uint64_t seed_;
  std::vector<Rng> link_rngs_;
  std::vector<bool> link_rng_ready_;
  // Filters, in memory proportional to what the operations named (a host x
  // host matrix was 100 MB at 10,000 hosts). A pair is blocked if `pairs_`
  // says so, else if some partition puts the two hosts in different groups.
  // Per partition: each host's group, -1 if not listed.
  std::vector<std::vector<int>> partitions_;
  // Explicit one-way settings (SetBlocked), overriding the partitions:
  // a lookup table only, never iterated.
  std::unordered_map<std::uint64_t, bool> pairs_;
  // Per-frame memo of link draws, indexed by directed link; an entry is
  // this frame's when its `frame` is frame_. (A list searched per receiver
  // made a multicast frame to n hosts cost O(n^2): a third of scenario (b).)
  struct Draw {
    std::uint32_t frame = 0;
    bool lost = false;
    Duration extra = 0;
  };
  std::vector<Draw> link_draws_;
  std::uint32_t frame_ = 0;
  // Per source interface: where its multicast frames go, and after which
  // fixed latency, while nothing is drawn or filtered (most frames of most
  // runs); valid for one topology version. Only domains of up to
  // kFanoutCacheMax receivers are kept (a larger one costs more per
  // receiver than per frame, and 10,000 masters would hold 10^8 entries).
  // Not copied with the network: rebuilt on first use.
  static constexpr std::size_t kFanoutCacheMax = 64;
  struct Fanout {
    std::uint64_t version = UINT64_MAX;
    bool large = false;        // more than kFanoutCacheMax: not kept
    std::vector<Delivery> to;  // `at` holds the latency
  };
  std::vector<Fanout> fanout_;
};

}  // namespace vsim

// The virtual network's shape: hosts with named interfaces, L2 segments
// (switches/bridges), and links with per-direction latency, jitter and loss.
//
// Internally a Boost.Graph: one vertex per segment and one per host
// interface, two directed edges per link. Routes (who hears whom, with which
// base latency and over which links) are computed with Dijkstra and cached;
// the cache is rebuilt only when the topology changes (a link goes up or
// down, something is added), never per packet. Boost headers stay inside
// topology.cpp so the rest of the simulator compiles fast.
//
// Hosts never forward: an interface vertex has edges only to its own
// segment, so two interfaces of one host are not a path between segments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/ipv4.h"
#include "engine/time.h"

namespace vsim {

using vrrp::Duration;

// One direction of a link.
struct LinkDirection {
  Duration latency = 0;  // fixed part, microseconds
  Duration jitter = 0;   // uniform extra delay in [0, jitter]
  double loss = 0.0;     // probability that a packet is dropped, 0..1
};

struct Route {
  int dst_iface = -1;
  Duration base_latency = 0;        // sum of the links' fixed latencies
  std::vector<int> directed_links;  // link*2 (forward) or link*2+1 (reverse), in path order
};

class Topology {
 public:
  Topology();
  ~Topology();
  Topology(const Topology&);  // a snapshot (routes cached so far included)
  Topology& operator=(const Topology&) = delete;

  int AddHost(std::string name);
  // REQUIRES: host is valid. Returns the interface id (global, dense).
  int AddInterface(int host, std::string name, vrrp::Ipv4 address);
  int AddSegment(std::string name);
  // Connects an interface to a segment. `up` is the interface->segment
  // direction, `down` the segment->interface direction. Returns the link id.
  // REQUIRES: the interface is not connected yet.
  int ConnectInterface(int iface, int segment, LinkDirection up, LinkDirection down);
  // A trunk between two segments.
  int ConnectSegments(int a, int b, LinkDirection a_to_b, LinkDirection b_to_a);

  void SetLinkUp(int link, bool up);
  bool link_up(int link) const { return links_[link].up; }
  void SetDirection(int directed_link, LinkDirection d);
  const LinkDirection& direction(int directed_link) const;
  // Whether some direction draws random numbers per frame (loss or jitter).
  // Kept as a count because the simulator asks every simulated second.
  bool has_random_directions() const { return random_directions_ > 0; }

  int host_count() const { return static_cast<int>(hosts_.size()); }
  int iface_count() const { return static_cast<int>(ifaces_.size()); }
  int segment_count() const { return static_cast<int>(segments_.size()); }
  int link_count() const { return static_cast<int>(links_.size()); }
  const std::string& host_name(int host) const { return hosts_[host].name; }
  const std::string& segment_name(int seg) const { return segments_[seg].name; }
  int iface_host(int iface) const { return ifaces_[iface].host; }
  const std::string& iface_name(int iface) const { return ifaces_[iface].name; }
  vrrp::Ipv4 iface_address(int iface) const { return ifaces_[iface].address; }
  int iface_segment(int iface) const { return ifaces_[iface].segment; }
  int iface_link(int iface) const { return ifaces_[iface].link; }
  int FindHost(const std::string& name) const;
  int FindSegment(const std::string& name) const;
  int FindInterface(int host, const std::string& name) const;
  int FindInterfaceByAddress(vrrp::Ipv4 address) const;

  // Every other interface in the source's broadcast domain, over links that
  // are up, ordered by interface id (deterministic). Rebuilds the cache if
  // the topology changed since the last call.
  const std::vector<Route>& Broadcast(int src_iface) const;
  // The route to one interface, or nullptr if unreachable.
  const Route* Unicast(int src_iface, int dst_iface) const;

  // Incremented whenever routes may have changed.
  std::uint64_t version() const { return version_; }

 private:
  struct Host {
    std::string name;
  };
  struct Iface {
    int host;
    std::string name;
    vrrp::Ipv4 address;
    int segment = -1;
    int link = -1;
  };
  struct Segment {
    std::string name;
  };
  // An interface link joins iface -> seg_b; a trunk joins seg_a -> seg_b.
  struct Link {
    int iface = -1;  // -1 for a trunk
    int seg_a = -1;  // trunks only
    int seg_b = -1;
    LinkDirection dir[2];  // [0] a->b (iface->segment), [1] b->a
    bool up = true;
  };

  void Rebuild() const;
  static int Random(const LinkDirection& d) { return d.loss > 0 || d.jitter > 0 ? 1 : 0; }

  std::vector<Host> hosts_;
  std::vector<Iface> ifaces_;
  std::vector<Segment> segments_;
  std::vector<Link> links_;
  std::uint64_t version_ = 0;
  int random_directions_ = 0;  // directions with loss or jitter

  mutable std::uint64_t built_version_ = UINT64_MAX;
  mutable std::vector<std::vector<Route>> routes_;  // per source interface
};

}  // namespace vsim

// The virtual network's shape: hosts with named interfaces, L2 segments
// (switches/bridges), and links with per-direction latency, jitter and loss.
//
// Hosts never forward: an interface has one link, to its own segment, so
// every path is  source interface -> its segment -> trunks between segments
// -> the destination's segment -> destination interface. Shortest paths are
// therefore only computed over the segment/trunk graph (a Boost.Graph
// Dijkstra per source segment over its trunk-connected component, cached
// until a trunk goes up or down, changes latency, or a segment is added),
// and a route between two interfaces is derived on demand from the uplink,
// that segment path and the downlink. An interface link going up or down
// rebuilds nothing: it is checked per delivery. A segment with thousands of
// hosts thus costs O(hosts) to set up and O(1) per interface change, and a
// broadcast is one walk over the receivers' interfaces (no O(hosts^2) table
// of routes, which took 0.7 s and 90 MiB at 1,000 hosts per rebuild).
// Boost headers stay inside topology.cpp so the rest of the simulator
// compiles fast.
//
// Equal-cost paths between segments: the one Dijkstra picks over the
// segment graph, with the lightest (then lowest-id) of parallel trunks. (The
// earlier Dijkstra over interfaces and segments together could break such a
// tie differently; no shipped scenario or test has one.)
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/ip_address.h"
#include "engine/time.h"

namespace vsim {

using vrrp::Duration;

// One direction of a link.
struct LinkDirection {
  Duration latency = 0;  // fixed part, microseconds
  Duration jitter = 0;   // uniform extra delay in [0, jitter]
  double loss = 0.0;     // probability that a packet is dropped, 0..1
};

// A path from one interface to another: the sender's uplink, the trunks
// between segments, the receiver's downlink. Directed link ids are link*2
// (forward: interface->segment, or a->b for a trunk) or link*2+1 (reverse).
// A view into the topology: valid until the topology is next modified.
struct Route {
  int dst_iface = -1;
  Duration base_latency = 0;  // sum of the links' fixed latencies
  int up_link = -1;
  std::span<const int> trunk_links;  // in path order
  int down_link = -1;

  std::size_t link_count() const { return trunk_links.size() + 2; }
  // The k-th directed link of the path, in path order.
  int directed_link(std::size_t k) const {
    if (k == 0) return up_link;
    return k <= trunk_links.size() ? trunk_links[k - 1] : down_link;
  }
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
  // Gives an interface an IPv6 address (unicast frames to it reach the
  // interface). The first link-local one is the interface's link-local
  // address (iface_link_local6).
  void AddAddress6(int iface, const vrrp::IpAddress& address);
  int AddSegment(std::string name);
  // Connects an interface to a segment. `up` is the interface->segment
  // direction, `down` the segment->interface direction. Returns the link id.
  // REQUIRES: the interface is not connected yet.
  int ConnectInterface(int iface, int segment, LinkDirection up, LinkDirection down);
  // A trunk between two segments.
  int ConnectSegments(int a, int b, LinkDirection a_to_b, LinkDirection b_to_a);

  void SetLinkUp(int link, bool up);
  bool link_up(int link) const { return links_[link].up; }
  // The interface a link connects; -1 for a trunk.
  int link_iface(int link) const { return links_[link].iface; }
  void SetDirection(int directed_link, LinkDirection d);
  const LinkDirection& direction(int directed_link) const {
    return links_[directed_link / 2].dir[directed_link % 2];
  }
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
  // The interface's IPv6 link-local address; zero if it has none.
  vrrp::IpAddress iface_link_local6(int iface) const { return ifaces_[iface].link_local6; }
  int iface_segment(int iface) const { return ifaces_[iface].segment; }
  int iface_link(int iface) const { return ifaces_[iface].link; }
  // Lookups through hash indexes (never iterated): the lowest id wins when
  // names or addresses repeat, as a scan in id order would.
  int FindHost(const std::string& name) const;
  int FindSegment(const std::string& name) const;
  int FindInterface(int host, const std::string& name) const;
  int FindInterfaceByAddress(vrrp::Ipv4 address) const;
  // Either family.
  int FindInterfaceByAddress(const vrrp::IpAddress& address) const {
    return address.is_v4() ? FindInterfaceByAddress(address.v4())
                           : FindInterfaceByAddress6(address);
  }
  int FindInterfaceByAddress6(const vrrp::IpAddress& address) const;

  // Calls f(const Route&) for every other interface in the source's
  // broadcast domain whose link is up, in interface-id order
  // (deterministic); nothing if the source's own link is down. The Route
  // lives for the call only.
  template <typename F>
  void ForEachReceiver(int src_iface, F&& f) const;
  // The route to one interface, or nullopt if unreachable (or the source).
  std::optional<Route> Unicast(int src_iface, int dst_iface) const;

  // Incremented whenever routes may have changed.
  std::uint64_t version() const { return version_; }

 private:
  struct Host {
    std::string name;
    std::vector<int> ifaces;  // ascending
  };
  struct Iface {
    int host;
    std::string name;
    vrrp::Ipv4 address;
    int segment = -1;
    int link = -1;
    vrrp::IpAddress link_local6;  // zero: none
  };
  struct Segment {
    std::string name;
    std::vector<int> members;  // connected interfaces, ascending
    std::vector<int> trunks;   // trunk link ids, ascending
  };
  // An interface link joins iface -> seg_b; a trunk joins seg_a -> seg_b.
  struct Link {
    int iface = -1;  // -1 for a trunk
    int seg_a = -1;  // trunks only
    int seg_b = -1;
    LinkDirection dir[2];  // [0] a->b (iface->segment), [1] b->a
    bool up = true;
  };
  // A segment reachable from a source segment over trunks that are up.
  struct SegRoute {
    int seg;
    Duration latency;     // sum of the trunks' fixed latencies
    std::uint32_t first;  // the path: SegTable::trunks[first, first + count)
    std::uint32_t count;
  };
  // Shortest paths from one segment, built on first use.
  struct SegTable {
    bool built = false;
    std::vector<SegRoute> reach;  // ascending segment id, the source included
    std::vector<int> trunks;      // directed trunk links of every path
  };

  const SegTable& Table(int seg) const;
  void BuildTable(int seg, SegTable* t) const;
  Route MakeRoute(const Iface& src, int dst, const SegTable& t, const SegRoute& sr) const {
    const Link& dl = links_[ifaces_[dst].link];
    return Route{dst,
                 links_[src.link].dir[0].latency + sr.latency + dl.dir[1].latency,
                 src.link * 2,
                 {t.trunks.data() + sr.first, sr.count},
                 ifaces_[dst].link * 2 + 1};
  }
  static int Random(const LinkDirection& d) { return d.loss > 0 || d.jitter > 0 ? 1 : 0; }

  std::vector<Host> hosts_;
  std::vector<Iface> ifaces_;
  std::vector<Segment> segments_;
  std::vector<Link> links_;
  std::unordered_map<std::string, int> host_index_;
  std::unordered_map<std::string, int> segment_index_;
  std::unordered_map<std::uint32_t, int> address_index_;
  // IPv6 addresses other than the interfaces' first link-local ones (kept
  // in Iface), in the order they were added, and the index of both, built
  // on the first lookup after a change: an IPv4-only run never builds it
  // (no allocation per host for addresses nobody asks for).
  std::vector<std::pair<vrrp::IpAddress, int>> addresses6_;
  mutable std::map<vrrp::IpAddress, int> address6_index_;
  mutable std::size_t indexed_ifaces_ = 0;  // ifaces_ whose link-local is indexed
  mutable std::size_t indexed6_ = 0;        // addresses6_ entries indexed
  std::uint64_t version_ = 0;
  int random_directions_ = 0;  // directions with loss or jitter

  // The segment graph's version: what SegTables depend on (segments, trunks
  // and their state and latency; not interface links).
  std::uint64_t trunk_version_ = 0;
  mutable std::uint64_t built_trunk_version_ = UINT64_MAX;
  mutable std::vector<SegTable> tables_;  // per source segment
};

template <typename F>
void Topology::ForEachReceiver(int src_iface, F&& f) const {
  const Iface& src = ifaces_[src_iface];
  if (src.segment < 0 || !links_[src.link].up) return;
  const SegTable& t = Table(src.segment);
  auto visit = [&](int dst, const SegRoute& sr) {
    if (dst == src_iface || !links_[ifaces_[dst].link].up) return;
    const Route r = MakeRoute(src, dst, t, sr);
    f(r);
  };
  if (t.reach.size() == 1) {  // no trunk: the segment is the whole domain
    for (int dst : segments_[t.reach[0].seg].members) visit(dst, t.reach[0]);
    return;
  }
  // Several segments: merge their (ascending) member lists by interface id.
  struct Cursor {
    const int* at;
    const int* end;
    const SegRoute* sr;
  };
  std::vector<Cursor> heap;
  for (const SegRoute& sr : t.reach) {
    const auto& m = segments_[sr.seg].members;
    if (!m.empty()) heap.push_back({m.data(), m.data() + m.size(), &sr});
  }
  auto later = [](const Cursor& a, const Cursor& b) { return *a.at > *b.at; };
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Cursor& c = heap.back();
    visit(*c.at, *c.sr);
    if (++c.at == c.end) {
      heap.pop_back();
    } else {
      std::push_heap(heap.begin(), heap.end(), later);
    }
  }
}

}  // namespace vsim

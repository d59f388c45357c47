#include "sim/net/topology.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cassert>
#include <limits>

namespace vsim {
namespace {

struct EdgeProps {
  Duration weight = 0;
  int directed_link = -1;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    EdgeProps>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

}  // namespace

Topology::Topology() = default;
Topology::~Topology() = default;
Topology::Topology(const Topology&) = default;

int Topology::AddHost(std::string name) {
  const int id = host_count();
  host_index_.emplace(name, id);  // keeps the first host of that name
  hosts_.push_back({std::move(name), {}});
  ++version_;
  return id;
}

int Topology::AddInterface(int host, std::string name, vrrp::Ipv4 address) {
  assert(host >= 0 && host < host_count());
  const int id = iface_count();
  ifaces_.push_back({host, std::move(name), address, -1, -1, vrrp::IpAddress()});
  hosts_[host].ifaces.push_back(id);
  address_index_.emplace(address.value, id);
  ++version_;
  return id;
}

void Topology::AddAddress6(int iface, const vrrp::IpAddress& address) {
  assert(iface >= 0 && iface < iface_count() && address.is_v6());
  if (address.is_link_local_v6() && ifaces_[iface].link_local6.is_zero())
    ifaces_[iface].link_local6 = address;
  else
    addresses6_.emplace_back(address, iface);
  ++version_;
}

int Topology::AddSegment(std::string name) {
  const int id = segment_count();
  segment_index_.emplace(name, id);
  segments_.push_back({std::move(name), {}, {}});
  ++version_;
  ++trunk_version_;  // one more table
  return id;
}

int Topology::ConnectInterface(int iface, int segment, LinkDirection up, LinkDirection down) {
  assert(ifaces_[iface].segment < 0);
  Link l;
  l.iface = iface;
  l.seg_b = segment;
  l.dir[0] = up;
  l.dir[1] = down;
  random_directions_ += Random(up) + Random(down);
  links_.push_back(l);
  ifaces_[iface].segment = segment;
  ifaces_[iface].link = link_count() - 1;
  // Interfaces are usually connected in id order: then this appends.
  auto& m = segments_[segment].members;
  m.insert(std::upper_bound(m.begin(), m.end(), iface), iface);
  ++version_;
  return link_count() - 1;
}

int Topology::ConnectSegments(int a, int b, LinkDirection a_to_b, LinkDirection b_to_a) {
  Link l;
  l.seg_a = a;
  l.seg_b = b;
  l.dir[0] = a_to_b;
  l.dir[1] = b_to_a;
  random_directions_ += Random(a_to_b) + Random(b_to_a);
  links_.push_back(l);
  const int id = link_count() - 1;
  segments_[a].trunks.push_back(id);
  if (b != a) segments_[b].trunks.push_back(id);
  ++version_;
  ++trunk_version_;
  return id;
}

void Topology::SetLinkUp(int link, bool up) {
  if (links_[link].up == up) return;
  links_[link].up = up;
  ++version_;
  // An interface link is checked per delivery; only trunks shape paths.
  if (links_[link].iface < 0) ++trunk_version_;
}

void Topology::SetDirection(int directed_link, LinkDirection d) {
  // A trunk's latency feeds the cached path latencies, so changing it
  // invalidates them; an interface link's latency, jitter and loss are read
  // per frame.
  Link& l = links_[directed_link / 2];
  LinkDirection& cur = l.dir[directed_link % 2];
  if (cur.latency != d.latency) {
    ++version_;
    if (l.iface < 0) ++trunk_version_;
  }
  random_directions_ += Random(d) - Random(cur);
  cur = d;
}

int Topology::FindHost(const std::string& name) const {
  const auto it = host_index_.find(name);
  return it == host_index_.end() ? -1 : it->second;
}

int Topology::FindSegment(const std::string& name) const {
  const auto it = segment_index_.find(name);
  return it == segment_index_.end() ? -1 : it->second;
}

int Topology::FindInterface(int host, const std::string& name) const {
  for (int i : hosts_[host].ifaces)
    if (ifaces_[i].name == name) return i;
  return -1;
}

int Topology::FindInterfaceByAddress(vrrp::Ipv4 address) const {
  const auto it = address_index_.find(address.value);
  return it == address_index_.end() ? -1 : it->second;
}

int Topology::FindInterfaceByAddress6(const vrrp::IpAddress& address) const {
  if (indexed_ifaces_ < ifaces_.size() || indexed6_ < addresses6_.size()) {
    // Rebuilt whole, so that the lowest interface wins whatever the order
    // the addresses came in.
    address6_index_.clear();
    for (std::size_t i = 0; i < ifaces_.size(); ++i)
      if (!ifaces_[i].link_local6.is_zero())
        address6_index_.emplace(ifaces_[i].link_local6, static_cast<int>(i));
    for (const auto& [a, i] : addresses6_) {
      auto [it, fresh] = address6_index_.emplace(a, i);
      if (!fresh && i < it->second) it->second = i;
    }
    indexed_ifaces_ = ifaces_.size();
    indexed6_ = addresses6_.size();
  }
  const auto it = address6_index_.find(address);
  return it == address6_index_.end() ? -1 : it->second;
}

const Topology::SegTable& Topology::Table(int seg) const {
  if (built_trunk_version_ != trunk_version_) {
    tables_.assign(static_cast<std::size_t>(segment_count()), {});
    built_trunk_version_ = trunk_version_;
  }
  SegTable& t = tables_[seg];
  if (!t.built) BuildTable(seg, &t);
  return t;
}

void Topology::BuildTable(int seg, SegTable* t) const {
  t->built = true;
  // The segments reachable over trunks that are up (breadth first), and
  // those trunks.
  const auto& own = segments_[seg].trunks;
  if (std::none_of(own.begin(), own.end(), [&](int li) { return links_[li].up; })) {
    t->reach.push_back({seg, 0, 0, 0});  // the common case: no trunk
    return;
  }
  std::vector<int> comp{seg};
  std::vector<int> trunks;
  std::vector<bool> seen(static_cast<std::size_t>(segment_count()), false);
  seen[seg] = true;
  for (std::size_t k = 0; k < comp.size(); ++k) {
    for (int li : segments_[comp[k]].trunks) {
      const Link& l = links_[li];
      if (!l.up) continue;
      trunks.push_back(li);
      for (int s : {l.seg_a, l.seg_b})
        if (!seen[s]) {
          seen[s] = true;
          comp.push_back(s);
        }
    }
  }
  // Vertices in segment-id order, edges in link-id order (both directions
  // of a trunk in turn), so parallel trunks are met lowest id first.
  std::sort(comp.begin(), comp.end());
  std::sort(trunks.begin(), trunks.end());
  trunks.erase(std::unique(trunks.begin(), trunks.end()), trunks.end());
  auto vertex = [&](int s) {
    return static_cast<Vertex>(std::lower_bound(comp.begin(), comp.end(), s) - comp.begin());
  };
  Graph g(comp.size());
  for (int li : trunks) {
    const Link& l = links_[li];
    const Vertex a = vertex(l.seg_a), b = vertex(l.seg_b);
    boost::add_edge(a, b, EdgeProps{l.dir[0].latency, li * 2}, g);
    boost::add_edge(b, a, EdgeProps{l.dir[1].latency, li * 2 + 1}, g);
  }
  std::vector<Duration> dist(comp.size());
  std::vector<Vertex> pred(comp.size());
  const Vertex s = vertex(seg);
  boost::dijkstra_shortest_paths(
      g, s,
      boost::predecessor_map(
          boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, g)))
          .distance_map(
              boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g)))
          .weight_map(boost::get(&EdgeProps::weight, g))
          .distance_inf(std::numeric_limits<Duration>::max()));
  std::vector<int> path;
  for (Vertex d = 0; d < comp.size(); ++d) {
    // Walk the predecessor chain back to the source; with parallel edges
    // between the same vertices, take the lightest one (what Dijkstra used).
    path.clear();
    for (Vertex v = d; v != s; v = pred[v]) {
      const Vertex u = pred[v];
      int best = -1;
      Duration best_w = std::numeric_limits<Duration>::max();
      for (auto [e, end] = boost::out_edges(u, g); e != end; ++e) {
        if (boost::target(*e, g) != v) continue;
        if (g[*e].weight < best_w) {
          best_w = g[*e].weight;
          best = g[*e].directed_link;
        }
      }
      path.push_back(best);
    }
    const auto first = static_cast<std::uint32_t>(t->trunks.size());
    t->trunks.insert(t->trunks.end(), path.rbegin(), path.rend());
    t->reach.push_back({comp[d], dist[d], first, static_cast<std::uint32_t>(path.size())});
  }
}

std::optional<Route> Topology::Unicast(int src_iface, int dst_iface) const {
  const Iface& src = ifaces_[src_iface];
  const Iface& dst = ifaces_[dst_iface];
  if (src_iface == dst_iface || src.segment < 0 || dst.segment < 0 || !links_[src.link].up ||
      !links_[dst.link].up)
    return std::nullopt;
  const SegTable& t = Table(src.segment);
  const auto it = std::lower_bound(t.reach.begin(), t.reach.end(), dst.segment,
                                   [](const SegRoute& r, int s) { return r.seg < s; });
  if (it == t.reach.end() || it->seg != dst.segment) return std::nullopt;
  return MakeRoute(src, dst_iface, t, *it);
}

}  // namespace vsim

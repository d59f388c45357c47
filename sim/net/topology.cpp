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
  hosts_.push_back({std::move(name)});
  ++version_;
  return host_count() - 1;
}

int Topology::AddInterface(int host, std::string name, vrrp::Ipv4 address) {
  assert(host >= 0 && host < host_count());
  ifaces_.push_back({host, std::move(name), address});
  ++version_;
  return iface_count() - 1;
}

int Topology::AddSegment(std::string name) {
  segments_.push_back({std::move(name)});
  ++version_;
  return segment_count() - 1;
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
  ++version_;
  return link_count() - 1;
}

void Topology::SetLinkUp(int link, bool up) {
  if (links_[link].up == up) return;
  links_[link].up = up;
  ++version_;
}

void Topology::SetDirection(int directed_link, LinkDirection d) {
  // Latency feeds the cached base latency, so a latency change invalidates
  // the routes; jitter and loss are read per frame and do not.
  LinkDirection& cur = links_[directed_link / 2].dir[directed_link % 2];
  if (cur.latency != d.latency) ++version_;
  random_directions_ += Random(d) - Random(cur);
  cur = d;
}

const LinkDirection& Topology::direction(int directed_link) const {
  return links_[directed_link / 2].dir[directed_link % 2];
}

int Topology::FindHost(const std::string& name) const {
  for (int i = 0; i < host_count(); ++i)
    if (hosts_[i].name == name) return i;
  return -1;
}

int Topology::FindSegment(const std::string& name) const {
  for (int i = 0; i < segment_count(); ++i)
    if (segments_[i].name == name) return i;
  return -1;
}

int Topology::FindInterface(int host, const std::string& name) const {
  for (int i = 0; i < iface_count(); ++i)
    if (ifaces_[i].host == host && ifaces_[i].name == name) return i;
  return -1;
}

int Topology::FindInterfaceByAddress(vrrp::Ipv4 address) const {
  for (int i = 0; i < iface_count(); ++i)
    if (ifaces_[i].address == address) return i;
  return -1;
}

void Topology::Rebuild() const {
  // Vertices: segments first, then interfaces.
  const int nseg = segment_count();
  const auto vertex_of_iface = [nseg](int iface) { return static_cast<Vertex>(nseg + iface); };
  Graph g(static_cast<std::size_t>(nseg + iface_count()));
  for (int li = 0; li < link_count(); ++li) {
    const Link& l = links_[li];
    if (!l.up) continue;
    const Vertex a = l.iface >= 0 ? vertex_of_iface(l.iface) : static_cast<Vertex>(l.seg_a);
    const Vertex b = static_cast<Vertex>(l.seg_b);
    boost::add_edge(a, b, EdgeProps{l.dir[0].latency, li * 2}, g);
    boost::add_edge(b, a, EdgeProps{l.dir[1].latency, li * 2 + 1}, g);
  }

  const std::size_t nv = boost::num_vertices(g);
  std::vector<Duration> dist(nv);
  std::vector<Vertex> pred(nv);
  routes_.assign(static_cast<std::size_t>(iface_count()), {});
  for (int src = 0; src < iface_count(); ++src) {
    if (ifaces_[src].segment < 0 || !links_[ifaces_[src].link].up) continue;
    const Vertex s = vertex_of_iface(src);
    boost::dijkstra_shortest_paths(
        g, s,
        boost::predecessor_map(
            boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, g)))
            .distance_map(
                boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g)))
            .weight_map(boost::get(&EdgeProps::weight, g))
            .distance_inf(std::numeric_limits<Duration>::max()));
    auto& out = routes_[src];
    for (int dst = 0; dst < iface_count(); ++dst) {
      if (dst == src) continue;
      const Vertex d = vertex_of_iface(dst);
      if (dist[d] == std::numeric_limits<Duration>::max()) continue;
      Route r;
      r.dst_iface = dst;
      r.base_latency = dist[d];
      // Walk the predecessor chain back to the source; with parallel edges
      // between the same vertices, take the lightest one (what Dijkstra used).
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
        r.directed_links.insert(r.directed_links.begin(), best);
      }
      out.push_back(std::move(r));
    }
  }
  built_version_ = version_;
}

const std::vector<Route>& Topology::Broadcast(int src_iface) const {
  if (built_version_ != version_) Rebuild();
  return routes_[src_iface];
}

const Route* Topology::Unicast(int src_iface, int dst_iface) const {
  for (const Route& r : Broadcast(src_iface))
    if (r.dst_iface == dst_iface) return &r;
  return nullptr;
}

}  // namespace vsim

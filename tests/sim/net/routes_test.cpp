// Routes and deliveries over random multi-segment topologies, checked
// against a brute-force model of the network as it was specified before the
// segment-graph routing (every simple path enumerated, a host x host filter
// matrix, one random stream per directed link named after its endpoints):
// receivers, latencies, link draws and drop records must not change, or
// traces would not stay byte-identical.
#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/rng.h"
#include "sim/net/network.h"
#include "sim/net/topology.h"

namespace vsim {

// Found by argument-dependent lookup: in the namespace of the types.
bool operator==(const Delivery& a, const Delivery& b) {
  return a.dst_iface == b.dst_iface && a.at == b.at;
}
bool operator==(const Drop& a, const Drop& b) {
  return a.dst_iface == b.dst_iface && a.reason == b.reason && a.directed_link == b.directed_link;
}

namespace {

using vrrp::Ipv4;
using vrrp::kVrrpMulticastGroup;

struct RefPath {
  Duration latency = 0;
  std::vector<int> links;  // directed, in path order
};

// A random world: segments joined by trunks (cycles and parallel trunks
// included), hosts with one or two interfaces, some links lossy or jittery.
struct World {
  Topology topo;
  std::vector<std::pair<int, int>> trunk_ends;  // per link: (a, b), or (-1, -1)
  std::vector<int> trunks, iface_links;

  explicit World(std::uint64_t seed) {
    Rng rng(seed);
    const int segments = 2 + static_cast<int>(rng.Below(5));
    for (int s = 0; s < segments; ++s) topo.AddSegment("s" + std::to_string(s));
    auto dir = [&] {
      LinkDirection d;
      d.latency = static_cast<Duration>(1 + rng.Below(100000));
      if (rng.Chance(0.2)) d.jitter = static_cast<Duration>(rng.Below(50));
      if (rng.Chance(0.2)) d.loss = 0.3;
      return d;
    };
    const int hosts = 3 + static_cast<int>(rng.Below(10));
    int addr = 1;
    std::vector<int> ifaces;
    for (int h = 0; h < hosts; ++h) {
      const int id = topo.AddHost("h" + std::to_string(h));
      const int n = rng.Chance(0.3) ? 2 : 1;
      for (int k = 0; k < n; ++k)
        ifaces.push_back(topo.AddInterface(id, "eth" + std::to_string(k),
                                           Ipv4(10, 0, 0, static_cast<std::uint8_t>(addr++))));
    }
    // Connected in id order or backwards; now and then left unconnected.
    if (rng.Chance(0.5)) std::reverse(ifaces.begin(), ifaces.end());
    for (int i : ifaces) {
      if (rng.Chance(0.1)) continue;
      iface_links.push_back(topo.ConnectInterface(
          i, static_cast<int>(rng.Below(static_cast<std::uint64_t>(segments))), dir(), dir()));
      trunk_ends.resize(static_cast<std::size_t>(topo.link_count()), {-1, -1});
    }
    const int ntrunks = static_cast<int>(rng.Below(static_cast<std::uint64_t>(segments) * 2));
    for (int k = 0; k < ntrunks; ++k) {
      const int a = static_cast<int>(rng.Below(static_cast<std::uint64_t>(segments)));
      const int b = static_cast<int>(rng.Below(static_cast<std::uint64_t>(segments)));
      trunks.push_back(topo.ConnectSegments(a, b, dir(), dir()));
      trunk_ends.resize(static_cast<std::size_t>(topo.link_count()), {-1, -1});
      trunk_ends[static_cast<std::size_t>(trunks.back())] = {a, b};
    }
  }

  std::vector<RefPath> Routes(int src, int dst) const {
    std::vector<RefPath> best;
    if (src == dst) return best;
    const int sl = topo.iface_link(src), dl = topo.iface_link(dst);
    if (sl < 0 || dl < 0 || !topo.link_up(sl) || !topo.link_up(dl)) return best;
    std::vector<bool> on_path(static_cast<std::size_t>(topo.segment_count()), false);
    RefPath cur{topo.direction(sl * 2).latency, {sl * 2}};
    auto dfs = [&](auto& self, int seg) -> void {
      if (seg == topo.iface_segment(dst)) {
        RefPath p = cur;
        p.latency += topo.direction(dl * 2 + 1).latency;
        p.links.push_back(dl * 2 + 1);
        if (!best.empty() && p.latency < best[0].latency) best.clear();
        if (best.empty() || p.latency == best[0].latency) best.push_back(p);
        return;
      }
      on_path[static_cast<std::size_t>(seg)] = true;
      for (int l : trunks) {
        if (!topo.link_up(l)) continue;
        const auto [a, b] = trunk_ends[static_cast<std::size_t>(l)];
        for (int d = 0; d < 2; ++d) {
          const int from = d == 0 ? a : b, to = d == 0 ? b : a;
          if (from != seg || on_path[static_cast<std::size_t>(to)]) continue;
          const int directed = l * 2 + d;
          cur.latency += topo.direction(directed).latency;
          cur.links.push_back(directed);
          self(self, to);
          cur.links.pop_back();
          cur.latency -= topo.direction(directed).latency;
        }
      }
      on_path[static_cast<std::size_t>(seg)] = false;
    };
    dfs(dfs, topo.iface_segment(src));
    return best;
  }
};

// The network as specified: frames over the shortest path, one draw per
// directed link per frame, a host x host filter matrix.
struct RefNetwork {
  const World& w;
  std::uint64_t seed;
  std::map<int, Rng> rngs;
  std::vector<std::vector<bool>> blocked;

  RefNetwork(const World& world, std::uint64_t s)
      : w(world),
        seed(s),
        blocked(static_cast<std::size_t>(world.topo.host_count()),
                std::vector<bool>(static_cast<std::size_t>(world.topo.host_count()), false)) {}

  Rng& LinkRng(int dl) {
    auto it = rngs.find(dl);
    if (it != rngs.end()) return it->second;
    const Topology& t = w.topo;
    const int link = dl / 2;
    std::string name = "link:";
    for (int i = 0; i < t.iface_count(); ++i)
      if (t.iface_link(i) == link)
        name += t.host_name(t.iface_host(i)) + "/" + t.iface_name(i) + "~" +
                t.segment_name(t.iface_segment(i));
    name += "#" + std::to_string(link) + (dl % 2 ? ":rev" : ":fwd");
    return rngs.emplace(dl, Rng::Stream(seed, name)).first->second;
  }

  // Returns false when the chosen path is not determined (equal costs).
  bool Send(Time now, int src, Ipv4 dst, std::vector<Delivery>* out, std::vector<Drop>* drops) {
    const Topology& t = w.topo;
    if (t.iface_link(src) < 0 || !t.link_up(t.iface_link(src))) {
      drops->push_back({-1, DropReason::kInterfaceDown, -1});
      return true;
    }
    std::map<int, std::pair<bool, Duration>> draws;  // this frame's, per directed link
    bool determined = true;
    auto deliver = [&](int d, const RefPath& p) {
      if (blocked[static_cast<std::size_t>(t.iface_host(src))]
                 [static_cast<std::size_t>(t.iface_host(d))]) {
        drops->push_back({d, DropReason::kPartition, -1});
        return;
      }
      Duration extra = 0;
      for (int dl : p.links) {
        auto it = draws.find(dl);
        if (it == draws.end()) {
          const LinkDirection& dir = t.direction(dl);
          std::pair<bool, Duration> draw{false, 0};
          if (dir.loss > 0 || dir.jitter > 0) {
            Rng& rng = LinkRng(dl);
            draw.first = rng.Chance(dir.loss);
            if (dir.jitter > 0)
              draw.second =
                  static_cast<Duration>(rng.Below(static_cast<std::uint64_t>(dir.jitter) + 1));
          }
          it = draws.emplace(dl, draw).first;
        }
        if (it->second.first) {
          drops->push_back({d, DropReason::kLinkLoss, dl});
          return;
        }
        extra += it->second.second;
      }
      out->push_back({d, now + p.latency + extra});
    };
    auto route = [&](int d) {
      std::vector<RefPath> r = w.Routes(src, d);
      if (r.size() > 1) determined = false;
      return r;
    };
    if (dst.is_multicast()) {
      for (int d = 0; d < t.iface_count(); ++d) {
        std::vector<RefPath> r = route(d);
        if (!r.empty()) deliver(d, r[0]);
      }
      return determined;
    }
    int d = -1;
    for (int i = 0; i < t.iface_count() && d < 0; ++i)
      if (t.iface_address(i) == dst) d = i;
    std::vector<RefPath> r = d >= 0 ? route(d) : std::vector<RefPath>{};
    if (r.empty()) {
      drops->push_back({d, DropReason::kNoRoute, -1});
      return true;
    }
    deliver(d, r[0]);
    return determined;
  }
};

TEST(Routes, UnicastMatchesEveryShortestPathByBruteForce) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    World w(seed);
    Rng rng(seed * 7919);
    for (int step = 0; step < 30; ++step) {
      for (int s = 0; s < w.topo.iface_count(); ++s)
        for (int d = 0; d < w.topo.iface_count(); ++d) {
          const std::vector<RefPath> want = w.Routes(s, d);
          const std::optional<Route> got = w.topo.Unicast(s, d);
          ASSERT_EQ(got.has_value(), !want.empty()) << "seed " << seed << " " << s << "->" << d;
          if (!got) continue;
          EXPECT_EQ(got->base_latency, want[0].latency);
          EXPECT_EQ(got->dst_iface, d);
          std::vector<int> links;
          for (std::size_t k = 0; k < got->link_count(); ++k)
            links.push_back(got->directed_link(k));
          bool among = false;
          for (const RefPath& p : want) among = among || p.links == links;
          EXPECT_TRUE(among) << "seed " << seed << " " << s << "->" << d;
        }
      // Flap a random link, or change a latency.
      const int l = static_cast<int>(rng.Below(static_cast<std::uint64_t>(w.topo.link_count())));
      if (rng.Chance(0.7)) {
        w.topo.SetLinkUp(l, !w.topo.link_up(l));
      } else {
        LinkDirection d = w.topo.direction(l * 2);
        d.latency = static_cast<Duration>(1 + rng.Below(100000));
        w.topo.SetDirection(l * 2, d);
      }
    }
  }
}

TEST(Routes, DeliveriesAndDropsMatchTheBruteForceNetwork) {
  int undetermined = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    World w(seed);
    Network net(&w.topo, seed);
    RefNetwork ref(w, seed);
    Rng rng(seed * 104729);
    const int hosts = w.topo.host_count();
    for (int step = 0; step < 300; ++step) {
      const std::uint64_t what = rng.Below(10);
      if (what == 0) {
        const int l = static_cast<int>(rng.Below(static_cast<std::uint64_t>(w.topo.link_count())));
        w.topo.SetLinkUp(l, !w.topo.link_up(l));
      } else if (what == 1) {
        const int a = static_cast<int>(rng.Below(static_cast<std::uint64_t>(hosts)));
        const int b = static_cast<int>(rng.Below(static_cast<std::uint64_t>(hosts)));
        const bool on = rng.Chance(0.5);
        net.SetBlocked(a, b, on);
        ref.blocked[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)] = on;
      } else if (what == 2) {
        // Two or three groups over some hosts; the rest not listed.
        std::vector<std::vector<int>> groups(2 + rng.Below(2));
        for (int h = 0; h < hosts; ++h)
          if (rng.Chance(0.7)) groups[rng.Below(groups.size())].push_back(h);
        net.Partition(groups);
        for (std::size_t g = 0; g < groups.size(); ++g)
          for (std::size_t k = 0; k < groups.size(); ++k)
            if (g != k)
              for (int a : groups[g])
                for (int b : groups[k])
                  ref.blocked[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)] = true;
      } else if (what == 3 && rng.Chance(0.3)) {
        net.Heal();
        for (auto& row : ref.blocked) std::fill(row.begin(), row.end(), false);
      }
      const int src = static_cast<int>(rng.Below(static_cast<std::uint64_t>(w.topo.iface_count())));
      const Ipv4 dst = rng.Chance(0.5) ? kVrrpMulticastGroup
                                       : Ipv4(10, 0, 0, static_cast<std::uint8_t>(rng.Below(40)));
      std::vector<Delivery> out, want_out;
      std::vector<Drop> drops, want_drops;
      net.Send(step * 1000, src, dst, &out, &drops);
      if (!ref.Send(step * 1000, src, dst, &want_out, &want_drops)) {
        // Equal-cost paths: the choice may differ, and so may the draws
        // from then on; this world is done.
        ++undetermined;
        break;
      }
      ASSERT_EQ(out, want_out) << "seed " << seed << " step " << step;
      ASSERT_EQ(drops, want_drops) << "seed " << seed << " step " << step;
      for (int a = 0; a < hosts; ++a)
        for (int b = 0; b < hosts; ++b)
          ASSERT_EQ(net.blocked(a, b),
                    ref.blocked[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)]);
    }
  }
  EXPECT_LT(undetermined, 5);  // latencies are drawn from a wide range
}

}  // namespace
}  // namespace vsim

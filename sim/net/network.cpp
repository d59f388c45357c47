#include "sim/net/network.h"

#include <algorithm>
#include <optional>

namespace vsim {

const char* DropReasonName(DropReason r) {
  switch (r) {
    case DropReason::kNoRoute:
      return "no-route";
    case DropReason::kLinkLoss:
      return "link-loss";
    case DropReason::kPartition:
      return "partition";
    case DropReason::kInterfaceDown:
      return "interface-down";
  }
  return "?";
}

Network::Network(Topology* topology, std::uint64_t seed) : topology_(topology), seed_(seed) {}

Network::Network(const Network& o, Topology* topology)
    : topology_(topology),
      seed_(o.seed_),
      link_rngs_(o.link_rngs_),
      link_rng_ready_(o.link_rng_ready_),
      partitions_(o.partitions_),
      pairs_(o.pairs_),
      link_draws_(o.link_draws_),
      frame_(o.frame_) {}

bool Network::random_drawn() const {
  // A stream is created on its first draw.
  for (bool ready : link_rng_ready_)
    if (ready) return true;
  return false;
}

bool Network::Reseed(std::uint64_t seed) {
  if (random_drawn()) return false;
  seed_ = seed;
  return true;
}

Rng& Network::LinkRng(int directed_link) {
  if (static_cast<std::size_t>(directed_link) >= link_rngs_.size()) {
    link_rngs_.resize(static_cast<std::size_t>(directed_link) + 1);
    link_rng_ready_.resize(static_cast<std::size_t>(directed_link) + 1, false);
  }
  if (!link_rng_ready_[directed_link]) {
    // Name the stream after the link's endpoints, not its index (a trunk
    // has no interface: its index names it).
    const int link = directed_link / 2;
    std::string name = "link:";
    if (const int i = topology_->link_iface(link); i >= 0) {
      name += topology_->host_name(topology_->iface_host(i)) + "/" + topology_->iface_name(i);
      name += "~" + topology_->segment_name(topology_->iface_segment(i));
    }
    name += "#" + std::to_string(link) + (directed_link % 2 ? ":rev" : ":fwd");
    link_rngs_[directed_link] = Rng::Stream(seed_, name);
    link_rng_ready_[directed_link] = true;
  }
  return link_rngs_[directed_link];
}

void Network::SetBlocked(int from_host, int to_host, bool blocked) {
  // Unblocking a pair no partition separates is the default: nothing to keep.
  if (!blocked && !Separated(from_host, to_host)) {
    pairs_.erase(PairKey(from_host, to_host));
  } else {
    pairs_[PairKey(from_host, to_host)] = blocked;
  }
}

bool Network::Separated(int from_host, int to_host) const {
  for (const auto& group : partitions_) {
    const int n = static_cast<int>(group.size());
    const int a = from_host < n ? group[from_host] : -1;
    const int b = to_host < n ? group[to_host] : -1;
    if (a >= 0 && b >= 0 && a != b) return true;
  }
  return false;
}

bool Network::BlockedSlow(int from_host, int to_host) const {
  if (!pairs_.empty()) {
    const auto it = pairs_.find(PairKey(from_host, to_host));
    if (it != pairs_.end()) return it->second;
  }
  return Separated(from_host, to_host);
}

void Network::Partition(const std::vector<std::vector<int>>& groups) {
  int hosts = 0;
  for (const auto& g : groups)
    for (int h : g) hosts = std::max(hosts, h + 1);
  std::vector<int> group(static_cast<std::size_t>(hosts), -1);
  bool twice = false;  // a host in two groups (the loader forbids it)
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (int h : groups[g]) {
      if (group[h] >= 0 && group[h] != static_cast<int>(g)) twice = true;
      group[h] = static_cast<int>(g);
    }
  if (twice) {
    // One group per host cannot say it: block pair by pair, as it means.
    for (std::size_t g = 0; g < groups.size(); ++g)
      for (std::size_t h = 0; h < groups.size(); ++h) {
        if (g == h) continue;
        for (int a : groups[g])
          for (int b : groups[h]) SetBlocked(a, b, true);
      }
    return;
  }
  // Every pair the partition separates is blocked from now on, whatever an
  // earlier SetBlocked said.
  std::erase_if(pairs_, [&](const auto& kv) {
    const int a = static_cast<int>(kv.first >> 32), b = static_cast<int>(kv.first & 0xffffffffu);
    return a < hosts && b < hosts && group[a] >= 0 && group[b] >= 0 && group[a] != group[b];
  });
  if (std::find(partitions_.begin(), partitions_.end(), group) == partitions_.end())
    partitions_.push_back(std::move(group));
}

void Network::Heal() {
  partitions_.clear();
  pairs_.clear();
}

void Network::SendResolved(Time now, int src_iface, int dst_iface, std::vector<Delivery>* out,
                           std::vector<Drop>* drops) {
  const Topology& topo = *topology_;
  const bool multicast = dst_iface == kToDomain;
  if (topo.iface_link(src_iface) < 0 || !topo.link_up(topo.iface_link(src_iface))) {
    if (drops) drops->push_back({-1, DropReason::kInterfaceDown, -1});
    return;
  }
  const bool filtered = any_blocked();
  if (multicast && !filtered && !topo.has_random_directions()) {
    // Nothing to draw and nothing to filter (every frame of a run without
    // loss, jitter or partitions): each receiver gets the frame after its
    // route's fixed latency. The draw memo is not needed: every draw
    // would be "not lost, no extra delay" and no stream is drawn from.
    const auto si = static_cast<std::size_t>(src_iface);
    if (fanout_.size() <= si) fanout_.resize(si + 1);
    Fanout& f = fanout_[si];
    if (f.version != topo.version()) {
      f.to.clear();
      f.version = topo.version();
      f.large = false;
      topo.ForEachReceiver(src_iface, [&](const Route& r) {
        f.to.push_back({r.dst_iface, r.base_latency});
      });
      if (f.to.size() > kFanoutCacheMax) {
        f.large = true;
        f.to = {};
      }
    }
    if (f.large) {
      topo.ForEachReceiver(src_iface, [&](const Route& r) {
        out->push_back({r.dst_iface, now + r.base_latency});
      });
      return;
    }
    for (const Delivery& d : f.to) out->push_back({d.dst_iface, now + d.at});
    return;
  }
  const int src_host = topo.iface_host(src_iface);
  // Directed link ids are link * 2 (+1 for the reverse direction).
  const auto directed_links = static_cast<std::size_t>(topo.link_count()) * 2;
  if (link_draws_.size() < directed_links) link_draws_.resize(directed_links);
  if (++frame_ == 0) {  // wrapped: forget every old frame's draws
    for (Draw& d : link_draws_) d.frame = 0;
    frame_ = 1;
  }

  auto deliver = [&](const Route& r) {
    if (filtered && BlockedSlow(src_host, topo.iface_host(r.dst_iface))) {
      if (drops) drops->push_back({r.dst_iface, DropReason::kPartition, -1});
      return;
    }
    Duration extra = 0;
    for (std::size_t k = 0, n = r.link_count(); k < n; ++k) {
      const int dl = r.directed_link(k);
      Draw& draw = link_draws_[dl];
      if (draw.frame != frame_) {
        // First receiver behind this link: the frame crosses it now.
        const LinkDirection& dir = topo.direction(dl);
        draw = Draw{frame_, false, 0};
        if (dir.loss > 0 || dir.jitter > 0) {
          Rng& rng = LinkRng(dl);
          draw.lost = rng.Chance(dir.loss);
          if (dir.jitter > 0)
            draw.extra =
                static_cast<Duration>(rng.Below(static_cast<std::uint64_t>(dir.jitter) + 1));
        }
      }
      if (draw.lost) {
        if (drops) drops->push_back({r.dst_iface, DropReason::kLinkLoss, dl});
        return;
      }
      extra += draw.extra;
    }
    out->push_back({r.dst_iface, now + r.base_latency + extra});
  };

  if (multicast) {
    topo.ForEachReceiver(src_iface, deliver);
    return;
  }
  const std::optional<Route> r = dst_iface >= 0 ? topo.Unicast(src_iface, dst_iface) : std::nullopt;
  if (!r) {
    if (drops) drops->push_back({dst_iface, DropReason::kNoRoute, -1});
    return;
  }
  deliver(*r);
}

void Network::Send(Time now, int src_iface, vrrp::Ipv4 dst, std::vector<Delivery>* out,
                   std::vector<Drop>* drops) {
  SendResolved(now, src_iface,
               dst.is_multicast() ? kToDomain : topology_->FindInterfaceByAddress(dst), out, drops);
}

void Network::Send6(Time now, int src_iface, const vrrp::IpAddress& dst, std::vector<Delivery>* out,
                    std::vector<Drop>* drops) {
  SendResolved(now, src_iface, Resolve(dst), out, drops);
}

}  // namespace vsim

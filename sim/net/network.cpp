#include "sim/net/network.h"

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
      blocked_(o.blocked_),
      blocked_hosts_(o.blocked_hosts_),
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
    // Name the stream after the link's endpoints, not its index.
    const int link = directed_link / 2;
    std::string name = "link:";
    for (int i = 0; i < topology_->iface_count(); ++i) {
      if (topology_->iface_link(i) == link) {
        name += topology_->host_name(topology_->iface_host(i)) + "/" + topology_->iface_name(i);
        name += "~" + topology_->segment_name(topology_->iface_segment(i));
      }
    }
    name += "#" + std::to_string(link) + (directed_link % 2 ? ":rev" : ":fwd");
    link_rngs_[directed_link] = Rng::Stream(seed_, name);
    link_rng_ready_[directed_link] = true;
  }
  return link_rngs_[directed_link];
}

void Network::SetBlocked(int from_host, int to_host, bool blocked) {
  const int n = topology_->host_count();
  if (n != blocked_hosts_) {
    std::vector<std::uint8_t> grown(static_cast<std::size_t>(n) * n, 0);
    for (int a = 0; a < blocked_hosts_; ++a)
      for (int b = 0; b < blocked_hosts_; ++b) grown[a * n + b] = blocked_[a * blocked_hosts_ + b];
    blocked_.swap(grown);
    blocked_hosts_ = n;
  }
  blocked_[from_host * n + to_host] = blocked ? 1 : 0;
}

bool Network::blocked(int from_host, int to_host) const {
  if (from_host >= blocked_hosts_ || to_host >= blocked_hosts_) return false;
  return blocked_[from_host * blocked_hosts_ + to_host] != 0;
}

void Network::Partition(const std::vector<std::vector<int>>& groups) {
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (std::size_t h = 0; h < groups.size(); ++h) {
      if (g == h) continue;
      for (int a : groups[g])
        for (int b : groups[h]) SetBlocked(a, b, true);
    }
}

void Network::Heal() { std::fill(blocked_.begin(), blocked_.end(), 0); }

void Network::Send(Time now, int src_iface, vrrp::Ipv4 dst, std::vector<Delivery>* out,
                   std::vector<Drop>* drops) {
  const Topology& topo = *topology_;
  if (topo.iface_link(src_iface) < 0 || !topo.link_up(topo.iface_link(src_iface))) {
    if (drops) drops->push_back({-1, DropReason::kInterfaceDown, -1});
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
    if (blocked(src_host, topo.iface_host(r.dst_iface))) {
      if (drops) drops->push_back({r.dst_iface, DropReason::kPartition, -1});
      return;
    }
    Duration extra = 0;
    for (int dl : r.directed_links) {
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

  if (dst.is_multicast()) {
    for (const Route& r : topo.Broadcast(src_iface)) deliver(r);
    return;
  }
  const int dst_iface = topo.FindInterfaceByAddress(dst);
  const Route* r = dst_iface >= 0 ? topo.Unicast(src_iface, dst_iface) : nullptr;
  if (!r) {
    if (drops) drops->push_back({dst_iface, DropReason::kNoRoute, -1});
    return;
  }
  deliver(*r);
}

}  // namespace vsim

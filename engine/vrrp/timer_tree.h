// A tournament tree over the instances' timers: the earliest deadline of a
// daemon with many instances in O(1), an update in O(log n).
//
// Each instance has up to three deadlines (its single `sands` timer, the
// delayed GARP batch, the lower-priority GARP batch). The leaf of an instance
// holds the earliest of them; ties resolve as keepalived's scan would meet
// them: earlier instance first, then sands, delayed GARP, lower-priority GARP.
// Without the tree, every input re-scanned every instance, which dominated
// the cost of a host with 100 VRRP instances.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/time.h"

namespace vrrp {

class TimerTree {
 public:
  // REQUIRES: leaves >= 0. Every leaf starts at kNever.
  void Reset(int leaves);

  // Sets leaf `leaf`'s deadline; `kind` (0..3) breaks ties within the leaf.
  void Set(int leaf, Time t, int kind);

  Time min_time() const { return nodes_.empty() ? kNever : nodes_[1].t; }
  int min_leaf() const { return static_cast<int>(nodes_[1].tie >> 2); }
  int min_kind() const { return static_cast<int>(nodes_[1].tie & 3); }

 private:
  struct Key {
    Time t = kNever;
    std::uint32_t tie = UINT32_MAX;
  };
  static bool Less(const Key& a, const Key& b) { return a.t != b.t ? a.t < b.t : a.tie < b.tie; }
  std::size_t size_ = 0;    // leaves, padded to a power of two
  std::vector<Key> nodes_;  // 1-based heap layout: children of i are 2i, 2i+1
};

inline void TimerTree::Reset(int leaves) {
  size_ = 1;
  while (size_ < static_cast<std::size_t>(leaves)) size_ *= 2;
  nodes_.assign(2 * size_, Key{});
}

inline void TimerTree::Set(int leaf, Time t, int kind) {
  std::size_t i = size_ + static_cast<std::size_t>(leaf);
  nodes_[i] = Key{t, (static_cast<std::uint32_t>(leaf) << 2) | static_cast<std::uint32_t>(kind)};
  for (i /= 2; i >= 1; i /= 2) {
    const Key& l = nodes_[2 * i];
    const Key& r = nodes_[2 * i + 1];
    const Key& win = Less(r, l) ? r : l;
    // Unchanged here, unchanged above.
    if (win.t == nodes_[i].t && win.tie == nodes_[i].tie) return;
    nodes_[i] = win;
  }
}

}  // namespace vrrp

// One deadline per owner (the simulator: each host's daemon timer), ordered
// by (time, owner): an indexed binary heap that moves an entry only when
// its deadline comes earlier.
//
// Why not the scheduler: a backup's master-down deadline moves a few
// seconds later on every advert it receives, and the host's timer with it.
// Kept in the event queue, every advert re-filed the timer (in a segment of
// 10,000 backups, 10,000 re-arms per advert, about a third of the run). Here
// a later deadline is only written down (`want`): the entry stays at its
// earlier time, and when it reaches the top it is moved to the deadline
// wanted then (which by then has usually moved on again). An owner's entry
// therefore moves about once per master-down interval, not once per advert;
// a deadline that comes earlier moves at once. A stale entry is never
// reported: top() settles the top first. A master re-arming its advert
// timer after it fired (two simulated events of a two-node run in five) no
// longer allocates an event record, files it and releases it.
//
// The owner order among simultaneous deadlines is what the scheduler's
// group gave host timers (semantics doc §19.1: host timers in host order,
// whenever they were armed).
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "engine/time.h"

namespace vsim {

class DeadlineHeap {
 public:
  // Owners 0..n-1, none armed. REQUIRES: n >= size() (owners are only added).
  void Resize(int n) {
    want_.resize(static_cast<std::size_t>(n), vrrp::kNever);
    bound_.resize(static_cast<std::size_t>(n), 0);
    pos_.resize(static_cast<std::size_t>(n), kNone);
  }
  int size() const { return static_cast<int>(want_.size()); }

  // Arms owner `o` for `t` (kNever: disarms it). `bound`: `t` is only a
  // lower bound of the deadline; top_time and SettleBounds ask the exact
  // one (their `exact(owner)`) before it counts (vrrp::Daemon's
  // NextDeadlineBound: a daemon's own deadlines move later lazily too).
  void Set(int o, vrrp::Time t, bool bound = false) {
    const auto u = static_cast<std::size_t>(o);
    want_[u] = t;
    // While no owner has a bound (a world of small daemons, whose deadlines
    // are always exact), bound_ is not touched at all.
    if (bound || bounds_ != 0) {
      const std::uint8_t b = bound && t != vrrp::kNever;
      bounds_ += b;
      bounds_ -= bound_[u];
      bound_[u] = b;
    }
    if (t == vrrp::kNever) return;  // the entry, if any, goes when it reaches the top
    if (pos_[u] == kNone) {
      pos_[u] = static_cast<std::uint32_t>(heap_.size());
      heap_.push_back(Entry{t, static_cast<std::uint32_t>(o)});
      SiftUp(pos_[u]);
    } else if (t < heap_[pos_[u]].at) {
      heap_[pos_[u]].at = t;
      SiftUp(pos_[u]);
    }
    // Later (or the same): left where it is, see above.
  }

  // The deadline owner `o` is armed for; kNever if none.
  // REQUIRES: no bound is pending (SettleBounds).
  vrrp::Time wanted(int o) const { return want_[static_cast<std::size_t>(o)]; }

  // The earliest armed deadline (kNever if none) and its owner (ties: the
  // lowest owner). Not const: moves stale entries to their deadlines first.
  // `exact(owner)`: the exact deadline of an owner armed with a bound.
  template <typename Exact>
  vrrp::Time top_time(Exact&& exact) {
    Settle(exact);
    return heap_.empty() ? vrrp::kNever : heap_[0].at;
  }
  // The same, a bound taken as the deadline (owners armed without bounds).
  vrrp::Time top_time() {
    return top_time([this](int o) { return want_[static_cast<std::size_t>(o)]; });
  }
  // Replaces every bound by its exact deadline (before wanted/ForEachArmed).
  template <typename Exact>
  void SettleBounds(Exact&& exact) {
    for (std::size_t o = 0; bounds_ != 0 && o < want_.size(); ++o)
      if (bound_[o]) Resolve(o, exact);
  }
  // REQUIRES: top_time() != kNever, called just before.
  int top_owner() const { return static_cast<int>(heap_[0].owner); }
  // Disarms the top owner. REQUIRES: as top_owner().
  void PopTop() {
    want_[heap_[0].owner] = vrrp::kNever;
    if (bounds_ != 0) {
      bounds_ -= bound_[heap_[0].owner];
      bound_[heap_[0].owner] = 0;
    }
    RemoveTop();
  }

  // Moves every armed deadline `d` later (their order is unchanged).
  void Shift(vrrp::Duration d) {
    for (vrrp::Time& t : want_)
      if (t != vrrp::kNever) t += d;
    for (Entry& e : heap_) e.at += d;
  }

  // Calls f(owner, time) for every armed owner, in owner order.
  // REQUIRES: no bound is pending (SettleBounds).
  template <typename F>
  void ForEachArmed(F&& f) const {
    for (std::size_t o = 0; o < want_.size(); ++o)
      if (want_[o] != vrrp::kNever) f(static_cast<int>(o), want_[o]);
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Entry {
    vrrp::Time at;  // <= want_[owner] (or the owner is disarmed)
    std::uint32_t owner;
  };
  static bool Before(const Entry& a, const Entry& b) {
    return a.at != b.at ? a.at < b.at : a.owner < b.owner;
  }

  template <typename Exact>
  void Resolve(std::size_t o, Exact& exact) {
    bound_[o] = 0;
    --bounds_;
    const vrrp::Time t = exact(static_cast<int>(o));
    assert(t >= want_[o]);
    want_[o] = t;  // the entry, if any, is at or before it
  }
  template <typename Exact>
  void Settle(Exact& exact) {
    while (!heap_.empty()) {
      if (bounds_ != 0 && bound_[heap_[0].owner]) Resolve(heap_[0].owner, exact);
      const vrrp::Time w = want_[heap_[0].owner];
      if (w == heap_[0].at) return;
      if (w == vrrp::kNever) {
        RemoveTop();
      } else {
        assert(w > heap_[0].at);
        heap_[0].at = w;
        SiftDown(0);
      }
    }
  }
  void RemoveTop() {
    pos_[heap_[0].owner] = kNone;
    const Entry last = heap_.back();
    heap_.pop_back();
    if (heap_.empty()) return;
    heap_[0] = last;
    pos_[last.owner] = 0;
    SiftDown(0);
  }
  void SiftUp(std::uint32_t i) {
    const Entry e = heap_[i];
    while (i > 0) {
      const std::uint32_t parent = (i - 1) / 2;
      if (!Before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      pos_[heap_[i].owner] = i;
      i = parent;
    }
    heap_[i] = e;
    pos_[e.owner] = i;
  }
  void SiftDown(std::uint32_t i) {
    const Entry e = heap_[i];
    const auto n = static_cast<std::uint32_t>(heap_.size());
    for (;;) {
      std::uint32_t c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && Before(heap_[c + 1], heap_[c])) ++c;
      if (!Before(heap_[c], e)) break;
      heap_[i] = heap_[c];
      pos_[heap_[i].owner] = i;
      i = c;
    }
    heap_[i] = e;
    pos_[e.owner] = i;
  }

  std::vector<vrrp::Time> want_;     // by owner
  std::vector<std::uint8_t> bound_;  // by owner: want_ is only a lower bound of the deadline
  std::size_t bounds_ = 0;           // owners whose bound_ is set
  std::vector<std::uint32_t> pos_;   // by owner: heap index, kNone = no entry
  std::vector<Entry> heap_;
};

}  // namespace vsim

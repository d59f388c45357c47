// The kernel's previous pending-event set, kept as a benchmark baseline: an
// indexed 4-ary min-heap ordered by (time, lane, sequence), with handles for
// O(log n) cancel and re-arm. sim/core/scheduler.h replaced it with a radix
// bucket queue (issue 7: >= 30 M hold operations/s at 10^4 pending events);
// bench/kernel_bench.cpp runs both on the same workloads.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "sim/core/scheduler.h"

namespace vsim::bench {

class HeapScheduler {
 public:
  HeapScheduler() = default;

  // REQUIRES: at >= now() (events are never scheduled in the past).
  EventHandle Schedule(Time at, Lane lane, EventPayload payload);

  // Moves a pending event to a new time (new sequence number). If the handle
  // is stale, schedules a fresh event instead and returns its handle.
  EventHandle Reschedule(EventHandle h, Time at, Lane lane, EventPayload payload);

  // Returns false if the handle was stale (already fired or cancelled).
  bool Cancel(EventHandle h);

  bool IsPending(EventHandle h) const;

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Time of the earliest pending event; kNever if none.
  Time next_time() const { return heap_.empty() ? kNever : heap_[0].at; }
  // Time of the last popped event (the simulation clock).
  Time now() const { return now_; }

  // REQUIRES: !empty(). Removes the earliest event and advances now().
  Event Pop();

 private:
  // The heap holds the ordering key inline (time, then lane and sequence
  // packed into one word) so that sifting compares without chasing slots;
  // the slot holds the payload and the heap position for O(log n) cancel.
  struct Entry {
    Time at;
    std::uint64_t order;  // lane << 56 | sequence
    std::uint32_t slot;
  };
  struct Slot {
    EventPayload payload;
    std::uint32_t heap_pos = UINT32_MAX;  // UINT32_MAX = free
    std::uint32_t generation = 0;
  };

  static constexpr int kLaneShift = 56;
  static std::uint64_t Order(Lane lane, std::uint64_t seq) {
    return (static_cast<std::uint64_t>(lane) << kLaneShift) | seq;
  }
  static bool Before(const Entry& a, const Entry& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  }
  void Place(std::uint32_t pos, const Entry& e) {
    heap_[pos] = e;
    slots_[e.slot].heap_pos = pos;
  }
  void SiftUp(std::uint32_t pos, Entry e);
  void SiftDown(std::uint32_t pos, Entry e);
  void RemoveAt(std::uint32_t pos);
  std::uint32_t AllocSlot();

  static constexpr std::uint32_t kArity = 4;

  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<Entry> heap_;
  std::uint64_t next_seq_ = 0;
  Time now_ = 0;
};

inline std::uint32_t HeapScheduler::AllocSlot() {
  if (!free_slots_.empty()) {
    std::uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

inline EventHandle HeapScheduler::Schedule(Time at, Lane lane, EventPayload payload) {
  assert(at >= now_);
  // A sequence number that reached the lane bits would break the ordering;
  // at one event per nanosecond that takes over two years of wall time.
  assert(next_seq_ < (std::uint64_t{1} << kLaneShift));
  const std::uint32_t slot = AllocSlot();
  slots_[slot].payload = payload;
  heap_.push_back(Entry{});
  SiftUp(static_cast<std::uint32_t>(heap_.size() - 1), Entry{at, Order(lane, next_seq_++), slot});
  return EventHandle{slot, slots_[slot].generation};
}

inline bool HeapScheduler::IsPending(EventHandle h) const {
  return h.valid() && h.slot < slots_.size() && slots_[h.slot].generation == h.generation &&
         slots_[h.slot].heap_pos != UINT32_MAX;
}

inline EventHandle HeapScheduler::Reschedule(EventHandle h, Time at, Lane lane,
                                             EventPayload payload) {
  if (!IsPending(h)) return Schedule(at, lane, payload);
  assert(at >= now_);
  Slot& s = slots_[h.slot];
  s.payload = payload;
  const std::uint32_t pos = s.heap_pos;
  const Entry e{at, Order(lane, next_seq_++), h.slot};
  if (Before(e, heap_[pos])) {
    SiftUp(pos, e);
  } else {
    SiftDown(pos, e);
  }
  return h;
}

inline bool HeapScheduler::Cancel(EventHandle h) {
  if (!IsPending(h)) return false;
  RemoveAt(slots_[h.slot].heap_pos);
  return true;
}

inline Event HeapScheduler::Pop() {
  assert(!heap_.empty());
  const Entry top = heap_[0];
  Event e;
  e.at = top.at;
  e.lane = static_cast<Lane>(top.order >> kLaneShift);
  e.seq = top.order & ((std::uint64_t{1} << kLaneShift) - 1);
  e.payload = slots_[top.slot].payload;
  RemoveAt(0);
  now_ = e.at;
  return e;
}

inline void HeapScheduler::RemoveAt(std::uint32_t pos) {
  const std::uint32_t slot = heap_[pos].slot;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (pos < heap_.size()) {
    // The last entry fills the hole; it may belong above or below it.
    if (pos > 0 && Before(last, heap_[(pos - 1) / kArity])) {
      SiftUp(pos, last);
    } else {
      SiftDown(pos, last);
    }
  }
  Slot& s = slots_[slot];
  s.heap_pos = UINT32_MAX;
  ++s.generation;  // invalidates outstanding handles
  free_slots_.push_back(slot);
}

inline void HeapScheduler::SiftUp(std::uint32_t pos, Entry e) {
  while (pos > 0) {
    const std::uint32_t parent = (pos - 1) / kArity;
    if (!Before(e, heap_[parent])) break;
    Place(pos, heap_[parent]);
    pos = parent;
  }
  Place(pos, e);
}

inline void HeapScheduler::SiftDown(std::uint32_t pos, Entry e) {
  const std::uint32_t n = static_cast<std::uint32_t>(heap_.size());
  for (;;) {
    const std::uint32_t first = pos * kArity + 1;
    if (first >= n) break;
    std::uint32_t best = first;
    const std::uint32_t end = first + kArity < n ? first + kArity : n;
    for (std::uint32_t c = first + 1; c < end; ++c)
      if (Before(heap_[c], heap_[best])) best = c;
    if (!Before(heap_[best], e)) break;
    Place(pos, heap_[best]);
    pos = best;
  }
  Place(pos, e);
}

}  // namespace vsim::bench

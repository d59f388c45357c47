#include "sim/core/scheduler.h"

#include <cassert>

namespace vsim {

std::uint32_t Scheduler::AllocSlot() {
  if (!free_slots_.empty()) {
    std::uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

EventHandle Scheduler::Schedule(Time at, Lane lane, EventPayload payload) {
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

bool Scheduler::IsPending(EventHandle h) const {
  return h.valid() && h.slot < slots_.size() && slots_[h.slot].generation == h.generation &&
         slots_[h.slot].heap_pos != UINT32_MAX;
}

EventHandle Scheduler::Reschedule(EventHandle h, Time at, Lane lane, EventPayload payload) {
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

bool Scheduler::Cancel(EventHandle h) {
  if (!IsPending(h)) return false;
  RemoveAt(slots_[h.slot].heap_pos);
  return true;
}

Event Scheduler::Pop() {
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

void Scheduler::RemoveAt(std::uint32_t pos) {
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

void Scheduler::SiftUp(std::uint32_t pos, Entry e) {
  while (pos > 0) {
    const std::uint32_t parent = (pos - 1) / kArity;
    if (!Before(e, heap_[parent])) break;
    Place(pos, heap_[parent]);
    pos = parent;
  }
  Place(pos, e);
}

void Scheduler::SiftDown(std::uint32_t pos, Entry e) {
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

}  // namespace vsim

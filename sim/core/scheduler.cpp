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
  std::uint32_t slot = AllocSlot();
  Slot& s = slots_[slot];
  s.event = Event{at, lane, next_seq_++, payload};
  heap_.push_back(slot);
  s.heap_pos = static_cast<std::uint32_t>(heap_.size() - 1);
  SiftUp(s.heap_pos);
  return EventHandle{slot, s.generation};
}

bool Scheduler::IsPending(EventHandle h) const {
  return h.valid() && h.slot < slots_.size() && slots_[h.slot].generation == h.generation &&
         slots_[h.slot].heap_pos != UINT32_MAX;
}

EventHandle Scheduler::Reschedule(EventHandle h, Time at, Lane lane, EventPayload payload) {
  if (!IsPending(h)) return Schedule(at, lane, payload);
  assert(at >= now_);
  Slot& s = slots_[h.slot];
  const bool earlier = Before(Event{at, lane, next_seq_, payload}, s.event);
  s.event = Event{at, lane, next_seq_++, payload};
  if (earlier) {
    SiftUp(s.heap_pos);
  } else {
    SiftDown(s.heap_pos);
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
  const std::uint32_t slot = heap_[0];
  Event e = slots_[slot].event;
  RemoveAt(0);
  now_ = e.at;
  return e;
}

void Scheduler::RemoveAt(std::uint32_t pos) {
  const std::uint32_t slot = heap_[pos];
  const std::uint32_t last = static_cast<std::uint32_t>(heap_.size() - 1);
  if (pos != last) {
    Place(pos, heap_[last]);
    heap_.pop_back();
    // The moved element may belong above or below its new position.
    if (pos > 0 && Less(pos, (pos - 1) / kArity)) {
      SiftUp(pos);
    } else {
      SiftDown(pos);
    }
  } else {
    heap_.pop_back();
  }
  Slot& s = slots_[slot];
  s.heap_pos = UINT32_MAX;
  ++s.generation;  // invalidates outstanding handles
  free_slots_.push_back(slot);
}

void Scheduler::SiftUp(std::uint32_t pos) {
  const std::uint32_t slot = heap_[pos];
  const Event& e = slots_[slot].event;
  while (pos > 0) {
    const std::uint32_t parent = (pos - 1) / kArity;
    if (!Before(e, slots_[heap_[parent]].event)) break;
    Place(pos, heap_[parent]);
    pos = parent;
  }
  Place(pos, slot);
}

void Scheduler::SiftDown(std::uint32_t pos) {
  const std::uint32_t n = static_cast<std::uint32_t>(heap_.size());
  const std::uint32_t slot = heap_[pos];
  const Event& e = slots_[slot].event;
  for (;;) {
    const std::uint32_t first = pos * kArity + 1;
    if (first >= n) break;
    std::uint32_t best = first;
    const std::uint32_t end = first + kArity < n ? first + kArity : n;
    for (std::uint32_t c = first + 1; c < end; ++c)
      if (Before(slots_[heap_[c]].event, slots_[heap_[best]].event)) best = c;
    if (!Before(slots_[heap_[best]].event, e)) break;
    Place(pos, heap_[best]);
    pos = best;
  }
  Place(pos, slot);
}

}  // namespace vsim

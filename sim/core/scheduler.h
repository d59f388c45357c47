// The simulator's pending-event set: an indexed 4-ary min-heap.
//
// Events are ordered by (time, lane, sequence number). The sequence number is
// assigned when an event is scheduled or re-armed, so simultaneous events in
// the same lane run in the order they were (re)scheduled. Lanes give a fixed
// order to different kinds of simultaneous events (see Lane below), which
// keepalived leaves to epoll and a simulator must decide (semantics doc §19.1).
//
// Why an indexed heap: every VRRP instance re-arms its timer on almost every
// received advert. A plain std::priority_queue would need tombstones for the
// stale entries; here a handle names its slot, so Cancel and Reschedule are
// O(log n) in place and the heap never holds dead entries.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/time.h"

namespace vsim {

using vrrp::Duration;
using vrrp::kNever;
using vrrp::Time;

// Order of simultaneous events. Lower lanes run first.
enum class Lane : std::uint8_t {
  kOperation = 0,  // scenario operations and faults: the world changes first
  kDelivery = 1,   // packet receptions, before timers (semantics doc §19.1)
  kTimer = 2,      // engine deadlines (advert / master-down / script timers)
  kObserver = 3,   // sampling and end-of-run bookkeeping
};

// What an event is about. The scheduler does not interpret it.
struct EventPayload {
  std::uint32_t kind = 0;
  std::uint32_t target = 0;
  std::uint64_t data = 0;
};

struct Event {
  Time at = 0;
  Lane lane = Lane::kTimer;
  std::uint64_t seq = 0;
  EventPayload payload;
};

// Names one scheduled event. Stays valid until the event is popped or
// cancelled; a stale handle is detected (generation count) and ignored.
struct EventHandle {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class Scheduler {
 public:
  Scheduler() = default;

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

}  // namespace vsim

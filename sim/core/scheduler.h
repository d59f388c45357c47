// The simulator's pending-event set: an indexed 4-ary heap while the queue
// is small, a monotone radix bucket queue once it is large.
//
// Events are ordered by (time, lane, group, sequence number). The sequence
// number is assigned when an event is scheduled or re-armed, so simultaneous
// events in the same lane and group run in the order they were
// (re)scheduled; a group (0 unless given) orders simultaneous events of one
// lane by what they are about instead (the simulator: host timers by host,
// so that when a timer was re-armed does not decide the order). Lanes give a fixed
// order to different kinds of simultaneous events (see Lane below), which
// keepalived leaves to epoll and a simulator must decide (semantics doc §19.1).
// The order is total, so both representations pop exactly the same sequence.
//
// Why a radix queue: simulated time never goes backwards (events are never
// scheduled before now()), and times are integers. An event is filed under
// the highest 6-bit digit in which its time differs from now(): level L,
// slot = that digit. Every event of a lower level, or of a lower slot of the
// same level, is earlier. Popping takes the lowest non-empty slot (two bit
// scans); a slot holding several events is opened: the clock moves to the
// slot's first instant and its events are re-filed relative to it, each to a
// strictly lower level (or to the list of events at now()), until the
// lowest slot holds a single event or now() has due events. An event
// therefore moves at most once per level (11 levels cover all of int64; a
// VRRP timer a few seconds ahead passes through 3 or 4), and schedule,
// cancel and re-arm are O(1) (but see below): no sifting. Events at exactly
// now() sit in a small list sorted by (lane, seq).
//
// Re-filing reads and writes only the buckets (each entry carries its time),
// never the event records. Every filed event sits in the bucket its time
// maps to relative to now() (BucketOf), so an event's record needs only its
// time to name its bucket, and keeps the index it was filed at as a hint:
// Cancel and Reschedule check that the entry there is theirs and otherwise
// (the event was re-filed since) scan the bucket, a lower-level one holding
// the events of a short time span (as costly as a cancel in the list of
// events at now(), which was always linear). VRRP re-arms its timers while
// they are seconds ahead, before any re-filing. Updating the index on every
// re-filing was a random write into the record array per move; not doing it
// took the hold model at 10^4 pending from 34.8 to 31.5 ns, and opening a
// slot at its first instant instead of its minimum (no pass to find the
// minimum) to 29.2 ns (bench/README.md).
//
// Why a small mode as well: a two-node scenario has about five pending
// events, and there one or two cache lines beat the radix queue's spread-out
// buckets (bench: BM_D, 2-node exploration, 11.5 k vs 10.4 k scenarios/s).
// The adaptive queue keeps them in a flat array sorted latest first: pop
// takes the last entry (nothing moves, nothing is scanned), schedule and
// re-arm move one entry to its place by insertion (a delivery is due first
// and stays at the back; a re-armed timer passes the one or two events due
// before it), cancel closes the gap. Its first form, unsorted with the
// minimum's position kept, rescanned the whole array (a two-node run's ten
// or so pending events, most of them far-off operations) on every pop;
// sorted, BM_D's runs took 2.5 % fewer instructions in all (callgrind, sixth
// session). An indexed 4-ary heap (the small mode before that,
// still QueueMode::kHeap) cost twice the instructions per operation in an
// explore run (bench/README.md). It
// switches to radix above 32 pending events and back below 12.
//
// Handles name a record, so Cancel and Reschedule work in place in either
// representation and the queue never holds dead entries (VRRP re-arms a
// backup's master-down timer on every received advert). bench/kernel_bench.cpp
// measures this against the same scheduler held in its heap
// (QueueMode::kHeap) and std::priority_queue.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/time.h"

namespace vsim {

using vrrp::Duration;
using vrrp::kNever;
using vrrp::Time;

// Order of simultaneous events. Lower lanes run first.
enum class Lane : std::uint8_t {
  kOperation = 0,  // scenario operations and faults: the world changes first
  // What the world schedules on its own as inputs: a node's implicit start,
  // the start a restart makes, a pause's end. Always after the timeline's
  // operations at the same instant, as they are when the run starts from
  // time 0 (those are scheduled first), also for operations added to a run
  // in progress (ScenarioRun::AddOperations, exhaustive exploration).
  kLateOperation = 1,
  kDelivery = 2,  // packet receptions, before timers (semantics doc §19.1)
  // Engine deadlines (advert / master-down / script timers). The simulator
  // keeps its host timers outside the queue (sim/core/deadline_heap.h) and
  // runs them in this lane's place: after deliveries, before observers.
  kTimer = 3,
  kObserver = 4,  // sampling and end-of-run bookkeeping
};
// Operations: inputs of the world, not part of its steady state.
inline bool IsOperationLane(Lane l) { return l <= Lane::kLateOperation; }

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

// Which representation a Scheduler uses. The simulator always uses
// kAdaptive; the fixed ones exist for benchmarks and tests.
enum class QueueMode : std::uint8_t {
  kAdaptive,  // flat array below 32 pending events, radix above (back below 12)
  kHeap,      // always the indexed 4-ary heap (the previous small mode)
  kRadix,     // always the radix bucket queue
};

class Scheduler {
 public:
  explicit Scheduler(QueueMode mode = QueueMode::kAdaptive)
      : mode_(mode), radix_(mode == QueueMode::kRadix), flat_(mode == QueueMode::kAdaptive) {
    if (radix_) buckets_ = std::make_unique<Buckets>();
  }
  // A copy holds the same pending events under the same handles and pops
  // the same sequence (a snapshot of a simulation).
  Scheduler(const Scheduler& o);
  Scheduler& operator=(const Scheduler&) = delete;
  Scheduler(Scheduler&&) noexcept = default;

  // Moves the clock and every pending event in a lane after `keep` forward
  // by `d` (their order unchanged); events in lanes up to `keep` stay where
  // they are.
  // Only the flat small mode can do this in place: returns false (and
  // changes nothing) in another mode, or if an event kept would then lie
  // before the new now(). REQUIRES: d >= 0.
  bool ShiftTimes(Duration d, Lane keep);

  // Calls f(const Event&) for every pending event, in no particular order.
  template <typename F>
  void ForEachPending(F&& f) const;

  // REQUIRES: at >= now() (events are never scheduled in the past).
  EventHandle Schedule(Time at, Lane lane, EventPayload payload, std::uint16_t group = 0);

  // Moves a pending event to a new time (new sequence number). If the handle
  // is stale, schedules a fresh event instead and returns its handle.
  // REQUIRES: at >= now().
  EventHandle Reschedule(EventHandle h, Time at, Lane lane, EventPayload payload,
                         std::uint16_t group = 0);

  // Returns false if the handle was stale (already fired or cancelled).
  bool Cancel(EventHandle h);

  bool IsPending(EventHandle h) const;
  // The time of a pending event; kNever if the handle is stale.
  Time PendingTime(EventHandle h) const;

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // Time of the earliest pending event; kNever if none. Cached between
  // changes, so asking before every Pop costs nothing extra.
  Time next_time() const {
    if (flat_) return size_ == 0 ? kNever : heap_.back().at;  // the common case, inline
    return NextTimeSlow();
  }
  // Time of the last popped event (the simulation clock).
  Time now() const { return now_; }

  // REQUIRES: !empty(). Removes the earliest event and advances now().
  Event Pop();

  // The lane of the earliest event (what the simulator needs to order its
  // host timers, kept outside, against an event at the same instant). Not
  // const: in radix mode it may open the earliest slot, as Pop would, which
  // moves now() up to at most next_time(). REQUIRES: !empty().
  Lane next_lane();

 private:
  static constexpr int kDigitBits = 6;
  static constexpr int kSlots = 1 << kDigitBits;  // per level: one 64-bit bitmap word
  static constexpr int kLevels = (64 + kDigitBits - 1) / kDigitBits;  // 11
  static constexpr std::uint16_t kNowList = kLevels * kSlots;         // bucket id of `now_list_`
  // Mode switches, with hysteresis so that a queue hovering around one
  // size does not convert back and forth.
  static constexpr std::size_t kToRadix = 32;
  static constexpr std::size_t kToHeap = 12;  // back to the flat array
  static constexpr std::uint32_t kArity = 4;
  static constexpr int kLaneShift = 56;
  static constexpr int kGroupShift = 40;  // sequence numbers below 2^40

  // A filed event: its time inline, so that finding a slot's minimum and
  // re-filing it read the bucket sequentially (16 bytes per event).
  struct Filed {
    Time at;
    std::uint32_t rec;
  };
  // A heap entry: the whole ordering key inline, for sifting.
  struct Entry {
    Time at;
    std::uint64_t order;  // lane << 56 | sequence
    std::uint32_t rec;
  };
  // An event at exactly now(): its order inline, for the sorted list.
  struct Due {
    std::uint64_t order;
    std::uint32_t rec;
  };
  // 40 bytes. Where a pending event is follows from the mode and its time:
  // heap_ in small mode, else now_list_ if at == now_, else the level
  // bucket BucketOf(at).
  struct Record {
    EventPayload payload;
    std::uint64_t order = 0;  // lane << 56 | sequence
    Time at = 0;
    // Position in heap_ or now_list_ (exact), or in its level bucket (a
    // hint, see Locate).
    std::uint32_t index = 0;
    // Odd while pending, even while free; handles carry the odd value.
    std::uint32_t generation = 0;
  };

  static std::uint64_t Order(Lane lane, std::uint16_t group, std::uint64_t seq) {
    return (static_cast<std::uint64_t>(lane) << kLaneShift) |
           (static_cast<std::uint64_t>(group) << kGroupShift) | seq;
  }
  Time NextTimeSlow() const;
  std::uint32_t AllocRecord();
  // The bucket id an event at `at` is filed under now (kNowList if at == now_).
  std::uint16_t BucketOf(Time at) const;
  // Files record `r` (its order already set) at `at`, relative to now_.
  void File(Time at, std::uint32_t r);
  void FileDue(std::uint32_t r);
  // REQUIRES: radix mode, record `r` pending in level bucket `id` (its
  // BucketOf). Makes its index exact and returns it.
  std::uint32_t Locate(std::uint32_t r, std::uint16_t id);
  // Takes record `r` out of wherever it is filed (it stays allocated).
  void Unfile(std::uint32_t r);
  void Release(std::uint32_t r);
  // REQUIRES: now_list_ empty, `id` the lowest non-empty bucket. Moves the
  // clock to the slot's first instant and re-files the slot's events
  // relative to it: those at that instant into now_list_ (sorted), the
  // others one level down or more.
  void OpenSlot(std::uint16_t id);
  // Lowest non-empty (level, slot) as a bucket id.
  std::uint16_t LowestBucket() const;
  // Appends `f` to level bucket `id` and marks the bucket non-empty.
  void Append(std::uint16_t id, const Filed& f) {
    (*buckets_)[id].push_back(f);
    slot_bits_[id / kSlots] |= std::uint64_t{1} << (id % kSlots);
    level_bits_ |= 1u << (id / kSlots);
  }
  // Clears the non-empty bits of an emptied bucket.
  void MarkEmpty(std::uint16_t id);

  // Small mode: the heap holds Filed entries, a record's index is its heap
  // position.
  static bool Before(const Entry& a, const Entry& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  }
  void Place(std::uint32_t pos, const Entry& e) {
    heap_[pos] = e;
    records_[e.rec].index = pos;
  }
  void SiftUp(std::uint32_t pos, Entry e);
  void SiftDown(std::uint32_t pos, Entry e);
  void HeapRemoveAt(std::uint32_t pos);
  // Flat mode (adaptive, small): heap_ sorted latest first, so the
  // minimum is its last entry.
  void FlatSort();
  // Moves the entry at `pos` (its key just set) to its place in the order.
  void FlatSettle(std::uint32_t pos);
  void FlatRemoveAt(std::uint32_t pos);
  void ToRadix();
  void ToHeap();

  std::vector<Record> records_;
  std::vector<std::uint32_t> free_records_;
  // Allocated on the first switch to radix mode: a small simulation (an
  // explore run) never needs the 704 buckets, and building and destroying
  // them cost about as much as a hundred of its events.
  using Buckets = std::array<std::vector<Filed>, kLevels * kSlots>;
  std::unique_ptr<Buckets> buckets_;
  std::array<std::uint64_t, kLevels> slot_bits_{};  // non-empty slots, one word per level
  std::uint32_t level_bits_ = 0;                    // non-empty levels
  // Events at now_, sorted by order; [now_head_, end) are pending.
  std::vector<Due> now_list_;
  std::uint32_t now_head_ = 0;
  std::vector<Filed> scratch_;
  QueueMode mode_;
  bool radix_;
  bool flat_;                // small mode of kAdaptive: heap_ is sorted, minimum last
  std::vector<Entry> heap_;  // small mode only
  std::size_t size_ = 0;
  std::uint64_t next_seq_ = 0;
  Time now_ = 0;
  // next_time() of the filed events when the now list is empty; kNever =
  // unknown (recomputed on demand).
  mutable Time cached_min_ = kNever;
};

template <typename F>
void Scheduler::ForEachPending(F&& f) const {
  for (const Record& r : records_) {
    if ((r.generation & 1) == 0) continue;  // free
    Event e;
    e.at = r.at;
    e.lane = static_cast<Lane>(r.order >> kLaneShift);
    e.seq = r.order & ((std::uint64_t{1} << kLaneShift) - 1);
    e.payload = r.payload;
    f(e);
  }
}

}  // namespace vsim

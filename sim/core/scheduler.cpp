#include "sim/core/scheduler.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace vsim {

Scheduler::Scheduler(const Scheduler& o)
    : records_(o.records_),
      free_records_(o.free_records_),
      buckets_(o.buckets_ ? std::make_unique<Buckets>(*o.buckets_) : nullptr),
      slot_bits_(o.slot_bits_),
      level_bits_(o.level_bits_),
      now_list_(o.now_list_),
      now_head_(o.now_head_),
      mode_(o.mode_),
      radix_(o.radix_),
      flat_(o.flat_),
      heap_(o.heap_),
      size_(o.size_),
      next_seq_(o.next_seq_),
      now_(o.now_),
      cached_min_(o.cached_min_) {}

std::uint32_t Scheduler::AllocRecord() {
  std::uint32_t r;
  if (!free_records_.empty()) {
    r = free_records_.back();
    free_records_.pop_back();
  } else {
    r = static_cast<std::uint32_t>(records_.size());
    records_.emplace_back();
  }
  ++records_[r].generation;  // odd: pending
  return r;
}

void Scheduler::Release(std::uint32_t r) {
  ++records_[r].generation;  // even: free; invalidates outstanding handles
  free_records_.push_back(r);
}

std::uint16_t Scheduler::BucketOf(Time at) const {
  if (at == now_) return kNowList;
  const auto diff = static_cast<std::uint64_t>(at) ^ static_cast<std::uint64_t>(now_);
  const int level = (63 - std::countl_zero(diff)) / kDigitBits;
  const int slot =
      static_cast<int>((static_cast<std::uint64_t>(at) >> (level * kDigitBits)) & (kSlots - 1));
  return static_cast<std::uint16_t>(level * kSlots + slot);
}

void Scheduler::File(Time at, std::uint32_t r) {
  const std::uint16_t id = BucketOf(at);
  if (id == kNowList) {
    FileDue(r);
    return;
  }
  records_[r].index = static_cast<std::uint32_t>((*buckets_)[id].size());
  Append(id, Filed{at, r});
  if (cached_min_ != kNever && at < cached_min_) cached_min_ = at;
}

void Scheduler::FileDue(std::uint32_t r) {
  if (now_head_ == now_list_.size()) {
    now_list_.clear();
    now_head_ = 0;
  }
  // A new sequence number is the largest so far, so the event goes last
  // unless an earlier-lane event follows it.
  const Due due{records_[r].order, r};
  auto pos = std::upper_bound(now_list_.begin() + now_head_, now_list_.end(), due,
                              [](const Due& a, const Due& b) { return a.order < b.order; });
  const auto index = static_cast<std::uint32_t>(pos - now_list_.begin());
  now_list_.insert(pos, due);
  records_[r].index = index;
  for (std::uint32_t i = index + 1; i < now_list_.size(); ++i) records_[now_list_[i].rec].index = i;
}

std::uint32_t Scheduler::Locate(std::uint32_t r, std::uint16_t id) {
  Record& rec = records_[r];
  const std::vector<Filed>& bucket = (*buckets_)[id];
  // A record has one entry, so an entry naming it is its entry.
  if (rec.index < bucket.size() && bucket[rec.index].rec == r) return rec.index;
  // Re-filed since its index was set.
  std::uint32_t i = 0;
  while (bucket[i].rec != r) {
    ++i;
    assert(i < bucket.size());  // the event is in the bucket its time maps to
  }
  rec.index = i;
  return i;
}

void Scheduler::Unfile(std::uint32_t r) {
  Record& rec = records_[r];
  if (!radix_) {
    if (flat_)
      FlatRemoveAt(rec.index);
    else
      HeapRemoveAt(rec.index);
    return;
  }
  if (rec.at == now_) {
    now_list_.erase(now_list_.begin() + rec.index);
    for (std::uint32_t i = rec.index; i < now_list_.size(); ++i)
      records_[now_list_[i].rec].index = i;
    return;
  }
  const std::uint16_t id = BucketOf(rec.at);
  const std::uint32_t index = Locate(r, id);
  std::vector<Filed>& bucket = (*buckets_)[id];
  const Filed last = bucket.back();
  bucket[index] = last;
  records_[last.rec].index = index;
  bucket.pop_back();
  if (bucket.empty()) MarkEmpty(id);
  if (rec.at == cached_min_) cached_min_ = kNever;
}

std::uint16_t Scheduler::LowestBucket() const {
  const int level = std::countr_zero(level_bits_);
  return static_cast<std::uint16_t>(level * kSlots + std::countr_zero(slot_bits_[level]));
}

void Scheduler::MarkEmpty(std::uint16_t id) {
  const int level = id / kSlots;
  slot_bits_[level] &= ~(std::uint64_t{1} << (id % kSlots));
  if (slot_bits_[level] == 0) level_bits_ &= ~(1u << level);
}

EventHandle Scheduler::Schedule(Time at, Lane lane, EventPayload payload, std::uint16_t group) {
  assert(at >= now_);
  // A sequence number that reached the group bits would break the ordering;
  // at 20 M events per second that takes 15 hours of one run.
  assert(next_seq_ < (std::uint64_t{1} << kGroupShift));
  const std::uint32_t r = AllocRecord();
  records_[r].payload = payload;
  const Entry f{at, Order(lane, group, next_seq_++), r};
  records_[r].order = f.order;
  records_[r].at = at;
  ++size_;
  if (radix_) {
    File(at, r);
  } else if (flat_) {
    // Most often the earliest (a delivery): it stays at the back.
    const bool earliest = heap_.empty() || Before(f, heap_.back());
    heap_.push_back(f);
    if (earliest) {
      records_[r].index = static_cast<std::uint32_t>(heap_.size() - 1);
    } else {
      FlatSettle(static_cast<std::uint32_t>(heap_.size() - 1));
    }
    if (size_ > kToRadix) ToRadix();
  } else {
    heap_.push_back(f);
    SiftUp(static_cast<std::uint32_t>(heap_.size() - 1), f);
    if (size_ > kToRadix && mode_ == QueueMode::kAdaptive) ToRadix();
  }
  return EventHandle{r, records_[r].generation};
}

bool Scheduler::IsPending(EventHandle h) const {
  // A record's generation is odd while pending and moves on when it is
  // released, so an equal generation means this very event is pending.
  return h.valid() && h.slot < records_.size() && records_[h.slot].generation == h.generation;
}

Time Scheduler::PendingTime(EventHandle h) const {
  return IsPending(h) ? records_[h.slot].at : kNever;
}

EventHandle Scheduler::Reschedule(EventHandle h, Time at, Lane lane, EventPayload payload,
                                  std::uint16_t group) {
  if (!IsPending(h)) return Schedule(at, lane, payload, group);
  assert(next_seq_ < (std::uint64_t{1} << kGroupShift));
  assert(at >= now_);
  Record& rec = records_[h.slot];
  if (flat_) {
    rec.payload = payload;
    const Entry f{at, Order(lane, group, next_seq_++), h.slot};
    rec.order = f.order;
    rec.at = at;
    heap_[rec.index] = f;
    FlatSettle(rec.index);
    return h;
  }
  if (!radix_) {
    rec.payload = payload;
    const Entry f{at, Order(lane, group, next_seq_++), h.slot};
    rec.order = f.order;
    rec.at = at;
    if (Before(f, heap_[rec.index])) {
      SiftUp(rec.index, f);
    } else {
      SiftDown(rec.index, f);
    }
    return h;
  }
  // The event stays in its bucket iff its old time agrees with the new one
  // on every digit from the new bucket's level up (typically: a timer
  // re-armed for the time it already had); buckets are unordered, so the
  // entry then changes in place. (`at` is known before the record is read,
  // so its bucket is computed while the record loads.)
  const std::uint16_t id = BucketOf(at);
  if (id != kNowList && ((at ^ rec.at) >> (id / kSlots * kDigitBits)) == 0) {
    Filed& f = (*buckets_)[id][Locate(h.slot, id)];
    if (f.at == cached_min_ && at > f.at) cached_min_ = kNever;
    if (cached_min_ != kNever && at < cached_min_) cached_min_ = at;
    f.at = at;
    rec.at = at;
    rec.order = Order(lane, group, next_seq_++);
    rec.payload = payload;
    return h;
  }
  Unfile(h.slot);
  rec.payload = payload;
  rec.order = Order(lane, group, next_seq_++);
  rec.at = at;
  File(at, h.slot);
  return h;
}

bool Scheduler::Cancel(EventHandle h) {
  if (!IsPending(h)) return false;
  Unfile(h.slot);
  Release(h.slot);
  --size_;
  if (radix_ && size_ < kToHeap && mode_ == QueueMode::kAdaptive) ToHeap();
  return true;
}

Time Scheduler::NextTimeSlow() const {
  if (size_ == 0) return kNever;
  if (!radix_) return flat_ ? heap_.back().at : heap_[0].at;
  if (now_head_ < now_list_.size()) return now_;
  if (cached_min_ == kNever) {
    const std::vector<Filed>& bucket = (*buckets_)[LowestBucket()];
    Time t = bucket[0].at;
    for (const Filed& f : bucket) t = std::min(t, f.at);
    cached_min_ = t;
  }
  return cached_min_;
}

void Scheduler::OpenSlot(std::uint16_t id) {
  // The clock moves to the slot's first instant: now's digits above the
  // slot's level, the slot's digit, zeros below. No event lies between the
  // old now and that instant (this is the lowest non-empty slot), and every
  // other bucket stays valid relative to it (it shares every digit above
  // `level` with the old now, and lower levels are empty). Re-filing
  // relative to that instant instead of the slot's minimum saves a pass
  // over the slot to find the minimum; the bucket holding the minimum is
  // then the lowest one, opened next if it holds more than one event.
  const int level = id / kSlots;
  const int shift = (level + 1) * kDigitBits;
  const std::uint64_t high = shift >= 64 ? 0 : static_cast<std::uint64_t>(now_) >> shift << shift;
  now_ =
      static_cast<Time>(high | (static_cast<std::uint64_t>(id % kSlots) << (level * kDigitBits)));
  cached_min_ = kNever;
  scratch_.swap((*buckets_)[id]);
  MarkEmpty(id);
  const std::size_t n = scratch_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Filed& f = scratch_[i];
    if (f.at == now_) {
      now_list_.push_back(Due{records_[f.rec].order, f.rec});
      continue;
    }
    // Moved as is; the record keeps its hint (see Locate).
    const std::uint16_t to = BucketOf(f.at);
    Append(to, f);
    // An event in the lowest two levels is popped soon (Pop reads its
    // record): start loading the record now. Earlier would only evict it.
    if (to / kSlots <= 1) __builtin_prefetch(&records_[f.rec]);
  }
  scratch_.clear();
  if (now_list_.size() > 1)
    std::sort(now_list_.begin(), now_list_.end(),
              [](const Due& a, const Due& b) { return a.order < b.order; });
  for (std::uint32_t i = 0; i < now_list_.size(); ++i) records_[now_list_[i].rec].index = i;
}

Event Scheduler::Pop() {
  assert(size_ > 0);
  Event e;
  std::uint32_t r;
  std::uint64_t order;
  if (flat_) {
    const Entry top = heap_.back();  // no other entry moves
    heap_.pop_back();
    r = top.rec;
    order = top.order;
    now_ = top.at;
  } else if (!radix_) {
    const Entry top = heap_[0];
    HeapRemoveAt(0);
    r = top.rec;
    order = top.order;
    now_ = top.at;
  } else if (now_head_ < now_list_.size()) {
    r = now_list_[now_head_].rec;
    order = now_list_[now_head_].order;
    if (++now_head_ == now_list_.size()) {
      now_list_.clear();
      now_head_ = 0;
    }
  } else {
    now_list_.clear();
    now_head_ = 0;
    for (;;) {
      const std::uint16_t id = LowestBucket();
      std::vector<Filed>& bucket = (*buckets_)[id];
      if (bucket.size() == 1) {
        // The common case: the earliest slot holds a single event. It is
        // the minimum, and taking it leaves every other bucket valid
        // relative to the new now (see OpenSlot), so nothing is re-filed.
        r = bucket[0].rec;
        order = records_[r].order;
        now_ = bucket[0].at;
        cached_min_ = kNever;
        bucket.clear();
        MarkEmpty(id);
        break;
      }
      OpenSlot(id);
      if (!now_list_.empty()) {
        r = now_list_[0].rec;
        order = now_list_[0].order;
        if (++now_head_ == now_list_.size()) {
          now_list_.clear();
          now_head_ = 0;
        }
        break;
      }
    }
  }
  e.at = now_;
  e.lane = static_cast<Lane>(order >> kLaneShift);
  e.seq = order & ((std::uint64_t{1} << kLaneShift) - 1);
  e.payload = records_[r].payload;
  Release(r);
  --size_;
  if (radix_ && size_ < kToHeap && mode_ == QueueMode::kAdaptive) ToHeap();
  return e;
}

Lane Scheduler::next_lane() {
  assert(size_ > 0);
  std::uint64_t order;
  if (flat_) {
    order = heap_.back().order;
  } else if (!radix_) {
    order = heap_[0].order;
  } else if (now_head_ < now_list_.size()) {
    order = now_list_[now_head_].order;
  } else {
    // As Pop: open slots until the earliest event is known; Pop then takes
    // it from where this left it.
    now_list_.clear();
    now_head_ = 0;
    for (;;) {
      const std::uint16_t id = LowestBucket();
      const std::vector<Filed>& bucket = (*buckets_)[id];
      if (bucket.size() == 1) {
        order = records_[bucket[0].rec].order;
        break;
      }
      OpenSlot(id);
      if (!now_list_.empty()) {
        order = now_list_[0].order;
        break;
      }
    }
  }
  return static_cast<Lane>(order >> kLaneShift);
}

// ---- small mode: indexed 4-ary heap

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
  const auto n = static_cast<std::uint32_t>(heap_.size());
  for (;;) {
    const std::uint32_t first = pos * kArity + 1;
    if (first >= n) break;
    std::uint32_t best = first;
    const std::uint32_t end = std::min(first + kArity, n);
    for (std::uint32_t c = first + 1; c < end; ++c)
      if (Before(heap_[c], heap_[best])) best = c;
    if (!Before(heap_[best], e)) break;
    Place(pos, heap_[best]);
    pos = best;
  }
  Place(pos, e);
}

void Scheduler::HeapRemoveAt(std::uint32_t pos) {
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
}

// ---- small mode of kAdaptive: flat unsorted array

bool Scheduler::ShiftTimes(Duration d, Lane keep) {
  if (radix_ || !flat_) return false;
  const std::uint64_t kept = static_cast<std::uint64_t>(keep);
  for (const Entry& e : heap_)
    if ((e.order >> kLaneShift) <= kept && e.at < now_ + d) return false;
  for (Entry& e : heap_) {
    if ((e.order >> kLaneShift) <= kept) continue;
    e.at += d;
    records_[e.rec].at = e.at;
  }
  now_ += d;
  cached_min_ = kNever;
  FlatSort();
  return true;
}

void Scheduler::FlatSort() {
  std::sort(heap_.begin(), heap_.end(),
            [](const Entry& a, const Entry& b) { return Before(b, a); });
  const auto n = static_cast<std::uint32_t>(heap_.size());
  for (std::uint32_t i = 0; i < n; ++i) records_[heap_[i].rec].index = i;
}

void Scheduler::FlatSettle(std::uint32_t pos) {
  // Insertion sort of one entry (latest first): toward the back while it
  // is earlier than its successor, toward the front while its predecessor
  // is earlier than it. A new delivery is the earliest event (it stays at
  // the back); a timer armed anew passes the few events due before it.
  const Entry e = heap_[pos];
  const auto n = static_cast<std::uint32_t>(heap_.size());
  while (pos + 1 < n && Before(e, heap_[pos + 1])) {
    heap_[pos] = heap_[pos + 1];
    records_[heap_[pos].rec].index = pos;
    ++pos;
  }
  while (pos > 0 && Before(heap_[pos - 1], e)) {
    heap_[pos] = heap_[pos - 1];
    records_[heap_[pos].rec].index = pos;
    --pos;
  }
  heap_[pos] = e;
  records_[e.rec].index = pos;
}

void Scheduler::FlatRemoveAt(std::uint32_t pos) {
  heap_.erase(heap_.begin() + pos);
  const auto n = static_cast<std::uint32_t>(heap_.size());
  for (std::uint32_t i = pos; i < n; ++i) records_[heap_[i].rec].index = i;
}

// ---- switching modes (records and handles stay as they are)

void Scheduler::ToRadix() {
  radix_ = true;
  flat_ = false;
  if (!buckets_) buckets_ = std::make_unique<Buckets>();
  cached_min_ = kNever;
  for (const Entry& e : heap_) File(e.at, e.rec);
  heap_.clear();
}

void Scheduler::ToHeap() {
  radix_ = false;
  flat_ = true;  // only kAdaptive switches: its small mode is the flat array
  for (std::size_t i = now_head_; i < now_list_.size(); ++i)
    heap_.push_back(Entry{now_, now_list_[i].order, now_list_[i].rec});
  now_list_.clear();
  now_head_ = 0;
  for (int w = 0; w < kLevels; ++w) {
    while (slot_bits_[w] != 0) {
      const int id = w * kSlots + std::countr_zero(slot_bits_[w]);
      slot_bits_[w] &= slot_bits_[w] - 1;
      for (const Filed& f : (*buckets_)[id])
        heap_.push_back(Entry{f.at, records_[f.rec].order, f.rec});
      (*buckets_)[id].clear();
    }
  }
  level_bits_ = 0;
  cached_min_ = kNever;
  FlatSort();
}

}  // namespace vsim

#include "sim/core/scheduler.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace vsim {

std::uint32_t Scheduler::AllocRecord() {
  if (!free_records_.empty()) {
    std::uint32_t r = free_records_.back();
    free_records_.pop_back();
    return r;
  }
  records_.emplace_back();
  return static_cast<std::uint32_t>(records_.size() - 1);
}

void Scheduler::Release(std::uint32_t r) {
  Record& rec = records_[r];
  rec.bucket = kFree;
  ++rec.generation;  // invalidates outstanding handles
  free_records_.push_back(r);
}

void Scheduler::File(const Filed& f) {
  if (f.at == now_) {
    FileDue(f.order, f.rec);
    return;
  }
  const auto diff = static_cast<std::uint64_t>(f.at) ^ static_cast<std::uint64_t>(now_);
  const int level = (63 - std::countl_zero(diff)) / kDigitBits;
  const int slot =
      static_cast<int>((static_cast<std::uint64_t>(f.at) >> (level * kDigitBits)) & (kSlots - 1));
  const auto id = static_cast<std::uint16_t>(level * kSlots + slot);
  std::vector<Filed>& bucket = buckets_[id];
  Record& rec = records_[f.rec];
  rec.bucket = id;
  rec.index = static_cast<std::uint32_t>(bucket.size());
  bucket.push_back(f);
  slot_bits_[level] |= std::uint64_t{1} << slot;
  level_bits_ |= 1u << level;
  if (cached_min_ != kNever && f.at < cached_min_) cached_min_ = f.at;
}

void Scheduler::FileDue(std::uint64_t order, std::uint32_t r) {
  if (now_head_ == now_list_.size()) {
    now_list_.clear();
    now_head_ = 0;
  }
  // A new sequence number is the largest so far, so the event goes last
  // unless an earlier-lane event follows it.
  const Due due{order, r};
  auto pos = std::upper_bound(now_list_.begin() + now_head_, now_list_.end(), due,
                              [](const Due& a, const Due& b) { return a.order < b.order; });
  const auto index = static_cast<std::uint32_t>(pos - now_list_.begin());
  now_list_.insert(pos, due);
  Record& rec = records_[r];
  rec.bucket = kNowList;
  rec.index = index;
  for (std::uint32_t i = index + 1; i < now_list_.size(); ++i) records_[now_list_[i].rec].index = i;
}

void Scheduler::Unfile(std::uint32_t r) {
  Record& rec = records_[r];
  if (rec.bucket == kNowList) {
    now_list_.erase(now_list_.begin() + rec.index);
    for (std::uint32_t i = rec.index; i < now_list_.size(); ++i)
      records_[now_list_[i].rec].index = i;
    return;
  }
  std::vector<Filed>& bucket = buckets_[rec.bucket];
  const Time at = bucket[rec.index].at;
  const Filed last = bucket.back();
  bucket[rec.index] = last;
  records_[last.rec].index = rec.index;
  bucket.pop_back();
  if (bucket.empty()) {
    const int level = rec.bucket / kSlots;
    slot_bits_[level] &= ~(std::uint64_t{1} << (rec.bucket % kSlots));
    if (slot_bits_[level] == 0) level_bits_ &= ~(1u << level);
  }
  if (at == cached_min_) cached_min_ = kNever;
}

std::uint16_t Scheduler::LowestBucket() const {
  const int level = std::countr_zero(level_bits_);
  return static_cast<std::uint16_t>(level * kSlots + std::countr_zero(slot_bits_[level]));
}

EventHandle Scheduler::Schedule(Time at, Lane lane, EventPayload payload) {
  assert(at >= now_);
  // A sequence number that reached the lane bits would break the ordering;
  // at one event per nanosecond that takes over two years of wall time.
  assert(next_seq_ < (std::uint64_t{1} << kLaneShift));
  const std::uint32_t r = AllocRecord();
  records_[r].payload = payload;
  File(Filed{at, Order(lane, next_seq_++), r});
  ++size_;
  return EventHandle{r, records_[r].generation};
}

bool Scheduler::IsPending(EventHandle h) const {
  return h.valid() && h.slot < records_.size() && records_[h.slot].generation == h.generation &&
         records_[h.slot].bucket != kFree;
}

EventHandle Scheduler::Reschedule(EventHandle h, Time at, Lane lane, EventPayload payload) {
  if (!IsPending(h)) return Schedule(at, lane, payload);
  assert(at >= now_);
  Unfile(h.slot);
  records_[h.slot].payload = payload;
  File(Filed{at, Order(lane, next_seq_++), h.slot});
  return h;
}

bool Scheduler::Cancel(EventHandle h) {
  if (!IsPending(h)) return false;
  Unfile(h.slot);
  Release(h.slot);
  --size_;
  return true;
}

Time Scheduler::next_time() const {
  if (size_ == 0) return kNever;
  if (now_head_ < now_list_.size()) return now_;
  if (cached_min_ == kNever) {
    const std::vector<Filed>& bucket = buckets_[LowestBucket()];
    Time t = bucket[0].at;
    for (const Filed& f : bucket) t = std::min(t, f.at);
    cached_min_ = t;
  }
  return cached_min_;
}

void Scheduler::Advance() {
  const std::uint16_t id = LowestBucket();
  const int level = id / kSlots;
  Time t = buckets_[id][0].at;
  if (level > 0)
    for (const Filed& f : buckets_[id]) t = std::min(t, f.at);
  now_ = t;
  cached_min_ = kNever;
  now_list_.clear();
  now_head_ = 0;
  // Re-file the slot relative to the new now: its earliest events become due,
  // the others drop to lower levels (they share every digit from `level` up
  // with the new now). Other buckets stay valid: the new now shares every
  // digit above `level` with the old one, and lower levels were empty.
  scratch_.swap(buckets_[id]);
  slot_bits_[level] &= ~(std::uint64_t{1} << (id % kSlots));
  if (slot_bits_[level] == 0) level_bits_ &= ~(1u << level);
  for (const Filed& f : scratch_) {
    if (f.at == t) {
      now_list_.push_back(Due{f.order, f.rec});
    } else {
      File(f);
    }
  }
  scratch_.clear();
  if (now_list_.size() > 1)
    std::sort(now_list_.begin(), now_list_.end(),
              [](const Due& a, const Due& b) { return a.order < b.order; });
  for (std::uint32_t i = 0; i < now_list_.size(); ++i) {
    Record& rec = records_[now_list_[i].rec];
    rec.bucket = kNowList;
    rec.index = i;
  }
}

Event Scheduler::Pop() {
  assert(size_ > 0);
  Event e;
  std::uint32_t r;
  std::uint64_t order;
  if (now_head_ < now_list_.size()) {
    r = now_list_[now_head_].rec;
    order = now_list_[now_head_].order;
    if (++now_head_ == now_list_.size()) {
      now_list_.clear();
      now_head_ = 0;
    }
  } else {
    const std::uint16_t id = LowestBucket();
    std::vector<Filed>& bucket = buckets_[id];
    if (id < kSlots && bucket.size() == 1) {
      // The common case: a level-0 slot (one exact time) with one event.
      r = bucket[0].rec;
      order = bucket[0].order;
      now_ = bucket[0].at;
      cached_min_ = kNever;
      bucket.clear();
      slot_bits_[0] &= ~(std::uint64_t{1} << id);
      if (slot_bits_[0] == 0) level_bits_ &= ~1u;
    } else {
      Advance();
      r = now_list_[0].rec;
      order = now_list_[0].order;
      if (++now_head_ == now_list_.size()) {
        now_list_.clear();
        now_head_ = 0;
      }
    }
  }
  e.at = now_;
  e.lane = static_cast<Lane>(order >> kLaneShift);
  e.seq = order & ((std::uint64_t{1} << kLaneShift) - 1);
  e.payload = records_[r].payload;
  Release(r);
  --size_;
  return e;
}

}  // namespace vsim

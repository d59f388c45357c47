#include "sim/core/scheduler.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <vector>

#include "sim/core/rng.h"

namespace vsim {
namespace {

EventPayload P(std::uint32_t kind) { return EventPayload{kind, 0, 0}; }

std::vector<std::uint32_t> Drain(Scheduler& s) {
  std::vector<std::uint32_t> kinds;
  while (!s.empty()) kinds.push_back(s.Pop().payload.kind);
  return kinds;
}

TEST(Scheduler, OrdersByTimeThenLaneThenInsertion) {
  Scheduler s;
  s.Schedule(10, Lane::kTimer, P(1));
  s.Schedule(5, Lane::kTimer, P(2));
  s.Schedule(10, Lane::kDelivery, P(3));  // deliveries before timers at t=10
  s.Schedule(10, Lane::kTimer, P(4));     // after kind 1: same time and lane
  s.Schedule(10, Lane::kOperation, P(5));
  EXPECT_EQ(Drain(s), (std::vector<std::uint32_t>{2, 5, 3, 1, 4}));
}

TEST(Scheduler, PopAdvancesClock) {
  Scheduler s;
  s.Schedule(7, Lane::kTimer, P(1));
  EXPECT_EQ(s.next_time(), 7);
  s.Pop();
  EXPECT_EQ(s.now(), 7);
  EXPECT_EQ(s.next_time(), kNever);
}

TEST(Scheduler, CancelRemovesWithoutTombstones) {
  Scheduler s;
  auto a = s.Schedule(1, Lane::kTimer, P(1));
  auto b = s.Schedule(2, Lane::kTimer, P(2));
  s.Schedule(3, Lane::kTimer, P(3));
  EXPECT_TRUE(s.Cancel(b));
  EXPECT_FALSE(s.Cancel(b));  // stale
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.IsPending(a));
  EXPECT_EQ(Drain(s), (std::vector<std::uint32_t>{1, 3}));
  EXPECT_FALSE(s.IsPending(a));  // fired
  EXPECT_FALSE(s.Cancel(a));
}

TEST(Scheduler, RescheduleMovesAndGetsNewSequence) {
  Scheduler s;
  auto a = s.Schedule(5, Lane::kTimer, P(1));
  s.Schedule(5, Lane::kTimer, P(2));
  a = s.Reschedule(a, 5, Lane::kTimer, P(1));  // re-armed: now after kind 2
  EXPECT_EQ(Drain(s), (std::vector<std::uint32_t>{2, 1}));
  // A stale handle schedules afresh.
  auto c = s.Reschedule(a, 9, Lane::kTimer, P(7));
  EXPECT_TRUE(s.IsPending(c));
  EXPECT_EQ(s.size(), 1u);
}

// Re-filing moves events to lower buckets without updating their records;
// Cancel and Reschedule must still find them (Scheduler::Locate), and a moved
// event's bucket neighbours must stay findable after a swap-remove.
TEST(Scheduler, CancelAndRescheduleFindEventsMovedByRefiling) {
  Scheduler s(QueueMode::kRadix);
  std::vector<EventHandle> h;
  // One level-2 slot (4096..8191 from now 0) holding 40 events 100 apart,
  // and a later one that stays where it was filed.
  for (std::uint32_t i = 0; i < 40; ++i)
    h.push_back(s.Schedule(4096 + 100 * static_cast<Time>(i), Lane::kTimer, P(i)));
  const EventHandle late = s.Schedule(1'000'000, Lane::kTimer, P(99));
  EXPECT_EQ(s.Pop().payload.kind, 0u);  // opens the slot: 1..39 move down
  // Cancel every third moved event, move some within their new slot and
  // some to other slots, then re-arm the one that never moved.
  for (std::uint32_t i = 3; i < 40; i += 3) EXPECT_TRUE(s.Cancel(h[i]));
  h[1] = s.Reschedule(h[1], 4096 + 100 + 1, Lane::kTimer, P(1));  // same slot
  h[2] = s.Reschedule(h[2], 4096 + 100 * 39 + 50, Lane::kTimer, P(2));
  h[4] = s.Reschedule(h[4], 600'000, Lane::kTimer, P(4));
  s.Reschedule(late, 500'000, Lane::kTimer, P(99));
  std::vector<std::uint32_t> want;
  want.push_back(1);
  for (std::uint32_t i = 5; i < 40; ++i)
    if (i % 3 != 0) want.push_back(i);
  want.push_back(2);  // 4096 + 3950, after kind 39 at 4096 + 3900
  want.push_back(99);
  want.push_back(4);
  EXPECT_EQ(s.size(), want.size());
  EXPECT_EQ(Drain(s), want);
}

TEST(Scheduler, ManyRearmsKeepSizeConstant) {
  Scheduler s;
  std::vector<EventHandle> h;
  for (std::uint32_t i = 0; i < 100; ++i) h.push_back(s.Schedule(i, Lane::kTimer, P(i)));
  Rng rng(42);
  for (int round = 0; round < 10000; ++round) {
    auto& x = h[rng.Below(h.size())];
    x = s.Reschedule(x, s.now() + 1 + static_cast<Time>(rng.Below(1000)), Lane::kTimer, P(0));
  }
  EXPECT_EQ(s.size(), 100u);
}

TEST(Scheduler, MatchesSortedReferenceUnderRandomOperations) {
  // Model check against a brute-force sorted list.
  Scheduler s;
  Rng rng(7);
  struct Ref {
    Time at;
    int lane;
    std::uint64_t seq;
    std::uint32_t id;
  };
  std::vector<Ref> ref;
  std::vector<std::pair<EventHandle, std::uint32_t>> live;
  std::uint64_t seq = 0;
  std::uint32_t next_id = 0;
  for (int step = 0; step < 20000; ++step) {
    const auto op = rng.Below(10);
    if (op < 5 || ref.empty()) {
      const Time at = s.now() + static_cast<Time>(rng.Below(50));
      const auto lane = static_cast<Lane>(rng.Below(4));
      const std::uint32_t id = next_id++;
      live.push_back({s.Schedule(at, lane, P(id)), id});
      ref.push_back({at, static_cast<int>(lane), seq++, id});
    } else if (op < 7) {
      const auto k = rng.Below(live.size());
      ASSERT_TRUE(s.Cancel(live[k].first));
      ref.erase(std::find_if(ref.begin(), ref.end(),
                             [&](const Ref& r) { return r.id == live[k].second; }));
      live.erase(live.begin() + static_cast<long>(k));
    } else {
      auto best = std::min_element(ref.begin(), ref.end(), [](const Ref& a, const Ref& b) {
        return std::tie(a.at, a.lane, a.seq) < std::tie(b.at, b.lane, b.seq);
      });
      const Event e = s.Pop();
      ASSERT_EQ(e.payload.kind, best->id);
      ASSERT_EQ(e.at, best->at);
      live.erase(std::find_if(live.begin(), live.end(),
                              [&](const auto& l) { return l.second == best->id; }));
      ref.erase(best);
    }
  }
}

// The same model check with re-arms and next_time(), over time spreads that
// keep events within one radix level (50), across a few (5000, 4e6) and
// across all of them (2^62), and with a clock that sometimes stands still
// (many events at now()).
// A cap on the pending count makes the queue grow and shrink across the
// scheduler's small-heap / radix mode switches (64 up, 16 down) many times.
struct ModelParam {
  std::uint64_t spread;
  std::size_t cap;
  QueueMode mode = QueueMode::kAdaptive;
};

class SchedulerModel : public ::testing::TestWithParam<ModelParam> {};

TEST_P(SchedulerModel, MatchesSortedReference) {
  const std::uint64_t spread = GetParam().spread;
  const std::size_t cap = GetParam().cap;
  bool draining = false;
  Scheduler s(GetParam().mode);
  Rng rng(spread);
  struct Ref {
    Time at;
    int lane;
    std::uint64_t seq;
    std::uint32_t id;
    EventHandle h;
  };
  std::vector<Ref> ref;
  std::uint64_t seq = 0;
  std::uint32_t next_id = 0;
  std::vector<EventHandle> dead;
  auto earliest = [&] {
    return std::min_element(ref.begin(), ref.end(), [](const Ref& a, const Ref& b) {
      return std::tie(a.at, a.lane, a.seq) < std::tie(b.at, b.lane, b.seq);
    });
  };
  auto draw_time = [&] {
    const auto room = static_cast<std::uint64_t>(kNever - 1 - s.now());
    const std::uint64_t d = rng.Below(4) == 0 ? 0 : rng.Below(std::min(spread, room));
    return s.now() + static_cast<Time>(d);
  };
  for (int step = 0; step < 12000; ++step) {
    if (ref.size() >= cap) draining = true;
    if (ref.size() <= 4) draining = false;
    const auto op = draining ? 8 + rng.Below(4) : rng.Below(12);
    if (op < 5 || ref.empty()) {
      const Time at = draw_time();
      const auto lane = static_cast<Lane>(rng.Below(4));
      const std::uint32_t id = next_id++;
      ref.push_back({at, static_cast<int>(lane), seq++, id, s.Schedule(at, lane, P(id))});
    } else if (op < 7) {
      Ref& r = ref[rng.Below(ref.size())];
      r.at = draw_time();
      r.lane = static_cast<int>(rng.Below(4));
      r.seq = seq++;
      const EventHandle h = s.Reschedule(r.h, r.at, static_cast<Lane>(r.lane), P(r.id));
      ASSERT_EQ(h.slot, r.h.slot);
      ASSERT_EQ(h.generation, r.h.generation);
    } else if (op < 8) {
      const auto k = rng.Below(ref.size());
      ASSERT_TRUE(s.Cancel(ref[k].h));
      dead.push_back(ref[k].h);
      ref.erase(ref.begin() + static_cast<long>(k));
    } else if (op < 9 && !dead.empty()) {
      const EventHandle h = dead[rng.Below(dead.size())];
      ASSERT_FALSE(s.IsPending(h));
      ASSERT_FALSE(s.Cancel(h));
    } else {
      auto best = earliest();
      ASSERT_EQ(s.next_time(), best->at);
      // next_lane() may open slots (radix mode) before the pop: the pop
      // then still takes the same event.
      if (rng.Below(2) == 0) {
        ASSERT_EQ(static_cast<int>(s.next_lane()), best->lane);
        ASSERT_LE(s.now(), best->at);
        ASSERT_EQ(s.next_time(), best->at);
      }
      const Event e = s.Pop();
      ASSERT_EQ(e.payload.kind, best->id);
      ASSERT_EQ(e.at, best->at);
      ASSERT_EQ(static_cast<int>(e.lane), best->lane);
      ASSERT_EQ(e.seq, best->seq);
      ASSERT_EQ(s.now(), best->at);
      ASSERT_FALSE(s.IsPending(best->h));
      dead.push_back(best->h);
      ref.erase(best);
    }
    ASSERT_EQ(s.size(), ref.size());
    if (!ref.empty()) {
      ASSERT_EQ(s.next_time(), earliest()->at);
    }
  }
  while (!ref.empty()) {
    auto best = earliest();
    ASSERT_EQ(s.Pop().payload.kind, best->id);
    ref.erase(best);
  }
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.next_time(), kNever);
}

INSTANTIATE_TEST_SUITE_P(
    Spreads, SchedulerModel,
    ::testing::Values(ModelParam{50, SIZE_MAX}, ModelParam{5000, SIZE_MAX},
                      ModelParam{4'000'000, SIZE_MAX}, ModelParam{std::uint64_t{1} << 62, SIZE_MAX},
                      ModelParam{50, 100}, ModelParam{4'000'000, 100},
                      ModelParam{std::uint64_t{1} << 62, 70},
                      ModelParam{4'000'000, 100, QueueMode::kHeap},
                      ModelParam{5000, SIZE_MAX, QueueMode::kHeap},
                      ModelParam{50, 100, QueueMode::kRadix},
                      ModelParam{std::uint64_t{1} << 62, 20, QueueMode::kRadix}));

TEST(Scheduler, ManySimultaneousEventsKeepLaneThenInsertionOrder) {
  Scheduler s;
  std::vector<EventHandle> h;
  for (std::uint32_t i = 0; i < 1000; ++i)
    h.push_back(s.Schedule(1'000'000, static_cast<Lane>(3 - i % 4), P(i)));
  EXPECT_EQ(s.Pop().payload.kind, 3u);  // lane 0, first scheduled
  // While the instant is being drained, a new lane-0 event goes after the
  // pending lane-0 events (later sequence) but before every lane-1 event.
  s.Schedule(1'000'000, Lane::kOperation, P(5000));
  s.Cancel(h[7]);
  std::vector<std::uint32_t> got;
  while (!s.empty()) got.push_back(s.Pop().payload.kind);
  ASSERT_EQ(got.size(), 999u);
  std::vector<std::uint32_t> want;
  for (int lane = 0; lane < 4; ++lane) {
    for (std::uint32_t i = 0; i < 1000; ++i)
      if (3 - static_cast<int>(i % 4) == lane && i != 3 && i != 7) want.push_back(i);
    if (lane == 0) want.push_back(5000);
  }
  EXPECT_EQ(got, want);
}

TEST(Rng, IsDeterministicAndStreamsAreIndependent) {
  Rng a(123), b(123);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.Next(), b.Next());
  // Golden values pin the generator across compilers and library versions.
  Rng g(0);
  EXPECT_EQ(g.Next(), 0x99ec5f36cb75f2b4ull);
  auto s1 = Rng::Stream(1, "link/n1/jitter");
  auto s2 = Rng::Stream(1, "link/n2/jitter");
  EXPECT_NE(s1.Next(), s2.Next());
}

TEST(Rng, RangesStayInBounds) {
  Rng r(99);
  for (int i = 0; i < 10000; ++i) {
    EXPECT_LT(r.Below(7), 7u);
    auto v = r.Between(-3, 3);
    EXPECT_GE(v, -3);
    EXPECT_LE(v, 3);
    double u = r.Unit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
  EXPECT_FALSE(r.Chance(0));
  EXPECT_TRUE(r.Chance(1));
}

TEST(Rng, BelowIsRoughlyUniform) {
  Rng r(5);
  int counts[6] = {};
  for (int i = 0; i < 60000; ++i) ++counts[r.Below(6)];
  for (int c : counts) {
    EXPECT_GT(c, 9500);
    EXPECT_LT(c, 10500);
  }
}

}  // namespace
}  // namespace vsim

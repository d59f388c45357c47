#include "sim/core/deadline_heap.h"

#include <gtest/gtest.h>
#include <vector>

#include "sim/core/rng.h"

namespace vsim {
namespace {

using vrrp::kNever;
using vrrp::Time;

TEST(DeadlineHeap, EmptyAndSingle) {
  DeadlineHeap h;
  h.Resize(3);
  EXPECT_EQ(h.top_time(), kNever);
  h.Set(1, 50);
  EXPECT_EQ(h.top_time(), 50);
  EXPECT_EQ(h.top_owner(), 1);
  h.PopTop();
  EXPECT_EQ(h.top_time(), kNever);
  EXPECT_EQ(h.wanted(1), kNever);
}

TEST(DeadlineHeap, TiesGoToTheLowestOwner) {
  DeadlineHeap h;
  h.Resize(4);
  h.Set(3, 10);
  h.Set(2, 10);
  h.Set(0, 20);
  EXPECT_EQ(h.top_owner(), 2);
  h.PopTop();
  EXPECT_EQ(h.top_time(), 10);
  EXPECT_EQ(h.top_owner(), 3);
}

TEST(DeadlineHeap, LaterDeadlineIsTakenUpAtTheTop) {
  DeadlineHeap h;
  h.Resize(2);
  h.Set(0, 10);
  h.Set(1, 15);
  h.Set(0, 30);  // later: the entry stays at 10 until it reaches the top
  EXPECT_EQ(h.wanted(0), 30);
  EXPECT_EQ(h.top_time(), 15);
  EXPECT_EQ(h.top_owner(), 1);
  h.PopTop();
  EXPECT_EQ(h.top_time(), 30);
  EXPECT_EQ(h.top_owner(), 0);
  h.Set(0, kNever);  // disarmed: its entry goes when it is settled
  EXPECT_EQ(h.top_time(), kNever);
}

// An owner armed with a bound is asked its exact deadline only when it
// comes first (or when every bound is settled), and then runs at it.
TEST(DeadlineHeap, BoundsAreResolvedAtTheTop) {
  DeadlineHeap h;
  h.Resize(3);
  std::vector<Time> exact = {40, 15, 25};
  std::vector<int> asked(3, 0);
  auto ask = [&](int o) {
    ++asked[static_cast<std::size_t>(o)];
    return exact[static_cast<std::size_t>(o)];
  };
  h.Set(0, 10, /*bound=*/true);
  h.Set(1, 15);
  h.Set(2, 20, /*bound=*/true);
  EXPECT_EQ(h.top_time(ask), 15);  // owner 0 was asked and moved to 40
  EXPECT_EQ(h.top_owner(), 1);
  EXPECT_EQ(asked, (std::vector<int>{1, 0, 0}));
  h.PopTop();
  EXPECT_EQ(h.top_time(ask), 25);
  EXPECT_EQ(h.top_owner(), 2);
  EXPECT_EQ(asked, (std::vector<int>{1, 0, 1}));
  h.PopTop();
  h.Set(2, 30, /*bound=*/true);
  exact[2] = kNever;  // the bound stood for no deadline at all
  h.SettleBounds(ask);
  EXPECT_EQ(h.wanted(2), kNever);
  EXPECT_EQ(h.wanted(0), 40);
  EXPECT_EQ(h.top_time(ask), 40);
  EXPECT_EQ(h.top_owner(), 0);
}

TEST(DeadlineHeap, Shift) {
  DeadlineHeap h;
  h.Resize(3);
  h.Set(0, 10);
  h.Set(2, 5);
  h.Set(0, 40);
  h.Shift(100);
  EXPECT_EQ(h.wanted(0), 140);
  EXPECT_EQ(h.wanted(1), kNever);
  EXPECT_EQ(h.top_time(), 105);
  h.PopTop();
  EXPECT_EQ(h.top_time(), 140);
}

// Random operations against the plain definition: the earliest wanted
// deadline, ties to the lowest owner.
TEST(DeadlineHeap, MatchesBruteForce) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng(seed);
    const int n = 1 + static_cast<int>(rng.Below(40));
    DeadlineHeap h;
    h.Resize(n);
    std::vector<Time> want(static_cast<std::size_t>(n), kNever);
    Time now = 0;
    for (int step = 0; step < 5000; ++step) {
      const auto op = rng.Below(10);
      if (op < 6) {
        const int o = static_cast<int>(rng.Below(static_cast<std::uint64_t>(n)));
        const Time t = rng.Below(8) == 0 ? kNever : now + static_cast<Time>(rng.Below(50));
        h.Set(o, t);
        want[static_cast<std::size_t>(o)] = t;
      } else if (op < 9) {
        Time best = kNever;
        int who = -1;
        for (int o = 0; o < n; ++o)
          if (want[static_cast<std::size_t>(o)] < best) {
            best = want[static_cast<std::size_t>(o)];
            who = o;
          }
        ASSERT_EQ(h.top_time(), best) << "seed " << seed << " step " << step;
        if (best == kNever) continue;
        ASSERT_EQ(h.top_owner(), who) << "seed " << seed << " step " << step;
        h.PopTop();
        want[static_cast<std::size_t>(who)] = kNever;
        now = best;
      } else {
        const Time d = static_cast<Time>(rng.Below(100));
        h.Shift(d);
        for (Time& t : want)
          if (t != kNever) t += d;
        now += d;
      }
      for (int o = 0; o < n; ++o) ASSERT_EQ(h.wanted(o), want[static_cast<std::size_t>(o)]);
    }
  }
}

}  // namespace
}  // namespace vsim

// Kernel benchmarks: the classic "hold model" (pop the earliest event, push
// one at now + random increment) at several queue sizes, for the kernel's
// scheduler as the simulator runs it (kAdaptive: radix bucket queue from 64
// pending events, indexed heap below), the same scheduler held in its
// indexed 4-ary heap (kHeap, the kernel's previous design) and
// std::priority_queue; plus the cancel/re-arm patterns VRRP timers produce.
#include <benchmark/benchmark.h>
#include <queue>
#include <vector>

#include "sim/core/rng.h"
#include "sim/core/scheduler.h"

namespace {

using vsim::EventPayload;
using vsim::Lane;
using vsim::Rng;
using vsim::Scheduler;

// The hold loop: `n` events first at [0, horizon), then pop one and push it
// again at `increment(event)` after its time, `state.iterations()` times.
template <class Increment>
void Hold(benchmark::State& state, vsim::QueueMode mode, std::uint64_t seed, vsim::Time horizon,
          Increment increment) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  Scheduler s(mode);
  Rng rng(seed);
  for (std::uint32_t i = 0; i < n; ++i)
    s.Schedule(static_cast<vsim::Time>(rng.Below(static_cast<std::uint64_t>(horizon))),
               Lane::kTimer, EventPayload{i, 0, 0});
  for (auto _ : state) {
    vsim::Event e = s.Pop();
    s.Schedule(e.at + increment(e, rng), Lane::kTimer, e.payload);
  }
  state.SetItemsProcessed(state.iterations());
}

// Uniform increments in [1, 1 s].
vsim::Time Uniform(const vsim::Event&, Rng& rng) {
  return 1 + static_cast<vsim::Time>(rng.Below(1'000'000));
}

// VRRP-like increments: events land 1 s (advert) or ~3.6 s (master down)
// ahead, give or take a few hundred microseconds of latency/jitter.
vsim::Time VrrpLike(const vsim::Event& e, Rng& rng) {
  const vsim::Time step = (e.payload.kind & 1) ? 1'000'000 : 3'609'375;
  return step + static_cast<vsim::Time>(rng.Below(500));
}

void BM_HoldRadixQueue(benchmark::State& state) {
  Hold(state, vsim::QueueMode::kAdaptive, 1, 1'000'000, Uniform);
}
BENCHMARK(BM_HoldRadixQueue)->Arg(100)->Arg(10'000)->Arg(1'000'000)->UseRealTime();

void BM_HoldIndexedHeap(benchmark::State& state) {
  Hold(state, vsim::QueueMode::kHeap, 1, 1'000'000, Uniform);
}
BENCHMARK(BM_HoldIndexedHeap)->Arg(100)->Arg(10'000)->Arg(1'000'000)->UseRealTime();

void BM_HoldVrrpRadixQueue(benchmark::State& state) {
  Hold(state, vsim::QueueMode::kAdaptive, 3, 3'609'375, VrrpLike);
}
BENCHMARK(BM_HoldVrrpRadixQueue)->Arg(10'000)->UseRealTime();

void BM_HoldVrrpIndexedHeap(benchmark::State& state) {
  Hold(state, vsim::QueueMode::kHeap, 3, 3'609'375, VrrpLike);
}
BENCHMARK(BM_HoldVrrpIndexedHeap)->Arg(10'000)->UseRealTime();

struct PqEvent {
  vsim::Time at;
  std::uint64_t seq;
  std::uint32_t kind;
  bool operator>(const PqEvent& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

void BM_HoldStdPriorityQueue(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  std::priority_queue<PqEvent, std::vector<PqEvent>, std::greater<>> q;
  Rng rng(1);
  std::uint64_t seq = 0;
  for (std::uint32_t i = 0; i < n; ++i)
    q.push({static_cast<vsim::Time>(rng.Below(1'000'000)), seq++, i});
  for (auto _ : state) {
    PqEvent e = q.top();
    q.pop();
    q.push({e.at + 1 + static_cast<vsim::Time>(rng.Below(1'000'000)), seq++, e.kind});
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HoldStdPriorityQueue)->Arg(100)->Arg(10'000)->Arg(1'000'000)->UseRealTime();

// `n` timers at [0, 1 s), with their handles.
std::vector<vsim::EventHandle> Timers(Scheduler& s, Rng& rng, std::uint32_t n) {
  std::vector<vsim::EventHandle> h;
  for (std::uint32_t i = 0; i < n; ++i)
    h.push_back(s.Schedule(static_cast<vsim::Time>(rng.Below(1'000'000)), Lane::kTimer,
                           EventPayload{i, 0, 0}));
  return h;
}

// Every 10 µs of a clock that only the timers see (nothing is popped), one
// random timer goes through `move(scheduler, handle, now + 3.6 s)`.
template <class Move>
void MoveTimers(benchmark::State& state, vsim::QueueMode mode, std::uint64_t seed, Move move) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  Scheduler s(mode);
  Rng rng(seed);
  std::vector<vsim::EventHandle> h = Timers(s, rng, n);
  vsim::Time now = 0;
  for (auto _ : state) {
    auto& x = h[rng.Below(n)];
    now += 10;
    move(s, x, now + 3'609'375);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(s.size());
}

// VRRP's pattern: every received advert re-arms a backup's master-down timer.
// (Lambdas, not functions: each is its own type, so MoveTimers inlines it.)
constexpr auto Rearm = [](Scheduler& s, vsim::EventHandle& x, vsim::Time at) {
  x = s.Reschedule(x, at, Lane::kTimer, EventPayload{0, 0, 0});
};

void BM_RearmRadixQueue(benchmark::State& state) {
  MoveTimers(state, vsim::QueueMode::kAdaptive, 2, Rearm);
}
BENCHMARK(BM_RearmRadixQueue)->Arg(100)->Arg(10'000)->UseRealTime();

void BM_RearmIndexedHeap(benchmark::State& state) {
  MoveTimers(state, vsim::QueueMode::kHeap, 2, Rearm);
}
BENCHMARK(BM_RearmIndexedHeap)->Arg(100)->Arg(10'000)->UseRealTime();

// Cancel a timer and schedule a fresh one (a stopped instance's timers, a
// cancelled restart).
constexpr auto CancelSchedule = [](Scheduler& s, vsim::EventHandle& x, vsim::Time at) {
  s.Cancel(x);
  x = s.Schedule(at, Lane::kTimer, EventPayload{0, 0, 0});
};

void BM_CancelScheduleRadixQueue(benchmark::State& state) {
  MoveTimers(state, vsim::QueueMode::kAdaptive, 4, CancelSchedule);
}
BENCHMARK(BM_CancelScheduleRadixQueue)->Arg(100)->Arg(10'000)->UseRealTime();

void BM_CancelScheduleIndexedHeap(benchmark::State& state) {
  MoveTimers(state, vsim::QueueMode::kHeap, 4, CancelSchedule);
}
BENCHMARK(BM_CancelScheduleIndexedHeap)->Arg(100)->Arg(10'000)->UseRealTime();

// The hold model with a re-arm of a random pending event after every hold:
// events close to firing have been re-filed to lower levels, so this is the
// radix queue's costly case (finding a moved event scans its bucket).
void HoldRearm(benchmark::State& state, vsim::QueueMode mode) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  Scheduler s(mode);
  Rng rng(5);
  std::vector<vsim::EventHandle> h = Timers(s, rng, n);
  for (auto _ : state) {
    const vsim::Event e = s.Pop();
    h[e.payload.kind] = s.Schedule(e.at + 1 + static_cast<vsim::Time>(rng.Below(1'000'000)),
                                   Lane::kTimer, e.payload);
    const auto k = static_cast<std::uint32_t>(rng.Below(n));
    h[k] = s.Reschedule(h[k], s.now() + 1 + static_cast<vsim::Time>(rng.Below(1'000'000)),
                        Lane::kTimer, EventPayload{k, 0, 0});
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_HoldRearmRadixQueue(benchmark::State& state) {
  HoldRearm(state, vsim::QueueMode::kAdaptive);
}
BENCHMARK(BM_HoldRearmRadixQueue)->Arg(10'000)->UseRealTime();

void BM_HoldRearmIndexedHeap(benchmark::State& state) { HoldRearm(state, vsim::QueueMode::kHeap); }
BENCHMARK(BM_HoldRearmIndexedHeap)->Arg(10'000)->UseRealTime();

// The same with std::priority_queue needs tombstones: the stale entry stays
// in the heap until it surfaces, so the heap grows with every re-arm.
void BM_RearmStdPriorityQueueTombstones(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  std::priority_queue<PqEvent, std::vector<PqEvent>, std::greater<>> q;
  std::vector<std::uint64_t> current(n);
  Rng rng(2);
  std::uint64_t seq = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    current[i] = seq;
    q.push({static_cast<vsim::Time>(rng.Below(1'000'000)), seq++, i});
  }
  vsim::Time now = 0;
  for (auto _ : state) {
    const auto k = static_cast<std::uint32_t>(rng.Below(n));
    now += 10;
    current[k] = seq;
    q.push({now + 3'609'375, seq++, k});
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(q.size());
}
BENCHMARK(BM_RearmStdPriorityQueueTombstones)->Arg(100)->Arg(10'000)->UseRealTime();

}  // namespace

#include "sim/world/fast_forward.h"

#include <algorithm>
#include <vector>

#include "engine/state_key.h"

namespace vsim {

using vrrp::Duration;
using vrrp::kNever;
using vrrp::Time;

std::uint64_t RunSkippingRepeats(Simulation& sim, Time end) {
  constexpr Duration kStep = vrrp::kSecond;
  constexpr std::size_t kKeep = 64;  // periods up to a minute
  struct Seen {
    Time t = 0;
    std::uint64_t hash = 0;
    std::uint64_t events = 0;  // sim.events_processed() at t
    vrrp::StateKey key;
  };
  // The keys since the last trace event or input, a ring:
  // seen[(first + i) % kKeep]. The buffers are the thread's: a run takes a
  // key every quiet simulated second.
  thread_local std::vector<Seen> seen(kKeep);
  std::uint64_t skipped = 0;
  std::size_t first = 0, count = 0;
  std::uint64_t emitted = sim.trace_events_emitted();
  std::uint64_t inputs = sim.inputs_processed();
  for (Time t = (sim.now() / kStep + 1) * kStep; t < end; t += kStep) {
    sim.RunUntil(t);
    // An input that changed nothing (the end of a pause of a daemon that has
    // gone since) emits nothing, but it is no repeat either.
    if (sim.trace_events_emitted() != emitted || sim.inputs_processed() != inputs) {
      count = 0;
      emitted = sim.trace_events_emitted();
      inputs = sim.inputs_processed();
    }
    const std::uint64_t h = sim.SteadyStateHash();
    if (h == 0) {
      count = 0;
      continue;
    }
    if (count == kKeep) {  // the oldest key makes room
      first = (first + 1) % kKeep;
      --count;
    }
    Seen& here = seen[(first + count) % kKeep];
    bool keyed = false;
    const Seen* repeat = nullptr;
    for (std::size_t i = count; i-- > 0;) {  // the shortest period first
      const Seen& s = seen[(first + i) % kKeep];
      if (s.hash != h) continue;
      if (!keyed) keyed = sim.SteadyStateKey(&here.key);
      if (keyed && s.key == here.key) {
        repeat = &s;
        break;
      }
    }
    if (repeat) {
      const Duration period = t - repeat->t;
      const Time next_input = sim.NextPendingOperation();
      const Time horizon = next_input == kNever ? end : std::min(end, next_input - 1);
      const std::int64_t periods = (horizon - t) / period;
      const std::uint64_t per_period = sim.events_processed() - repeat->events;
      if (periods > 0 && sim.ShiftTime(periods * period)) {
        skipped += static_cast<std::uint64_t>(periods) * per_period;
        t += periods * period;
      }
      count = 0;
      continue;
    }
    if (!keyed && !sim.SteadyStateKey(&here.key)) {
      count = 0;
      continue;
    }
    here.t = t;
    here.hash = h;
    here.events = sim.events_processed();
    ++count;
  }
  sim.RunUntil(end);
  return skipped;
}

}  // namespace vsim

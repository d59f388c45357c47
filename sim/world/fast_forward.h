// Running a simulation while skipping the repeats of a steady state.
//
// A VRRP cluster left alone settles: a master advertises every interval,
// its backups restart their master-down timers, checks come back as before.
// Between two inputs (a crash, a check that starts failing) the world then
// repeats with a period of a few seconds, and simulating each repeat is
// wasted work. RunSkippingRepeats finds such a period and jumps over the
// whole periods that fit before the next input, leaving the world exactly
// as simulating them would have (Simulation::ShiftTime); the trace is the
// same, since a period that repeats emitted no trace event.
#pragma once

#include <cstdint>

#include "engine/time.h"
#include "sim/world/simulation.h"

namespace vsim {

// sim.RunUntil(end), skipping the repeats of a steady state. Returns the
// number of events the skipped periods held (sim.events_processed() counts
// only the events actually simulated; add this for the run's total).
//
// How: at every whole second it takes the world's key
// (Simulation::SteadyStateKey: everything but the inputs still to come,
// relative to now) and a cheap hash of part of it (SteadyStateHash). When
// the key equals one taken at an earlier second s with no trace event and
// no input in between, the world repeats with period P = t - s and emits
// nothing in a period until the next input: the world m whole periods
// later, just before that input (or the end), is this one shifted by m * P,
// and those periods hold m times the events of the last one. Then the run
// goes on event by event.
//
// Why a key every second rather than only on a hash match: the key of s is
// gone by the time a hash matches at t, and confirming a match instead (a
// key now, compared one period later) simulated one more period after every
// input; with adverts every 2 s and checks every 3 s that is 6 s of events,
// more than the keys cost (bench/README.md). The hash still spares
// comparing keys at every second.
//
// REQUIRES: not inside sim.RunUntil; end >= sim.now().
std::uint64_t RunSkippingRepeats(Simulation& sim, vrrp::Time end);

}  // namespace vsim

// VRRP timer arithmetic (R7, R8), in keepalived's exact integer form.
//
// The public entry points SkewTime() and MasterDownInterval() are declared in
// engine/daemon.h (they are part of the engine's API); this header only adds
// the internal helpers the state machine uses.
#pragma once

#include "engine/time.h"

namespace vrrp {

// Advertisement interval as carried in the packet: whole seconds for v2,
// centiseconds for v3 (R6).
// REQUIRES: version is 2 or 3.
int AdvertIntervalField(int version, Duration adver_int);

// The interval (µs) a received advert's interval field stands for (v3: cs).
Duration AdvertIntervalFromField(int version, int field);

}  // namespace vrrp

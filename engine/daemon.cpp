// STUB: replaced by the real state machine.
#include "engine/daemon.h"

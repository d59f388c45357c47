// STUB: replaced by the real codec.
#include "engine/packet/vrrp_packet.h"

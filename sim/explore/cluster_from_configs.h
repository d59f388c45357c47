// `vrrpsim explore node1.conf node2.conf`: a cluster built from bare
// keepalived.conf files, for users who have configurations but no scenario.
//
// One node per file, named after the file (its stem if that is a valid,
// unused name, else node1, node2, ...); every interface a configuration names
// (an instance's `interface`, its track_interface entries; eth0 if none) sits
// on a segment named after that interface and shared by every node, so the
// usual single-interface pair is one segment; interface k of node i gets
// 10.k.(i>>8).(i&255); keepalived starts at 0 s on every node; a 10-minute run.
// Diagnostics are keepalived's, with the configuration's file:line:column.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/diagnostic.h"
#include "sim/scenario/scenario.h"

namespace vsim {

// nullopt if a file cannot be read or keepalived would refuse it (a fatal
// diagnostic); warnings are returned and do not stop it.
std::optional<Scenario> ClusterFromConfigs(const std::vector<std::string>& files,
                                           vrrp::Diagnostics* diags);

}  // namespace vsim

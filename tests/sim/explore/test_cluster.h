// A small two-node cluster for the explore tests: node1 MASTER 100 with a
// weight -20 check, node2 BACKUP 90, VRID 51, advert_int 1.
#pragma once

#include <gtest/gtest.h>
#include <string>

#include "sim/scenario/scenario.h"

namespace vsim::testing {

inline std::string PairYaml(const std::string& extra = "", const std::string& node2_extra = "") {
  return R"(
name: pair
duration: 10min
nodes:
  - name: node1
    address: 10.0.0.1
    config: |
      global_defs { script_user root
        enable_script_security }
      vrrp_script chk { script "/bin/true"
        interval 1
        weight -20 }
      vrrp_instance VI_1 { state MASTER
        interface eth0
        virtual_router_id 51
        priority 100
        advert_int 1
        track_script { chk }
        virtual_ipaddress { 10.0.0.100/24 } }
  - name: node2
    address: 10.0.0.2
    config: |
      vrrp_instance VI_1 { state BACKUP
        interface eth0
        virtual_router_id 51
        priority 90
        advert_int 1
)" + node2_extra +
         R"(        virtual_ipaddress { 10.0.0.100/24 } }
)" + extra;
}

inline Scenario Load(const std::string& yaml) {
  ScenarioLoad load = LoadScenarioText(yaml, "pair.yaml", ".");
  for (const auto& d : load.diagnostics)
    if (d.severity != vrrp::Severity::kWarning) ADD_FAILURE() << d.ToString();
  if (!load.ok()) return Scenario{};
  return *load.scenario;
}

inline Scenario Pair() { return Load(PairYaml()); }

}  // namespace vsim::testing

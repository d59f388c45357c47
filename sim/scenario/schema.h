// A JSON Schema (draft-07) of the scenario format (docs/scenario-format.md),
// for editors: yaml-language-server (VS Code, Neovim) completes and checks a
// scenario with it. `vrrpsim schema` prints it; docs/scenario-schema.json is
// the checked-in copy. tests/sim/scenario/schema_test.cpp walks the loader's
// accepted keys and the schema's both ways and validates every shipped
// scenario against it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostic.h"

namespace vsim {

// The schema as JSON text (2-space indented, ending in a newline);
// deterministic: the same bytes on every run.
std::string ScenarioJsonSchema();

// For tests: called (on this thread) for every mapping whose keys the loader
// checks, with the mapping's location and the keys it accepts there. An empty
// function turns it off.
using KeysCheckedHook =
    std::function<void(const vrrp::Location& where, const std::vector<std::string_view>& keys)>;
void SetKeysCheckedHook(KeysCheckedHook hook);

}  // namespace vsim

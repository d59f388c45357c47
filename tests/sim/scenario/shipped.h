// The shipped scenario files (scenarios/**/*.yaml), sorted, for the tests that
// run every one of them.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace vsim::testing {

inline std::vector<std::string> ShippedScenarios() {
  std::vector<std::string> out;
  const std::filesystem::path root = std::filesystem::path(VRRPSIM_SOURCE_DIR) / "scenarios";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace vsim::testing

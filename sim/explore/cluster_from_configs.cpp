#include "sim/explore/cluster_from_configs.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "sim/io/file_io.h"
#include "sim/io/fs_include_resolver.h"

namespace vsim {

std::optional<Scenario> ClusterFromConfigs(const std::vector<std::string>& files,
                                           vrrp::Diagnostics* diags) {
  Scenario sc;
  if (files.empty()) {
    diags->push_back({vrrp::Severity::kError, {}, "no configuration file given"});
    return std::nullopt;
  }
  sc.file = files.front();
  sc.base_dir = std::filesystem::path(files.front()).parent_path().string();
  if (sc.base_dir.empty()) sc.base_dir = ".";
  sc.duration = 10 * 60 * vrrp::kSecond;
  bool fatal = false;
  std::vector<std::string> segments;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& path = files[i];
    // Refuse what is not a regular file before the parser opens it (a FIFO
    // would block it).
    std::string probe, error;
    if (!ReadRegularFile(path, 16 * 1024 * 1024, &probe, &error)) {
      diags->push_back({vrrp::Severity::kError, {path, 0, 0}, error});
      fatal = true;
      continue;
    }
    LoadResult r = LoadConfigFile(path, "");
    for (auto& d : r.parse.diagnostics) diags->push_back(std::move(d));
    if (!r.read_ok || !r.parse.ok()) {
      fatal = true;
      continue;
    }
    sc.input_files.insert(sc.input_files.end(), r.files.begin(), r.files.end());
    ScenarioNode node;
    const std::string stem = std::filesystem::path(path).stem().string();
    node.name = ValidName(stem) && sc.FindNode(stem) < 0 ? stem : "node" + std::to_string(i + 1);
    node.config_source = path;
    node.config_text = r.text;
    node.config = std::move(r.parse.config);
    node.where = {path, 0, 0};
    std::vector<std::string> ifaces;
    auto add = [&](const std::string& name) {
      if (!name.empty() && std::find(ifaces.begin(), ifaces.end(), name) == ifaces.end())
        ifaces.push_back(name);
    };
    for (const auto& inst : node.config.instances) {
      add(inst.interface);
      for (const auto& ti : inst.track_interfaces) add(ti.name);
    }
    if (ifaces.empty()) ifaces.push_back("eth0");
    for (const auto& name : ifaces) {
      auto it = std::find(segments.begin(), segments.end(), name);
      const std::size_t k = static_cast<std::size_t>(it - segments.begin());
      if (it == segments.end()) segments.push_back(name);
      NodeInterface ni;
      ni.name = name;
      ni.segment = "seg-" + name;
      ni.address =
          vrrp::Ipv4(10, static_cast<std::uint8_t>(k), static_cast<std::uint8_t>((i + 1) >> 8),
                     static_cast<std::uint8_t>((i + 1) & 255));
      node.interfaces.push_back(ni);
    }
    sc.nodes.push_back(std::move(node));
  }
  if (fatal) return std::nullopt;
  for (const auto& n : sc.nodes) sc.name += (sc.name.empty() ? "" : " + ") + n.name;
  return sc;
}

}  // namespace vsim

#include "engine/config/model.h"

namespace vrrp {

namespace {
template <typename T>
const T* FindByName(const std::vector<T>& items, const std::string& name) {
  for (const auto& item : items)
    if (item.name == name) return &item;
  return nullptr;
}
}  // namespace

const VrrpScript* Config::FindScript(const std::string& name) const {
  return FindByName(scripts, name);
}
const TrackFile* Config::FindTrackFile(const std::string& name) const {
  return FindByName(track_files, name);
}
const VrrpInstance* Config::FindInstance(const std::string& name) const {
  return FindByName(instances, name);
}

}  // namespace vrrp

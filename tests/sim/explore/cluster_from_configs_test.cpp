#include "sim/explore/cluster_from_configs.h"

#include <gtest/gtest.h>

namespace vsim {
namespace {

const std::string kSeed = VRRPSIM_SOURCE_DIR "/scenarios/seed/configs/";

TEST(ClusterFromConfigs, OneNodePerFileOnOneSegment) {
  vrrp::Diagnostics diags;
  auto sc = ClusterFromConfigs(
      {kSeed + "master-backup-node1.conf", kSeed + "master-backup-node2.conf"}, &diags);
  ASSERT_TRUE(sc);
  EXPECT_EQ(sc->name, "master-backup-node1 + master-backup-node2");
  ASSERT_EQ(sc->nodes.size(), 2u);
  EXPECT_EQ(sc->nodes[1].name, "master-backup-node2");
  ASSERT_EQ(sc->nodes[1].interfaces.size(), 1u);
  EXPECT_EQ(sc->nodes[0].interfaces[0].segment, sc->nodes[1].interfaces[0].segment);
  EXPECT_EQ(sc->nodes[1].interfaces[0].address.ToString(), "10.0.0.2");
  EXPECT_FALSE(sc->nodes[0].config_text.empty()) << "kept for the findings";
  EXPECT_EQ(sc->duration, 600 * vrrp::kSecond);
  for (const auto& d : diags) EXPECT_EQ(d.severity, vrrp::Severity::kWarning) << d.ToString();
}

TEST(ClusterFromConfigs, SameFileTwiceGetsTwoNames) {
  vrrp::Diagnostics diags;
  auto sc =
      ClusterFromConfigs({kSeed + "backup-backup.conf", kSeed + "backup-backup.conf"}, &diags);
  ASSERT_TRUE(sc);
  EXPECT_EQ(sc->nodes[0].name, "backup-backup");
  EXPECT_EQ(sc->nodes[1].name, "node2");
}

TEST(ClusterFromConfigs, RefusesWhatKeepalivedRefuses) {
  vrrp::Diagnostics diags;
  EXPECT_FALSE(ClusterFromConfigs({"/nonexistent.conf"}, &diags));
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags[0].message, "no such file");
  diags.clear();
  EXPECT_FALSE(ClusterFromConfigs({"/dev/null"}, &diags));
  EXPECT_NE(diags.at(0).message.find("not a regular file"), std::string::npos);
  diags.clear();
  EXPECT_FALSE(ClusterFromConfigs({VRRPSIM_SOURCE_DIR "/scenarios"}, &diags));
  EXPECT_NE(diags.at(0).message.find("a directory"), std::string::npos);
}

}  // namespace
}  // namespace vsim

#include "sim/io/fs_include_resolver.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vsim {

namespace {

namespace fs = std::filesystem;

class TempTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vrrpsim-io-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    fs::create_directories(base_ + "/root/conf.d");
    fs::create_directories(base_ + "/outside");
  }
  void TearDown() override { fs::remove_all(base_); }

  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(base_ + "/" + rel) << text;
  }
  std::string Root() const { return base_ + "/root"; }

  std::string base_;
};

constexpr const char* kInstance =
    "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n"
    "  virtual_ipaddress {\n    10.0.0.1/24\n  }\n";

TEST_F(TempTree, GlobMatchesAreSortedAndRelativeToTheIncludingFile) {
  Write("root/conf.d/20-b.conf", "  nopreempt\n");
  Write("root/conf.d/10-a.conf", "  priority 42\n");
  Write("root/conf.d/ignored.txt", "  bogus\n");
  FsIncludeResolver r(Root());
  std::string error;
  auto files = r.Resolve(Root() + "/keepalived.conf", "conf.d/*.conf", &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].name, Root() + "/conf.d/10-a.conf");
  EXPECT_EQ(files[0].content, "  priority 42\n");
  EXPECT_EQ(files[1].name, Root() + "/conf.d/20-b.conf");
}

TEST_F(TempTree, NoMatchIsEmptyWithoutError) {
  FsIncludeResolver r(Root());
  std::string error;
  EXPECT_TRUE(r.Resolve(Root() + "/k.conf", "nothing*.conf", &error).empty());
  EXPECT_EQ(error, "");
}

TEST_F(TempTree, DotDotOutOfTheRootIsRefused) {
  Write("outside/secret.conf", "x\n");
  FsIncludeResolver r(Root());
  std::string error;
  EXPECT_TRUE(r.Resolve(Root() + "/k.conf", "../outside/secret.conf", &error).empty());
  EXPECT_NE(error.find("outside the configuration root"), std::string::npos) << error;
  EXPECT_TRUE(r.Resolve(Root() + "/k.conf", "/etc/host*", &error).empty());
  EXPECT_NE(error.find("refused"), std::string::npos);
}

// The refusal must not depend on whether the escaped-to directory exists (CI
// checks the tree out at a different depth than a developer does).
TEST_F(TempTree, DotDotToAMissingDirectoryOutOfTheRootIsRefused) {
  FsIncludeResolver r(Root());
  std::string error;
  EXPECT_TRUE(r.Resolve(Root() + "/k.conf", "../no-such-dir/*.conf", &error).empty());
  EXPECT_NE(error.find("outside the configuration root"), std::string::npos) << error;
  error.clear();
  EXPECT_TRUE(r.Resolve(Root() + "/k.conf", "../no-such-dir/../../../x*", &error).empty());
  EXPECT_NE(error.find("outside the configuration root"), std::string::npos) << error;
  error.clear();
  EXPECT_TRUE(r.Resolve(Root() + "/k.conf", "conf.d/missing/../../../outside/*", &error).empty());
  EXPECT_NE(error.find("outside the configuration root"), std::string::npos) << error;
  error.clear();
  EXPECT_TRUE(r.Resolve(Root() + "/k.conf", "conf.d/missing/../*.conf", &error).empty());
  EXPECT_EQ(error, "");
}

TEST_F(TempTree, SymlinkEscapingTheRootIsRefused) {
  Write("outside/secret.conf", "x\n");
  fs::create_symlink(base_ + "/outside/secret.conf", Root() + "/conf.d/link.conf");
  fs::create_directory_symlink(base_ + "/outside", Root() + "/dirlink");
  FsIncludeResolver r(Root());
  std::string error;
  auto files = r.Resolve(Root() + "/k.conf", "conf.d/link.conf", &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].content, "");
  EXPECT_EQ(files[0].skipped,
            "Configuration file 'conf.d/link.conf' resolves outside the "
            "configuration root " +
                CanonicalPath(Root()) + " - refused");
  EXPECT_EQ(files[0].skipped_severity, vrrp::Severity::kError);
  // A pattern whose directory is a symlink out of the tree: refused as a whole.
  EXPECT_TRUE(r.Resolve(Root() + "/k.conf", "dirlink/*", &error).empty());
  EXPECT_NE(error, "");
}

// One refusal per escaping match; the other matches are still read, and a
// directory match is skipped with keepalived's warning.
TEST_F(TempTree, EscapingGlobMatchIsRefusedAloneOthersAreRead) {
  Write("outside/secret.conf", "  priority 1\n");
  Write("outside/other.conf", "  priority 2\n");
  Write("root/conf.d/10-prio.conf", "  priority 42\n");
  Write("root/conf.d/30-nopreempt.conf", "  nopreempt\n");
  fs::create_symlink(base_ + "/outside/secret.conf", Root() + "/conf.d/20-link.conf");
  fs::create_symlink(base_ + "/outside/other.conf", Root() + "/conf.d/40-link.conf");
  fs::create_directories(Root() + "/conf.d/25-dir.conf");
  Write("root/keepalived.conf", std::string(kInstance) + "  include conf.d/*.conf\n}\n");
  LoadResult r = LoadConfigFile(Root() + "/keepalived.conf", Root());
  ASSERT_TRUE(r.read_ok);
  ASSERT_TRUE(r.parse.ok());
  const std::string at = Root() + "/keepalived.conf:7:11: ";
  const std::string root = CanonicalPath(Root());
  ASSERT_EQ(r.parse.diagnostics.size(), 3u);
  EXPECT_EQ(r.parse.diagnostics[0].ToString(),
            at +
                "error: Configuration file 'conf.d/20-link.conf' resolves outside the "
                "configuration root " +
                root + " - refused");
  EXPECT_EQ(r.parse.diagnostics[1].ToString(),
            at + "warning: Configuration file 'conf.d/25-dir.conf/' is a directory - skipping");
  EXPECT_EQ(r.parse.diagnostics[2].ToString(),
            at +
                "error: Configuration file 'conf.d/40-link.conf' resolves outside the "
                "configuration root " +
                root + " - refused");
  ASSERT_EQ(r.parse.config.instances.size(), 1u);
  EXPECT_EQ(r.parse.config.instances[0].priority, 42);  // not 1 or 2 from outside
  EXPECT_TRUE(r.parse.config.instances[0].nopreempt);
}

TEST_F(TempTree, SymlinkInsideTheRootIsFine) {
  Write("root/conf.d/real.conf", "  priority 7\n");
  fs::create_symlink(Root() + "/conf.d/real.conf", Root() + "/alias.conf");
  FsIncludeResolver r(Root());
  std::string error;
  auto files = r.Resolve(Root() + "/k.conf", "alias.conf", &error);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].content, "  priority 7\n");
}

TEST_F(TempTree, DirectoriesAreSkippedAndSizeIsLimited) {
  fs::create_directories(Root() + "/conf.d/sub.conf");
  Write("root/conf.d/big.conf", std::string(100, '#'));
  FsIncludeResolver r(Root(), 50);
  std::string error;
  auto files = r.Resolve(Root() + "/k.conf", "conf.d/*.conf", &error);
  EXPECT_TRUE(files.empty());
  EXPECT_NE(error.find("larger than 50 bytes"), std::string::npos) << error;
}

TEST_F(TempTree, LoadConfigFileResolvesIncludes) {
  Write("root/keepalived.conf",
        std::string(kInstance) + "  include conf.d/*.conf\n}\ninclude missing.conf\n");
  Write("root/conf.d/prio.conf", "  priority 42\n");
  LoadResult r = LoadConfigFile(Root() + "/keepalived.conf", Root());
  ASSERT_TRUE(r.read_ok);
  ASSERT_TRUE(r.parse.ok());
  ASSERT_EQ(r.parse.config.instances.size(), 1u);
  EXPECT_EQ(r.parse.config.instances[0].priority, 42);
  ASSERT_EQ(r.parse.diagnostics.size(), 1u);
  EXPECT_EQ(r.parse.diagnostics[0].ToString(),
            Root() + "/keepalived.conf:9:9: warning: Config files missing 'missing.conf'.");
}

TEST_F(TempTree, LoadConfigFileIncludeLoopTerminates) {
  Write("root/a.conf", "include b.conf\n");
  Write("root/b.conf", "include a.conf\n");
  LoadResult r = LoadConfigFile(Root() + "/a.conf", "");
  ASSERT_TRUE(r.read_ok);
  ASSERT_EQ(r.parse.diagnostics.size(), 1u);
  EXPECT_NE(r.parse.diagnostics[0].message.find("Include depth limit"), std::string::npos);
}

TEST_F(TempTree, MultiplyingIncludesAreBounded) {
  // Each file includes all eight: 8^16 paths without the file limit.
  for (int i = 1; i <= 8; ++i) Write("root/b" + std::to_string(i) + ".conf", "include b*.conf\n");
  LoadResult r = LoadConfigFile(Root() + "/b1.conf", Root());
  ASSERT_TRUE(r.read_ok);
  bool limit_seen = false;
  for (const auto& d : r.parse.diagnostics)
    limit_seen |= d.message.find("Include limit (10000 files)") != std::string::npos;
  EXPECT_TRUE(limit_seen);
  EXPECT_LE(r.parse.diagnostics.size(), 10010u);
}

TEST_F(TempTree, LoadConfigFileMissingOrOutside) {
  LoadResult missing = LoadConfigFile(Root() + "/none.conf", Root());
  EXPECT_FALSE(missing.read_ok);
  EXPECT_FALSE(missing.parse.ok());
  Write("outside/x.conf", "\n");
  LoadResult outside = LoadConfigFile(base_ + "/outside/x.conf", Root());
  EXPECT_FALSE(outside.read_ok);
  EXPECT_FALSE(outside.parse.ok());
}

// keepalived -t: "Configuration file 'DIR/' is a directory - skipping" (its
// glob adds the '/'); vrrpsim lint reports it as an error, not as a clean file.
TEST_F(TempTree, LoadConfigFileOnADirectoryIsAnError) {
  LoadResult r = LoadConfigFile(Root() + "/conf.d", Root());
  EXPECT_FALSE(r.read_ok);
  ASSERT_EQ(r.parse.diagnostics.size(), 1u);
  EXPECT_EQ(r.parse.diagnostics[0].severity, vrrp::Severity::kError);
  EXPECT_EQ(r.parse.diagnostics[0].ToString(), Root() + "/conf.d: error: Configuration file '" +
                                                   Root() + "/conf.d/' is a directory - skipping");
  LoadResult slash = LoadConfigFile(Root() + "/conf.d/", "");
  ASSERT_EQ(slash.parse.diagnostics.size(), 1u);
  EXPECT_EQ(slash.parse.diagnostics[0].message,
            "Configuration file '" + Root() + "/conf.d/' is a directory - skipping");
}

}  // namespace
}  // namespace vsim

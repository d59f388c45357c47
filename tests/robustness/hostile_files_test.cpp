// Hostile files and paths (issue 14, docs/robustness.md): every reader on
// every kind of file, with the library and through the command lines. None
// may block (a named pipe), read forever (/dev/zero) or call a directory
// "empty"; each refusal names what the file is.
#include <gtest/gtest.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

#include "sim/io/file_io.h"
#include "sim/io/fs_include_resolver.h"
#include "sim/scenario/scenario.h"
#include "tests/robustness/robustness_util.h"

namespace vsim {
namespace {

using robustness::BuildProgram;
using robustness::ReadFile;
using robustness::Shell;
using robustness::TempDir;

// One kind of file system entry, made inside a directory under the name
// `name`, and what a refusal of it must say.
struct Kind {
  std::string label;  // also the file name
  std::string says;   // "" = it is readable (a regular file)
};

const char* kConfig =
    "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n"
    " virtual_ipaddress {\n  10.0.0.100/24\n }\n}\n";

// Makes `kind` at dir/label; false if it cannot be made here (skipped).
bool Make(const TempDir& dir, const std::string& label) {
  const std::string p = dir / label;
  if (label == "directory") return ::mkdir(p.c_str(), 0755) == 0;
  if (label == "fifo") return ::mkfifo(p.c_str(), 0644) == 0;
  if (label == "dev-null") return ::symlink("/dev/null", p.c_str()) == 0;
  if (label == "dev-zero") return ::symlink("/dev/zero", p.c_str()) == 0;
  if (label == "loop") return ::symlink(p.c_str(), p.c_str()) == 0;
  if (label == "missing") return true;
  if (label == "socket") {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (fd < 0 || p.size() >= sizeof a.sun_path) return false;
    std::copy(p.begin(), p.end(), a.sun_path);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);  // the socket file stays
    return ok;
  }
  if (label == "unreadable") {
    // root reads anything: the case says nothing there.
    if (::geteuid() == 0) return false;
    dir.Write(label, kConfig);
    return ::chmod(p.c_str(), 0) == 0;
  }
  if (label == "huge") {
    // Sparse: over every reader's cap (explore's shard files, 1 GiB, are the
    // largest) without using the disk.
    dir.Write(label, "");
    return ::truncate(p.c_str(), 1100ll * 1024 * 1024) == 0;
  }
  return false;
}

// The path a reader is given: the device itself for the devices (through
// the symlink a configuration reader would refuse it as leaving its tree).
std::string Direct(const TempDir& dir, const std::string& label) {
  if (label == "dev-null") return "/dev/null";
  if (label == "dev-zero") return "/dev/zero";
  return dir / label;
}

// True if `text` says `want`, or (for the devices, reached through a symlink
// from inside a configuration tree) that the file leaves the tree.
bool SaysKind(const std::string& text, const std::string& label, const std::string& want) {
  if (text.find(want) != std::string::npos) return true;
  return label.rfind("dev-", 0) == 0 && text.find("outside") != std::string::npos;
}

const std::vector<Kind>& Kinds() {
  static const std::vector<Kind> kinds = {
      {"directory", "directory"},
      {"fifo", "named pipe"},
      {"dev-null", "character device"},
      {"dev-zero", "character device"},
      {"socket", "socket"},
      {"loop", "symbolic link loop"},
      {"missing", ""},  // each reader has its own words; checked below
      {"unreadable", "permission denied"},
      {"huge", "larger than"},
  };
  return kinds;
}

std::string AllOf(const vrrp::Diagnostics& diags) {
  std::string all;
  for (const auto& d : diags) all += d.ToString() + "\n";
  return all;
}

TEST(HostileFiles, ReadRegularFileNamesWhatItRefuses) {
  TempDir dir;
  for (const Kind& k : Kinds()) {
    SCOPED_TRACE(k.label);
    if (!Make(dir, k.label)) continue;
    std::string text, error;
    EXPECT_FALSE(ReadRegularFile(dir / k.label, 1024 * 1024, &text, &error));
    EXPECT_NE(error.find(k.says.empty() ? "no such file" : k.says), std::string::npos) << error;
    if (k.label == "missing") {
      EXPECT_EQ(DescribeFileType(dir / k.label), "");
    }
  }
  dir.Write("ok.txt", "hello");
  std::string text, error;
  EXPECT_TRUE(ReadRegularFile(dir / "ok.txt", 5, &text, &error)) << error;
  EXPECT_EQ(text, "hello");
  EXPECT_FALSE(ReadRegularFile(dir / "ok.txt", 4, &text, &error));
  EXPECT_EQ(error, "is larger than 4 bytes");
}

// The property: every reader of the library, on every kind of file, refuses
// it with an error that names the kind (and does not block: a FIFO here has
// no writer, so a blocking open would hang the test).
TEST(HostileFiles, EveryLibraryReaderOnEveryKindOfFile) {
  for (const Kind& k : Kinds()) {
    SCOPED_TRACE(k.label);
    TempDir dir;
    if (!Make(dir, k.label)) continue;
    const std::string want = k.says.empty() ? "" : k.says;
    const std::string path = Direct(dir, k.label);

    // A scenario file.
    ScenarioLoad s = LoadScenarioFile(path);
    EXPECT_FALSE(s.ok());
    EXPECT_FALSE(s.read_ok);
    EXPECT_NE(AllOf(s.diagnostics).find(want.empty() ? "no such file" : want), std::string::npos)
        << AllOf(s.diagnostics);

    // A keepalived.conf (vrrpsim lint, explore's configuration files).
    LoadResult c = LoadConfigFile(path, "");
    EXPECT_FALSE(c.read_ok);
    if (k.label != "directory") {  // keepalived's own words: "... is a directory - skipping"
      EXPECT_NE(AllOf(c.parse.diagnostics).find(want.empty() ? "Unable to find" : want),
                std::string::npos)
          << AllOf(c.parse.diagnostics);
    }

    // A scenario's config_file: an error at the scenario's line (the node
    // must not run unconfigured), and the same for a reload's.
    const std::string scenario =
        "name: hostile\nseed: 1\nduration: 10s\nnodes:\n"
        "  - name: n1\n    address: 10.0.0.1\n    config_file: " +
        k.label + "\n";
    dir.Write("s.yaml", scenario);
    ScenarioLoad sc = LoadScenarioFile(dir / "s.yaml");
    EXPECT_FALSE(sc.ok()) << AllOf(sc.diagnostics);
    bool at_line = false;
    for (const auto& d : sc.diagnostics)
      at_line |= d.where.file == dir / "s.yaml" && d.where.line == 7 &&
                 d.severity == vrrp::Severity::kError &&
                 (want.empty() || SaysKind(d.message, k.label, want));
    EXPECT_TRUE(at_line) << AllOf(sc.diagnostics);

    dir.Write("n1.conf", kConfig);
    const std::string reload =
        "name: hostile\nseed: 1\nduration: 10s\nnodes:\n"
        "  - {name: n1, address: 10.0.0.1, config_file: n1.conf}\n"
        "timeline:\n  - {at: 1s, op: reload, node: n1, config_file: " +
        k.label + "}\n";
    dir.Write("r.yaml", reload);
    ScenarioLoad rl = LoadScenarioFile(dir / "r.yaml");
    EXPECT_FALSE(rl.ok()) << AllOf(rl.diagnostics);
    bool reload_line = false;
    for (const auto& d : rl.diagnostics) reload_line |= d.where.line == 7;
    EXPECT_TRUE(reload_line) << AllOf(rl.diagnostics);

    // An include that matches it: refused (or, for a directory, skipped with
    // keepalived's warning); never read.
    if (k.label != "missing" && k.label != "loop") {
      dir.Write("main.conf", std::string("include ") + k.label + "\n" + kConfig);
      LoadResult inc = LoadConfigFile(dir / "main.conf", dir.path());
      EXPECT_TRUE(inc.read_ok);
      EXPECT_NE(AllOf(inc.parse.diagnostics).find(k.label), std::string::npos)
          << AllOf(inc.parse.diagnostics);
    }
  }
}

// The same through the programs: each exits 2 with the kind named, and
// returns (`timeout` turns a hang into a failure instead of a stuck suite).
TEST(HostileFiles, EveryCommandOnEveryKindOfFile) {
  const std::string vrrpsim = BuildProgram("VRRPSIM_BIN", "sim/vrrpsim");
  if (vrrpsim.empty()) GTEST_SKIP() << "vrrpsim binary not built in this tree";
  const std::string gui = BuildProgram("VRRPSIM_GUI_BIN", "gui/vrrpsim-gui");
  const std::string scenario =
      std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/master-backup.yaml";
  for (const Kind& k : Kinds()) {
    SCOPED_TRACE(k.label);
    TempDir dir;
    if (!Make(dir, k.label)) continue;
    const std::string path = "'" + Direct(dir, k.label) + "'";
    std::vector<std::string> commands = {
        vrrpsim + " run " + path,
        vrrpsim + " lint " + path,
        vrrpsim + " compare " + path,
        vrrpsim + " conform '" + scenario + "' --real " + path,
        vrrpsim + " explore " + path + " --runs 1",
        vrrpsim + " explore --merge " + path,
    };
    if (!gui.empty())
      commands.push_back("env QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0 " + gui +
                         " --render " + path + " -o '" + (dir / "out.png") + "'");
    for (const std::string& c : commands) {
      SCOPED_TRACE(c);
      const int rc = Shell("timeout 120 " + c + " >'" + (dir / "out.txt") + "' 2>&1");
      EXPECT_EQ(rc, 2);
      const std::string out = ReadFile(dir / "out.txt");
      if (!k.says.empty()) {
        EXPECT_NE(out.find(k.says), std::string::npos) << out;
      }
      EXPECT_EQ(out.find("empty"), std::string::npos) << out;
    }
  }
}

// Outputs: never an input, never another output; an unsupported picture name
// is refused before anything is opened; a failed write leaves the old file.
TEST(HostileFiles, OutputsNeverOverwriteInputs) {
  const std::string vrrpsim = BuildProgram("VRRPSIM_BIN", "sim/vrrpsim");
  if (vrrpsim.empty()) GTEST_SKIP() << "vrrpsim binary not built in this tree";
  TempDir dir;
  const std::string src = std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/";
  const std::string scenario = ReadFile(src + "master-backup.yaml");
  dir.Write("s.yaml", scenario);
  dir.Write("configs/master-backup-node1.conf", ReadFile(src + "configs/master-backup-node1.conf"));
  dir.Write("configs/master-backup-node2.conf", ReadFile(src + "configs/master-backup-node2.conf"));
  ASSERT_EQ(::symlink((dir / "s.yaml").c_str(), (dir / "link.yaml").c_str()), 0);
  ASSERT_EQ(::mkdir((dir / "sub").c_str(), 0755), 0);
  const std::string s = "'" + (dir / "s.yaml") + "'";
  struct Case {
    std::string args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"run -q " + s + " --trace " + s, "--trace " + (dir / "s.yaml") + " is the scenario"},
      {"run -q " + s + " --junit " + s, "--junit"},
      {"run -q " + s + " --perfetto " + s, "--perfetto"},
      // The same file under other names: a symlink, ./ and ../ spellings.
      {"run -q " + s + " --trace '" + (dir / "link.yaml") + "'", "is the scenario"},
      {"run -q " + s + " --trace '" + (dir / "sub/../s.yaml") + "'", "is the scenario"},
      {"run -q " + s + " --trace '" + (dir / "configs/master-backup-node2.conf") + "'",
       "is the configuration file"},
      // Two outputs at one path, spelt differently, before it exists.
      {"run -q " + s + " --trace '" + (dir / "t.json") + "' --perfetto '" +
           (dir / "sub/../t.json") + "'",
       "--trace and --perfetto name the same file"},
      {"run -q " + s + " --trace '" + (dir / "j.xml") + "' --junit '" + (dir / "./j.xml") + "'",
       "name the same file"},
      {"compare " + s + " --trace " + s, "is the scenario"},
      {"explore " + s + " --runs 1 --junit '" + (dir / "link.yaml") + "'", "is the input"},
      {"run -q " + s + " --trace '" + (dir / "sub") + "'", "is a directory"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    const int rc = Shell(vrrpsim + " " + c.args + " >'" + (dir / "out.txt") + "' 2>&1");
    EXPECT_EQ(rc, 2);
    const std::string out = ReadFile(dir / "out.txt");
    EXPECT_NE(out.find(c.says), std::string::npos) << out;
    EXPECT_EQ(ReadFile(dir / "s.yaml"), scenario);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "t.json"));

  const std::string gui = BuildProgram("VRRPSIM_GUI_BIN", "gui/vrrpsim-gui");
  if (gui.empty()) return;
  dir.Write("keep.foo", "precious");
  dir.Write("s.png", scenario);  // a scenario named like a picture
  const std::string env = "QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0 ";
  const std::vector<Case> gui_cases = {
      {"--render " + s + " -o " + s, "unsupported picture format '.yaml'"},
      {"--render " + s + " -o '" + (dir / "keep.foo") + "'", "unsupported picture format '.foo'"},
      {"--render '" + (dir / "s.png") + "' -o '" + (dir / "./s.png") + "'",
       "refusing to overwrite an input"},
  };
  for (const Case& c : gui_cases) {
    SCOPED_TRACE(c.args);
    const int rc = Shell(env + gui + " " + c.args + " >'" + (dir / "out.txt") + "' 2>&1");
    EXPECT_EQ(rc, 2);
    const std::string out = ReadFile(dir / "out.txt");
    EXPECT_NE(out.find(c.says), std::string::npos) << out;
  }
  EXPECT_EQ(ReadFile(dir / "s.yaml"), scenario);
  EXPECT_EQ(ReadFile(dir / "keep.foo"), "precious");
  EXPECT_EQ(ReadFile(dir / "s.png"), scenario);
}

TEST(HostileFiles, WriteFileAtomically) {
  TempDir dir;
  std::string error;
  // A new file, then a replacement that keeps the old permission bits.
  ASSERT_TRUE(WriteFileAtomically(dir / "a.txt", "one", &error)) << error;
  ASSERT_EQ(::chmod((dir / "a.txt").c_str(), 0600), 0);
  ASSERT_TRUE(WriteFileAtomically(dir / "a.txt", "two", &error)) << error;
  EXPECT_EQ(ReadFile(dir / "a.txt"), "two");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "a.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // A symlink: the file it names is replaced, the link stays a link.
  ASSERT_EQ(::symlink((dir / "a.txt").c_str(), (dir / "l.txt").c_str()), 0);
  ASSERT_TRUE(WriteFileAtomically(dir / "l.txt", "three", &error)) << error;
  EXPECT_EQ(ReadFile(dir / "a.txt"), "three");
  ASSERT_EQ(::lstat((dir / "l.txt").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  // /dev/null is written in place, never replaced (as root a rename would
  // have replaced the device node).
  ASSERT_TRUE(WriteFileAtomically("/dev/null", "gone", &error)) << error;
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  // A named pipe without a reader: an error, not a hang.
  ASSERT_EQ(::mkfifo((dir / "p").c_str(), 0644), 0);
  EXPECT_FALSE(WriteFileAtomically(dir / "p", "x", &error));
  EXPECT_NE(error.find("no reader"), std::string::npos) << error;
  // A directory is refused; a missing directory leaves nothing behind.
  EXPECT_FALSE(WriteFileAtomically(dir.path(), "x", &error));
  EXPECT_NE(error.find("directory"), std::string::npos) << error;
  EXPECT_FALSE(WriteFileAtomically(dir / "no/such/dir/x", "x", &error));
  // No temporary file is left beside the targets.
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 3);  // a.txt, l.txt, p
}

TEST(HostileFiles, SamePathAndCheckOutputPaths) {
  TempDir dir;
  dir.Write("a", "x");
  ASSERT_EQ(::mkdir((dir / "d").c_str(), 0755), 0);
  ASSERT_EQ(::symlink((dir / "a").c_str(), (dir / "l").c_str()), 0);
  EXPECT_TRUE(SamePath(dir / "a", dir / "l"));
  EXPECT_TRUE(SamePath(dir / "a", dir / "d/../a"));
  EXPECT_TRUE(SamePath(dir / "new", dir / "d/../new"));  // neither exists yet
  EXPECT_TRUE(SamePath(dir / "new", dir / "./new"));
  EXPECT_FALSE(SamePath(dir / "a", dir / "new"));
  EXPECT_FALSE(SamePath(dir / "new", dir / "d/new"));
  std::string error;
  EXPECT_FALSE(CheckOutputPaths({{"scenario", dir / "a"}}, {{"--trace", dir / "l"}}, &error));
  EXPECT_EQ(error, "--trace " + (dir / "l") + " is the scenario " + (dir / "a") +
                       ": refusing to overwrite an input");
  EXPECT_FALSE(CheckOutputPaths({}, {{"--x", dir / "o"}, {"--y", dir / "d/../o"}}, &error));
  EXPECT_NE(error.find("--x and --y name the same file"), std::string::npos) << error;
  EXPECT_FALSE(CheckOutputPaths({}, {{"--x", dir / "d"}}, &error));
  EXPECT_TRUE(CheckOutputPaths({}, {{"--out", dir / "d", true}}, &error)) << error;
  // Two outputs on /dev/null do not clobber each other.
  EXPECT_TRUE(CheckOutputPaths({}, {{"--x", "/dev/null"}, {"--y", "/dev/null"}}, &error)) << error;
  EXPECT_TRUE(CheckOutputPaths({{"in", dir / "a"}}, {{"--x", "-"}}, &error));
}

}  // namespace
}  // namespace vsim

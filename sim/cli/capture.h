// `vrrpsim capture` (a pcap/pcapng file) and `vrrpsim watch` (a live
// interface): what happened on the wire (docs/capture.md).
#pragma once

#include <iosfwd>
#include <string>

namespace vsim {

struct CaptureCommandOptions {
  std::string file;
  std::string format = "text";  // text | json
  std::string trace_path;       // --trace: the observed trace
  std::string perfetto_path;    // --perfetto
  bool quiet = false;           // no timeline
};

// Exit status: 0 no alert, 1 an alert (split brain, master lost, mismatch,
// VRID collision), 2 bad input (not a readable capture, an unsupported link
// type, an output that is the input).
int RunCaptureCommand(const CaptureCommandOptions& options, std::ostream& out, std::ostream& err);

struct WatchCommandOptions {
  std::string iface;
  std::string format = "text";  // text | json (one JSON object per line)
  std::string for_duration;     // --for: stop after this long ("" = until interrupted)
  bool expect_one_master = false;
};

// Exit status: 0 fine (with --expect-one-master: exactly one MASTER per VRID
// seen at the end and no split brain meanwhile), 1 that expectation failed,
// 2 bad input or the interface cannot be opened (e.g. no CAP_NET_RAW).
int RunWatchCommand(const WatchCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace vsim

// Trace streaming (issue 17, "Traces that fit any run"): how many trace
// events per wall-clock second `vrrpsim run --trace` records and serialises.
// The events are a 100 hosts x 100 instances run's mix (adverts sent, and
// received by every other host), each through a filtering recorder (kept
// only if state-level, RunOptions::keep_kinds) and the JSON streamer
// (TraceEventJson in place into a buffer, then a Spill, which goes to a
// temporary file as in a run).
// Target: >= 10 M events/s.
#include <benchmark/benchmark.h>
#include <memory>
#include <string>
#include <vector>

#include "sim/io/spill.h"
#include "sim/scenario/runner.h"
#include "sim/trace/json_trace.h"

namespace {

using vsim::TraceEvent;
using vsim::TraceKind;

std::vector<vsim::HostInfo> Hosts() {
  std::vector<vsim::HostInfo> hosts;
  for (int h = 0; h < 100; ++h) {
    vsim::HostInfo info;
    info.name = "n" + std::to_string(h);
    for (int i = 0; i < 100; ++i) {
      info.instances.push_back("VI_" + std::to_string(i + 1));
      info.vrids.push_back(i + 1);
    }
    hosts.push_back(std::move(info));
  }
  return hosts;
}

// What a run does with an event: the recorder keeps state-level ones, the
// streamer serialises every one in place (as vrrpsim run's StreamSink) and
// hands full buffers to the spill, or drops them (to_file false: the
// recording rate without the disk).
struct Pipeline : vsim::TraceSink {
  vsim::TraceEventJson json;
  vsim::Spill spill;
  bool to_file;
  std::string buffer;
  std::size_t used = 0;
  std::uint64_t bytes = 0;
  std::vector<TraceEvent> kept;
  Pipeline(const std::vector<vsim::HostInfo>& hosts, bool file)
      : json(hosts), spill(vsim::TempDirectory()), to_file(file) {
    buffer.resize(256 * 1024);
  }
  void Flush() {
    if (to_file) spill.Write(std::string_view(buffer.data(), used));
    bytes += used;
    used = 0;
  }
  void OnEvent(const TraceEvent& e) override {
    const std::size_t need = json.MaxBytes(e);
    if (used + need > buffer.size()) Flush();
    used = static_cast<std::size_t>(json.Write(e, buffer.data() + used) - buffer.data());
    if (vsim::kStateEventKinds & vsim::TraceKindBit(e.kind)) kept.push_back(e);
  }
};

void BM_TraceStream(benchmark::State& state) {
  const auto hosts = Hosts();
  constexpr int kEvents = 1'000'000;
  std::int64_t total = 0;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    Pipeline p(hosts, state.range(0) != 0);
    vsim::TraceSink* sink = &p;  // through the interface, as the simulation calls it
    TraceEvent e;
    for (int n = 0; n < kEvents; ++n) {
      // Each second of the run: VRID v's master sends, the 99 others receive.
      const int vrid = (n / 100) % 100 + 1;
      const int master = (vrid * 7) % 100;
      const int k = n % 100;
      e.t = static_cast<vrrp::Time>(n / 10'000) * 1'000'000 + (n % 10'000) * 37;
      e.vrid = vrid;
      e.priority = 1 + (master + vrid * 7) % 250;
      if (k == 0) {
        e.kind = TraceKind::kAdvertSent;
        e.host = master;
        e.instance = vrid - 1;
        e.addr = vrrp::Ipv4(224, 0, 0, 18);
        e.peer_host = -1;
      } else {
        e.kind = TraceKind::kAdvertReceived;
        e.host = (master + k) % 100;
        e.instance = vrid - 1;
        e.peer_host = master;
      }
      sink->OnEvent(e);
    }
    p.Flush();
    benchmark::DoNotOptimize(p.spill.size());
    bytes += p.bytes;
    total += kEvents;
  }
  state.SetItemsProcessed(total);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}
// file 0: serialised in memory only; 1: and written to a temporary file
// (the page cache's copy and the disk's speed included).
BENCHMARK(BM_TraceStream)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"file"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

// `vrrpsim capture` throughput (issue 19): a generated capture file read
// through libpcap, decoded and fed to the inference (sim/capture), as the
// command does. Counter: captured packets per wall-clock second.
//
// The capture: 20 VRIDs, each with a MASTER advertising every second (VRRPv2,
// one VIP) on Ethernet; every 300 s each VRID fails over to its other node,
// which sends 5 gratuitous ARPs. 250,000 packets (21 MB), written once to
// $TMPDIR and removed at exit.
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <filesystem>
#include <pcap/pcap.h>
#include <string>
#include <unistd.h>
#include <vector>

#include "engine/packet/vrrp_packet.h"
#include "sim/capture/analysis.h"

namespace {

constexpr int kVrids = 20;
constexpr std::int64_t kPackets = 250'000;

std::vector<std::uint8_t> Frame(std::uint64_t src_mac, std::uint16_t type,
                                const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> b;
  const std::uint64_t dst = type == 0x0806 ? 0xffffffffffffull : 0x01005e000012ull;
  for (int i = 5; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(dst >> (8 * i)));
  for (int i = 5; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(src_mac >> (8 * i)));
  b.push_back(static_cast<std::uint8_t>(type >> 8));
  b.push_back(static_cast<std::uint8_t>(type));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

std::vector<std::uint8_t> Garp(std::uint64_t mac, vrrp::Ipv4 ip) {
  std::vector<std::uint8_t> p = {0, 1, 8, 0, 6, 4, 0, 1};
  auto put_mac = [&](std::uint64_t m) {
    for (int i = 5; i >= 0; --i) p.push_back(static_cast<std::uint8_t>(m >> (8 * i)));
  };
  auto put_ip = [&](vrrp::Ipv4 a) {
    for (int i = 3; i >= 0; --i) p.push_back(static_cast<std::uint8_t>(a.value >> (8 * i)));
  };
  put_mac(mac);
  put_ip(ip);
  put_mac(0);
  put_ip(ip);
  return Frame(mac, 0x0806, p);
}

struct GeneratedCapture {
  std::string path;
  std::int64_t packets = 0;
  GeneratedCapture() {
    const char* tmp = std::getenv("TMPDIR");
    path = std::string(tmp != nullptr ? tmp : "/tmp") + "/vrrpsim-capture-bench-" +
           std::to_string(::getpid()) + ".pcap";
    std::vector<std::uint8_t> advert[kVrids][2], garp[kVrids][2];
    for (int v = 0; v < kVrids; ++v)
      for (int n = 0; n < 2; ++n) {
        vrrp::VrrpAdvert a;
        a.src = vrrp::Ipv4(10, 250, static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(n + 1));
        a.dst = vrrp::kVrrpMulticastGroup;
        a.vrid = static_cast<std::uint8_t>(v + 1);
        a.priority = static_cast<std::uint8_t>(100 - n);
        a.addresses = {vrrp::Ipv4(10, 250, static_cast<std::uint8_t>(v), 100)};
        a.count = 1;
        const std::uint64_t mac =
            0x020000000000ull | (std::uint64_t(v) << 8) | std::uint64_t(n + 1);
        advert[v][n] = Frame(mac, 0x0800, vrrp::EncodeIpv4(a));
        garp[v][n] = Garp(mac, a.addresses[0].v4());
      }
    pcap_t* dead =
        pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO);
    pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
    auto dump = [&](std::int64_t us, const std::vector<std::uint8_t>& b) {
      pcap_pkthdr h{};
      h.ts.tv_sec = 1'765'000'000 + us / 1'000'000;
      h.ts.tv_usec = us % 1'000'000;
      h.caplen = h.len = static_cast<bpf_u_int32>(b.size());
      pcap_dump(reinterpret_cast<u_char*>(d), &h, b.data());
      ++packets;
    };
    for (std::int64_t second = 0; packets < kPackets; ++second) {
      const int who = static_cast<int>((second / 300) % 2);
      for (int v = 0; v < kVrids && packets < kPackets; ++v) {
        const std::int64_t us = second * 1'000'000 + v * 1000;
        dump(us, advert[v][who]);
        if (second % 300 == 0)
          for (int g = 0; g < 5; ++g) dump(us + 10 + g, garp[v][who]);
      }
    }
    pcap_dump_close(d);
    pcap_close(dead);
  }
  ~GeneratedCapture() { std::filesystem::remove(path); }
};

const GeneratedCapture& Capture() {
  static const GeneratedCapture c;
  return c;
}

void BM_Capture_File(benchmark::State& state) {
  const GeneratedCapture& c = Capture();
  for (auto _ : state) {
    vsim::capture::CaptureAnalysis a;
    std::string error;
    if (!vsim::capture::AnalyzeCaptureFile(c.path, &a, &error)) {
      state.SkipWithError(error.c_str());
      break;
    }
    benchmark::DoNotOptimize(a.masters.size());
  }
  state.counters["packets/s"] =
      benchmark::Counter(static_cast<double>(c.packets) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Capture_File)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

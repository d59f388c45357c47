// Codec micro-benchmarks: encode and decode of typical adverts.
// Run: build/<dir>/bench/vrrpsim_bench --benchmark_filter=Codec
#include <benchmark/benchmark.h>
#include <vector>

#include "engine/ipv4.h"
#include "engine/packet/vrrp_packet.h"

namespace {

// The advert of tests/data/captures/v2_mcast_pass_short.hex (one VIP, PASS),
// or its v3 sibling; `vips` VIPs.
vrrp::VrrpAdvert Advert(int version, int vips) {
  vrrp::VrrpAdvert a;
  a.src = vrrp::Ipv4(10, 250, 0, 12);
  a.dst = vrrp::kVrrpMulticastGroup;
  a.version = static_cast<std::uint8_t>(version);
  a.vrid = 12;
  a.priority = 100;
  a.adver_int = version == 3 ? 100 : 1;
  if (version == 2) {
    a.auth_type = vrrp::AuthType::kPass;
    a.auth_data = {'a', 'b', 'c', 0, 0, 0, 0, 0};
  }
  for (int i = 0; i < vips; ++i) a.addresses.push_back(vrrp::Ipv4(0x0afa0100u + i));
  a.count = static_cast<std::uint8_t>(vips);
  a.ip_id = 1;
  return a;
}

void BM_CodecEncode(benchmark::State& state) {
  const vrrp::VrrpAdvert a =
      Advert(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  std::vector<std::uint8_t> out;
  for (auto _ : state) {
    vrrp::EncodeIpv4(a, &out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_CodecEncode)
    ->ArgNames({"ver", "vips"})
    ->Args({2, 1})
    ->Args({3, 1})
    ->Args({2, 16})
    ->Args({3, 16})
    ->UseRealTime();

// Allocating overload, as a caller without a reusable buffer pays it.
void BM_CodecEncodeAlloc(benchmark::State& state) {
  const vrrp::VrrpAdvert a = Advert(static_cast<int>(state.range(0)), 1);
  for (auto _ : state) benchmark::DoNotOptimize(vrrp::EncodeIpv4(a));
}
BENCHMARK(BM_CodecEncodeAlloc)->ArgNames({"ver"})->Arg(2)->Arg(3)->UseRealTime();

// auth_type AH: adds the HMAC-MD5 ICV (two MD5 passes over ~64 + 64 bytes).
void BM_CodecEncodeAh(benchmark::State& state) {
  vrrp::VrrpAdvert a = Advert(2, 1);
  a.auth_type = vrrp::AuthType::kAh;
  std::vector<std::uint8_t> out;
  for (auto _ : state) {
    vrrp::EncodeIpv4(a, &out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_CodecEncodeAh)->UseRealTime();

void BM_CodecDecode(benchmark::State& state) {
  const std::vector<std::uint8_t> bytes =
      vrrp::EncodeIpv4(Advert(static_cast<int>(state.range(0)), static_cast<int>(state.range(1))));
  for (auto _ : state) {
    vrrp::DecodedPacket d = vrrp::DecodeIpv4(bytes);
    benchmark::DoNotOptimize(d.advert.priority);
    benchmark::DoNotOptimize(d.checksum_ok);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_CodecDecode)
    ->ArgNames({"ver", "vips"})
    ->Args({2, 1})
    ->Args({3, 1})
    ->Args({2, 16})
    ->Args({3, 16})
    ->UseRealTime();

void BM_CodecChecksum(benchmark::State& state) {
  const std::vector<std::uint8_t> bytes(static_cast<std::size_t>(state.range(0)), 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(vrrp::InternetChecksum(bytes));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_CodecChecksum)->Arg(20)->Arg(1024)->UseRealTime();

void BM_Ipv4Parse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vrrp::Ipv4::Parse("10.250.0.100"));
}
BENCHMARK(BM_Ipv4Parse)->UseRealTime();

}  // namespace

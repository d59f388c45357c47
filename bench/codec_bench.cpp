// Engine micro-benchmarks. Run: build/release/bench/vrrpsim_bench
#include <benchmark/benchmark.h>

#include "engine/ipv4.h"

static void BM_Ipv4Parse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vrrp::Ipv4::Parse("10.250.0.100"));
}
BENCHMARK(BM_Ipv4Parse);

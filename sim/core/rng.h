// Deterministic pseudo-random numbers for the simulator.
//
// std:: distributions produce different sequences on libstdc++ and libc++, so
// every mapping from raw bits to a range is our own. The generator is
// xoshiro256** (Blackman & Vigna), seeded through splitmix64.
//
// One stream per source of randomness: a stream is derived from the run's
// seed and a stable name (e.g. "link/node1/eth0->seg0/jitter"), so adding a
// node or a link does not shift the numbers any other source draws.
#pragma once

#include <bit>
#include <cstdint>
#include <string_view>

namespace vsim {

// 64-bit FNV-1a; stable across compilers and platforms.
constexpr std::uint64_t Fnv1a64(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);
  // The stream named `name` of the run seeded with `seed`.
  static Rng Stream(std::uint64_t seed, std::string_view name);

  std::uint64_t Next();

  // Uniform integer in [0, bound). REQUIRES: bound > 0. Unbiased (Lemire's
  // multiply-and-reject method).
  std::uint64_t Below(std::uint64_t bound);
  // Uniform integer in [lo, hi]. REQUIRES: lo <= hi.
  std::int64_t Between(std::int64_t lo, std::int64_t hi);
  // Uniform double in [0, 1) with 53 random bits.
  double Unit();
  // True with probability p (p <= 0: never, p >= 1: always).
  bool Chance(double p);

 private:
  std::uint64_t s_[4];
};

// Next and Below are inline: the simulator draws per frame (jitter, loss)
// and the kernel benchmarks per operation, and a call costs about as much as
// the generator itself.
inline std::uint64_t Rng::Next() {
  const std::uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = std::rotl(s_[3], 45);
  return result;
}

inline std::uint64_t Rng::Below(std::uint64_t bound) {
  // Lemire, "Fast Random Integer Generation in an Interval" (2019).
  unsigned __int128 m = static_cast<unsigned __int128>(Next()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(Next()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

}  // namespace vsim

// Robustness of DecodeIpv4 on hostile input, seeded from real captures:
// every truncation, every single-bit flip, and a deterministic fuzz loop.
// Meant to run under ASan+UBSan (VRRPSIM_SANITIZE=ON): any out-of-bounds read
// fails the test there.
#include <algorithm>
#include <array>
#include <cstdint>
#include <gtest/gtest.h>
#include <map>
#include <string>
#include <vector>

#include "engine/packet/vrrp_packet.h"
#include "tests/engine/packet/capture_file.h"

namespace vrrp {
namespace {

using testing::Bytes;
using testing::LoadCapture;

std::vector<Bytes> AllCapturedDatagrams() {
  std::vector<Bytes> all;
  for (const std::string& name : testing::AllCaptureNames()) {
    for (Bytes& b : LoadCapture(name)) all.push_back(std::move(b));
  }
  return all;
}

// Invariants that hold for whatever DecodeIpv4 returns.
void CheckInvariants(const Bytes& input, const DecodedPacket& d) {
  ASSERT_EQ(d.received_length, input.size());
  if (!d.ok()) return;
  const VrrpAdvert& a = d.advert;
  EXPECT_GE(d.ip_header_length, 20u);
  EXPECT_EQ(d.vrrp_length + d.ip_header_length + (d.has_ah ? d.ah_length : 0), input.size());
  EXPECT_LE(a.addresses.size(), a.count);
  EXPECT_EQ(d.addresses_complete, a.addresses.size() == a.count);
  EXPECT_LE(8 + 4 * a.addresses.size(), d.vrrp_length);
  EXPECT_LE(a.adver_int, a.version == 3 ? 0x0fff : 0xff);
}

TEST(Truncation, EveryPrefixOfEveryCapture) {
  const std::vector<Bytes> all = AllCapturedDatagrams();
  ASSERT_FALSE(all.empty());
  for (const Bytes& full : all) {
    const DecodedPacket whole = DecodeIpv4(full);
    ASSERT_TRUE(whole.ok());
    const std::size_t vrrp_at = 20 + (whole.has_ah ? kVrrpAhLength : 0);
    for (std::size_t len = 0; len < full.size(); ++len) {
      SCOPED_TRACE(len);
      // A fresh heap copy of exactly `len` bytes, so ASan sees any overread.
      const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
      const DecodedPacket d = DecodeIpv4(cut);
      CheckInvariants(cut, d);
      EXPECT_FALSE(VerifyAhIcv(cut, std::array<std::uint8_t, 1>{0}));
      EXPECT_EQ(d.received_length, len);
      if (len < 20) {
        EXPECT_EQ(d.error, DecodeError::kTruncatedIpHeader) << len;
      } else if (len < vrrp_at + 8) {
        EXPECT_EQ(d.error, DecodeError::kTruncatedVrrp) << len;
        EXPECT_EQ(d.ip_total_length, full.size());
      } else {
        ASSERT_TRUE(d.ok()) << len;
        // R13 row 12 (and usually row 2) reject it: the IP length field
        // still announces the full datagram.
        EXPECT_NE(d.ip_total_length, d.received_length);
        EXPECT_NE(d.vrrp_length, ExpectedVrrpLength(whole.advert.version, whole.advert.count));
        EXPECT_EQ(d.advert.vrid, whole.advert.vrid);
        EXPECT_EQ(d.advert.priority, whole.advert.priority);
        EXPECT_EQ(d.advert.count, whole.advert.count);
        const std::size_t need = vrrp_at + 8 + 4 * std::size_t{whole.advert.count};
        EXPECT_EQ(d.addresses_complete, len >= need) << len;
      }
    }
  }
}

// The Internet checksum catches every single-bit error, so one flipped bit
// anywhere in the IP header or the VRRP message is always noticed: either
// decoding fails or a checksum fact is false. (Inside the AH header only the
// unverified reserved field, SPI, sequence number and ICV can change
// unnoticed.)
TEST(BitFlip, EverySingleBitIsDetected) {
  int flips = 0;
  for (const Bytes& full : AllCapturedDatagrams()) {
    const bool ah = full[9] == kIpProtoAh;
    for (std::size_t byte = 0; byte < full.size(); ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        Bytes b = full;
        b[byte] ^= static_cast<std::uint8_t>(1u << bit);
        const DecodedPacket d = DecodeIpv4(b);
        CheckInvariants(b, d);
        ++flips;
        if (ah && byte >= 22 && byte < 44) continue;  // reserved, SPI, seq, ICV
        const bool detected = !d.ok() || !d.ip_checksum_ok || !d.checksum_ok;
        EXPECT_TRUE(detected) << "byte " << byte << " bit " << bit;
      }
    }
  }
  EXPECT_GT(flips, 5000);
}

// xorshift64* (Vigna): tiny, deterministic, identical on every platform.
class XorShift {
 public:
  explicit XorShift(std::uint64_t seed) : s_(seed) {}
  std::uint64_t Next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545f4914f6cdd1dULL;
  }
  // Uniform enough for fuzzing in [0, n); REQUIRES: n > 0.
  std::size_t Below(std::size_t n) { return static_cast<std::size_t>(Next() % n); }

 private:
  std::uint64_t s_;
};

void Mutate(XorShift& rng, Bytes* b) {
  const int rounds = 1 + static_cast<int>(rng.Below(6));
  for (int r = 0; r < rounds; ++r) {
    switch (rng.Below(8)) {
      case 0:  // flip a bit
        if (!b->empty())
          (*b)[rng.Below(b->size())] ^= static_cast<std::uint8_t>(1u << rng.Below(8));
        break;
      case 1:  // random byte
        if (!b->empty()) (*b)[rng.Below(b->size())] = static_cast<std::uint8_t>(rng.Next());
        break;
      case 2:  // truncate
        b->resize(rng.Below(b->size() + 1));
        break;
      case 3:  // append random bytes
        for (std::size_t i = rng.Below(16); i > 0; --i)
          b->push_back(static_cast<std::uint8_t>(rng.Next()));
        break;
      case 4:  // insert a byte
        b->insert(b->begin() + static_cast<std::ptrdiff_t>(rng.Below(b->size() + 1)),
                  static_cast<std::uint8_t>(rng.Next()));
        break;
      case 5:  // delete a byte
        if (!b->empty()) b->erase(b->begin() + static_cast<std::ptrdiff_t>(rng.Below(b->size())));
        break;
      case 6: {  // interesting values in the structural fields
        static constexpr std::size_t kSpots[] = {0, 2, 3, 6, 7, 9, 20, 21, 23, 24, 25, 44, 47};
        static constexpr std::uint8_t kValues[] = {0x00, 0x01, 0x02, 0x03, 0x0f, 0x20, 0x33,
                                                   0x40, 0x45, 0x46, 0x4f, 0x70, 0x7f, 0xff};
        const std::size_t at = kSpots[rng.Below(std::size(kSpots))];
        if (at < b->size()) (*b)[at] = kValues[rng.Below(std::size(kValues))];
        break;
      }
      default:  // IP protocol AH <-> VRRP swap keeps the rest intact
        if (b->size() > 9) (*b)[9] = (*b)[9] == kIpProtoAh ? kIpProtoVrrp : kIpProtoAh;
        break;
    }
  }
}

TEST(Fuzz, MutatedCapturesNeverCrashAndReencode) {
  const std::vector<Bytes> seeds = AllCapturedDatagrams();
  ASSERT_FALSE(seeds.empty());
  XorShift rng(0x5eed'c0de'2026'1125ULL);
  std::map<DecodeError, int> outcomes;
  int ah_seen = 0;
  int ah_valid = 0;
  constexpr int kIterations = 200000;
  std::vector<std::uint8_t> reencoded;
  for (int i = 0; i < kIterations; ++i) {
    // Exact-size heap copy so ASan flags any read past the end.
    Bytes b = seeds[rng.Below(seeds.size())];
    Mutate(rng, &b);
    b.shrink_to_fit();
    const DecodedPacket d = DecodeIpv4(b);
    CheckInvariants(b, d);
    ++outcomes[d.error];
    // AH verification must be just as safe on garbage.
    static constexpr std::uint8_t kKey[] = {'s', '3', 'c', 'r', '3', 't'};
    if (d.has_ah) {
      ++ah_seen;
      if (VerifyAhIcv(b, kKey)) ++ah_valid;
    }
    if (!d.ok()) continue;
    // Whatever decoded can be described and re-encoded, and that encoding
    // is a clean advert with good checksums.
    EXPECT_FALSE(Describe(d.advert).empty());
    EncodeIpv4(d.advert, &reencoded);
    const DecodedPacket again = DecodeIpv4(reencoded);
    ASSERT_TRUE(again.ok()) << i;
    EXPECT_TRUE(again.ip_checksum_ok) << i;
    EXPECT_TRUE(again.checksum_ok) << i;
    // With count > addresses present, the re-encoding carries the count but
    // only the addresses that were there, so only a prefix must match.
    ASSERT_GE(again.advert.addresses.size(), d.advert.addresses.size()) << i;
    EXPECT_TRUE(std::equal(d.advert.addresses.begin(), d.advert.addresses.end(),
                           again.advert.addresses.begin()))
        << i;
    EXPECT_EQ(again.advert.count, d.advert.count) << i;
  }
  // The mutations reach every kind of outcome.
  EXPECT_GT(outcomes[DecodeError::kNone], 1000);
  EXPECT_GT(outcomes[DecodeError::kTruncatedIpHeader], 100);
  EXPECT_GT(outcomes[DecodeError::kNotIpv4], 100);
  EXPECT_GT(outcomes[DecodeError::kNotVrrp], 100);
  EXPECT_GT(outcomes[DecodeError::kTruncatedVrrp], 100);
  EXPECT_GT(outcomes[DecodeError::kFragment], 10);
  EXPECT_GT(outcomes[DecodeError::kBadIhl], 10);
  EXPECT_GT(ah_seen, 1000);
  EXPECT_GT(ah_valid, 0);  // mutations that only truncate padding or touch nothing covered
}

TEST(Fuzz, RandomBuffers) {
  XorShift rng(42);
  for (int i = 0; i < 20000; ++i) {
    Bytes b(rng.Below(80));
    for (std::uint8_t& x : b) x = static_cast<std::uint8_t>(rng.Next());
    // Half of them get a plausible IPv4/VRRP start so decoding goes deeper.
    if (i % 2 == 0 && b.size() > 9) {
      b[0] = 0x45;
      b[6] = 0;
      b[7] = 0;
      b[9] = (i % 4 == 0) ? kIpProtoVrrp : kIpProtoAh;
      if (b.size() > 20 && b[9] == kIpProtoAh) b[20] = kIpProtoVrrp;
    }
    const DecodedPacket d = DecodeIpv4(b);
    CheckInvariants(b, d);
  }
}

}  // namespace
}  // namespace vrrp

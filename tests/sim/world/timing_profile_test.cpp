#include "sim/world/timing_profile.h"

#include <gtest/gtest.h>

namespace vsim {
namespace {

TEST(Distribution, DefaultIsZeroAndDrawsNothing) {
  Distribution d;
  Rng rng(1), copy(1);
  EXPECT_TRUE(d.zero());
  EXPECT_EQ(d.Draw(rng), 0);
  EXPECT_EQ(rng.Next(), copy.Next());  // no random number consumed
}

TEST(Distribution, ConstantDrawsNothing) {
  const Distribution d = Distribution::Constant(1500);
  Rng rng(7), copy(7);
  EXPECT_FALSE(d.zero());
  EXPECT_TRUE(d.constant());
  EXPECT_EQ(d.Draw(rng), 1500);
  EXPECT_EQ(rng.Next(), copy.Next());
  EXPECT_TRUE(Distribution::Constant(0).zero());
}

TEST(Distribution, QuantilesInterpolateLinearly) {
  const Distribution d = Distribution::FromPoints({{0, 1000}, {500000, 2000}, {1000000, 10000}});
  EXPECT_EQ(d.Quantile(0), 1000);
  EXPECT_EQ(d.Quantile(250000), 1500);
  EXPECT_EQ(d.Quantile(500000), 2000);
  EXPECT_EQ(d.Quantile(750000), 6000);
  EXPECT_EQ(d.Quantile(1000000), 10000);
  EXPECT_EQ(d.Quantile(-5), 1000);
  EXPECT_EQ(d.Quantile(2000000), 10000);
}

TEST(Distribution, SamplesAreTheEmpiricalInverseCdf) {
  const Distribution d = Distribution::FromSamples({30, 10, 20});
  EXPECT_EQ(d.Quantile(0), 10);
  EXPECT_EQ(d.Quantile(500000), 20);
  EXPECT_EQ(d.Quantile(1000000), 30);
  EXPECT_TRUE(Distribution::FromSamples({5, 5, 5}).constant());
  EXPECT_TRUE(Distribution::FromSamples({0, 0}).zero());
}

TEST(Distribution, CheckPointsSaysWhatIsWrong) {
  EXPECT_EQ(Distribution::CheckPoints({{0, 1}, {1000000, 2}}), "");
  EXPECT_NE(Distribution::CheckPoints({}), "");
  EXPECT_NE(Distribution::CheckPoints({{0, 1}, {500000, 2}}).find("p100"), std::string::npos);
  EXPECT_NE(Distribution::CheckPoints({{10, 1}, {1000000, 2}}).find("p0"), std::string::npos);
  EXPECT_NE(Distribution::CheckPoints({{0, 5}, {1000000, 2}}).find("decrease"), std::string::npos);
  EXPECT_NE(Distribution::CheckPoints({{0, -1}, {1000000, 2}}).find("negative"), std::string::npos);
}

TEST(Distribution, DrawsAreDeterministicAndInRange) {
  const Distribution d = Distribution::FromPoints({{0, 100}, {900000, 200}, {1000000, 5000}});
  Rng a(42), b(42);
  std::int64_t lo = 1 << 30, hi = 0, sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const Duration x = d.Draw(a);
    EXPECT_EQ(x, d.Draw(b));
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    sum += x;
  }
  EXPECT_GE(lo, 100);
  EXPECT_LE(hi, 5000);
  EXPECT_GT(hi, 1000);  // the tail is reached
  // Mean: 0.9 * 150 + 0.1 * 2600 = 395.
  EXPECT_NEAR(static_cast<double>(sum) / 10000, 395, 40);
}

}  // namespace
}  // namespace vsim

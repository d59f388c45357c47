// R7, R8: skew and master-down interval with keepalived's integer arithmetic.
#include "engine/vrrp/timers.h"

#include <cstdio>
#include <gtest/gtest.h>

#include "engine/config/parser.h"
#include "engine/daemon.h"

namespace vrrp {
namespace {

struct Row {
  int version;
  Duration adv;  // the interval the engine runs with (after the reader, R6)
  int prio;
  Duration skew;
  Duration mdi;
  Duration configured = 0;  // `advert_int` as written, if the reader changes it
};

// v2 values and v3 (1 s = 100 cs, 0.5 s = 50 cs, 3 s = 300 cs) values agree
// with the semantics doc's R8 table where it lists them.
constexpr Row kTable[] = {
    // v2, advert_int 1 s: Skew = (256-p)*1e6/256.
    {2, kSecond, 1, 996093, 3996093},
    {2, kSecond, 99, 613281, 3613281},
    {2, kSecond, 100, 609375, 3609375},
    {2, kSecond, 254, 7812, 3007812},
    {2, kSecond, 255, 3906, 3003906},
    // v2, advert_int 2 s: the skew does not depend on the interval.
    {2, 2 * kSecond, 1, 996093, 6996093},
    {2, 2 * kSecond, 99, 613281, 6613281},
    {2, 2 * kSecond, 100, 609375, 6609375},
    {2, 2 * kSecond, 254, 7812, 6007812},
    {2, 2 * kSecond, 255, 3906, 6003906},
    // v3, 1 s: Skew = (256-p)*100*625/16.
    {3, kSecond, 1, 996093, 3996093},
    {3, kSecond, 99, 613281, 3613281},
    {3, kSecond, 100, 609375, 3609375},
    {3, kSecond, 254, 7812, 3007812},
    {3, kSecond, 255, 3906, 3003906},
    // v3, 2 s.
    {3, 2 * kSecond, 1, 1992187, 7992187},
    {3, 2 * kSecond, 99, 1226562, 7226562},
    {3, 2 * kSecond, 100, 1218750, 7218750},
    {3, 2 * kSecond, 254, 15625, 6015625},
    {3, 2 * kSecond, 255, 7812, 6007812},
    // v2, `advert_int 0.5`: the reader rounds a v2 interval to whole seconds,
    // (0.5 + 0.5) truncated = 1 s (R6; keepalived logs "VRRPv2 advertisement
    // interval 0.500000s must be an integer. rounding" and its config dump
    // shows "Advert interval = 1 sec"), so these are the 1 s values.
    {2, kSecond, 1, 996093, 3996093, 500 * kMillisecond},
    {2, kSecond, 99, 613281, 3613281, 500 * kMillisecond},
    {2, kSecond, 100, 609375, 3609375, 500 * kMillisecond},
    {2, kSecond, 254, 7812, 3007812, 500 * kMillisecond},
    {2, kSecond, 255, 3906, 3003906, 500 * kMillisecond},
    // v3, 0.5 s (doc R8 column "master adv 50 cs").
    {3, 500 * kMillisecond, 1, 498046, 1998046},
    {3, 500 * kMillisecond, 99, 306640, 1806640},
    {3, 500 * kMillisecond, 100, 304687, 1804687},
    {3, 500 * kMillisecond, 254, 3906, 1503906},
    {3, 500 * kMillisecond, 255, 1953, 1501953},
};

// The interval a row's `advert_int` gives after the config reader (R6).
Duration ReaderInterval(const Row& r) {
  const Duration written = r.configured ? r.configured : r.adv;
  char adv[32];
  std::snprintf(adv, sizeof adv, "%lld.%06lld", static_cast<long long>(written / kSecond),
                static_cast<long long>(written % kSecond));
  ParseResult p = ParseConfig(
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
      " version " +
          std::to_string(r.version) + "\n advert_int " + adv +
          "\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n",
      "t.conf");
  if (!p.ok() || p.config.instances.empty()) return -1;
  return p.config.instances[0].advert_int;
}

TEST(Rules, R6_TableIntervalsAreWhatTheReaderMakesOfThem) {
  for (const Row& r : kTable) {
    SCOPED_TRACE(::testing::Message()
                 << "v" << r.version << " adv=" << r.adv << " configured=" << r.configured);
    EXPECT_EQ(ReaderInterval(r), r.adv);
  }
}

TEST(Rules, R7_SkewTimeIntegerArithmetic) {
  for (const Row& r : kTable) {
    SCOPED_TRACE(::testing::Message() << "v" << r.version << " adv=" << r.adv << " p=" << r.prio);
    EXPECT_EQ(SkewTime(r.version, r.prio, r.adv), r.skew);
  }
}

TEST(Rules, R8_MasterDownIntervalTable) {
  for (const Row& r : kTable) {
    SCOPED_TRACE(::testing::Message() << "v" << r.version << " adv=" << r.adv << " p=" << r.prio);
    EXPECT_EQ(MasterDownInterval(r.version, r.prio, r.adv), r.mdi);
  }
}

TEST(Rules, R8_SemanticsDocReferenceValues) {
  // The doc's table: v2 1 s, v3 with a 50 cs and a 300 cs master.
  struct Ref {
    int prio;
    Duration v2, v3_50, v3_300;
  };
  const Ref refs[] = {
      {255, 3003906, 1501953, 9011718},  {254, 3007812, 1503906, 9023437},
      {200, 3218750, 1609375, 9656250},  {150, 3414062, 1707031, 10242187},
      {100, 3609375, 1804687, 10828125}, {90, 3648437, 1824218, 10945312},
      {50, 3804687, 1902343, 11414062},  {1, 3996093, 1998046, 11988281},
  };
  for (const Ref& r : refs) {
    EXPECT_EQ(MasterDownInterval(2, r.prio, kSecond), r.v2) << r.prio;
    EXPECT_EQ(MasterDownInterval(3, r.prio, 500 * kMillisecond), r.v3_50) << r.prio;
    EXPECT_EQ(MasterDownInterval(3, r.prio, 3 * kSecond), r.v3_300) << r.prio;
  }
}

TEST(Rules, R8_DownTimerAdverts) {
  EXPECT_EQ(MasterDownInterval(2, 100, kSecond, 1), 1609375);
  EXPECT_EQ(MasterDownInterval(2, 100, kSecond, 10), 10609375);
}

TEST(Rules, R6_IntervalFieldUnits) {
  // v2 carries whole seconds, v3 centiseconds (the reader rounds, R6).
  EXPECT_EQ(AdvertIntervalField(2, Seconds(3)), 3);
  EXPECT_EQ(AdvertIntervalField(3, Seconds(3)), 300);
  EXPECT_EQ(AdvertIntervalField(3, 10 * kMillisecond), 1);
  EXPECT_EQ(AdvertIntervalFromField(2, 255), Seconds(255));
  EXPECT_EQ(AdvertIntervalFromField(3, 4095), 40950 * kMillisecond);
}

}  // namespace
}  // namespace vrrp

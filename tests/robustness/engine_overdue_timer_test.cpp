// Fuzz finding F3 (fuzz_engine), not a bug: a BACKUP whose effective
// priority rises has its master-down timer moved by the change of skew time
// (R33, keepalived's sands arithmetic), which can put it before "now". The
// engine reports it as is (TimerArmed in the past, NextDeadline() < now) and
// the instance becomes MASTER on the next OnTimer, at once; the simulator
// schedules host timers at max(deadline, now).
#include <gtest/gtest.h>
#include <variant>

#include "engine/config/parser.h"
#include "engine/daemon.h"

namespace vrrp {
namespace {

TEST(EngineOverdueTimer, F3_PriorityRiseCanMoveTheMasterDownTimerIntoThePast) {
  const char* conf =
      "track_file tf {\n  file \"/run/tf\"\n  weight 50\n}\n"
      "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 100\n"
      "  advert_int 1\n  track_file {\n    tf\n  }\n  virtual_ipaddress {\n    10.0.0.100/24\n"
      "  }\n}\n";
  ParseResult parsed = ParseConfig(conf, "f3.conf");
  ASSERT_TRUE(parsed.ok());
  Daemon d(parsed.config, HostIdentity{{{"eth0", *Ipv4::Parse("10.0.0.1"), true}}});
  Actions out;
  d.Start(0, &out);
  ASSERT_EQ(d.state(0), State::kBackup);
  const Time mdi100 = d.instance_deadline(0);  // 3 s + skew(100)
  EXPECT_EQ(mdi100, MasterDownInterval(2, 100, Seconds(1)));

  const Time now = mdi100 - 100000;  // 0.1 s before it expires
  out.clear();
  d.OnTrackFile(now, "tf", 3, &out);  // 100 + 3 * 50 -> 250
  EXPECT_EQ(d.effective_priority(0), 250);
  // sands + (MDI(250) - MDI(100)), started at 0: MDI(250) = 3 s + 6/256 s.
  const Time moved = MasterDownInterval(2, 250, Seconds(1));
  EXPECT_EQ(d.instance_deadline(0), moved);
  EXPECT_LT(d.instance_deadline(0), now);
  EXPECT_LT(d.NextDeadline(), now);
  bool armed_in_past = false;
  for (const Action& a : out)
    if (const auto* t = std::get_if<TimerArmed>(&a)) armed_in_past |= t->at < now;
  EXPECT_TRUE(armed_in_past);

  out.clear();
  d.OnTimer(now, &out);  // served at once
  EXPECT_EQ(d.state(0), State::kMaster);
  EXPECT_GT(d.NextDeadline(), now);
}

}  // namespace
}  // namespace vrrp

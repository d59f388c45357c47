#include "engine/ipv4.h"

#include <gtest/gtest.h>

#include "engine/diagnostic.h"

namespace vrrp {
namespace {

TEST(Ipv4, ParsesAndFormatsDottedQuad) {
  auto a = Ipv4::Parse("10.250.0.1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value, 0x0afa0001u);
  EXPECT_EQ(a->ToString(), "10.250.0.1");
  EXPECT_EQ(Ipv4(224, 0, 0, 18), kVrrpMulticastGroup);
  EXPECT_TRUE(kVrrpMulticastGroup.is_multicast());
}

TEST(Ipv4, RejectsMalformed) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.", "a.b.c.d", "1..2.3",
                          "1.2.3.4 ", " 1.2.3.4", "1.2.3.0004", "-1.2.3.4"}) {
    EXPECT_FALSE(Ipv4::Parse(bad)) << bad;
  }
}

TEST(Ipv4, OrdersAsUnsignedHostOrder) {
  // R17: the tie-break compares addresses as unsigned host-order integers.
  EXPECT_LT(*Ipv4::Parse("10.0.0.2"), *Ipv4::Parse("10.0.0.10"));
  EXPECT_LT(*Ipv4::Parse("127.255.255.255"), *Ipv4::Parse("128.0.0.0"));
}

TEST(Diagnostic, FormatsFileLineColumn) {
  Diagnostic d{Severity::kWarning, {"a.conf", 3, 5}, "Unknown keyword 'foo'"};
  EXPECT_EQ(d.ToString(), "a.conf:3:5: warning: Unknown keyword 'foo'");
  EXPECT_TRUE(HasAtLeast({d}, Severity::kWarning));
  EXPECT_FALSE(HasAtLeast({d}, Severity::kError));
}

}  // namespace
}  // namespace vrrp

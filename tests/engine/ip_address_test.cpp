#include "engine/ip_address.h"

#include <cstring>
#include <gtest/gtest.h>

namespace vrrp {
namespace {

TEST(IpAddress, Ipv4IsTheSameIntegerAsIpv4) {
  const IpAddress a = Ipv4(10, 250, 0, 1);
  EXPECT_TRUE(a.is_v4());
  EXPECT_FALSE(a.is_v6());
  EXPECT_EQ(a.v4(), Ipv4(10, 250, 0, 1));
  EXPECT_EQ(a.word(0), 0x0afa0001u);
  EXPECT_EQ(a.ToString(), "10.250.0.1");
  EXPECT_EQ(*IpAddress::Parse("10.250.0.1"), a);
  EXPECT_EQ(a.byte_length(), 4u);
  const auto b = a.bytes();
  EXPECT_EQ(b[0], 10);
  EXPECT_EQ(b[3], 1);
  EXPECT_TRUE(IpAddress(kVrrpMulticastGroup).is_multicast());
}

TEST(IpAddress, ParsesAndFormatsIpv6AsInetNtop) {
  auto a = IpAddress::Parse("FD00:0:0:0::0001");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v6());
  EXPECT_EQ(a->ToString(), "fd00::1");
  EXPECT_EQ(a->word(0), 0xfd000000u);
  EXPECT_EQ(a->word(3), 1u);
  EXPECT_EQ(a->byte_length(), 16u);
  EXPECT_EQ(IpAddress::Parse("ff02::12"), kVrrpMulticastGroup6);
  EXPECT_TRUE(kVrrpMulticastGroup6.is_multicast());
  EXPECT_FALSE(a->is_multicast());
  EXPECT_TRUE(IpAddress::Parse("fe80::1")->is_link_local_v6());
  EXPECT_TRUE(IpAddress::Parse("febf::1")->is_link_local_v6());
  EXPECT_FALSE(IpAddress::Parse("fec0::1")->is_link_local_v6());
  EXPECT_FALSE(IpAddress(Ipv4(169, 254, 0, 1)).is_link_local_v6());
  EXPECT_EQ(IpAddress::Parse("2001:db8::a:b")->ToString(), "2001:db8::a:b");
  EXPECT_EQ(IpAddress::Parse("::")->ToString(), "::");
  EXPECT_TRUE(IpAddress::Parse("::")->is_zero());
}

TEST(IpAddress, RejectsMalformed) {
  for (const char* bad : {"", "1.2.3", "256.0.0.1", "fd00:::1", "fd00::1::2", "fd00::g", "::1 ",
                          "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "fd00::1/64"}) {
    EXPECT_FALSE(IpAddress::Parse(bad)) << bad;
  }
}

TEST(IpAddress, OrdersAsKeepalivedTieBreak) {
  // R17: IPv4 as unsigned host-order integers.
  EXPECT_LT(*IpAddress::Parse("10.0.0.2"), *IpAddress::Parse("10.0.0.10"));
  EXPECT_LT(*IpAddress::Parse("127.255.255.255"), *IpAddress::Parse("128.0.0.0"));
  // IPv6: memcmp() of the 16 network-order bytes.
  const char* v6[] = {"fe80::1", "fe80::2", "fe80::100", "fe80::1:0", "fe80:0:0:1::", "fe81::"};
  for (const char* x : v6) {
    for (const char* y : v6) {
      const auto a = *IpAddress::Parse(x), b = *IpAddress::Parse(y);
      const auto ba = a.bytes(), bb = b.bytes();
      const int m = std::memcmp(ba.data(), bb.data(), 16);
      EXPECT_EQ(a < b, m < 0) << x << " " << y;
      EXPECT_EQ(a == b, m == 0) << x << " " << y;
    }
  }
  // The bytes round-trip.
  const auto c = *IpAddress::Parse("2001:db8:1:2:3:4:5:6");
  EXPECT_EQ(IpAddress::V6(c.bytes()), c);
  // A family never equals the other.
  EXPECT_NE(IpAddress(Ipv4(0, 0, 0, 1)), *IpAddress::Parse("::1"));
}

}  // namespace
}  // namespace vrrp

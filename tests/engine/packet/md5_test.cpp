// MD5 (RFC 1321 appendix A.5) and HMAC-MD5 (RFC 2104 / RFC 2202) test vectors.
#include "engine/packet/md5.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace vrrp {
namespace {

std::span<const std::uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string Hex(const Md5Digest& d) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (std::uint8_t x : d) {
    s += kDigits[x >> 4];
    s += kDigits[x & 15];
  }
  return s;
}

TEST(Md5, Rfc1321Suite) {
  EXPECT_EQ(Hex(Md5Of(Span(""))), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Hex(Md5Of(Span("a"))), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(Hex(Md5Of(Span("abc"))), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Hex(Md5Of(Span("message digest"))), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(Hex(Md5Of(Span("abcdefghijklmnopqrstuvwxyz"))), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(Hex(Md5Of(Span("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(Hex(Md5Of(Span("1234567890123456789012345678901234567890"
                           "1234567890123456789012345678901234567890"))),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, IncrementalEqualsOneShotAtEverySplit) {
  std::string msg;
  for (int i = 0; i < 200; ++i) msg += static_cast<char>('A' + i % 26);
  const Md5Digest whole = Md5Of(Span(msg));
  for (std::size_t cut = 0; cut <= msg.size(); cut += 7) {
    Md5 h;
    h.Update(Span(msg.substr(0, cut)));
    h.Update(Span(msg.substr(cut)));
    EXPECT_EQ(h.Final(), whole) << cut;
  }
}

TEST(HmacMd5, Rfc2202Vectors) {
  const std::vector<std::uint8_t> key1(16, 0x0b);
  EXPECT_EQ(Hex(HmacMd5(key1, Span("Hi There"))), "9294727a3638bb1c13f48ef8158bfc9d");
  EXPECT_EQ(Hex(HmacMd5(Span("Jefe"), Span("what do ya want for nothing?"))),
            "750c783e6ab0b503eaa86e310a5db738");
  const std::vector<std::uint8_t> key3(16, 0xaa);
  const std::vector<std::uint8_t> data3(50, 0xdd);
  EXPECT_EQ(Hex(HmacMd5(key3, data3)), "56be34521d144c88dbb8c733f0e8b3f6");
  // Key longer than the block size is hashed first.
  const std::vector<std::uint8_t> key6(80, 0xaa);
  EXPECT_EQ(Hex(HmacMd5(key6, Span("Test Using Larger Than Block-Size Key - Hash Key First"))),
            "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
}

}  // namespace
}  // namespace vrrp

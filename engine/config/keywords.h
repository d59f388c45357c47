// The keyword tree of keepalived 2.2.7 beyond what the VRRP engine models:
// LVS (virtual_server, real_server and their checkers), static and virtual
// routes and rules, track processes, BFD, garp groups, SSL, linkbeat and the
// global_defs keywords of the other processes.
//
// Every entry was found by asking keepalived 2.2.7 itself (`keepalived -t` in
// a network namespace, one probe per candidate word and block): a word is
// listed for a block exactly when keepalived does not call it an "Unknown
// keyword" there, and its kind is how keepalived reads what follows it.
// (tests/conformance/lint/probe_keywords.py reproduces the list.)
#pragma once

#include <string_view>
#include <vector>

namespace vrrp {

struct KeywordSpec {
  std::string_view context;  // the enclosing block ("" = top level)
  std::string_view name;
  enum Kind : char {
    kValue = 'v',      // a value on the keyword's line
    kBlock = 'b',      // a `{ ... }` of keywords: `sub` names its block
    kList = 'l',       // a `{ ... }` of data lines (addresses, routes, names)
    kSkipBlock = 's',  // a block whose contents vrrpsim does not check
  } kind = kValue;
  std::string_view sub;  // for kBlock
};

const std::vector<KeywordSpec>& Keepalived227Keywords();

}  // namespace vrrp

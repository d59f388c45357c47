// STUB: replaced by the real reader.
#include "engine/config/parser.h"

namespace vrrp {
ParseResult ParseConfig(std::string_view, const std::string& filename, const ParseOptions&) {
  ParseResult r;
  r.diagnostics.push_back({Severity::kFatal, {filename, 0, 0}, "parser not implemented"});
  return r;
}
}  // namespace vrrp

// Text for XML attributes and elements (JUnit reports): the five special
// characters escaped, control characters XML 1.0 does not allow replaced by
// a space.
#pragma once

#include <string>
#include <string_view>

namespace vsim {

std::string XmlEscape(std::string_view s);

}  // namespace vsim

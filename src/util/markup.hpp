// Text put into HTML or XML markup (the run report, JUnit files).
#pragma once

#include <string>
#include <string_view>

namespace stacksim {

// Escapes the five markup characters, so the text is safe in element content
// and in quoted attributes of both HTML and XML; control characters other
// than tab, CR and LF become '?', because XML 1.0 allows no others.
void append_markup_escaped(std::string& out, std::string_view text);
std::string markup_escape(std::string_view text);

}  // namespace stacksim

// Collected configuration/scenario problems. Loading code never stops at the
// first problem: it adds every one it finds here, and the caller refuses to run
// if any were added (design.md, "Errors").
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace stacksim {

// 1-based; 0 means unknown (for example a file that could not be read).
struct SourceLocation {
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  std::string file;     // as the user named it
  std::string pointer;  // RFC 6901 JSON pointer, "" for the whole document
  SourceLocation location;
  std::string message;  // says what was expected
};

// "file:line:col: /pointer: message"; the location part is left out when it
// is unknown and the pointer part when it is empty.
std::string format_diagnostic(const Diagnostic& d);

class Diagnostics {
 public:
  void add(std::string file, std::string pointer, SourceLocation location,
           std::string message);
  void merge(const Diagnostics& other);

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }

  // One line per diagnostic, in the order they were added, each ending in '\n'.
  std::string format() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace stacksim

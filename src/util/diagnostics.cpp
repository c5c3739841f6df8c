#include "util/diagnostics.hpp"

#include <utility>

namespace stacksim {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.file;
  // A line without a column still helps; a column without a line does not.
  if (d.location.line > 0) {
    out += ':';
    out += std::to_string(d.location.line);
    if (d.location.column > 0) {
      out += ':';
      out += std::to_string(d.location.column);
    }
  }
  out += ": ";
  if (!d.pointer.empty()) {
    out += d.pointer;
    out += ": ";
  }
  out += d.message;
  return out;
}

void Diagnostics::add(std::string file, std::string pointer,
                      SourceLocation location, std::string message) {
  items_.push_back(Diagnostic{std::move(file), std::move(pointer), location,
                              std::move(message)});
}

void Diagnostics::merge(const Diagnostics& other) {
  // Copy first: merging a collection into itself must not read the vector
  // while it grows.
  const std::vector<Diagnostic> copy = other.items_;
  items_.insert(items_.end(), copy.begin(), copy.end());
}

std::string Diagnostics::format() const {
  std::string out;
  for (const Diagnostic& d : items_) {
    out += format_diagnostic(d);
    out += '\n';
  }
  return out;
}

}  // namespace stacksim

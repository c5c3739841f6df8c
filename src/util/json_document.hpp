// A parsed JSON file that remembers where every value came from, so that a
// problem found later (by JSON pointer) can be reported with line and column.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/diagnostics.hpp"

namespace stacksim {

// Escapes '~' and '/' in one reference token (RFC 6901).
std::string json_pointer_token(std::string_view key);
std::string json_pointer_append(const std::string& pointer, std::string_view key);
std::string json_pointer_append(const std::string& pointer, std::size_t index);

struct JsonDocument {
  std::string file;  // label used in diagnostics
  nlohmann::json root;
  // Pointer of every value -> location of its first character.
  std::map<std::string, SourceLocation> locations;

  // Location of the value at `pointer`, or of its nearest ancestor that has
  // one (a missing key is reported at the object that lacks it).
  SourceLocation locate(const std::string& pointer) const;

  void error(Diagnostics& diags, const std::string& pointer,
             std::string message) const {
    diags.add(file, pointer, locate(pointer), std::move(message));
  }
};

// Syntax errors and duplicate object keys are added to `diags` (with line and
// column) and give nullopt. `file_label` names the document in diagnostics.
std::optional<JsonDocument> parse_json_document(std::string file_label,
                                                std::string_view text,
                                                Diagnostics& diags);

// Reads the file first; an unreadable file is one diagnostic.
std::optional<JsonDocument> load_json_file(const std::filesystem::path& path,
                                           std::string file_label,
                                           Diagnostics& diags);

}  // namespace stacksim

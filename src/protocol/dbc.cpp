#include "protocol/dbc.hpp"

#include <fstream>
#include <sstream>

#include "protocol/dbc_parser.hpp"

namespace stacksim::protocol {

const Signal* Message::signal(std::string_view signal_name) const {
  for (const Signal& s : signals) {
    if (s.name == signal_name) return &s;
  }
  return nullptr;
}

std::optional<Dbc> Dbc::load(const std::filesystem::path& file, Diagnostics& diags) {
  std::error_code ec;
  std::ifstream in(file, std::ios::binary);
  if (!in || !std::filesystem::is_regular_file(file, ec)) {
    diags.add(file.string(), "", SourceLocation{}, "cannot open the DBC file (expected a readable file)");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    diags.add(file.string(), "", SourceLocation{}, "cannot read the DBC file");
    return std::nullopt;
  }
  return parse(text.str(), file.string(), diags);
}

std::optional<Dbc> Dbc::parse(std::string_view text, const std::string& file_label, Diagnostics& diags) {
  Dbc out;
  if (!DbcParser(text, file_label, diags).run(out)) return std::nullopt;
  return out;
}

const Message* Dbc::find(std::uint32_t id, bool extended) const {
  for (const Message& m : messages_) {
    if (m.id == id && m.extended == extended) return &m;
  }
  return nullptr;
}

const Message* Dbc::find(std::string_view name) const {
  for (const Message& m : messages_) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace stacksim::protocol

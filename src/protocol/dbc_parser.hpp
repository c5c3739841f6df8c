// The DBC grammar subset of docs/dbc.md, token by token. A syntax error is
// reported with the token that was expected and the parser resumes at the
// next statement, so one run lists every problem. References (CM_, BA_,
// VAL_) are resolved once the whole file is read; the structural checks
// (overlaps, DLC, nodes) are in dbc_check.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/dbc.hpp"
#include "protocol/dbc_lexer.hpp"
#include "util/diagnostics.hpp"

namespace stacksim::protocol {

class DbcParser {
 public:
  DbcParser(std::string_view text, std::string file_label, Diagnostics& diags);
  // Fills `out`; false if anything was reported.
  bool run(Dbc& out);

 private:
  struct Abort {};  // thrown after a syntax error was reported; caught per statement

  // What a CM_, BA_ or VAL_ statement is attached to.
  struct Target {
    enum class Kind { kNetwork, kNode, kMessage, kSignal, kEnvVar } kind = Kind::kNetwork;
    std::uint32_t raw_id = 0;  // BO_ id as written (bit 31 = extended)
    std::string name;          // node, signal or environment variable
    int line = 0;
  };
  struct PendingComment {
    Target target;
    std::string text;
  };
  struct PendingAttribute {
    std::string name;
    Target target;
    DbcToken value;
  };
  struct PendingValues {
    Target target;
    std::vector<std::pair<std::int64_t, std::string>> values;
  };
  struct AttributeDef {
    std::string name;
    Target::Kind kind = Target::Kind::kNetwork;
    // INT, HEX, FLOAT take numbers; STRING takes strings; ENUM takes the
    // value's string or, as CANdb++ writes BA_, its index.
    enum class Type { kNumber, kString, kEnum } type = Type::kNumber;
    int line = 0;
  };

  // Cursor.
  const DbcToken& peek(std::size_t ahead = 0) const;
  const DbcToken& next();
  bool at_ident(std::string_view word, std::size_t ahead = 0) const;
  bool at_punct(char c) const;
  [[noreturn]] void fail_expected(std::string_view what);
  void error(int line, int column, std::string message);
  void expect_punct(char c);
  std::string expect_ident(std::string_view what);
  std::string expect_string(std::string_view what);
  std::int64_t expect_int(std::string_view what, std::int64_t min, std::int64_t max);
  double expect_number(std::string_view what);
  void expect_end_of_statement();
  // Skips to the next statement start, past at least one token when the
  // statement failed on its first one.
  void recover(std::size_t statement_start);
  static bool is_statement_keyword(std::string_view word);

  // Statements.
  void statement();
  void parse_ns();
  void parse_bs();
  void parse_bu();
  void parse_val_table();
  void parse_bo();
  void parse_sg();
  void parse_cm();
  void parse_ba_def();
  void parse_ba_def_def();
  void parse_ba();
  void parse_val();
  Target parse_target(bool allow_network);
  std::vector<std::pair<std::int64_t, std::string>> parse_value_pairs();

  // After the last statement.
  Message* resolve_message(const Target& t, std::string_view statement);
  Signal* resolve_signal(const Target& t, std::string_view statement);
  bool resolve_node(const Target& t, std::string_view statement);
  void resolve_references();
  const AttributeDef* attribute(std::string_view name) const;

  std::string file_;
  Diagnostics& diags_;
  std::vector<DbcToken> tokens_;
  std::size_t pos_ = 0;
  int syntax_errors_ = 0;
  bool gave_up_ = false;
  std::size_t problems_ = 0;

  Dbc dbc_;
  // Index into dbc_.messages_ of the BO_ whose SG_ lines follow, or none.
  std::optional<std::size_t> current_message_;
  bool skipping_signals_ = false;  // the BO_ header was broken: ignore its SG_ lines
  std::vector<PendingComment> comments_;
  std::vector<PendingAttribute> attributes_;
  std::vector<PendingValues> values_;
  std::vector<AttributeDef> attribute_defs_;
  std::vector<std::string> value_tables_;
  std::vector<int> node_lines_;
};

}  // namespace stacksim::protocol

#include "protocol/dbc_parser.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <utility>

#include "protocol/dbc_check.hpp"

namespace stacksim::protocol {
namespace {

// Past this many syntax errors the text is probably not a DBC at all.
constexpr int kMaxSyntaxErrors = 50;
constexpr std::uint32_t kExtendedFlag = 0x80000000u;

std::string describe(const DbcToken& t) {
  switch (t.kind) {
    case DbcToken::Kind::kEnd:
      return "end of file";
    case DbcToken::Kind::kError:
      return t.value;
    default:
      break;
  }
  std::string shown(t.text.substr(0, 40));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
  }
  return "'" + shown + (t.text.size() > 40 ? "...'" : "'");
}

std::string hex_id(std::uint32_t raw_id) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "0x%X", raw_id & ~kExtendedFlag);
  return buf.data();
}

std::string target_text(std::uint32_t raw_id) {
  return "BO_ " + std::to_string(raw_id) + " (" + hex_id(raw_id) +
         ((raw_id & kExtendedFlag) != 0 ? ", extended)" : ")");
}

// from_chars takes no leading '+'.
std::string_view strip_plus(std::string_view s) { return !s.empty() && s[0] == '+' ? s.substr(1) : s; }

}  // namespace

DbcParser::DbcParser(std::string_view text, std::string file_label, Diagnostics& diags)
    : file_(std::move(file_label)), diags_(diags), tokens_(lex_dbc(text)) {}

const DbcToken& DbcParser::peek(std::size_t ahead) const {
  return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
}

const DbcToken& DbcParser::next() {
  const DbcToken& t = peek();
  if (pos_ < tokens_.size() - 1) ++pos_;
  return t;
}

bool DbcParser::at_ident(std::string_view word, std::size_t ahead) const {
  const DbcToken& t = peek(ahead);
  return t.kind == DbcToken::Kind::kIdent && t.text == word;
}

bool DbcParser::at_punct(char c) const {
  const DbcToken& t = peek();
  return t.kind == DbcToken::Kind::kPunct && t.text[0] == c;
}

void DbcParser::error(int line, int column, std::string message) {
  ++problems_;
  diags_.add(file_, "", SourceLocation{line, column}, std::move(message));
}

void DbcParser::fail_expected(std::string_view what) {
  const DbcToken& t = peek();
  error(t.line, t.column, "expected " + std::string(what) + ", found " + describe(t));
  throw Abort{};
}

void DbcParser::expect_punct(char c) {
  if (!at_punct(c)) fail_expected(std::string("'") + c + "'");
  next();
}

// Keywords are never names: "BO_ 1 A: 8" followed by SG_ is a missing sender.
std::string DbcParser::expect_ident(std::string_view what) {
  if (peek().kind != DbcToken::Kind::kIdent || is_statement_keyword(peek().text)) fail_expected(what);
  return std::string(next().text);
}

std::string DbcParser::expect_string(std::string_view what) {
  if (peek().kind != DbcToken::Kind::kString) fail_expected(what);
  return next().value;
}

std::int64_t DbcParser::expect_int(std::string_view what, std::int64_t min, std::int64_t max) {
  const DbcToken& t = peek();
  std::int64_t v = 0;
  const std::string_view s = strip_plus(t.text);
  if (t.kind != DbcToken::Kind::kNumber) fail_expected(what);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || v < min || v > max) {
    fail_expected(std::string(what) + " (an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                  ")");
  }
  next();
  return v;
}

double DbcParser::expect_number(std::string_view what) {
  const DbcToken& t = peek();
  double v = 0;
  const std::string_view s = strip_plus(t.text);
  if (t.kind != DbcToken::Kind::kNumber) fail_expected(what);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) fail_expected(std::string(what) + " (a finite number)");
  next();
  return v;
}

void DbcParser::expect_end_of_statement() { expect_punct(';'); }

bool DbcParser::is_statement_keyword(std::string_view word) {
  static constexpr std::array<std::string_view, 30> kKeywords = {
      "VERSION", "NS_",        "BS_",        "BU_",         "VAL_TABLE_",  "BO_",          "SG_",
      "CM_",     "BA_DEF_",    "BA_DEF_DEF_", "BA_",        "VAL_",        "BO_TX_BU_",    "EV_",
      "ENVVAR_DATA_", "SGTYPE_", "SGTYPE_VAL_", "SIG_GROUP_", "SIG_VALTYPE_", "SIGTYPE_VALTYPE_",
      "SG_MUL_VAL_", "BA_DEF_REL_", "BA_REL_", "BA_DEF_DEF_REL_", "BA_DEF_SGTYPE_", "BA_SGTYPE_",
      "SIG_TYPE_REF_", "CAT_DEF_", "CAT_", "FILTER"};
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

// Statements start in column 1 (as CANdb++ and cantools write them), except
// SG_ lines, which are indented under their BO_.
void DbcParser::recover(std::size_t statement_start) {
  if (pos_ == statement_start) next();
  while (peek().kind != DbcToken::Kind::kEnd) {
    const DbcToken& t = peek();
    if (t.kind == DbcToken::Kind::kIdent &&
        (t.text == "SG_" || (t.column == 1 && is_statement_keyword(t.text)))) {
      return;
    }
    next();
  }
}

bool DbcParser::run(Dbc& out) {
  while (peek().kind != DbcToken::Kind::kEnd && !gave_up_) {
    const std::size_t start = pos_;
    try {
      statement();
    } catch (const Abort&) {
      if (++syntax_errors_ >= kMaxSyntaxErrors) {
        const DbcToken& t = peek();
        error(t.line, t.column, "too many syntax errors; stopped reading (is this a DBC file?)");
        gave_up_ = true;
        break;
      }
      recover(start);
    }
  }
  if (!gave_up_) {
    resolve_references();
    problems_ += check_dbc(dbc_, file_, diags_);
  }
  if (problems_ > 0) return false;
  out = std::move(dbc_);
  return true;
}

void DbcParser::statement() {
  const DbcToken& t = peek();
  if (t.kind != DbcToken::Kind::kIdent) fail_expected("a DBC keyword (BO_, SG_, CM_, BA_, VAL_, ...)");
  const std::string_view word = t.text;
  if (word == "SG_" && skipping_signals_) {
    // The signals of a BO_ whose header was reported: skip them quietly.
    recover(pos_);
    return;
  }
  if (word == "SG_") return parse_sg();
  current_message_.reset();
  skipping_signals_ = false;
  if (word == "VERSION") {
    next();
    dbc_.version_ = expect_string("the version string");
  } else if (word == "NS_") {
    parse_ns();
  } else if (word == "BS_") {
    parse_bs();
  } else if (word == "BU_") {
    parse_bu();
  } else if (word == "VAL_TABLE_") {
    parse_val_table();
  } else if (word == "BO_") {
    parse_bo();
  } else if (word == "CM_") {
    parse_cm();
  } else if (word == "BA_DEF_") {
    parse_ba_def();
  } else if (word == "BA_DEF_DEF_") {
    parse_ba_def_def();
  } else if (word == "BA_") {
    parse_ba();
  } else if (word == "VAL_") {
    parse_val();
  } else if (is_statement_keyword(word)) {
    error(t.line, t.column,
          "unsupported statement '" + std::string(word) +
              "' (expected VERSION, NS_, BS_, BU_, VAL_TABLE_, BO_, SG_, CM_, BA_DEF_, BA_DEF_DEF_, BA_ or VAL_; "
              "see docs/dbc.md)");
    throw Abort{};
  } else {
    fail_expected("a DBC keyword (BO_, SG_, CM_, BA_, VAL_, ...)");
  }
}

// NS_ : followed by the names of the optional sections, which say nothing.
void DbcParser::parse_ns() {
  next();
  expect_punct(':');
  while (peek().kind == DbcToken::Kind::kIdent && !at_ident("BS_") &&
         !(peek().column == 1 && is_statement_keyword(peek().text))) {
    next();
  }
}

// BS_: [baudrate : BTR1 , BTR2] (obsolete; accepted and ignored)
void DbcParser::parse_bs() {
  next();
  expect_punct(':');
  if (peek().kind == DbcToken::Kind::kNumber) {
    expect_int("the baud rate", 0, INT64_MAX);
    expect_punct(':');
    expect_int("BTR1", 0, INT64_MAX);
    expect_punct(',');
    expect_int("BTR2", 0, INT64_MAX);
  }
}

void DbcParser::parse_bu() {
  next();
  expect_punct(':');
  while (peek().kind == DbcToken::Kind::kIdent && !is_statement_keyword(peek().text)) {
    const DbcToken& t = next();
    const std::string name(t.text);
    if (std::find(dbc_.nodes_.begin(), dbc_.nodes_.end(), name) != dbc_.nodes_.end()) {
      error(t.line, t.column, "node '" + name + "' is listed twice in BU_ (expected unique node names)");
      continue;
    }
    dbc_.nodes_.push_back(name);
  }
}

std::vector<std::pair<std::int64_t, std::string>> DbcParser::parse_value_pairs() {
  std::vector<std::pair<std::int64_t, std::string>> values;
  while (!at_punct(';')) {
    const DbcToken& at = peek();
    const std::int64_t v = expect_int("a raw value or ';'", INT64_MIN, INT64_MAX);
    std::string text = expect_string("the value's description string");
    const bool duplicate =
        std::any_of(values.begin(), values.end(), [v](const auto& p) { return p.first == v; });
    if (duplicate) {
      error(at.line, at.column, "raw value " + std::to_string(v) + " is described twice (expected each value once)");
    }
    values.emplace_back(v, std::move(text));
  }
  expect_end_of_statement();
  return values;
}

// VAL_TABLE_ name v "text" ... ; named tables are accepted but unused: the
// signals' own VAL_ tables are what the codec reports.
void DbcParser::parse_val_table() {
  const DbcToken& kw = next();
  std::string name = expect_ident("the value table's name");
  parse_value_pairs();
  if (std::find(value_tables_.begin(), value_tables_.end(), name) != value_tables_.end()) {
    error(kw.line, kw.column, "value table '" + name + "' is defined twice (expected unique names)");
  }
  value_tables_.push_back(std::move(name));
}

// BO_ id name : dlc sender
void DbcParser::parse_bo() {
  skipping_signals_ = true;  // until the header is complete
  const DbcToken& kw = next();
  Message m;
  m.line = kw.line;
  const auto raw_id = static_cast<std::uint32_t>(expect_int("the message identifier", 0, UINT32_MAX));
  m.extended = (raw_id & kExtendedFlag) != 0;
  m.id = raw_id & ~kExtendedFlag;
  m.name = expect_ident("the message name");
  expect_punct(':');
  const std::int64_t dlc = expect_int("the DLC", 0, 255);
  m.dlc = static_cast<std::uint8_t>(dlc);
  m.sender = expect_ident("the sending node (or Vector__XXX)");
  dbc_.messages_.push_back(std::move(m));
  current_message_ = dbc_.messages_.size() - 1;
  skipping_signals_ = false;
}

// SG_ name [M|mN] : start|length@order sign (factor,offset) [min|max] "unit" receivers
void DbcParser::parse_sg() {
  const DbcToken& kw = next();
  if (!current_message_) {
    error(kw.line, kw.column, "SG_ outside a message (expected SG_ lines right after their BO_)");
    throw Abort{};
  }
  Signal s;
  s.line = kw.line;
  s.name = expect_ident("the signal name");
  if (peek().kind == DbcToken::Kind::kIdent) {
    const DbcToken& mux = next();
    const std::string_view m = mux.text;
    if (m == "M") {
      s.mux = Signal::Mux::kMultiplexor;
    } else if (m.size() >= 2 && m[0] == 'm' &&
               std::all_of(m.begin() + 1, m.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      s.mux = Signal::Mux::kMultiplexed;
      const auto r = std::from_chars(m.data() + 1, m.data() + m.size(), s.mux_value);
      if (r.ec != std::errc{}) {
        error(mux.line, mux.column, "multiplexer value '" + std::string(m) + "' is out of range");
        throw Abort{};
      }
    } else {
      error(mux.line, mux.column,
            "expected 'M', 'mN' or ':' after the signal name, found '" + std::string(m) +
                "' (extended multiplexing 'mNM' is not supported)");
      throw Abort{};
    }
  }
  expect_punct(':');
  s.start_bit = static_cast<std::uint16_t>(expect_int("the start bit", 0, 65535));
  expect_punct('|');
  s.length = static_cast<std::uint16_t>(expect_int("the signal length", 0, 65535));
  expect_punct('@');
  const std::int64_t order = expect_int("the byte order (0 Motorola, 1 Intel)", 0, 1);
  s.little_endian = order == 1;
  if (at_punct('+')) {
    s.is_signed = false;
  } else if (at_punct('-')) {
    s.is_signed = true;
  } else {
    fail_expected("'+' (unsigned) or '-' (signed)");
  }
  next();
  expect_punct('(');
  s.factor = expect_number("the factor");
  expect_punct(',');
  s.offset = expect_number("the offset");
  expect_punct(')');
  expect_punct('[');
  s.minimum = expect_number("the minimum");
  expect_punct('|');
  s.maximum = expect_number("the maximum");
  expect_punct(']');
  s.unit = expect_string("the unit string");
  const int receiver_line = peek().line;
  s.receivers.push_back(expect_ident("a receiving node (or Vector__XXX)"));
  // Vector separates receivers with commas; some tools with blanks.
  for (;;) {
    if (at_punct(',')) {
      next();
      s.receivers.push_back(expect_ident("a receiving node after ','"));
    } else if (peek().kind == DbcToken::Kind::kIdent && peek().line == receiver_line &&
               !is_statement_keyword(peek().text)) {
      s.receivers.emplace_back(next().text);
    } else {
      break;
    }
  }
  dbc_.messages_[*current_message_].signals.push_back(std::move(s));
}

// The object after CM_ or BA_: BU_ node | BO_ id | SG_ id signal | EV_ name,
// or nothing (the network).
DbcParser::Target DbcParser::parse_target(bool allow_network) {
  Target t;
  t.line = peek().line;
  if (at_ident("BU_")) {
    next();
    t.kind = Target::Kind::kNode;
    t.name = expect_ident("a node name");
  } else if (at_ident("BO_")) {
    next();
    t.kind = Target::Kind::kMessage;
    t.raw_id = static_cast<std::uint32_t>(expect_int("a message identifier", 0, UINT32_MAX));
  } else if (at_ident("SG_")) {
    next();
    t.kind = Target::Kind::kSignal;
    t.raw_id = static_cast<std::uint32_t>(expect_int("a message identifier", 0, UINT32_MAX));
    t.name = expect_ident("a signal name");
  } else if (at_ident("EV_")) {
    next();
    t.kind = Target::Kind::kEnvVar;
    t.name = expect_ident("an environment variable name");
  } else if (!allow_network) {
    fail_expected("BU_, BO_, SG_ or EV_");
  }
  return t;
}

// CM_ [BU_ node | BO_ id | SG_ id signal | EV_ name] "text" ;
void DbcParser::parse_cm() {
  next();
  PendingComment c;
  c.target = parse_target(true);
  c.text = expect_string("the comment string");
  expect_end_of_statement();
  comments_.push_back(std::move(c));
}

// BA_DEF_ [BU_|BO_|SG_|EV_] "name" INT min max | HEX min max | FLOAT min max | STRING | ENUM "a","b" ;
void DbcParser::parse_ba_def() {
  const DbcToken& kw = next();
  AttributeDef def;
  def.line = kw.line;
  if (at_ident("BU_")) {
    def.kind = Target::Kind::kNode;
  } else if (at_ident("BO_")) {
    def.kind = Target::Kind::kMessage;
  } else if (at_ident("SG_")) {
    def.kind = Target::Kind::kSignal;
  } else if (at_ident("EV_")) {
    def.kind = Target::Kind::kEnvVar;
  }
  if (def.kind != Target::Kind::kNetwork) next();
  def.name = expect_string("the attribute name string");
  const std::string type = expect_ident("the attribute type (INT, HEX, FLOAT, STRING or ENUM)");
  if (type == "INT" || type == "HEX" || type == "FLOAT") {
    expect_number("the minimum");
    expect_number("the maximum");
  } else if (type == "ENUM") {
    def.type = AttributeDef::Type::kEnum;
    expect_string("an enumeration value string");
    while (at_punct(',')) {
      next();
      expect_string("an enumeration value string");
    }
  } else if (type == "STRING") {
    def.type = AttributeDef::Type::kString;
  } else {
    fail_expected("INT, HEX, FLOAT, STRING or ENUM");
  }
  expect_end_of_statement();
  if (attribute(def.name) != nullptr) {
    error(def.line, kw.column, "attribute \"" + def.name + "\" is defined twice (expected one BA_DEF_ per name)");
    return;
  }
  attribute_defs_.push_back(std::move(def));
}

const DbcParser::AttributeDef* DbcParser::attribute(std::string_view name) const {
  for (const AttributeDef& d : attribute_defs_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

// BA_DEF_DEF_ "name" value ;
void DbcParser::parse_ba_def_def() {
  next();
  const DbcToken& name_token = peek();
  const std::string name = expect_string("the attribute name string");
  if (peek().kind != DbcToken::Kind::kNumber && peek().kind != DbcToken::Kind::kString) {
    fail_expected("the default value (a number or a string)");
  }
  next();
  expect_end_of_statement();
  if (attribute(name) == nullptr) {
    error(name_token.line, name_token.column,
          "BA_DEF_DEF_ for attribute \"" + name + "\", which no BA_DEF_ defines (expected BA_DEF_ first)");
  }
}

// BA_ "name" [BU_ node | BO_ id | SG_ id signal | EV_ name] value ;
void DbcParser::parse_ba() {
  next();
  PendingAttribute a;
  a.name = expect_string("the attribute name string");
  a.target = parse_target(true);
  if (peek().kind != DbcToken::Kind::kNumber && peek().kind != DbcToken::Kind::kString) {
    fail_expected("the attribute value (a number or a string)");
  }
  a.value = next();
  expect_end_of_statement();
  attributes_.push_back(std::move(a));
}

// VAL_ id signal v "text" ... ;
void DbcParser::parse_val() {
  next();
  PendingValues v;
  v.target.kind = Target::Kind::kSignal;
  v.target.line = peek().line;
  if (peek().kind == DbcToken::Kind::kIdent) {
    error(peek().line, peek().column,
          "VAL_ for environment variables is not supported (expected a message identifier)");
    throw Abort{};
  }
  v.target.raw_id = static_cast<std::uint32_t>(expect_int("a message identifier", 0, UINT32_MAX));
  v.target.name = expect_ident("a signal name");
  v.values = parse_value_pairs();
  values_.push_back(std::move(v));
}

Message* DbcParser::resolve_message(const Target& t, std::string_view statement) {
  const bool extended = (t.raw_id & kExtendedFlag) != 0;
  for (Message& m : dbc_.messages_) {
    if (m.id == (t.raw_id & ~kExtendedFlag) && m.extended == extended) return &m;
  }
  error(t.line, 0,
        std::string(statement) + " refers to " + target_text(t.raw_id) +
            ", which no BO_ defines (expected the identifier of a message in this file; extended ids carry "
            "bit 31)");
  return nullptr;
}

Signal* DbcParser::resolve_signal(const Target& t, std::string_view statement) {
  Message* m = resolve_message(t, statement);
  if (m == nullptr) return nullptr;
  for (Signal& s : m->signals) {
    if (s.name == t.name) return &s;
  }
  error(t.line, 0,
        std::string(statement) + " refers to signal '" + t.name + "' of message '" + m->name +
            "', which has no such signal");
  return nullptr;
}

bool DbcParser::resolve_node(const Target& t, std::string_view statement) {
  if (std::find(dbc_.nodes_.begin(), dbc_.nodes_.end(), t.name) != dbc_.nodes_.end()) return true;
  error(t.line, 0, std::string(statement) + " refers to node '" + t.name + "', which BU_ does not list");
  return false;
}

void DbcParser::resolve_references() {
  for (PendingComment& c : comments_) {
    switch (c.target.kind) {
      case Target::Kind::kMessage:
        if (Message* m = resolve_message(c.target, "CM_")) m->comment = std::move(c.text);
        break;
      case Target::Kind::kSignal:
        if (Signal* s = resolve_signal(c.target, "CM_")) s->comment = std::move(c.text);
        break;
      case Target::Kind::kNode:
        resolve_node(c.target, "CM_");
        break;
      case Target::Kind::kEnvVar:
        error(c.target.line, 0, "CM_ EV_ refers to environment variable '" + c.target.name +
                                    "'; environment variables are not supported");
        break;
      case Target::Kind::kNetwork:
        break;
    }
  }
  for (const PendingAttribute& a : attributes_) {
    const AttributeDef* def = attribute(a.name);
    if (def == nullptr) {
      error(a.target.line, 0, "BA_ sets attribute \"" + a.name + "\", which no BA_DEF_ defines (expected BA_DEF_ first)");
      continue;
    }
    if (def->kind != a.target.kind) {
      error(a.target.line, 0, "BA_ \"" + a.name + "\" is set on a different kind of object than its BA_DEF_ on line " +
                                  std::to_string(def->line) + " declares");
      continue;
    }
    const bool is_string = a.value.kind == DbcToken::Kind::kString;
    if ((def->type == AttributeDef::Type::kNumber && is_string) ||
        (def->type == AttributeDef::Type::kString && !is_string)) {
      error(a.value.line, a.value.column,
            "BA_ \"" + a.name + "\": expected a " + (is_string ? "number" : "string") + " value, found " +
                describe(a.value));
      continue;
    }
    switch (a.target.kind) {
      case Target::Kind::kMessage: {
        Message* m = resolve_message(a.target, "BA_");
        if (m == nullptr || a.name != "GenMsgCycleTime") break;
        std::int64_t ms = -1;
        const std::string_view s = strip_plus(a.value.text);
        const auto r = std::from_chars(s.data(), s.data() + s.size(), ms);
        if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || ms < 0 || ms > INT32_MAX) {
          error(a.value.line, a.value.column,
                "GenMsgCycleTime: expected a whole number of milliseconds >= 0, found " + describe(a.value));
          break;
        }
        m->cycle_time_ms = static_cast<std::int32_t>(ms);
        break;
      }
      case Target::Kind::kSignal:
        resolve_signal(a.target, "BA_");
        break;
      case Target::Kind::kNode:
        resolve_node(a.target, "BA_");
        break;
      case Target::Kind::kEnvVar:
        error(a.target.line, 0, "BA_ EV_ refers to environment variable '" + a.target.name +
                                    "'; environment variables are not supported");
        break;
      case Target::Kind::kNetwork:
        break;
    }
  }
  for (PendingValues& v : values_) {
    Signal* s = resolve_signal(v.target, "VAL_");
    if (s == nullptr) continue;
    if (!s->values.empty()) {
      error(v.target.line, 0, "VAL_ for signal '" + s->name + "' appears twice (expected one value table per signal)");
      continue;
    }
    s->values = std::move(v.values);
  }
}

}  // namespace stacksim::protocol

// docs/hal.md cannot silently fall behind stacksim/hal.h: every function of
// the HAL table, every field of the structs a firmware reads or fills and
// every SSIM_ name of the header must appear in the document as code.
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "stacksim/hal.h"

namespace {

const std::filesystem::path kSource = STACKSIM_SOURCE_DIR;

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string without_comments(std::string text) {
  text = std::regex_replace(text, std::regex(R"(/\*[\s\S]*?\*/)"), " ");
  return std::regex_replace(text, std::regex(R"(//[^\n]*)"), " ");
}

const std::string& header() {
  static const std::string text =
      without_comments(read_text(kSource / "src/hal/include/stacksim/hal.h"));
  return text;
}

// The body of `typedef struct NAME { ... } NAME;` in the header.
std::string struct_body(const std::string& name) {
  const std::string open = "typedef struct " + name + " {";
  const auto begin = header().find(open);
  const auto end = header().find("} " + name + ";", begin);
  if (begin == std::string::npos || end == std::string::npos) return {};
  return header().substr(begin + open.size(), end - begin - open.size());
}

std::vector<std::string> function_pointers(const std::string& body) {
  std::vector<std::string> names;
  const std::regex pointer(R"(\(\s*\*\s*(\w+)\s*\))");
  for (std::sregex_iterator it(body.begin(), body.end(), pointer), end; it != end; ++it) {
    names.push_back((*it)[1]);
  }
  return names;
}

struct Field {
  std::string type, name;
};

// Plain data members ("type a;", "type a, b;", "type a[8];"); function
// pointers left out.
std::vector<Field> data_fields(const std::string& body) {
  std::vector<Field> fields;
  const std::regex declaration(R"(^\s*((?:const\s+)?\w+\s*\**)\s*([\w\s,\[\]]+)$)");
  std::size_t start = 0;
  for (std::size_t semi = body.find(';'); semi != std::string::npos; semi = body.find(';', start)) {
    const std::string statement = body.substr(start, semi - start);
    start = semi + 1;
    if (statement.find('(') != std::string::npos) continue;
    std::smatch m;
    if (!std::regex_match(statement, m, declaration)) {
      ADD_FAILURE() << "cannot read the declaration \"" << statement << "\"";
      continue;
    }
    const std::string type = std::regex_replace(m[1].str(), std::regex(R"(\s+)"), "");
    const std::string names = m[2];
    const std::regex name(R"(\b[A-Za-z_]\w*)");  // not the sizes of arrays
    for (std::sregex_iterator it(names.begin(), names.end(), name), end; it != end; ++it) {
      fields.push_back({type, it->str()});
    }
  }
  return fields;
}

bool documented(const std::string& doc, const std::string& name) {
  // Inside a code span: `name`, `name(...)`, `struct.name` and the like.
  return std::regex_search(doc, std::regex("`[^`\n]*\\b" + name + "\\b[^`\n]*`"));
}

const std::string& doc() {
  static const std::string text = read_text(kSource / "docs/hal.md");
  return text;
}

TEST(HalDoc, ParserReadsEveryFunctionOfTheHalTable) {
  const auto names = function_pointers(struct_body("ssim_hal"));
  ASSERT_FALSE(names.empty());
  // Nothing missed: after abi_version and ctx the table is all function pointers.
  EXPECT_EQ(offsetof(ssim_hal, time_us) + names.size() * sizeof(void (*)(void)), sizeof(ssim_hal));
  EXPECT_EQ(names.front(), "time_us");
  EXPECT_EQ(names.back(), "log");
}

TEST(HalDoc, ParserReadsEveryFieldOfTheDebugStatus) {
  const std::map<std::string, std::size_t> size_of = {
      {"ssim_bms_state", sizeof(ssim_bms_state)}, {"uint32_t", 4}, {"uint16_t", 2},
      {"int32_t", 4}, {"int16_t", 2}};
  std::size_t total = 0;
  const auto fields = data_fields(struct_body("ssim_debug_status"));
  for (const Field& f : fields) {
    ASSERT_EQ(size_of.count(f.type), 1u) << f.type << " " << f.name;
    total += size_of.at(f.type);
  }
  // The struct has no padding today; if a change adds some, count it here.
  EXPECT_EQ(total, sizeof(ssim_debug_status));
  EXPECT_EQ(fields.front().name, "state");
  EXPECT_EQ(fields.back().name, "requests");
}

TEST(HalDoc, EveryHalFunctionIsDocumented) {
  ASSERT_FALSE(doc().empty()) << "docs/hal.md is missing";
  for (const std::string& name : function_pointers(struct_body("ssim_hal"))) {
    EXPECT_TRUE(documented(doc(), name)) << name << " of struct ssim_hal";
  }
}

TEST(HalDoc, EveryStructFieldIsDocumented) {
  for (const char* s : {"ssim_debug_status", "ssim_node_config", "ssim_firmware", "ssim_hal",
                        "ssim_can_frame", "ssim_param"}) {
    const std::string body = struct_body(s);
    ASSERT_FALSE(body.empty()) << s;
    for (const Field& f : data_fields(body)) {
      EXPECT_TRUE(documented(doc(), f.name)) << f.name << " of " << s;
    }
    for (const std::string& name : function_pointers(body)) {
      EXPECT_TRUE(documented(doc(), name)) << name << " of " << s;
    }
  }
}

TEST(HalDoc, EveryNameOfTheHeaderIsDocumented) {
  std::set<std::string> names;
  const std::regex ssim(R"(\bSSIM_[A-Z0-9_]+\b)");
  for (std::sregex_iterator it(header().begin(), header().end(), ssim), end; it != end; ++it) {
    names.insert(it->str());
  }
  EXPECT_GT(names.size(), 50u);  // the parser found the enums and macros
  for (const std::string& name : names) {
    EXPECT_TRUE(documented(doc(), name)) << name;
  }
}

TEST(HalDoc, DocumentNamesTheAbiVersionItDescribes) {
  EXPECT_TRUE(std::regex_search(
      doc(), std::regex("SSIM_HAL_ABI_VERSION` *(is|=) *`?" + std::to_string(SSIM_HAL_ABI_VERSION))))
      << "docs/hal.md should say which ABI version it describes";
}

}  // namespace

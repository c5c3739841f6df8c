// The real `stacksim` binary (STACKSIM_BINARY) run through the shell as a user
// runs it, for every command-line test (tests/cli, tests/plugin): a fresh
// directory per test case (CTest runs the cases in parallel processes),
// stdout and stderr apart.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#ifndef STACKSIM_BINARY
#error "the CLI runner needs the stacksim target (STACKSIM_BINARY)"
#endif

namespace stacksim::cli_testing {

namespace fs = std::filesystem;

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::vector<std::string> split(const std::string& line, char sep = ',') {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, sep);) fields.push_back(f);
  return fields;
}

inline std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

struct Result {
  int exit_code = -1;
  std::string out, err;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("stacksim-" + std::string(info->test_suite_name()) + "-" +
                                        info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  // stacksim --data DATA ARGS..., stdout and stderr captured apart.
  Result stacksim(const std::vector<std::string>& args,
                  const fs::path& data = STACKSIM_DATA_DIR) const {
    std::vector<std::string> all = {"--data", data.string()};
    all.insert(all.end(), args.begin(), args.end());
    return raw(all);
  }
  // stacksim ARGS... exactly as given.
  Result raw(const std::vector<std::string>& args) const {
    std::string command = shell_quote(STACKSIM_BINARY);
    for (const std::string& a : args) {
      // Two appends: "x" + string trips a false -Wrestrict in GCC 12 at -O3.
      command += ' ';
      command += shell_quote(a);
    }
    const fs::path out = dir_ / "cli.stdout", err = dir_ / "cli.stderr";
    command += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string()) + " </dev/null";
    const int status = std::system(command.c_str());
    Result r;
    r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    fs::remove(out);
    fs::remove(err);
    return r;
  }

  fs::path dir_;
};

}  // namespace stacksim::cli_testing

// sim::load_firmware_plugin on real shared libraries of the normal build: the
// minimal C example, the reference firmware as a plugin, and test libraries
// that are each wrong in one way (tests/plugin/bad).
#include <dlfcn.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "firmware/reference.hpp"
#include "sim/firmware_plugin.hpp"

namespace stacksim::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Symbols the dynamic symbol table of `library` defines, by binutils' nm
// (independent of dlsym, which would find only what we ask for).
std::set<std::string> exported_symbols(const std::string& library) {
  std::set<std::string> names;
  const std::string command = "nm -D --defined-only '" + library + "'";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return names;
  char line[512];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    const auto space = text.rfind(' ');
    if (space != std::string::npos) names.insert(text.substr(space + 1));
  }
  ::pclose(pipe);
  return names;
}

std::string load_error(const std::string& path) {
  std::string error;
  const auto image = load_firmware_plugin(path, error);
  EXPECT_FALSE(image) << path << " loaded";
  EXPECT_THAT(error, StartsWith(path + ": ")) << "the message names the file";
  return error;
}

TEST(FirmwarePlugin, MinimalCExampleLoads) {
  std::string error;
  const auto image = load_firmware_plugin(MINIMAL_FW, error);
  ASSERT_TRUE(image) << error;
  EXPECT_EQ(error, "");
  EXPECT_EQ(image->origin, MINIMAL_FW);
  ASSERT_NE(image->library, nullptr);
  const ssim_firmware* d = image->descriptor;
  EXPECT_EQ(d->abi_version, SSIM_HAL_ABI_VERSION);
  EXPECT_STREQ(d->name, "minimal-c-example");
  EXPECT_STREQ(d->version, "1.0.0");
  EXPECT_EQ(d->tick_period_us, 10000u);  // minimal_firmware.c: kTickUs
  EXPECT_EQ(d->can_receive, nullptr);    // it has no CAN; optional callbacks may be NULL
  EXPECT_EQ(d->rs485_receive, nullptr);
  EXPECT_EQ(descriptor_problem(d), "");
}

TEST(FirmwarePlugin, ReferencePluginIsItsOwnCopyOfTheBuiltInFirmware) {
  std::string error;
  const auto image = load_firmware_plugin(REFERENCE_FW, error);
  ASSERT_TRUE(image) << error;
  const FirmwareImage builtin = builtin_firmware();
  EXPECT_EQ(builtin.origin, "built-in");
  EXPECT_EQ(builtin.library, nullptr);
  // Same identity, different code: RTLD_LOCAL kept the library's own symbols
  // from binding to the ones linked into this test.
  EXPECT_NE(image->descriptor, builtin.descriptor);
  EXPECT_NE(image->descriptor->tick, builtin.descriptor->tick);
  EXPECT_STREQ(image->descriptor->name, builtin.descriptor->name);
  EXPECT_STREQ(image->descriptor->version, builtin.descriptor->version);
  EXPECT_EQ(image->descriptor->tick_period_us, builtin.descriptor->tick_period_us);
}

TEST(FirmwarePlugin, LibrariesExportOnlyTheEntryPoint) {
  for (const char* library : {MINIMAL_FW, REFERENCE_FW}) {
    EXPECT_EQ(exported_symbols(library), std::set<std::string>{SSIM_FIRMWARE_ENTRY_NAME})
        << library;
  }
  // The positive control for nm: a library that exports a wrong name shows it.
  EXPECT_EQ(exported_symbols(NO_ENTRY_FW), std::set<std::string>{"ssim_firmware_entri"});
}

TEST(FirmwarePlugin, ImageKeepsTheLibraryLoadedWhileCopiesLive) {
  std::string error;
  auto image = load_firmware_plugin(MINIMAL_FW, error);
  ASSERT_TRUE(image) << error;
  FirmwareImage copy = *image;
  image.reset();
  // The copy still holds the library: its descriptor is readable memory.
  EXPECT_STREQ(copy.descriptor->name, "minimal-c-example");
  EXPECT_EQ(copy.library.use_count(), 1);
}

TEST(FirmwarePlugin, OtherAbiVersionIsRefused) {
  const std::string error = load_error(BAD_ABI_FW);
  EXPECT_THAT(error, HasSubstr("built for HAL ABI version 999; this stacksim provides version 1"));
  EXPECT_THAT(error, HasSubstr("rebuild it against this stacksim's stacksim/hal.h"));
}

TEST(FirmwarePlugin, LibraryWithoutTheEntryPointIsRefused) {
  const std::string error = load_error(NO_ENTRY_FW);
  EXPECT_THAT(error, HasSubstr("expected the library to export ssim_firmware_entry()"));
}

TEST(FirmwarePlugin, DescriptorWithoutTickIsRefused) {
  const std::string error = load_error(NULL_TICK_FW);
  EXPECT_THAT(error, HasSubstr("its descriptor has no tick function"));
}

TEST(FirmwarePlugin, FileThatIsNoLibraryIsRefused) {
  ASSERT_TRUE(std::filesystem::is_regular_file(NOT_A_LIBRARY));
  const std::string error = load_error(NOT_A_LIBRARY);
  EXPECT_THAT(error, HasSubstr("expected a shared library built against stacksim/hal.h"));
  EXPECT_THAT(error, HasSubstr("invalid ELF header"));  // glibc's dlerror() for a text file
}

TEST(FirmwarePlugin, MissingFileIsRefused) {
  const std::string path = std::string(NOT_A_LIBRARY) + ".missing";
  const std::string error = load_error(path);
  EXPECT_THAT(error, HasSubstr("No such file or directory"));
}

TEST(FirmwarePlugin, BareNameIsAFileNotALibrarySearch) {
  // dlopen("libm.so.6") would find the C maths library on the search path; a
  // user who types a bare name means a file in the current directory.
  void* libm = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(libm, nullptr) << "the control: the search path has libm.so.6";
  dlclose(libm);
  ASSERT_FALSE(std::filesystem::exists("libm.so.6"));
  const std::string error = load_error("libm.so.6");
  EXPECT_THAT(error, HasSubstr("./libm.so.6"));
}

// descriptor_problem is the same check for a descriptor obtained any way.
TEST(FirmwarePlugin, DescriptorProblems) {
  EXPECT_EQ(descriptor_problem(nullptr), "the entry point returned no descriptor");
  const ssim_firmware* builtin = stacksim_reference_firmware();
  ASSERT_EQ(descriptor_problem(builtin), "");
  ssim_firmware d = *builtin;
  d.tick_period_us = 0;
  EXPECT_EQ(descriptor_problem(&d), "its descriptor asks for a tick period of 0 us");
  d = *builtin;
  d.create = nullptr;
  d.destroy = nullptr;
  EXPECT_EQ(descriptor_problem(&d), "its descriptor has no create, destroy function");
  d = *builtin;
  d.name = nullptr;
  EXPECT_EQ(descriptor_problem(&d), "its descriptor has no name or version");
  d = *builtin;
  d.abi_version = SSIM_HAL_ABI_VERSION + 1;
  EXPECT_THAT(descriptor_problem(&d),
              StartsWith("built for HAL ABI version " + std::to_string(SSIM_HAL_ABI_VERSION + 1)));
}

}  // namespace
}  // namespace stacksim::sim

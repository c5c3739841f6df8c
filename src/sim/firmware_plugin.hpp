// Loading a firmware built as a shared library against stacksim/hal.h.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "stacksim/hal.h"

namespace stacksim::sim {

// A firmware descriptor and, for a plugin, the library that holds its code
// (closed when the last copy goes away, after every instance is destroyed).
struct FirmwareImage {
  const ssim_firmware* descriptor = nullptr;
  std::shared_ptr<void> library;   // null for a statically linked firmware
  std::string origin;              // "built-in" or the library's path
  // Which build ran, exactly: a plugin's SHA-256 (of the library file); for
  // the built-in firmware the GNU build ID of the stacksim program.
  std::string sha256;
  std::string build_id;
};

// Problems with a descriptor, whichever way it was obtained: a wrong ABI
// version, missing functions, a zero tick period. Empty when usable.
std::string descriptor_problem(const ssim_firmware* descriptor);

// dlopen()s `path`, looks up SSIM_FIRMWARE_ENTRY_NAME and checks the
// descriptor. On failure returns nothing and says why in `error`, naming the
// file and what was expected.
std::optional<FirmwareImage> load_firmware_plugin(const std::filesystem::path& path,
                                                  std::string& error);

// The reference firmware, linked in.
FirmwareImage builtin_firmware();

}  // namespace stacksim::sim

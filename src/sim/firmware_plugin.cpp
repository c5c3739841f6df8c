#include "sim/firmware_plugin.hpp"

#include <dlfcn.h>

#include <fstream>
#include <sstream>

#include "firmware/reference.hpp"
#include "util/sha256.hpp"

namespace stacksim::sim {
namespace {

// "" if the file cannot be read (the library was loaded, so it exists).
std::string file_sha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return sha256_hex(bytes.str());
}

}  // namespace

std::string descriptor_problem(const ssim_firmware* d) {
  if (d == nullptr) return "the entry point returned no descriptor";
  if (d->abi_version != SSIM_HAL_ABI_VERSION) {
    return "built for HAL ABI version " + std::to_string(d->abi_version) +
           "; this stacksim provides version " + std::to_string(SSIM_HAL_ABI_VERSION) +
           " (rebuild it against this stacksim's stacksim/hal.h)";
  }
  std::string missing;
  const auto need = [&](bool present, const char* name) {
    if (present) return;
    if (!missing.empty()) missing += ", ";
    missing += name;
  };
  need(d->create != nullptr, "create");
  need(d->destroy != nullptr, "destroy");
  need(d->tick != nullptr, "tick");
  if (!missing.empty()) return "its descriptor has no " + missing + " function";
  if (d->tick_period_us == 0) return "its descriptor asks for a tick period of 0 us";
  if (d->name == nullptr || d->version == nullptr) return "its descriptor has no name or version";
  return {};
}

std::optional<FirmwareImage> load_firmware_plugin(const std::filesystem::path& path,
                                                  std::string& error) {
  // dlopen() searches the library path for a bare name; a user means a file.
  const std::filesystem::path file =
      path.has_parent_path() ? path : std::filesystem::path(".") / path;
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    error = path.string() +
            ": expected a shared library built against stacksim/hal.h; it cannot be loaded: " +
            (why ? why : "unknown error");
    return std::nullopt;
  }
  std::shared_ptr<void> library(handle, [](void* h) { dlclose(h); });
  dlerror();
  void* symbol = dlsym(handle, SSIM_FIRMWARE_ENTRY_NAME);
  if (symbol == nullptr) {
    error = path.string() + ": expected the library to export " SSIM_FIRMWARE_ENTRY_NAME
            "() (a firmware built against stacksim/hal.h); it does not";
    return std::nullopt;
  }
  // POSIX guarantees that a function pointer survives the round trip through
  // void*; the cast through an integer keeps -Wpedantic quiet about it.
  const auto entry =
      reinterpret_cast<ssim_firmware_entry_fn>(reinterpret_cast<std::uintptr_t>(symbol));
  const ssim_firmware* descriptor = entry();
  if (const std::string problem = descriptor_problem(descriptor); !problem.empty()) {
    error = path.string() + ": " + problem;
    return std::nullopt;
  }
  return FirmwareImage{descriptor, std::move(library), path.string(), file_sha256(path)};
}

FirmwareImage builtin_firmware() {
  // The program holding the built-in firmware does not change while it runs.
  static const std::string program_sha256 = file_sha256("/proc/self/exe");
  return FirmwareImage{stacksim_reference_firmware(), nullptr, "built-in", program_sha256};
}

}  // namespace stacksim::sim

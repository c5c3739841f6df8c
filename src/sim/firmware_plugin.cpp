#include "sim/firmware_plugin.hpp"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <cstring>

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

struct NoteSearch {
  std::string hex;
};

// The GNU build ID note of the main program (the linker's hash of its
// contents, `readelf -n` shows it); "" if it was linked without one.
int find_build_id(dl_phdr_info* info, std::size_t, void* data) {
  auto* search = static_cast<NoteSearch*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
    const auto* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note;
      std::memcpy(&note, p, sizeof note);
      const unsigned char* name = p + sizeof note;
      const unsigned char* desc = name + ((note.n_namesz + 3u) & ~3u);
      if (desc + note.n_descsz > end) break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        static const char* digits = "0123456789abcdef";
        for (std::size_t k = 0; k < note.n_descsz; ++k) {
          search->hex += digits[desc[k] >> 4];
          search->hex += digits[desc[k] & 15u];
        }
        return 1;
      }
      p = desc + ((note.n_descsz + 3u) & ~3u);
    }
  }
  return 1;  // only the first object: the program itself
}

std::string program_build_id() {
  NoteSearch search;
  dl_iterate_phdr(find_build_id, &search);
  return search.hex;
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
  return FirmwareImage{descriptor, std::move(library), path.string(), file_sha256(path), ""};
}

FirmwareImage builtin_firmware() {
  // The program holding the built-in firmware is identified by the hash the
  // linker wrote into it, not by hashing the file: a sanitizer build is
  // ~100 MB and every run would pay for it.
  static const std::string build_id = program_build_id();
  return FirmwareImage{stacksim_reference_firmware(), nullptr, "built-in", "", build_id};
}

}  // namespace stacksim::sim

#include "report/html_report.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace stacksim::report {
namespace {

// C stdio rather than iostreams: it says why a write failed (errno).
bool write_file(const std::filesystem::path& path, const std::string& text, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    error = path.string() + ": cannot create: " + std::strerror(errno);
    return false;
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int write_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    error = path.string() + ": cannot write: " + std::strerror(written ? errno : write_errno);
    return false;
  }
  return true;
}

}  // namespace

bool write_html_report(const std::filesystem::path& run_dir, std::string& error) {
  const std::filesystem::path final_path = run_dir / "report.html";
  const std::filesystem::path partial_path = run_dir / "report.html.partial";
  std::error_code ignored;
  const auto fail = [&] {
    std::filesystem::remove(partial_path, ignored);
    std::filesystem::remove(final_path, ignored);
    return false;
  };
  const auto run = read_run(run_dir, error);
  if (!run) return fail();
  if (!write_file(partial_path, render_html(*run), error)) return fail();
  std::error_code ec;
  std::filesystem::rename(partial_path, final_path, ec);
  if (ec) {
    error = final_path.string() + ": cannot rename " + partial_path.filename().string() + ": " + ec.message();
    return fail();
  }
  return true;
}

}  // namespace stacksim::report

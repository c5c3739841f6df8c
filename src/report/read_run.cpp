// read_run(): the two files of a finished run into one RunData.
#include <fstream>

#include "report/run_data.hpp"
#include "report/signals_csv_reader.hpp"
#include "report/summary_json_reader.hpp"

namespace stacksim::report {

std::optional<RunData> read_run(const std::filesystem::path& run_dir, std::string& error) {
  const std::filesystem::path csv_path = run_dir / "signals.csv";
  std::ifstream csv(csv_path, std::ios::binary);
  if (!csv) {
    error = csv_path.string() + ": cannot open the file";
    return std::nullopt;
  }
  auto signals = read_signals_csv(csv, csv_path.string(), error);
  if (!signals) return std::nullopt;

  const std::filesystem::path summary_path = run_dir / "summary.json";
  auto summary = read_summary_json(summary_path, summary_path.string(), error);
  if (!summary) return std::nullopt;
  return RunData{std::move(*signals), std::move(*summary)};
}

}  // namespace stacksim::report

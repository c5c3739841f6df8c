#include "serve/rs485_gateway.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "sim/plant.hpp"

namespace stacksim::serve {

Rs485Gateway::Rs485Gateway(std::string line_name, std::string spec, std::unique_ptr<Rs485Endpoint> endpoint,
                           std::function<std::int64_t()> wall_ns)
    : line_name_(std::move(line_name)), spec_(std::move(spec)), endpoint_(std::move(endpoint)),
      wall_ns_(std::move(wall_ns)) {}

void Rs485Gateway::attach(sim::Plant& plant) {
  for (std::size_t i = 0; i < plant.rs485_line_count(); ++i) {
    if (plant.rs485_line(i).name() == line_name_) {
      attach_line(plant.rs485_line(i));
      return;
    }
  }
  assert(false && "Rs485Gateway bound to a line the plant does not have");
}

void Rs485Gateway::attach_line(bus::Rs485Line& line) {
  line_ = &line;
  assembler_ = BurstAssembler(BurstAssembler::idle_gap_ns(line_->baud(), line_->bits_per_byte()));
  // A corrupted burst goes out as a receiver on the line read it.
  node_ = line_->attach("external:" + spec_, [this](const std::uint8_t* data, std::size_t len, bool, std::int64_t) {
    ++bursts_out_;
    endpoint_->deliver(data, len);
  });
}

void Rs485Gateway::before_step(std::int64_t now_ns, std::int64_t) {
  if (line_ == nullptr) return;
  for (const Rs485Endpoint::Chunk& c : endpoint_->take_received()) {
    assembler_.add(c.bytes.data(), c.bytes.size(), c.wall_ns);
  }
  for (const std::vector<std::uint8_t>& burst : assembler_.take(wall_ns_())) {
    const std::int64_t start_ns = std::max(now_ns, busy_until_ns_);
    if (start_ns - now_ns >= kMaxBacklogNs) {
      ++refused_;
      continue;
    }
    busy_until_ns_ = start_ns + line_->burst_ns(burst.size());
    line_->write(node_, burst.data(), burst.size(), now_ns);
    ++bursts_in_;
  }
}

void Rs485Gateway::finish(sim::RunSummary& summary) {
  if (!summary.serve) summary.serve.emplace();
  sim::ExternalBusReport r;
  r.bus = line_name_;
  r.spec = spec_;
  endpoint_->report(r);
  r.frames_in = bursts_in_;
  r.frames_refused += refused_ + assembler_.dropped();
  r.malformed += assembler_.cut();
  summary.serve->buses.push_back(r);
}

}  // namespace stacksim::serve

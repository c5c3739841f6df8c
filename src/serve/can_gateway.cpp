#include "serve/can_gateway.hpp"

#include <utility>

#include "sim/plant.hpp"

namespace stacksim::serve {

CanGateway::CanGateway(std::string bus_name, std::string spec, std::unique_ptr<CanEndpoint> endpoint)
    : bus_name_(std::move(bus_name)), spec_(std::move(spec)), endpoint_(std::move(endpoint)) {}

void CanGateway::attach(sim::Plant& plant) { attach_bus(plant.pcs_bus()); }

void CanGateway::attach_bus(bus::CanBus& bus) {
  bus_ = &bus;
  node_ = bus_->attach("external:" + spec_, [this](const bus::CanFrame& f, std::int64_t end_ns) {
    ++frames_out_;
    endpoint_->deliver(f, end_ns);
  });
  endpoint_->attached(*bus_, node_);
  bus_->add_tap([this](const bus::CanFrame&, std::int64_t end_ns, std::size_t sender) {
    if (sender == node_) feed(end_ns);
  });
}

void CanGateway::before_step(std::int64_t now_ns, std::int64_t) {
  if (bus_ == nullptr) return;
  for (const bus::CanFrame& f : endpoint_->take_received()) {
    if (!bus::can_frame_valid(f)) {
      ++refused_;
    } else if (backlog_.size() >= kBacklog) {
      ++refused_;
    } else {
      backlog_.push_back(f);
    }
  }
  feed(now_ns);
}

void CanGateway::feed(std::int64_t now_ns) {
  while (!backlog_.empty()) {
    const bus::CanBus::SendResult r = bus_->send(node_, backlog_.front(), now_ns);
    if (r == bus::CanBus::SendResult::kQueueFull) break;  // the rest waits for a place
    if (r == bus::CanBus::SendResult::kQueued) {
      ++frames_in_;
    } else {
      ++refused_;  // bus-off
    }
    backlog_.pop_front();
  }
}

void CanGateway::finish(sim::RunSummary& summary) {
  if (!summary.serve) summary.serve.emplace();
  sim::ExternalBusReport r;
  r.bus = bus_name_;
  r.spec = spec_;
  endpoint_->report(r);
  r.frames_in = frames_in_;
  r.frames_refused += refused_ + backlog_.size();
  summary.serve->buses.push_back(r);
}

}  // namespace stacksim::serve

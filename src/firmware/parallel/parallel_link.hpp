// The link between the packs of a parallel LV system, over the packs' RS485
// link port (ibus framing, docs/parallel.md).
//
// Chain mode (GTX5000, GTX2500; up to 4 packs, Link Out of one to Link In of
// the next): the pack whose start button was held is the master (address 1).
// During its start-up it codes the chain: it drives its Link Out coding line,
// which wakes the next pack, and offers address 2 until that pack takes it;
// the new slave says whether a cable leaves its Link Out, and drives its own
// line once the master offers the next address, and so on. A cable in a Link Out with nobody taking the next address
// (an In/Out swap, as the manual warns) fails the coding of the whole system.
// Then the master polls each slave in turn; the answer is its report to the
// PCS (parallel/unit_report.hpp), which the master merges into the system's. The
// master shuts down after every slave has.
//
// Pair mode (6.5 kWh pack; two packs, RS485 between them, both switched on by
// hand): each pack greets the other with its voltage from power-on. A peer not
// heard within parallel.window_ms of one's own power-on, or more than
// parallel.max_diff_mV apart, is a parallel failure. The pack that hears the
// PCS becomes the master and polls the other.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "parallel/unit_report.hpp"
#include "pcs/pcs_report.hpp"
#include "stacksim/hal.h"

namespace stacksim::fw {

inline constexpr std::size_t kMaxParallelUnits = 8;

struct ParallelConfig {
  enum class Mode : std::uint8_t { kSingle, kChain, kPair };
  // LV packs: RS485 on the link port, the coding lines SSIM_IN/OUT_ADDRESS.
  // GTX3000 BCUs: CAN on the BCU link port (the PCS's bus), the link port's
  // own coding lines (the BCU's ADDRESS pair codes its modules).
  enum class Medium : std::uint8_t { kRs485, kCan };
  Mode mode = Mode::kSingle;
  Medium medium = Medium::kRs485;
  ssim_input adr_in = SSIM_IN_ADDRESS;
  ssim_output adr_out = SSIM_OUT_ADDRESS;
  std::uint32_t unit_timeout_ms = 3000;  // a unit not heard for this long is lost
  std::uint32_t coding_wait_ms = 3000;   // for the next pack to boot and answer
  std::uint32_t poll_period_ms = 100;    // one slave per period
  std::uint8_t max_units = 4;            // chain: the manuals' largest system
  std::uint32_t window_ms = 30000;       // pair: the peer must appear within
  std::int32_t max_diff_mV = 1000;       // pair: voltage difference allowed
};

// One message of the link, whatever the medium carried it.
struct LinkMessage {
  std::uint8_t address = 0;  // target, or the sender of a report
  std::uint8_t function = 0;
  std::uint8_t length = 0;
  std::array<std::uint8_t, plink::kUnitReportBytes> payload{};
};

class ParallelLink {
 public:
  enum class Role : std::uint8_t { kAlone, kMaster, kSlave };
  enum class Coding : std::uint8_t { kIdle, kRunning, kDone, kFailed };

  void configure(const ssim_hal* hal, const ParallelConfig& config, std::uint32_t now_ms);

  // Chain: the pack was booted by its Link In (it is a slave to be coded).
  bool woken_by_link() const { return woken_by_link_; }
  // Chain master: code the chain (from the app's coding phase).
  void start_coding(std::uint32_t now_ms);
  // A master (or a unit alone) starting again while its board stayed powered:
  // code the chain afresh and stop ordering the slaves down.
  void rearm();
  Coding coding() const { return coding_; }

  // Every 10 ms with this pack's own summary.
  void update(std::uint32_t now_ms, const PcsReport& own, std::int32_t own_pack_mV);
  void receive(const std::uint8_t* data, std::size_t len, std::uint32_t now_ms);
  // CAN medium: false if the frame is not a link frame (e.g. the PCS's).
  bool receive_can(const ssim_can_frame& frame, std::uint32_t now_ms);
  void pcs_heard() { pcs_heard_ = true; }

  Role role() const { return role_; }
  std::uint8_t address() const { return address_; }
  std::uint8_t units() const { return units_; }  // coded units, this one included
  const PcsReport& unit(std::size_t address) const { return units_seen_[address]; }
  bool unit_fresh(std::size_t address, std::uint32_t now_ms) const;
  // Slaves whose reports stopped (master), or the master's polls (slave).
  bool link_lost(std::uint32_t now_ms) const;

  // Slave: what the master ordered.
  // Codings the master has finished since power-up: each one orders the
  // slave to start (a restart of the system from the master codes again).
  std::uint32_t start_orders() const { return start_orders_; }
  bool coding_failed_ordered() const { return coding_failed_ordered_; }
  bool shutdown_ordered() const { return shutdown_ordered_; }
  // Master: order every slave down; true once they all are (or are gone).
  void order_shutdown() { shutdown_order_ = true; }
  bool slaves_down(std::uint32_t now_ms) const;

  ParallelConfig::Mode mode() const { return config_.mode; }
  // Pair: the verdict of the power-on rules (kWaiting in the other modes).
  enum class PairVerdict : std::uint8_t { kWaiting, kOk, kFailed };
  PairVerdict pair_verdict() const { return pair_verdict_; }

  std::uint32_t malformed() const { return malformed_; }

 private:
  void send(std::uint8_t address, std::uint8_t function, const std::uint8_t* payload,
            std::uint8_t len);
  void send_can(std::uint8_t address, std::uint8_t function, const std::uint8_t* payload,
                std::uint8_t len);
  void handle(const LinkMessage& m, std::uint32_t now_ms);
  void update_coding(std::uint32_t now_ms);
  void update_pair(std::uint32_t now_ms, std::int32_t own_pack_mV);
  void poll(std::uint32_t now_ms);
  void on_code_next(std::uint8_t offered);
  void finish_coding(bool ok);

  const ssim_hal* hal_ = nullptr;
  ParallelConfig config_;
  Role role_ = Role::kAlone;
  Coding coding_ = Coding::kIdle;
  std::uint8_t address_ = 0;
  std::uint8_t units_ = 1;
  bool woken_by_link_ = false;
  bool pcs_heard_ = false;
  // Chain coding (master).
  std::uint8_t offered_ = 0;
  std::uint32_t offered_since_ms_ = 0, last_offer_ms_ = 0;
  // Slaves (master side) and the master (slave side).
  std::array<PcsReport, kMaxParallelUnits + 1> units_seen_{};
  std::array<std::uint32_t, kMaxParallelUnits + 1> heard_ms_{};
  std::array<bool, kMaxParallelUnits + 1> heard_{};
  std::uint8_t next_poll_ = 2;
  std::uint32_t last_poll_ms_ = 0;
  std::uint32_t master_heard_ms_ = 0;
  bool master_heard_ = false;
  PcsReport own_{};
  std::uint32_t start_orders_ = 0;
  bool coding_failed_ordered_ = false, shutdown_ordered_ = false;
  bool shutdown_order_ = false;
  // Pair.
  std::uint32_t power_on_ms_ = 0, last_hello_ms_ = 0;
  std::int32_t peer_mV_ = 0;
  bool peer_heard_ = false, peer_heard_us_ = false;
  PairVerdict pair_verdict_ = PairVerdict::kWaiting;
  std::uint32_t malformed_ = 0;
  // CAN: reports arrive in 8-byte segments, reassembled per sender.
  std::array<std::array<std::uint8_t, plink::kUnitReportBytes>, kMaxParallelUnits + 1> segments_{};
  std::array<std::uint16_t, kMaxParallelUnits + 1> segment_mask_{};
  std::int32_t own_pack_mV_ = 0;
};

}  // namespace stacksim::fw

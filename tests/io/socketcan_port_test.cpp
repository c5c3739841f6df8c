// SocketcanPort on real kernel CAN interfaces. This host's kernel has no CAN,
// so the cases that need one run inside the User-mode Linux guest of
// tools/uml/run-in-guest.sh (CTest Socketcan.Guest, which sets
// STACKSIM_CAN_GUEST=1 and brings up vcan0, vcan1 and vxcan0 with vxcan1 in
// the network namespace named by STACKSIM_CAN_NETNS). Elsewhere they skip;
// the open errors are checked everywhere.
#include "io/socketcan_port.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include <fcntl.h>
#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <libsocketcan.h>

namespace stacksim::io {
namespace {

bool in_guest() { return std::getenv("STACKSIM_CAN_GUEST") != nullptr; }

#define NEEDS_CAN_GUEST() \
  if (!in_guest()) GTEST_SKIP() << "needs kernel CAN: runs inside the UML guest (CTest Socketcan.Guest)"

// The other node on the interface: a plain raw socket, as candump has.
class Peer {
 public:
  explicit Peer(const char* iface) {
    fd_ = ::socket(AF_CAN, SOCK_RAW, CAN_RAW);
    EXPECT_GE(fd_, 0) << std::strerror(errno);
    sockaddr_can addr{};
    addr.can_family = AF_CAN;
    addr.can_ifindex = static_cast<int>(::if_nametoindex(iface));
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << iface << ": " << std::strerror(errno);
    timeval tv{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Peer() { ::close(fd_); }
  void send(canid_t id, std::initializer_list<std::uint8_t> data, std::uint8_t len = 0xFF) {
    can_frame f{};
    f.can_id = id;
    f.len = len != 0xFF ? len : static_cast<std::uint8_t>(data.size());
    std::copy(data.begin(), data.end(), f.data);
    ASSERT_EQ(::write(fd_, &f, sizeof f), static_cast<ssize_t>(sizeof f)) << std::strerror(errno);
  }
  // Next frame, or can_id 0xFFFFFFFF after 2 s.
  can_frame receive() {
    can_frame f{};
    if (::read(fd_, &f, sizeof f) != static_cast<ssize_t>(sizeof f)) f.can_id = 0xFFFFFFFF;
    return f;
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// Serves the port's I/O until `done` or 2 s.
bool poll_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < end) {
    io.poll();
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// Serves the port until it has received `count` frames or 2 s passed; all it received.
std::vector<bus::CanFrame> take_at_least(boost::asio::io_context& io, SocketcanPort& port, std::size_t count) {
  std::vector<bus::CanFrame> in;
  poll_until(io, [&] {
    for (const auto& f : port.take_received()) in.push_back(f);
    return in.size() >= count;
  });
  return in;
}

std::unique_ptr<SocketcanPort> open_port(boost::asio::io_context& io, const std::string& iface,
                                         std::size_t max_received = 4096) {
  SocketcanPort::Options o;
  o.interface = iface;
  o.max_received = max_received;
  std::string error;
  auto port = SocketcanPort::open(io, o, error);
  EXPECT_TRUE(port) << error;
  return port;
}

TEST(SocketcanPort, OpenErrorsSayWhatIsWrong) {
  boost::asio::io_context io;
  std::string error;
  SocketcanPort::Options o;
  o.interface = "nosuch0";
  EXPECT_FALSE(SocketcanPort::open(io, o, error));
  const int probe = ::socket(AF_CAN, SOCK_RAW, CAN_RAW);
  if (probe < 0) {
    // This host: no CAN in the kernel at all.
    EXPECT_NE(error.find("this kernel has no CAN"), std::string::npos) << error;
    return;
  }
  ::close(probe);
  EXPECT_NE(error.find("no interface nosuch0"), std::string::npos) << error;
  o.interface = "lo";
  EXPECT_FALSE(SocketcanPort::open(io, o, error));
  EXPECT_NE(error.find("lo is not a CAN interface"), std::string::npos) << error;
}

TEST(SocketcanPort, FramesBothWaysStandardExtendedAndRemote) {
  NEEDS_CAN_GUEST();
  boost::asio::io_context io;
  auto port = open_port(io, "vcan0");
  ASSERT_TRUE(port);
  Peer peer("vcan0");

  bus::CanFrame std_frame{0x351, false, false, 8, {0x30, 0x02, 0xF4, 0x01, 0xEE, 0x02, 0xC8, 0x01}};
  bus::CanFrame ext_frame{0x18FF50E5, true, false, 3, {1, 2, 3}};
  bus::CanFrame remote{0x123, false, true, 4, {}};
  bus::CanFrame long_dlc{0x7FF, false, false, 12, {1, 2, 3, 4, 5, 6, 7, 8}};  // DLC 12: 8 bytes on the wire
  for (const auto& f : {std_frame, ext_frame, remote, long_dlc}) port->send(f);
  io.poll();
  can_frame got = peer.receive();
  EXPECT_EQ(got.can_id, 0x351u);
  EXPECT_EQ(got.len, 8);
  EXPECT_EQ(got.data[0], 0x30);
  EXPECT_EQ(got.data[7], 0x01);
  got = peer.receive();
  EXPECT_EQ(got.can_id, 0x18FF50E5u | CAN_EFF_FLAG);
  EXPECT_EQ(got.len, 3);
  EXPECT_EQ(got.data[2], 3);
  got = peer.receive();
  EXPECT_EQ(got.can_id, 0x123u | CAN_RTR_FLAG);
  EXPECT_EQ(got.len, 4);
  got = peer.receive();
  EXPECT_EQ(got.can_id, 0x7FFu);
  EXPECT_EQ(got.len, 8);
  EXPECT_EQ(port->stats().frames_out, 4u);

  peer.send(0x305, {0, 0, 0, 0, 0, 0, 0, 0});
  peer.send(0x1ABCDEF0 | CAN_EFF_FLAG, {0xDE, 0xAD});
  peer.send(0x7FF | CAN_RTR_FLAG, {}, 2);
  peer.send(0x010 | CAN_EFF_FLAG, {});  // extended, below 0x800
  const std::vector<bus::CanFrame> in = take_at_least(io, *port, 4);
  ASSERT_GE(in.size(), 4u);
  EXPECT_EQ(in.size(), 4u) << "the port's own frames must not come back";
  EXPECT_EQ(in[0].id, 0x305u);
  EXPECT_FALSE(in[0].extended);
  EXPECT_EQ(in[0].dlc, 8);
  EXPECT_EQ(in[1].id, 0x1ABCDEF0u);
  EXPECT_TRUE(in[1].extended);
  EXPECT_EQ(in[1].dlc, 2);
  EXPECT_EQ(in[1].data[1], 0xAD);
  EXPECT_TRUE(in[2].rtr);
  EXPECT_EQ(in[2].id, 0x7FFu);
  EXPECT_EQ(in[2].dlc, 2);
  EXPECT_TRUE(in[3].extended);
  EXPECT_EQ(in[3].id, 0x010u);
  EXPECT_EQ(port->stats().frames_in, 4u);
  EXPECT_EQ(port->stats().malformed, 0u);
}

TEST(SocketcanPort, ErrorFramesAreCountedAndMoveTheState) {
  NEEDS_CAN_GUEST();
  boost::asio::io_context io;
  auto port = open_port(io, "vcan0");
  ASSERT_TRUE(port);
  EXPECT_EQ(port->state(), CanControllerState::kUnknown);  // vcan has no controller to ask
  // vcan generates no error frames of its own; another socket can put them
  // on the interface as a controller driver would.
  Peer peer("vcan0");
  peer.send(CAN_ERR_FLAG | CAN_ERR_CRTL, {0, CAN_ERR_CRTL_TX_WARNING, 0, 0, 0, 0, 96, 0}, CAN_ERR_DLC);
  ASSERT_TRUE(poll_until(io, [&] { return port->state() == CanControllerState::kErrorWarning; }));
  peer.send(CAN_ERR_FLAG | CAN_ERR_CRTL, {0, CAN_ERR_CRTL_TX_PASSIVE, 0, 0, 0, 0, 128, 0}, CAN_ERR_DLC);
  ASSERT_TRUE(poll_until(io, [&] { return port->state() == CanControllerState::kErrorPassive; }));
  peer.send(CAN_ERR_FLAG | CAN_ERR_BUSOFF, {0, 0, 0, 0, 0, 0, 0, 0}, CAN_ERR_DLC);
  ASSERT_TRUE(poll_until(io, [&] { return port->state() == CanControllerState::kBusOff; }));
  peer.send(CAN_ERR_FLAG | CAN_ERR_RESTARTED, {0, 0, 0, 0, 0, 0, 0, 0}, CAN_ERR_DLC);
  ASSERT_TRUE(poll_until(io, [&] { return port->state() == CanControllerState::kErrorActive; }));
  peer.send(CAN_ERR_FLAG | CAN_ERR_PROT, {0, 0, CAN_ERR_PROT_BIT, 0, 0, 0, 0, 0}, CAN_ERR_DLC);  // no state change
  ASSERT_TRUE(poll_until(io, [&] { return port->stats().error_frames == 5; }));
  EXPECT_EQ(port->stats().state_changes, 4u);
  EXPECT_TRUE(port->take_received().empty()) << "error frames are not bus traffic";
  EXPECT_EQ(port->stats().frames_in, 0u);
}

TEST(SocketcanPort, WhatWaitsToBeTakenIsBounded) {
  NEEDS_CAN_GUEST();
  boost::asio::io_context io;
  auto port = open_port(io, "vcan0", 4);
  ASSERT_TRUE(port);
  Peer peer("vcan0");
  for (std::uint8_t i = 0; i < 10; ++i) peer.send(0x100 + i, {i});
  ASSERT_TRUE(poll_until(io, [&] { return port->stats().frames_in == 10; }));
  const auto in = port->take_received();
  ASSERT_EQ(in.size(), 4u);
  EXPECT_EQ(in[3].id, 0x103u);
  EXPECT_EQ(port->stats().frames_dropped, 6u);
}

TEST(SocketcanPort, CanFdFramesNeverReachAClassicPort) {
  NEEDS_CAN_GUEST();
  boost::asio::io_context io;
  auto port = open_port(io, "vcan0");
  ASSERT_TRUE(port);
  Peer peer("vcan0");
  const int on = 1;
  ASSERT_EQ(::setsockopt(peer.fd(), SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &on, sizeof on), 0);
  canfd_frame fd{};
  fd.can_id = 0x200;
  fd.len = 64;
  ASSERT_EQ(::write(peer.fd(), &fd, sizeof fd), static_cast<ssize_t>(sizeof fd)) << std::strerror(errno);
  peer.send(0x201, {1});
  const std::vector<bus::CanFrame> in = take_at_least(io, *port, 1);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].id, 0x201u);
}

TEST(SocketcanPort, LibsocketcanOnVcanAnswersWhatItCan) {
  NEEDS_CAN_GUEST();
  boost::asio::io_context io;
  auto port = open_port(io, "vcan0");
  ASSERT_TRUE(port);
  EXPECT_EQ(port->kind(), "vcan");
  port->send(bus::CanFrame{0x351, false, false, 1, {7}});
  io.poll();
  const SocketcanPort::LinkInfo info = port->link_info();
  // vcan has no controller: no state, bit rate or error counters...
  EXPECT_EQ(info.state, CanControllerState::kUnknown);
  EXPECT_FALSE(info.bitrate_bps);
  EXPECT_FALSE(info.tx_errors);
  // ...but link statistics like any interface.
  ASSERT_TRUE(info.tx_packets);
  EXPECT_GE(*info.tx_packets, 1u);

  // A bit rate on vcan is refused, naming the interface.
  SocketcanPort::Options o;
  o.interface = "vcan1";
  o.bitrate_bps = 500000;
  std::string error;
  EXPECT_FALSE(SocketcanPort::open(io, o, error));
  EXPECT_NE(error.find("vcan1 has no bit timing (a vcan interface"), std::string::npos) << error;

  // A stopped interface is refused with what to do about it.
  ASSERT_EQ(can_do_stop("vcan1"), 0);
  o.bitrate_bps = 0;
  EXPECT_FALSE(SocketcanPort::open(io, o, error));
  EXPECT_NE(error.find("vcan1 is down"), std::string::npos) << error;
  ASSERT_EQ(can_do_start("vcan1"), 0);
  EXPECT_TRUE(SocketcanPort::open(io, o, error)) << error;
}

// The kernel's slcan driver, which slcand attached to the pseudo-terminal of a
// running `stacksim serve --bus pcs=slcan:PATH` (tests/socketcan/
// slcand_test.py names it in STACKSIM_CAN_SLCAN). Unlike vcan it has bit
// timing, so this is the path a real USB-CAN adapter takes: the bit rate set
// through libsocketcan, the interface started, its state from the driver.
TEST(SocketcanPort, SlcanInterfaceTakesItsBitrateThroughLibsocketcan) {
  const char* iface = std::getenv("STACKSIM_CAN_SLCAN");
  if (iface == nullptr) GTEST_SKIP() << "STACKSIM_CAN_SLCAN names no slcan interface (tests/socketcan/slcand_test.py)";
  // slcand leaves the interface down: the port has to start it.
  int state = -1;
  ASSERT_EQ(can_get_state(iface, &state), 0) << iface;
  EXPECT_EQ(state, CAN_STATE_STOPPED);

  boost::asio::io_context io;
  SocketcanPort::Options o;
  o.interface = iface;
  o.bitrate_bps = 500000;  // the PCS bus's rate (docs/buses.md); the kernel sends the adapter S6
  std::string error;
  // Nothing from libsocketcan on stderr, where stacksim's start line must
  // come first: the interface has no bit timing before this and slcan no
  // error counters, which libsocketcan would complain about if asked.
  testing::internal::CaptureStderr();
  auto port = SocketcanPort::open(io, o, error);
  const SocketcanPort::LinkInfo info = port ? port->link_info() : SocketcanPort::LinkInfo{};
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ASSERT_TRUE(port) << error;
  EXPECT_EQ(port->kind(), "can");

  // Asked of the kernel directly, not through the port.
  can_bittiming bt{};
  ASSERT_EQ(can_get_bittiming(iface, &bt), 0) << iface;
  EXPECT_EQ(bt.bitrate, 500000u);
  ASSERT_EQ(can_get_state(iface, &state), 0) << iface;
  EXPECT_EQ(state, CAN_STATE_ERROR_ACTIVE);
  // And the port's own view agrees.
  EXPECT_EQ(port->state(), CanControllerState::kErrorActive);
  EXPECT_EQ(info.state, CanControllerState::kErrorActive);
  ASSERT_TRUE(info.bitrate_bps);
  EXPECT_EQ(*info.bitrate_bps, 500000u);
  EXPECT_FALSE(info.tx_errors) << "slcan has no error counters";

  // The same rate again restarts nothing; another one would stop the
  // interface and take the served run's bus away from the inverter.
  EXPECT_TRUE(SocketcanPort::open(io, o, error)) << error;
  ASSERT_EQ(can_get_state(iface, &state), 0);
  EXPECT_EQ(state, CAN_STATE_ERROR_ACTIVE);
}

// vxcan0 here, vxcan1 in another network namespace: a bench in a container.
TEST(SocketcanPort, VxcanPairAcrossNetworkNamespaces) {
  NEEDS_CAN_GUEST();
  const char* netns = std::getenv("STACKSIM_CAN_NETNS");
  if (netns == nullptr) GTEST_SKIP() << "STACKSIM_CAN_NETNS names no namespace holding vxcan1";
  boost::asio::io_context io;
  auto port = open_port(io, "vxcan0");
  ASSERT_TRUE(port);
  // A socket belongs to the namespace of the thread that made it.
  std::unique_ptr<Peer> peer;
  std::thread([&] {
    const int ns = ::open((std::string("/run/netns/") + netns).c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(ns, 0) << std::strerror(errno);
    ASSERT_EQ(::setns(ns, CLONE_NEWNET), 0) << std::strerror(errno);
    ::close(ns);
    EXPECT_EQ(::if_nametoindex("vxcan0"), 0u) << "vxcan0 should not be visible in " << netns;
    peer = std::make_unique<Peer>("vxcan1");
  }).join();
  ASSERT_TRUE(peer);
  port->send(bus::CanFrame{0x35E, false, false, 8, {'P', 'Y', 'L', 'O', 'N', ' ', ' ', ' '}});
  io.poll();
  const can_frame got = peer->receive();
  EXPECT_EQ(got.can_id, 0x35Eu);
  EXPECT_EQ(got.data[0], 'P');
  peer->send(0x305, {0, 0, 0, 0, 0, 0, 0, 0});
  const std::vector<bus::CanFrame> in = take_at_least(io, *port, 1);
  ASSERT_GE(in.size(), 1u);
  EXPECT_EQ(in[0].id, 0x305u);
}

}  // namespace
}  // namespace stacksim::io

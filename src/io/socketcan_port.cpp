#include "io/socketcan_port.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>

#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/netlink.h>
#include <linux/can/raw.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libsocketcan.h>

namespace stacksim::io {

namespace asio = boost::asio;
using raw = asio::generic::raw_protocol;

std::string_view can_controller_state_name(CanControllerState s) {
  switch (s) {
    case CanControllerState::kErrorActive: return "error-active";
    case CanControllerState::kErrorWarning: return "error-warning";
    case CanControllerState::kErrorPassive: return "error-passive";
    case CanControllerState::kBusOff: return "bus-off";
    case CanControllerState::kStopped: return "stopped";
    case CanControllerState::kSleeping: return "sleeping";
    case CanControllerState::kUnknown: break;
  }
  return "unknown";
}

namespace {

CanControllerState from_kernel_state(int s) {
  switch (s) {
    case CAN_STATE_ERROR_ACTIVE: return CanControllerState::kErrorActive;
    case CAN_STATE_ERROR_WARNING: return CanControllerState::kErrorWarning;
    case CAN_STATE_ERROR_PASSIVE: return CanControllerState::kErrorPassive;
    case CAN_STATE_BUS_OFF: return CanControllerState::kBusOff;
    case CAN_STATE_STOPPED: return CanControllerState::kStopped;
    case CAN_STATE_SLEEPING: return CanControllerState::kSleeping;
    default: return CanControllerState::kUnknown;
  }
}

// An ioctl on a throwaway socket of any family the kernel has.
bool interface_flags(const std::string& name, short& flags, int& hw_type) {
  const int fd = ::socket(AF_CAN, SOCK_RAW, CAN_RAW);
  if (fd < 0) return false;
  ifreq req{};
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  bool ok = ::ioctl(fd, SIOCGIFFLAGS, &req) == 0;
  if (ok) flags = req.ifr_flags;
  ok = ok && ::ioctl(fd, SIOCGIFHWADDR, &req) == 0;
  if (ok) hw_type = req.ifr_hwaddr.sa_family;
  ::close(fd);
  return ok;
}

// What rtnetlink says of the interface. libsocketcan prints on stderr, ahead
// of stacksim's own start line, whenever it finds no answer: "no link data
// found" for any kind but "can", "no bittiming data found" for a controller
// whose bit rate was never set (the kernel leaves the bit timing out until
// then), "no berr_counter data found" for a driver without error counters.
// So what is there is read here first, and libsocketcan asked only for that.
struct LinkDescription {
  std::string kind;                 // "can" (a controller on can-dev), "vcan", "vxcan"; "" if unreadable
  std::uint32_t bitrate_bps = 0;    // 0: no bit timing reported
  bool has_error_counters = false;  // the driver reports them (slcan does not)
};

LinkDescription describe_link(unsigned index) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return {};
  struct {
    nlmsghdr header;
    ifinfomsg info;
  } request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = RTM_GETLINK;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.info.ifi_family = AF_UNSPEC;
  request.info.ifi_index = static_cast<int>(index);
  // The attribute macros of linux/rtnetlink.h cast C-style; walk by offsets.
  const auto attribute = [](const char* at, std::size_t left, unsigned short type, std::size_t& length) -> const char* {
    while (left >= sizeof(rtattr)) {
      rtattr a;
      std::memcpy(&a, at, sizeof a);
      if (a.rta_len < sizeof a || a.rta_len > left) return nullptr;
      if (a.rta_type == type) {
        length = a.rta_len - RTA_ALIGN(sizeof a);
        return at + RTA_ALIGN(sizeof a);
      }
      const std::size_t step = std::min<std::size_t>(RTA_ALIGN(a.rta_len), left);
      at += step;
      left -= step;
    }
    return nullptr;
  };
  LinkDescription link;
  std::array<char, 8192> reply{};
  if (::send(fd, &request, sizeof request, 0) == static_cast<ssize_t>(sizeof request)) {
    const ssize_t n = ::recv(fd, reply.data(), reply.size(), 0);
    nlmsghdr h{};
    if (n >= static_cast<ssize_t>(sizeof h)) std::memcpy(&h, reply.data(), sizeof h);
    const std::size_t header = NLMSG_ALIGN(sizeof h) + NLMSG_ALIGN(sizeof(ifinfomsg));
    if (h.nlmsg_type == RTM_NEWLINK && h.nlmsg_len <= static_cast<std::size_t>(n) && h.nlmsg_len > header) {
      std::size_t info_length = 0, kind_length = 0, data_length = 0, timing_length = 0;
      const char* info = attribute(reply.data() + header, h.nlmsg_len - header, IFLA_LINKINFO, info_length);
      const char* k = info ? attribute(info, info_length, IFLA_INFO_KIND, kind_length) : nullptr;
      if (k != nullptr) link.kind.assign(k, strnlen(k, kind_length));
      const char* data = info ? attribute(info, info_length, IFLA_INFO_DATA, data_length) : nullptr;
      const char* timing = data ? attribute(data, data_length, IFLA_CAN_BITTIMING, timing_length) : nullptr;
      if (timing != nullptr && timing_length >= sizeof(can_bittiming)) {
        can_bittiming bt;
        std::memcpy(&bt, timing, sizeof bt);
        link.bitrate_bps = bt.bitrate;
      }
      std::size_t counters_length = 0;
      link.has_error_counters = data && attribute(data, data_length, IFLA_CAN_BERR_COUNTER, counters_length);
    }
  }
  ::close(fd);
  return link;
}

// Stops the interface, sets its bit rate and starts it again: the kernel
// refuses new bit timing on a running controller.
// A controller whose bit rate was never set (a fresh USB adapter, slcan0
// straight from slcand) reports no bit timing yet, and takes one all the same.
bool set_bitrate(const std::string& name, const LinkDescription& link, std::uint32_t bitrate_bps,
                 std::string& error) {
  if (link.kind != "can") {
    error = "socketcan:" + name + "@" + std::to_string(bitrate_bps) + ": " + name + " has no bit timing (" +
            (link.kind.empty() ? std::string("not a CAN controller") : "a " + link.kind + " interface") +
            "; a virtual interface such as vcan or vxcan has no bit rate): drop @" + std::to_string(bitrate_bps);
    return false;
  }
  if (link.bitrate_bps == bitrate_bps) return true;  // nothing to change, no restart
  const auto fail = [&](const char* step) {
    error = "socketcan:" + name + "@" + std::to_string(bitrate_bps) + ": " + step + " " + name + " failed: " +
            std::strerror(errno) + (errno == EPERM ? " (setting the bit rate needs CAP_NET_ADMIN)" : "");
    return false;
  };
  if (can_do_stop(name.c_str()) != 0) return fail("stopping");
  if (can_set_bitrate(name.c_str(), bitrate_bps) != 0) {
    const int e = errno;
    can_do_start(name.c_str());  // leave it as we found it
    errno = e;
    return fail("setting the bit rate of");
  }
  if (can_do_start(name.c_str()) != 0) return fail("starting");
  return true;
}

}  // namespace

SocketcanPort::SocketcanPort(asio::io_context& io, Options options)
    : options_(std::move(options)), socket_(io), retry_(io) {}

SocketcanPort::~SocketcanPort() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  retry_.cancel();
}

std::unique_ptr<SocketcanPort> SocketcanPort::open(asio::io_context& io, const Options& options, std::string& error) {
  const std::string& name = options.interface;
  const std::string what = "socketcan:" + name;
  std::unique_ptr<SocketcanPort> port(new SocketcanPort(io, options));
  boost::system::error_code ec;
  port->socket_.open(raw(PF_CAN, CAN_RAW), ec);
  if (ec) {
    error = what + ": cannot open a CAN socket: " + ec.message() +
            (ec.value() == EAFNOSUPPORT ? " (this kernel has no CAN; see docs/serve.md, \"Testing SocketCAN here\")"
                                        : "");
    return nullptr;
  }
  const unsigned index = ::if_nametoindex(name.c_str());
  if (index == 0) {
    error = what + ": no interface " + name + " (ip link add dev " + name + " type vcan, or plug in the adapter)";
    return nullptr;
  }
  short flags = 0;
  int hw_type = 0;
  if (!interface_flags(name, flags, hw_type)) {
    error = what + ": cannot read the flags of " + name + ": " + std::strerror(errno);
    return nullptr;
  }
  if (hw_type != ARPHRD_CAN) {
    error = what + ": " + name + " is not a CAN interface";
    return nullptr;
  }
  const LinkDescription link = describe_link(index);
  port->kind_ = link.kind;
  if (options.bitrate_bps != 0) {
    if (!set_bitrate(name, link, options.bitrate_bps, error)) return nullptr;
  } else if ((flags & IFF_UP) == 0) {
    error = what + ": " + name + " is down (ip link set " + name + " up, or give a bit rate: socketcan:" + name +
            "@500000)";
    return nullptr;
  }
  const int fd = port->socket_.native_handle();
  // Every error class: the controller's state changes come as error frames.
  const can_err_mask_t err_mask = CAN_ERR_MASK;
  if (::setsockopt(fd, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &err_mask, sizeof err_mask) != 0) {
    error = what + ": cannot enable error frames: " + std::strerror(errno);
    return nullptr;
  }
  sockaddr_can addr{};
  addr.can_family = AF_CAN;
  addr.can_ifindex = static_cast<int>(index);
  port->socket_.bind(raw::endpoint(&addr, sizeof addr, CAN_RAW), ec);
  if (ec) {
    error = what + ": cannot bind to " + name + ": " + ec.message();
    return nullptr;
  }
  port->socket_.non_blocking(true, ec);
  // Start from what the driver says, where it says anything (not on vcan).
  int kernel_state = 0;
  if (port->kind_ == "can" && can_get_state(name.c_str(), &kernel_state) == 0) {
    port->state_ = from_kernel_state(kernel_state);
  }
  port->receive();
  return port;
}

void SocketcanPort::receive() {
  socket_.async_receive(asio::buffer(in_), [this](const boost::system::error_code& ec, std::size_t n) {
    if (ec == asio::error::operation_aborted) return;  // closed: `this` may be gone
    if (ec) {
      // ENETDOWN and the like: count it and keep listening, the interface may come back.
      ++stats_.malformed;
    } else {
      on_frame(in_, n);
    }
    receive();
  });
}

void SocketcanPort::on_frame(const std::array<std::uint8_t, 128>& raw_bytes, std::size_t n) {
  if (n != sizeof(can_frame)) {
    ++stats_.malformed;
    return;
  }
  can_frame f;
  std::memcpy(&f, raw_bytes.data(), sizeof f);
  if (f.can_id & CAN_ERR_FLAG) {
    on_error_frame(f.can_id, f.data);
    return;
  }
  if (f.len > CAN_MAX_DLEN) {
    ++stats_.malformed;
    return;
  }
  bus::CanFrame out;
  out.extended = (f.can_id & CAN_EFF_FLAG) != 0;
  out.rtr = (f.can_id & CAN_RTR_FLAG) != 0;
  out.id = f.can_id & (out.extended ? CAN_EFF_MASK : CAN_SFF_MASK);
  out.dlc = f.len;
  if (f.len == CAN_MAX_DLEN && f.len8_dlc > CAN_MAX_DLEN && f.len8_dlc <= CAN_MAX_RAW_DLC) out.dlc = f.len8_dlc;
  if (!out.rtr) std::memcpy(out.data.data(), f.data, f.len);
  ++stats_.frames_in;
  if (received_.size() >= options_.max_received) {
    ++stats_.frames_dropped;
    return;
  }
  received_.push_back(out);
}

// linux/can/error.h: the class is in the identifier, details in the data.
void SocketcanPort::on_error_frame(std::uint32_t can_id, const std::uint8_t* data) {
  ++stats_.error_frames;
  if (can_id & CAN_ERR_BUSOFF) return set_state(CanControllerState::kBusOff, "bus-off");
  if (can_id & CAN_ERR_RESTARTED) return set_state(CanControllerState::kErrorActive, "controller restarted");
  if (can_id & CAN_ERR_CRTL) {
    const std::uint8_t c = data[1];
    if (c & (CAN_ERR_CRTL_RX_PASSIVE | CAN_ERR_CRTL_TX_PASSIVE)) {
      return set_state(CanControllerState::kErrorPassive, "error counter reached 128");
    }
    if (c & (CAN_ERR_CRTL_RX_WARNING | CAN_ERR_CRTL_TX_WARNING)) {
      return set_state(CanControllerState::kErrorWarning, "error counter reached 96");
    }
    if (c & CAN_ERR_CRTL_ACTIVE) return set_state(CanControllerState::kErrorActive, "recovered");
  }
}

void SocketcanPort::set_state(CanControllerState s, std::string_view why) {
  if (s == state_) return;
  std::fprintf(stderr, "stacksim: socketcan %s: %.*s -> %.*s (%.*s)\n", options_.interface.c_str(),
               static_cast<int>(can_controller_state_name(state_).size()), can_controller_state_name(state_).data(),
               static_cast<int>(can_controller_state_name(s).size()), can_controller_state_name(s).data(),
               static_cast<int>(why.size()), why.data());
  state_ = s;
  ++stats_.state_changes;
}

std::vector<bus::CanFrame> SocketcanPort::take_received() { return std::exchange(received_, {}); }

void SocketcanPort::send(const bus::CanFrame& frame) {
  if (pending_.empty() && write_now(frame)) return;
  if (pending_.size() >= options_.max_pending) {
    ++stats_.frames_dropped;
    return;
  }
  pending_.push_back(frame);
  flush_pending();
}

bool SocketcanPort::write_now(const bus::CanFrame& frame) {
  can_frame f{};
  f.can_id = frame.id | (frame.extended ? CAN_EFF_FLAG : 0u) | (frame.rtr ? CAN_RTR_FLAG : 0u);
  f.len = static_cast<std::uint8_t>(frame.dlc > CAN_MAX_DLEN ? CAN_MAX_DLEN : frame.dlc);
  if (frame.dlc > CAN_MAX_DLEN) f.len8_dlc = frame.dlc;
  if (!frame.rtr) std::memcpy(f.data, frame.data.data(), f.len);
  const ssize_t n = ::send(socket_.native_handle(), &f, sizeof f, MSG_DONTWAIT);
  if (n == static_cast<ssize_t>(sizeof f)) {
    ++stats_.frames_out;
    return true;
  }
  // The interface's queue is full (ENOBUFS from its qdisc): wait for room.
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) return false;
  ++stats_.frames_dropped;  // ENETDOWN, bus-off and the like: this frame is lost
  return true;
}

void SocketcanPort::flush_pending() {
  while (!pending_.empty() && write_now(pending_.front())) pending_.pop_front();
  if (pending_.empty() || waiting_to_write_) return;
  // A full qdisc answers ENOBUFS and the socket still polls writable, so
  // waiting for writability would spin: retry after a frame time or so.
  waiting_to_write_ = true;
  retry_.expires_after(std::chrono::milliseconds(1));
  retry_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;  // closed: `this` may be gone
    waiting_to_write_ = false;
    flush_pending();
  });
}

SocketcanPort::LinkInfo SocketcanPort::link_info() const {
  const char* name = options_.interface.c_str();
  LinkInfo info;
  rtnl_link_stats64 ls{};
  if (can_get_link_stats(name, &ls) == 0) {
    info.rx_packets = ls.rx_packets;
    info.tx_packets = ls.tx_packets;
    info.rx_dropped = ls.rx_dropped;
    info.tx_dropped = ls.tx_dropped;
  }
  if (kind_ != "can") return info;  // no controller to ask (vcan, vxcan)
  const LinkDescription link = describe_link(::if_nametoindex(name));
  int s = 0;
  if (can_get_state(name, &s) == 0) info.state = from_kernel_state(s);
  can_bittiming bt{};
  if (link.bitrate_bps != 0 && can_get_bittiming(name, &bt) == 0 && bt.bitrate != 0) info.bitrate_bps = bt.bitrate;
  can_berr_counter bc{};
  if (link.has_error_counters && can_get_berr_counter(name, &bc) == 0) {
    info.tx_errors = bc.txerr;
    info.rx_errors = bc.rxerr;
  }
  return info;
}

}  // namespace stacksim::io

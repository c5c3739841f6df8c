// The external ends of a CAN bus, one function per transport kind
// (bus/transport.hpp): each opens its endpoint from the parsed spec or says
// why it cannot (error set, null returned). serve.cpp picks by spec.kind.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "bus/transport.hpp"
#include "serve/can_gateway.hpp"
#include "serve/rs485_gateway.hpp"

namespace stacksim::serve {

// socketcand:ADDRESS:PORT (io/socketcand_server.hpp).
std::unique_ptr<CanEndpoint> open_socketcand(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                             std::string& error);

// socketcan:IFACE[@BITRATE] (io/socketcan_port.hpp).
std::unique_ptr<CanEndpoint> open_socketcan(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                            std::string& error);

// slcan:PATH (io/slcan_pty.hpp).
std::unique_ptr<CanEndpoint> open_slcan(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                        std::string& error);

// The external ends of an RS485 line (serve/rs485_endpoint.cpp, io/tty.hpp):
// pty:PATH and serial:DEVICE@BAUD. wall_ns stamps what is read.
std::unique_ptr<Rs485Endpoint> open_pty(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                        std::function<std::int64_t()> wall_ns, std::string& error);
std::unique_ptr<Rs485Endpoint> open_serial(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                           std::function<std::int64_t()> wall_ns, std::string& error);

}  // namespace stacksim::serve

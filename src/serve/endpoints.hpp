// The external ends of a CAN bus, one function per transport kind
// (bus/transport.hpp): each opens its endpoint from the parsed spec or says
// why it cannot (error set, null returned). serve.cpp picks by spec.kind.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "bus/transport.hpp"
#include "serve/can_gateway.hpp"

namespace stacksim::serve {

// socketcand:ADDRESS:PORT (io/socketcand_server.hpp).
std::unique_ptr<CanEndpoint> open_socketcand(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                             std::string& error);

// socketcan:IFACE[@BITRATE] (io/socketcan_port.hpp).
std::unique_ptr<CanEndpoint> open_socketcan(boost::asio::io_context& io, const bus::TransportSpec& spec,
                                            std::string& error);

}  // namespace stacksim::serve

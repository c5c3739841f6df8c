// Feeds text to a codec's parser (SocketcandParser, SlcanParser) in one call
// or a byte at a time, as reads may cut it, and collects what it parses.
#pragma once

#include <string>
#include <vector>

namespace stacksim::io {

template <typename Parser>
std::vector<typename Parser::Command> feed_all(Parser& p, const std::string& text, bool byte_by_byte = false) {
  std::vector<typename Parser::Command> out;
  const auto on = [&](const typename Parser::Command& c) { out.push_back(c); };
  if (byte_by_byte) {
    for (char c : text) p.feed(&c, 1, on);
  } else {
    p.feed(text.data(), text.size(), on);
  }
  return out;
}

}  // namespace stacksim::io

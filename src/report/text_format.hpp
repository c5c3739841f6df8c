// Text the report writes: numbers with a fixed number of decimals (to_chars,
// so no locale can change a byte of the page), HTML escaping of everything
// taken from the run's files, and simulated instants as "1h2m3s".
#pragma once

#include <string>
#include <string_view>

namespace stacksim::report {

// `value` with exactly `decimals` digits after the point; "-0.0" is written
// "0.0" so that rounding noise around zero gives the same bytes.
std::string fixed(double value, int decimals);

// Appends `text` with & < > " ' replaced by entities: safe in element content
// and in attribute values alike.
void append_escaped(std::string& out, std::string_view text);
std::string html_escape(std::string_view text);

// A simulated instant or span as util/quantity's duration text ("1h2m3s500ms"),
// rounded to the millisecond (signals.csv's resolution).
std::string format_time_s(double seconds);

}  // namespace stacksim::report

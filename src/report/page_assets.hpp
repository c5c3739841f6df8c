// The page's inline stylesheet and script: constants, so the report needs
// nothing from the network or the disk to open. The script only adds hover
// read-outs; every chart is complete without it.
#pragma once

#include <string_view>

namespace stacksim::report {

std::string_view page_style();
std::string_view page_script();

}  // namespace stacksim::report

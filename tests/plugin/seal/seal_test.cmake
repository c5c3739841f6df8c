# The firmware seal (cmake/firmware_seal.cmake) must refuse what would let
# firmware reach past the HAL, and accept the real src/firmware.
#
#   cmake -DSEAL=cmake/firmware_seal.cmake -DFIRMWARE_DIR=src/firmware
#         -DHAL_INCLUDE=src/hal/include -DWORK=<scratch dir> -P seal_test.cmake
#
# Each case runs stacksim_firmware_seal in a fresh CMake process (it stops at
# the first FATAL_ERROR): the include rules in script mode, the link rule in a
# configure of a throwaway project. A case names the message it expects, so a
# seal that fails for another reason fails the test too.
cmake_minimum_required(VERSION 3.25)
foreach(var SEAL FIRMWARE_DIR HAL_INCLUDE WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "seal_test.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(failures "")

# A throwaway source tree: WORK/<name>/src/firmware holding `text` in fw.cpp
# beside a header of its own, and src/sim/run.hpp and src/physics/system.hpp
# beside it, so that paths out of the firmware reach files that exist (as they
# do in the real tree).
function(make_tree name text)
  set(root ${WORK}/${name})
  file(WRITE ${root}/src/sim/run.hpp "#pragma once\n")
  file(WRITE ${root}/src/physics/system.hpp "#pragma once\n")
  file(WRITE ${root}/src/firmware/core/own.hpp "#pragma once\n")
  file(WRITE ${root}/src/firmware/fw.cpp "${text}")
endfunction()

# Runs the seal's include rules on `dir` in script mode.
function(seal_includes name dir out_result out_text)
  set(script ${WORK}/${name}.cmake)
  file(WRITE ${script} "include(${SEAL})\nstacksim_firmware_seal(${dir})\nmessage(STATUS \"sealed\")\n")
  execute_process(COMMAND ${CMAKE_COMMAND} -P ${script}
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${out_result} ${result} PARENT_SCOPE)
  set(${out_text} "${out}${err}" PARENT_SCOPE)
endfunction()

function(expect_refused name text expected)
  make_tree(${name} "${text}")
  seal_includes(${name} ${WORK}/${name}/src/firmware result output)
  string(FIND "${output}" "${expected}" at)
  if(result EQUAL 0 OR at EQUAL -1)
    set(failures "${failures}\n- ${name}: expected the seal to refuse with \"${expected}\"; exit ${result}:\n${output}" PARENT_SCOPE)
  else()
    message(STATUS "refused as expected: ${name}")
  endif()
endfunction()

function(expect_accepted name dir)
  seal_includes(${name} ${dir} result output)
  if(NOT result EQUAL 0 OR NOT output MATCHES "sealed")
    set(failures "${failures}\n- ${name}: expected the seal to accept ${dir}; exit ${result}:\n${output}" PARENT_SCOPE)
  else()
    message(STATUS "accepted as expected: ${name}")
  endif()
endfunction()

# --- include rules ---------------------------------------------------------
set(fw_file "src/firmware/fw.cpp")
expect_refused(physics "#include \"physics/system.hpp\"\n"
  "${fw_file}: #include \"physics/system.hpp\": expected stacksim/hal.h or a header of src/firmware")
expect_refused(json "#include <cstdint>\n#include <nlohmann/json.hpp>\n"
  "${fw_file}: #include <nlohmann/json.hpp>: expected one of the standard headers a bare-metal target has")
# Standard, but not for firmware: a clock, threads, files, the operating system.
expect_refused(chrono "#include <chrono>\n"
  "${fw_file}: #include <chrono>: expected one of the standard headers a bare-metal target has")
expect_refused(thread "#include <thread>\n"
  "${fw_file}: #include <thread>: expected one of the standard headers")
expect_refused(fstream "#include <fstream>\n"
  "${fw_file}: #include <fstream>: expected one of the standard headers")
expect_refused(unistd "#include <unistd.h>\n"
  "${fw_file}: #include <unistd.h>: expected one of the standard headers")
expect_refused(parent "#include \"../sim/run.hpp\"\n"
  "${fw_file}: #include \"../sim/run.hpp\": no paths out of src/firmware")
expect_refused(parent_via_own "#include \"core/../../physics/system.hpp\"\n"
  "${fw_file}: #include \"core/../../physics/system.hpp\": no paths out of src/firmware")
expect_refused(macro "#include FIRMWARE_CONFIG\n"
  "${fw_file}: '#include FIRMWARE_CONFIG': expected #include \"...\" or <...>")
expect_refused(indented "  #  include \"physics/system.hpp\"\n"
  "#include \"physics/system.hpp\": expected stacksim/hal.h")

# The controls: what firmware may include passes in the same throwaway tree,
# and the real firmware passes.
make_tree(allowed "#include <cstdint>\n#include <string.h>\n#include \"stacksim/hal.h\"\n#include \"core/own.hpp\"\n")
expect_accepted(allowed ${WORK}/allowed/src/firmware)
expect_accepted(real_firmware ${FIRMWARE_DIR})

# --- link rule: a configure of a throwaway project --------------------------
function(configure_project name link expected)
  set(root ${WORK}/${name})
  file(WRITE ${root}/firmware/fw.c "#include \"stacksim/hal.h\"\nint fw_placeholder(void) { return SSIM_OK; }\n")
  file(WRITE ${root}/CMakeLists.txt "cmake_minimum_required(VERSION 3.25)
project(seal_${name} LANGUAGES C)
add_library(stacksim_hal INTERFACE)
target_include_directories(stacksim_hal INTERFACE ${HAL_INCLUDE})
add_library(stacksim_pure STATIC IMPORTED)
add_library(fw STATIC firmware/fw.c)
target_link_libraries(fw PRIVATE ${link})
include(${SEAL})
stacksim_firmware_seal(\${CMAKE_CURRENT_SOURCE_DIR}/firmware TARGETS fw ALLOWED_LINKS stacksim_hal)
")
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${root} -B ${root}/build
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(output "${out}${err}")
  if(expected STREQUAL "")
    if(NOT result EQUAL 0)
      set(failures "${failures}\n- ${name}: expected the configure to pass; exit ${result}:\n${output}" PARENT_SCOPE)
    else()
      message(STATUS "accepted as expected: ${name}")
    endif()
  else()
    string(FIND "${output}" "${expected}" at)
    if(result EQUAL 0 OR at EQUAL -1)
      set(failures "${failures}\n- ${name}: expected the configure to fail with \"${expected}\"; exit ${result}:\n${output}" PARENT_SCOPE)
    else()
      message(STATUS "refused as expected: ${name}")
    endif()
  endif()
endfunction()

configure_project(links_pure "stacksim_hal stacksim_pure"
  "target fw links stacksim_pure: firmware may link only stacksim_hal")
configure_project(links_libm "stacksim_hal m"
  "target fw links m: firmware may link only stacksim_hal")
configure_project(links_hal "stacksim_hal" "")

if(failures)
  message(FATAL_ERROR "The firmware seal did not behave:${failures}")
endif()
message(STATUS "firmware seal: every case behaved")

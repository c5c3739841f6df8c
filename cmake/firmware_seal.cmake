# stacksim_firmware_seal(DIR TARGETS t... ALLOWED_LINKS l...)
#
# Firmware must see hardware only through the HAL (design.md, seam 1). This
# makes that a build rule rather than a convention:
#  - every #include "..." in DIR must name a file under DIR or stacksim/hal.h;
#  - every #include <...> must be one of the standard headers a bare-metal
#    target has (kFirmwareStdHeaders): nothing that reads a clock, starts a
#    thread, opens a file or talks to an operating system, and no third-party
#    library (<chrono>, <thread>, <fstream>, <unistd.h>, <boost/...> are refused);
#  - the targets may link only the allowed libraries;
#  - the targets' include path is only DIR and the HAL's (set by the caller).
# A violation stops the configure step with the file and line.
# if(IN_LIST) also when this file is used from a script (cmake -P).
cmake_policy(SET CMP0057 NEW)

set(kFirmwareStdHeaders
  # C
  assert.h limits.h stdbool.h stddef.h stdint.h string.h stdlib.h
  # C++ (freestanding-friendly: no clocks, threads, streams or files)
  algorithm array bit cassert climits cstddef cstdint cstdlib cstring iterator limits new
  numeric optional type_traits utility)

function(stacksim_firmware_seal dir)
  cmake_parse_arguments(S "" "" "TARGETS;ALLOWED_LINKS" ${ARGN})
  file(GLOB_RECURSE sources LIST_DIRECTORIES false
       ${dir}/*.c ${dir}/*.cpp ${dir}/*.h ${dir}/*.hpp)
  set(problems "")
  foreach(source IN LISTS sources)
    file(STRINGS ${source} lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS lines)
      if(line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
        set(name ${CMAKE_MATCH_1})
        if(NOT name STREQUAL "stacksim/hal.h" AND NOT EXISTS ${dir}/${name})
          list(APPEND problems "${source}: #include \"${name}\": expected stacksim/hal.h or a header of src/firmware")
        elseif(name MATCHES "\\.\\.")
          list(APPEND problems "${source}: #include \"${name}\": no paths out of src/firmware")
        endif()
      elseif(line MATCHES "#[ \t]*include[ \t]*<([^>]+)>")
        set(name ${CMAKE_MATCH_1})  # the next MATCHES clears CMAKE_MATCH_1
        if(NOT name IN_LIST kFirmwareStdHeaders)
          list(APPEND problems "${source}: #include <${name}>: expected one of the standard headers a bare-metal target has (${kFirmwareStdHeaders})")
        endif()
      else()
        list(APPEND problems "${source}: '${line}': expected #include \"...\" or <...>")
      endif()
    endforeach()
  endforeach()
  foreach(target IN LISTS S_TARGETS)
    foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(links ${target} ${property})
      if(links)
        foreach(link IN LISTS links)
          # A static library's private links reach its users as $<LINK_ONLY:x>.
          string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
          if(NOT link IN_LIST S_ALLOWED_LINKS)
            list(APPEND problems "target ${target} links ${link}: firmware may link only ${S_ALLOWED_LINKS}")
          endif()
        endforeach()
      endif()
    endforeach()
  endforeach()
  if(problems)
    list(JOIN problems "\n  " text)
    message(FATAL_ERROR "The firmware seal is broken:\n  ${text}")
  endif()
endfunction()

# Warnings are errors for the project's own code only; third-party headers come
# in as SYSTEM includes from Debian's packages.
function(stacksim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual>
    -Wshadow -Wconversion -Wno-sign-conversion)
endfunction()

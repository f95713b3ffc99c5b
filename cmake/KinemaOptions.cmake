# Compiler options shared by Kinema's own targets.

add_library(kinema_options INTERFACE)
target_compile_options(kinema_options INTERFACE -Wall -Wextra -Wno-unused-parameter)
target_include_directories(kinema_options INTERFACE ${CMAKE_SOURCE_DIR}/src)
target_compile_definitions(kinema_options INTERFACE KINEMA_VERSION="${PROJECT_VERSION}")

# Targets that include <torch/torch.h> share one precompiled header (a torch TU takes ~15 s without it).
function(kinema_use_torch_pch target)
  if(TARGET kinema_torch_pch)
    target_precompile_headers(${target} REUSE_FROM kinema_torch_pch)
  endif()
endfunction()

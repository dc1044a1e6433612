# The one place that pins the LLVM version (19.1.x from Debian) and says how
# libsky links it: the shared libLLVM-19, which links in about a second and
# runs as fast as a static link (see docs/ARCHITECTURE.md).
find_package(LLVM 19.1 REQUIRED CONFIG
  HINTS /usr/lib/llvm-19/lib/cmake/llvm /usr/lib/llvm-19)
if(NOT LLVM_VERSION_MAJOR EQUAL 19)
  message(FATAL_ERROR "Sky needs LLVM 19 (found ${LLVM_PACKAGE_VERSION})")
endif()
message(STATUS "LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")
add_library(sky_llvm INTERFACE)
target_include_directories(sky_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(sky_llvm INTERFACE ${LLVM_DEFINITIONS_LIST})
target_link_directories(sky_llvm INTERFACE ${LLVM_LIBRARY_DIR})
target_link_libraries(sky_llvm INTERFACE LLVM-19)

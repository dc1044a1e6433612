# bench_server: requests per second through skyd over loopback (16
# connections, pipelined; PING and a trivial statement). Runs the skyd of
# this build tree unless --skyd names another.
if(TARGET skyd)
  add_executable(bench_server ${CMAKE_CURRENT_LIST_DIR}/bench_server.c)
  target_link_libraries(bench_server PRIVATE Threads::Threads)
  target_include_directories(bench_server PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_compile_definitions(bench_server PRIVATE SKYD_PATH="$<TARGET_FILE:skyd>")
  add_dependencies(bench_server skyd)
endif()

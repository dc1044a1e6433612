# bench_jit: events/s of the compiled scans of the reference queries Q1-Q5,
# compile time and cache-hit cost (see the file's header).
add_executable(bench_jit ${CMAKE_CURRENT_LIST_DIR}/bench_jit.c ${CMAKE_SOURCE_DIR}/tests/jit/jit_fixture.c)
target_include_directories(bench_jit PRIVATE ${CMAKE_SOURCE_DIR}/tests/jit)
target_link_libraries(bench_jit PRIVATE sky)

# bench_load: generation, parse (1 and 2 threads, streamed) and durable LOAD
# throughput on generator data.
add_executable(bench_load ${CMAKE_CURRENT_LIST_DIR}/bench_load.c)
target_link_libraries(bench_load PRIVATE sky)

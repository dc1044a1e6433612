# bench_queries: the headline numbers end to end (generator -> LOAD ->
# Q1-Q5 on 1 and all threads, interpreter, compile times, through skyd).
add_executable(bench_queries ${CMAKE_CURRENT_LIST_DIR}/bench_queries.c)
target_link_libraries(bench_queries PRIVATE sky)

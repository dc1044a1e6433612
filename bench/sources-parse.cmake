# bench_parse: parse, parse + bind and parse + bind + EXPLAIN of the five
# benchmark queries, µs per statement.
add_executable(bench_parse ${CMAKE_CURRENT_LIST_DIR}/bench_parse.c)
target_link_libraries(bench_parse PRIVATE sky)

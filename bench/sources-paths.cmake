# bench_paths: the path statements (FUNNEL) on the peers' benchmark file
# (bench/paths.sh builds it from ../shared/bench/gen_events.c).
add_executable(bench_paths ${CMAKE_CURRENT_LIST_DIR}/bench_paths.c)
target_link_libraries(bench_paths PRIVATE sky)

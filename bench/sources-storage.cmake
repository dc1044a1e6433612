# bench_storage: LOAD speed, bytes per event, decode throughput, compaction
# and INSERT group commit on data of the reference shape.
add_executable(bench_storage ${CMAKE_CURRENT_LIST_DIR}/bench_storage.c)
target_link_libraries(bench_storage PRIVATE sky)

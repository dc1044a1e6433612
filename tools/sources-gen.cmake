# sky-gen: deterministic synthetic events (storage/gen.h) as CSV or NDJSON.
add_executable(sky-gen ${CMAKE_CURRENT_LIST_DIR}/sky-gen.c)
target_link_libraries(sky-gen PRIVATE sky)
set_target_properties(sky-gen PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

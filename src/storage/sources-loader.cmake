# LOAD's parsing half (CSV/NDJSON readers, the parallel whole-file path) and
# the deterministic event generator used by sky-gen, tests and benchmarks.
target_sources(sky PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/reader.c
  ${CMAKE_CURRENT_LIST_DIR}/csv.c
  ${CMAKE_CURRENT_LIST_DIR}/ndjson.c
  ${CMAKE_CURRENT_LIST_DIR}/readfile.c)
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/gen.c)

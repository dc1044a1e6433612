# The reference interpreter (the JIT's oracle), the query runner and the
# finalizer shared by both engines.
target_sources(sky PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/interp.c
  ${CMAKE_CURRENT_LIST_DIR}/interp_eval.c
  ${CMAKE_CURRENT_LIST_DIR}/finalize.c
  ${CMAKE_CURRENT_LIST_DIR}/select.c)

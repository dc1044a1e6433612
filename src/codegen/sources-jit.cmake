# The LLVM back end: compiled scans and the compiled-query cache (jit.h).
target_sources(sky PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/jit.c
  ${CMAKE_CURRENT_LIST_DIR}/jit_compile.c
  ${CMAKE_CURRENT_LIST_DIR}/jit_llvm.c
  ${CMAKE_CURRENT_LIST_DIR}/jit_loop.c
  ${CMAKE_CURRENT_LIST_DIR}/jit_expr.c
  ${CMAKE_CURRENT_LIST_DIR}/jit_agg.c
  ${CMAKE_CURRENT_LIST_DIR}/jit_path.c
  ${CMAKE_CURRENT_LIST_DIR}/jit_cohort.c
  ${CMAKE_CURRENT_LIST_DIR}/jit_object.c
  ${CMAKE_CURRENT_LIST_DIR}/jit_as_of.c)

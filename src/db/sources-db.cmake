# libsky's statement layer: the implementation of sky.h.
target_sources(sky PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/db.c
  ${CMAKE_CURRENT_LIST_DIR}/exec_ddl.c
  ${CMAKE_CURRENT_LIST_DIR}/exec_insert.c
  ${CMAKE_CURRENT_LIST_DIR}/exec_load.c
  ${CMAKE_CURRENT_LIST_DIR}/exec_read.c)

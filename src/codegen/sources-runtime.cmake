target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/groups.c ${CMAKE_CURRENT_LIST_DIR}/runtime.c)

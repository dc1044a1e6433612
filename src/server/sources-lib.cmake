target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/result.c)

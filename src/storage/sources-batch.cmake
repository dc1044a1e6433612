target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/schema.c ${CMAKE_CURRENT_LIST_DIR}/batch.c)

# Streaming partition reads: slices of whole objects decoded on the fly
# from the mapped segment (stream.h, docs/FORMAT.md section 9).
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/stream.c)

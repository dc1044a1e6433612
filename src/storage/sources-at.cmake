# A path read at an instant (AS OF): the events at or before it and the
# last event carrying a column.
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/chunk_at.c)

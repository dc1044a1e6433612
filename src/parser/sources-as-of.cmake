# SELECT ... AS OF ts (PATHS.md §6): the instant and what AS OF refuses.
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/bind_as_of.c)

# SELECT ... DURING t1 TO t2 [EVERY period] and duration() (PATHS.md §7):
# the plan's pieces, their instants and the misuse errors.
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/bind_during.c)

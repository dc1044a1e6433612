# STATE set times and lapses (PATHS.md §7 age(), §8 EXPIRES): age(p) and
# the plan's per-register lapse table.
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/bind_state.c)

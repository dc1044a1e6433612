# FUNNEL (PATHS.md §1): its binder, from the parsed statement to a plan of
# kind FUNNEL (the per-object steps and the entry rows' result columns).
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/bind_funnel.c)

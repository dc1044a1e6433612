# The path statements (PATHS.md): their binders, from the parsed statement
# to a plan (a per-object part and the entry rows' result columns), and
# what the engines ask of such a plan.
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/bind_funnel.c ${CMAKE_CURRENT_LIST_DIR}/bind_cohort.c
                           ${CMAKE_CURRENT_LIST_DIR}/bind_entry.c ${CMAKE_CURRENT_LIST_DIR}/plan_paths.c
                           ${CMAKE_CURRENT_LIST_DIR}/bind_paths.c)

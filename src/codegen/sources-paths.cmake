# The path statements (PATHS.md) on the interpreter's object walk: how each
# reads a matching event (path_walk.c), then one file per plan kind
# (FUNNEL: funnel.c; RETENTION, LIFECYCLE, STICKINESS: cohort.c; PATHS: paths.c).
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/path_walk.c ${CMAKE_CURRENT_LIST_DIR}/funnel.c
                           ${CMAKE_CURRENT_LIST_DIR}/funnel_machine.c ${CMAKE_CURRENT_LIST_DIR}/cohort.c
                           ${CMAKE_CURRENT_LIST_DIR}/paths.c)

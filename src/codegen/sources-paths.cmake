# The path statements (PATHS.md) on the interpreter's object walk: one file
# per plan kind, picked up by name (FUNNEL: funnel.c).
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/funnel.c ${CMAKE_CURRENT_LIST_DIR}/funnel_machine.c)

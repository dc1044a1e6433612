# next / prev / nth / dwell (PATHS.md §4): the shared resolver both engines
# call (pathfn.c) and the compiled scan's pre-pass (jit_pathfn.c).
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/pathfn.c ${CMAKE_CURRENT_LIST_DIR}/jit_pathfn.c)

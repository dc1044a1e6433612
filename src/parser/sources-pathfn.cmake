# next / prev / nth / dwell (PATHS.md §4): their binding.
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/bind_pathfn.c)

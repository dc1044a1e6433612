# sky-user: edits skyd's users file (add/del/list users with Argon2id hashes).
add_executable(sky-user ${CMAKE_CURRENT_LIST_DIR}/sky_user.c)
target_link_libraries(sky-user PRIVATE skyd_core)
set_target_properties(sky-user PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

# skyd, sky-shell and the code they share.
#
# skyd_core: everything of the server but main() (framing, requests,
# replies, settings, users, workers, connections, event loop), so that unit
# tests, the fuzz harness and sky-user link it. sky_client: the protocol
# client library and its JSON reply parser (sky-shell, tests, bench).
# Programs go to the top of the build tree, where tests look for them
# ($SKY_BUILD_DIR/skyd).
set(SKYD_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(skyd_core STATIC
  ${SKYD_DIR}/net_frame.c ${SKYD_DIR}/net_request.c ${SKYD_DIR}/net_reply.c
  ${SKYD_DIR}/server_config.c ${SKYD_DIR}/server_users.c ${SKYD_DIR}/server_workers.c
  ${SKYD_DIR}/server_log.c ${SKYD_DIR}/server_conn.c ${SKYD_DIR}/server_loop.c)
target_link_libraries(skyd_core PUBLIC sky)

add_library(sky_client STATIC ${SKYD_DIR}/client.c ${SKYD_DIR}/client_json.c ${SKYD_DIR}/shell_split.c
  ${SKYD_DIR}/tty.c)
target_link_libraries(sky_client PUBLIC sky)

if(SKY_FUZZ)
  target_compile_options(skyd_core PRIVATE -fsanitize=fuzzer-no-link)
  target_compile_options(sky_client PRIVATE -fsanitize=fuzzer-no-link)
endif()

add_executable(skyd ${SKYD_DIR}/skyd_main.c)
target_link_libraries(skyd PRIVATE skyd_core)

add_executable(sky-shell
  ${SKYD_DIR}/shell_main.c ${SKYD_DIR}/shell_session.c ${SKYD_DIR}/shell_print.c
  ${SKYD_DIR}/shell_edit.c ${SKYD_DIR}/shell_load.c)
target_link_libraries(sky-shell PRIVATE sky_client PkgConfig::EDIT)

set_target_properties(skyd sky-shell PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

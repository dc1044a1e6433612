# The query language's grammar (sky.y) and scanner (sky.l), generated into
# ${CMAKE_BINARY_DIR}/grammar (on libsky's include path) and compiled into
# libsky. Generated code is never committed. Bison runs with -Wall and fails
# on any warning, so a conflict or an unused rule breaks the build.
#
# The generating rules live in this directory while `sky` is defined at the
# top: a custom target carries the dependency across, and the generated
# files are marked GENERATED (and their warnings tuned) in the top scope.
set(SKY_GRAMMAR_OUT ${CMAKE_BINARY_DIR}/grammar)
file(MAKE_DIRECTORY ${SKY_GRAMMAR_OUT})

BISON_TARGET(sky_parser ${CMAKE_CURRENT_LIST_DIR}/sky.y ${SKY_GRAMMAR_OUT}/sky_parser.c
  DEFINES_FILE ${SKY_GRAMMAR_OUT}/sky_parser.h
  COMPILE_FLAGS "-Wall -Werror")
FLEX_TARGET(sky_lexer ${CMAKE_CURRENT_LIST_DIR}/sky.l ${SKY_GRAMMAR_OUT}/sky_lexer.c)
ADD_FLEX_BISON_DEPENDENCY(sky_lexer sky_parser)

add_custom_target(sky_grammar DEPENDS ${BISON_sky_parser_OUTPUTS} ${FLEX_sky_lexer_OUTPUTS})
add_dependencies(sky sky_grammar)
target_sources(sky PRIVATE ${BISON_sky_parser_OUTPUTS} ${FLEX_sky_lexer_OUTPUTS})
set_source_files_properties(${BISON_sky_parser_OUTPUTS} ${FLEX_sky_lexer_OUTPUTS}
  DIRECTORY ${CMAKE_SOURCE_DIR} PROPERTIES GENERATED TRUE)

# Generated code only: flex's skeleton compares signed and unsigned sizes
# and defines helpers this scanner does not call; Bison's counts errors it
# never reads (clang notices).
set_source_files_properties(${FLEX_sky_lexer_OUTPUTS} DIRECTORY ${CMAKE_SOURCE_DIR}
  PROPERTIES COMPILE_OPTIONS "-Wno-sign-compare;-Wno-unused-function;-Wno-unused-parameter")
set_source_files_properties(${BISON_sky_parser_OUTPUTS} DIRECTORY ${CMAKE_SOURCE_DIR}
  PROPERTIES COMPILE_OPTIONS "-Wno-unused-but-set-variable")

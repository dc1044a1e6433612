# The language front end: lexer helpers, AST, parser driver, binder, plan
# printer (EXPLAIN). The grammar itself is in grammar/sources-grammar.cmake.
target_sources(sky PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ast.c
  ${CMAKE_CURRENT_LIST_DIR}/funcs.c
  ${CMAKE_CURRENT_LIST_DIR}/lexer.c
  ${CMAKE_CURRENT_LIST_DIR}/parse.c
  ${CMAKE_CURRENT_LIST_DIR}/stmts.c
  ${CMAKE_CURRENT_LIST_DIR}/dump.c
  ${CMAKE_CURRENT_LIST_DIR}/bind.c
  ${CMAKE_CURRENT_LIST_DIR}/bind_util.c
  ${CMAKE_CURRENT_LIST_DIR}/bind_expr.c
  ${CMAKE_CURRENT_LIST_DIR}/bind_cmp.c
  ${CMAKE_CURRENT_LIST_DIR}/bind_call.c
  ${CMAKE_CURRENT_LIST_DIR}/plan_set.c
  ${CMAKE_CURRENT_LIST_DIR}/explain.c)
